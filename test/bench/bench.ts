// `npm run bench`: the doctor's wall time and peak memory per scenario on the fixture lab, beside
// the floor (one container create + start + exec + remove). The headline rows run the default
// command (go fetch and host probes on, the default --timeout): only what the lab needs is
// passed (its network, resolver, CA and names). Issue 15's dead-network rows follow at its
// --timeout 3; the secondary rows (--no-fetch --no-host, --timeout 2) also show a
// naive baseline (the same probes one after another with `docker run` + curl). Measures and
// prints; asserts nothing.
// stdout: the table only. Progress, per-run figures and the phase breakdown go to stderr.
// BENCH_RUNS (default 3) sets the repetitions; BENCH_BUILD=0 leaves out the Dockerfile scenarios;
// BENCH_SETTLE_MS (default 3000) is the pause before each measured run.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Report } from '../../src/model.js';
import { ensureEngine } from '../helpers/engine.js';
import { ensureDerivedImage, ensureFixtureImages, GOBUILDER_TAG } from '../helpers/fixtures.js';
import { type Lab, startLab } from '../helpers/lab.js';
import { cliFloorOnce, doctorPhases, floorOnce, median, type NaiveTarget, note, runDoctor, runNaive } from './measure.js';

const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 3) || 3);
const WITH_BUILD = process.env.BENCH_BUILD !== '0';
/** The secondary rows' --timeout (the headline rows pass none: the default, 5 s). */
const TIMEOUT_S = 2;
/** The doctor's default --timeout, which the headline rows (the default command) run with. */
const DEFAULT_TIMEOUT_S = 5;
/** The dead-network rows of issue 15's table, repeated at its --timeout 3. */
const ISSUE_TIMEOUT_S = 3;
const FLOOR_RUNS = 5;
// Every measured run starts on a settled machine, as a user's single run does: the kernel tears a
// removed container's network namespace down after the engine has answered, and a run started
// straight after another measured about 0.4 s slower on this 2-CPU machine.
const SETTLE_MS = Math.max(0, Number(process.env.BENCH_SETTLE_MS ?? 3000) || 0);
const settle = (): Promise<void> => new Promise((r) => setTimeout(r, SETTLE_MS));
const CANARY = 'rsc.io/quote@v1.5.2';
// The Dockerfile scenarios: the base image and 'build-ok' Dockerfile of test/e2e/dockerfile.test.ts.
const APP_TAG = 'gomod-doctor-fixture/gobuilder-app:1';
const APP_DOCKERFILE = `FROM ${GOBUILDER_TAG}\nRUN useradd -m -u 1000 app && chmod -R 0755 /go && chown -R root:root /go`;
const GO_MOD = 'module example.com/hello\n\ngo 1.19\n\nrequire rsc.io/quote v1.5.2\n';

type Rule = 'healthy' | 'blackholed' | 'half' | 'none' | 'default-healthy' | 'default-dead' | 'default-many' | 'issue-dead';

interface Scenario {
  name: string;
  rule: Rule;
  /** Doctor arguments (without --json). */
  args: string[];
  /** The resolver the doctor's host side uses (only matters without --no-host). */
  hostDns: string;
  cwd?: string;
  /** Headline: the default command (fetch and host probes on). */
  headline?: boolean;
  /** The --timeout the run uses, in seconds (the dead-network targets are one timeout + 2 floors + 1 s). */
  timeoutS: number;
  /** Lab state for this scenario (the silent resolver), and its undoing. */
  setup?: () => void;
  teardown?: () => void;
  /** The naive baseline's targets, or null when there is none to compare with. */
  naive: { targets: NaiveTarget[]; goDownload?: { env: string[]; module: string } } | null;
}

interface Row {
  scenario: Scenario;
  targets: number;
  doctorMs: number;
  rssKb: number;
  naiveMs: number | null;
  slowestMs: number;
  exitCodes: string;
  /** Every run's wall, for the spread. */
  walls: number[];
  /** When the report was on stdout (median), and every run's. */
  answerMs: number;
  answers: number[];
  /**
   * Headline and issue rows: a floor taken just before each run (settled too), so a ratio
   * compares a run with the engine as it was at that moment: this VM's speed drifts by 20 %
   * within minutes. The ratio is the median of wall / its floor.
   */
  pairedFloors: number[];
  ratio: number;
  /** The same with issue 15's own floor, `docker run --rm IMAGE true` through the CLI, taken just before too. */
  cliFloors: number[];
  cliRatio: number;
}

const hostOf = (target: string): string => {
  if (target.includes('://')) return new URL(target).hostname;
  return target.replace(/:\d+$/, '');
};

/** The slowest target's chain (DNS + TCP + TLS + HTTP, in sequence inside the agent), or the slowest e2e row. */
function slowestProbeMs(report: Report): number {
  const chains = new Map<string, number>();
  let slowest = 0;
  for (const c of report.checks) {
    if (c.ms === null || c.target === null) continue;
    if (['dns', 'tcp', 'tls', 'http'].includes(c.category)) {
      const h = hostOf(c.target);
      chains.set(h, (chains.get(h) ?? 0) + c.ms);
    } else if (c.category === 'e2e') {
      slowest = Math.max(slowest, c.ms);
    }
  }
  return Math.max(slowest, ...chains.values());
}

/** Distinct hosts the container probed (tcp.connect rows). */
const targetCount = (report: Report): number =>
  new Set(report.checks.filter((c) => c.id === 'tcp.connect' && c.target).map((c) => c.target)).size;

function scenarios(lab: Lab, projectDir: string | null): Scenario[] {
  const healthy = (n: number, prefix = 'ok'): NaiveTarget[] => Array.from({ length: n }, (_, i) => ({ name: `${prefix}${i + 1}.lab.test` }));
  const blackholed = (n: number): NaiveTarget[] => Array.from({ length: n }, (_, i) => ({ name: `bh${i + 1}.lab.test`, addHost: lab.blackhole }));
  // What the lab needs (no internet): its network, resolver, CA and names. The headline rows add
  // nothing else, so they run at the default --timeout; the secondary rows pass --timeout 2.
  const lab0 = ['--image', GOBUILDER_TAG, '--network', lab.network, '--dns', lab.gateway, '--ca-cert', lab.caFile, '--no-default-targets'];
  const common = [...lab0, '--timeout', String(TIMEOUT_S)];
  const probes = (ts: NaiveTarget[]): string[] =>
    ts.flatMap((t) => [...(t.addHost ? ['--add-host', `${t.name}:${t.addHost}`] : []), '--probe', `https://${t.name}`]);
  // GOPROXY names the first target and GOSUMDB is off, so the image's own go env adds no other
  // target: the probed set is exactly the scenario's names.
  const probeOnly = (ts: NaiveTarget[]): string[] => [...common, '--no-host', '--no-fetch', '-e', `GOPROXY=https://${ts[0]!.name}`, '-e', 'GOSUMDB=off', ...probes(ts)];
  const h5 = healthy(5);
  const b5 = blackholed(5);
  const half = [...healthy(3), ...blackholed(3)];
  const h20 = healthy(20);
  const fetchEnv = [`GOPROXY=https://${h5[0]!.name}`, `GOSUMDB=${lab.sumdb.gosumdb}`];
  // The default command: what a user types. GOPROXY names the first target then direct, as
  // the go command's default list does; GOSUMDB the lab's checksum database. Host probes resolve
  // through the lab DNS.
  const sumdbEnv = ['-e', `GOSUMDB=${lab.sumdb.gosumdb}`];
  const byDefault = (ts: NaiveTarget[], extra: string[] = []): string[] => [...lab0, '-e', `GOPROXY=https://${ts[0]!.name},direct`, ...sumdbEnv, ...extra, ...probes(ts)];
  const blackholedSumdb = ['--add-host', `${lab.sumdb.name}:${lab.blackhole}`];
  // Every name, the lab's and any other: the resolver never answers.
  const silent = {
    setup: () => {
      lab.dns.set('*.lab.test', 'silent');
      lab.dns.set('*', 'silent');
    },
    teardown: () => lab.dns.reset(),
  };
  const D = DEFAULT_TIMEOUT_S;
  const I = ISSUE_TIMEOUT_S;
  const issueTimeout = ['--timeout', String(I)];
  const headline: Scenario[] = [
    { name: 'default: healthy', rule: 'default-healthy', headline: true, timeoutS: D, args: byDefault(h5), hostDns: lab.gateway, naive: null },
    { name: 'default: all blackholed', rule: 'default-dead', headline: true, timeoutS: D, args: byDefault(b5, blackholedSumdb), hostDns: lab.gateway, naive: null },
    { name: 'default: silent DNS', rule: 'default-dead', headline: true, timeoutS: D, args: byDefault(h5), hostDns: lab.gateway, ...silent, naive: null },
    { name: 'default: 20 targets', rule: 'default-many', headline: true, timeoutS: D, args: byDefault(h20), hostDns: lab.gateway, naive: null },
  ];
  const list: Scenario[] = [
    ...headline,
    // Issue 15's table: the default command at --timeout 3.
    { name: `default, --timeout ${I}: all blackholed`, rule: 'issue-dead', timeoutS: I, args: byDefault(b5, [...blackholedSumdb, ...issueTimeout]), hostDns: lab.gateway, naive: null },
    { name: `default, --timeout ${I}: silent DNS`, rule: 'issue-dead', timeoutS: I, args: byDefault(h5, issueTimeout), hostDns: lab.gateway, ...silent, naive: null },
    { name: 'all healthy', rule: 'healthy', timeoutS: TIMEOUT_S, args: probeOnly(h5), hostDns: '127.0.0.1', naive: { targets: h5 } },
    { name: 'all blackholed', rule: 'blackholed', timeoutS: TIMEOUT_S, args: probeOnly(b5), hostDns: '127.0.0.1', naive: { targets: b5 } },
    { name: 'half blackholed', rule: 'half', timeoutS: TIMEOUT_S, args: probeOnly(half), hostDns: '127.0.0.1', naive: { targets: half } },
    { name: '20 targets', rule: 'healthy', timeoutS: TIMEOUT_S, args: probeOnly(h20), hostDns: '127.0.0.1', naive: { targets: h20 } },
    {
      name: 'healthy + fetch',
      rule: 'healthy',
      timeoutS: TIMEOUT_S,
      args: [...common, '--no-host', '--fetch', ...fetchEnv.flatMap((e) => ['-e', e]), ...probes(h5)],
      hostDns: '127.0.0.1',
      naive: { targets: [...h5, { name: lab.sumdb.name }], goDownload: { env: fetchEnv, module: CANARY } },
    },
    {
      // The host side resolves through the lab DNS (the resolv.conf of its mount namespace).
      name: 'healthy + host probes',
      rule: 'healthy',
      timeoutS: TIMEOUT_S,
      args: [...common, '--no-fetch', '-e', `GOPROXY=https://${h5[0]!.name}`, '-e', 'GOSUMDB=off', ...probes(h5)],
      hostDns: lab.gateway,
      naive: null,
    },
  ];
  if (projectDir) {
    // A build has no --dns: the names come from --add-host, as in the e2e test.
    const df = ['-f', join(projectDir, 'Dockerfile'), '--context', projectDir, '--network', lab.network, '--add-host', `proxy.golang.org:${lab.gateway}`, '--add-host', `${lab.sumdb.name}:${lab.gateway}`, '--ca-cert', lab.caFile, '--no-default-targets', '--no-host', '--timeout', String(TIMEOUT_S)];
    list.push(
      { name: 'Dockerfile, run mode', rule: 'none', timeoutS: TIMEOUT_S, args: df, hostDns: '127.0.0.1', naive: null },
      { name: 'Dockerfile, --mode build', rule: 'none', timeoutS: TIMEOUT_S, args: [...df, '--mode', 'build'], hostDns: '127.0.0.1', naive: null },
    );
  }
  return list;
}

function buildProject(lab: Lab): string {
  const dir = mkdtempSync(join(tmpdir(), 'gmd-bench-project-'));
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'Dockerfile'),
    `FROM ${APP_TAG}\nCOPY lab-ca.crt /usr/local/share/ca-certificates/lab-ca.crt\nRUN update-ca-certificates\nENV GOPROXY=https://proxy.golang.org GOSUMDB="${lab.sumdb.gosumdb}"\nUSER app\nENV GOPATH=/home/app/go\nWORKDIR /home/app/src\nCOPY go.mod go.sum ./\nRUN go mod download\n`,
  );
  writeFileSync(join(dir, 'lab-ca.crt'), lab.caPem);
  writeFileSync(join(dir, 'go.mod'), GO_MOD);
  writeFileSync(join(dir, 'go.sum'), '');
  writeFileSync(join(dir, 'main.go'), 'package main\n\nfunc main() {}\n');
  return dir;
}

const s = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
const mb = (kb: number): string => `${(kb / 1024).toFixed(1)} MB`;

/** The issue's targets for the default command: dead networks within one timeout + 2 floors + 1 s, healthy within 3 floors. */
function defaultTarget(row: Row, rows: Row[]): string {
  const t = row.scenario.timeoutS * 1000;
  const floorMs = median(row.pairedFloors);
  if (row.scenario.rule === 'default-dead' || row.scenario.rule === 'issue-dead') {
    const limit = t + 2 * floorMs + 1000;
    return `${row.doctorMs <= limit ? 'yes' : 'no'} (≤ ${s(limit)}); report ${row.answerMs <= limit ? 'yes' : 'no'}`;
  }
  if (row.scenario.rule === 'default-healthy') {
    return `docker run --rm floor: ${row.cliRatio <= 3 ? 'yes' : 'no'} (${row.cliRatio.toFixed(2)} ≤ 3); in-process floor: ${row.ratio <= 3 ? 'yes' : 'no'} (${row.ratio.toFixed(2)})`;
  }
  const base = rows.find((r) => r.scenario.rule === 'default-healthy');
  if (!base) return '—';
  const d = row.rssKb - base.rssKb;
  return `RSS ${d >= 0 ? '+' : ''}${(d / 1024).toFixed(1)} MB vs 5 targets (${Math.abs(d) <= 0.1 * base.rssKb ? 'flat' : 'not flat'})`;
}

function headlineTable(rows: Row[]): string {
  const head = ['scenario (default command)', 'targets', 'wall (median)', 'spread', 'report at (spread)', 'peak RSS', 'paired floor (spread)', 'ratio', '`docker run --rm` floor (spread)', 'ratio', 'exit', 'target met?'];
  const spread = (xs: number[]) => `${s(Math.min(...xs))}–${s(Math.max(...xs))}`;
  const body = rows.map((r) => [r.scenario.name, String(r.targets), s(r.doctorMs), spread(r.walls), `${s(r.answerMs)} (${spread(r.answers)})`, mb(r.rssKb), `${s(median(r.pairedFloors))} (${spread(r.pairedFloors)})`, `${r.ratio.toFixed(2)} ×`, `${s(median(r.cliFloors))} (${spread(r.cliFloors)})`, `${r.cliRatio.toFixed(2)} ×`, r.exitCodes, defaultTarget(r, rows)]);
  return render(head, body);
}

function render(head: string[], body: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]): string => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...body.map(line)].join('\n') + '\n';
}

function verdict(row: Row, floorMs: number, rows: Row[]): string {
  const t = TIMEOUT_S * 1000;
  let limit: number | null = null;
  if (row.scenario.rule === 'healthy') limit = 1.5 * floorMs + row.slowestMs;
  else if (row.scenario.rule === 'blackholed') limit = t + floorMs;
  else if (row.scenario.rule === 'half') limit = 1.5 * floorMs + t;
  let out = limit === null ? '—' : `${row.doctorMs <= limit ? 'yes' : 'no'} (≤ ${s(limit)})`;
  if (row.scenario.name === '20 targets') {
    const base = rows.find((r) => r.scenario.name === 'all healthy');
    if (base) {
      const d = row.rssKb - base.rssKb;
      out += `; RSS ${d >= 0 ? '+' : ''}${(d / 1024).toFixed(1)} MB vs 5 targets (${Math.abs(d) <= 0.1 * base.rssKb ? 'flat' : 'not flat'})`;
    }
  }
  return out;
}

function table(rows: Row[], floorMs: number): string {
  const head = ['scenario', 'targets', 'doctor wall (median)', 'doctor peak RSS', 'naive wall', 'floor', 'slowest probe', 'target met?'];
  const body = rows.map((r) => [
    r.scenario.name,
    String(r.targets),
    s(r.doctorMs),
    mb(r.rssKb),
    r.naiveMs === null ? '—' : s(r.naiveMs),
    s(floorMs),
    r.scenario.rule === 'blackholed' || r.scenario.rule === 'half' ? `${s(r.slowestMs)} (timeout ${TIMEOUT_S} s)` : s(r.slowestMs),
    verdict(r, floorMs, rows),
  ]);
  return render(head, body);
}

async function main(lab: Lab, projectDir: string | null): Promise<void> {
  // Floor first, on a quiet engine: median of FLOOR_RUNS after one warm-up.
  await floorOnce(GOBUILDER_TAG, lab.network);
  const floors: number[] = [];
  for (let i = 0; i < FLOOR_RUNS; i++) {
    await settle();
    floors.push(await floorOnce(GOBUILDER_TAG, lab.network));
  }
  const floorMs = median(floors);
  note(`floor: ${floors.map((f) => s(f)).join(', ')} → median ${s(floorMs)}`);

  const list = scenarios(lab, projectDir);
  // Warm-up (not counted): page cache, image layers, the build cache of the Dockerfile scenarios.
  await runDoctor(list[0]!.args, { hostDns: '127.0.0.1' });
  if (projectDir) await runDoctor(list[list.length - 1]!.args, { hostDns: '127.0.0.1', timeoutMs: 300_000 });

  const rows: Row[] = [];
  for (const sc of list) {
    sc.setup?.();
    const wall: number[] = [];
    const answers: number[] = [];
    const rss: number[] = [];
    const slow: number[] = [];
    const naive: number[] = [];
    const codes: string[] = [];
    let targets = 0;
    const pairedFloors: number[] = [];
    const ratios: number[] = [];
    const cliFloors: number[] = [];
    const cliRatios: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      if (sc.headline || sc.rule === 'issue-dead') {
        await settle();
        pairedFloors.push(await floorOnce(GOBUILDER_TAG, lab.network));
        await settle();
        cliFloors.push(await cliFloorOnce(GOBUILDER_TAG, lab.network));
      }
      await settle();
      const d = await runDoctor(sc.args, { hostDns: sc.hostDns, cwd: sc.cwd, timeoutMs: 300_000 });
      if (pairedFloors.length) ratios.push(d.wallMs / pairedFloors[pairedFloors.length - 1]!);
      if (cliFloors.length) cliRatios.push(d.wallMs / cliFloors[cliFloors.length - 1]!);
      wall.push(d.wallMs);
      answers.push(d.answerMs);
      rss.push(d.maxRssKb);
      slow.push(slowestProbeMs(d.report));
      codes.push(String(d.code));
      targets = targetCount(d.report);
      let naiveNote = '';
      if (sc.naive) {
        await settle();
        const n = await runNaive(sc.naive.targets, {
          network: lab.network,
          dns: lab.gateway,
          image: GOBUILDER_TAG,
          caFile: lab.caFile,
          timeoutS: TIMEOUT_S,
          goDownload: sc.naive.goDownload,
        });
        naive.push(n.wallMs);
        naiveNote = `; naive ${s(n.wallMs)} [${[...new Set(n.results.map((x) => x.replace(/^[^=]*\d+\.lab\.test=/, 'lab=')))].join(' ')}]`;
      }
      note(
        `${sc.name} #${i + 1}: ${pairedFloors.length ? `floor ${s(pairedFloors[pairedFloors.length - 1]!)} (docker run --rm ${s(cliFloors[cliFloors.length - 1]!)}), ` : ''}doctor ${s(d.wallMs)} (on stdout at ${s(d.answerMs)}; report ${s(d.report.durationMs)}, exit ${d.code}, ${d.report.summary.pass} pass/${d.report.summary.fail} fail) rss ${mb(d.maxRssKb)} slowest ${s(slowestProbeMs(d.report))}${naiveNote}`,
      );
    }
    sc.teardown?.();
    rows.push({
      walls: wall,
      answers,
      answerMs: median(answers),
      scenario: sc,
      targets,
      doctorMs: median(wall),
      rssKb: median(rss),
      naiveMs: naive.length ? median(naive) : null,
      slowestMs: median(slow),
      exitCodes: codes.join(','),
      pairedFloors,
      ratio: ratios.length ? median(ratios) : NaN,
      cliFloors,
      cliRatio: cliRatios.length ? median(cliRatios) : NaN,
    });
  }

  // Where the time of one healthy run goes: the engine calls, as offsets from the spawn.
  for (const sc of list.slice(0, 3)) {
    sc.setup?.();
    await settle();
    const phases = await doctorPhases(sc.args, sc.hostDns);
    sc.teardown?.();
    note(`phases of one '${sc.name}' run (ms from spawn): ${phases.map((p) => `${Math.round(p.atMs)} ${p.what}`).join(' · ')}`);
  }

  process.stdout.write(`${RUNS} runs per scenario; the default command at its default --timeout (${DEFAULT_TIMEOUT_S} s)\n\n`);
  process.stdout.write(headlineTable(rows.filter((r) => r.scenario.headline)));
  process.stdout.write(`\nissue 15's dead-network rows: the default command at --timeout ${ISSUE_TIMEOUT_S}\n\n`);
  process.stdout.write(headlineTable(rows.filter((r) => r.scenario.rule === 'issue-dead')));
  process.stdout.write(`\nsecondary rows (--no-fetch --no-host unless named), --timeout ${TIMEOUT_S}\n\n`);
  process.stdout.write(table(rows.filter((r) => !r.scenario.headline && r.scenario.rule !== 'issue-dead'), floorMs));
}

let lab: Lab | undefined;
let projectDir: string | null = null;
let cleaning: Promise<void> | undefined;
const cleanup = (): Promise<void> =>
  (cleaning ??= (async () => {
    if (projectDir) rmSync(projectDir, { recursive: true, force: true });
    await lab?.stop().catch((err: unknown) => note(`lab stop: ${String(err)}`));
  })());

for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    note(`${sig}: stopping the lab`);
    void cleanup().finally(() => process.exit(130));
  });
}

try {
  await ensureEngine();
  await ensureFixtureImages();
  lab = await startLab();
  if (WITH_BUILD) {
    await ensureDerivedImage(APP_TAG, APP_DOCKERFILE);
    projectDir = buildProject(lab);
  }
  note(`lab ${lab.network} (gateway ${lab.gateway}, blackhole ${lab.blackhole}); ${RUNS} runs per scenario`);
  await main(lab, projectDir);
} catch (err) {
  note(`failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
  process.exitCode = 1;
} finally {
  await cleanup();
}
