// Measurement helpers for `npm run bench`: the doctor under GNU time, the naive `docker run` +
// curl baseline, and the floor (one container create + start + exec + remove).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Report } from '../../src/model.js';
import { BIN, type CliRun, PROXY_VARS, resolvConfFor, spawnCollect } from '../helpers/cli.js';
import { docker } from '../helpers/engine.js';
import { TEST_LABEL } from '../helpers/lab.js';

/** Progress and diagnostics go to stderr: stdout carries the table only. */
export const note = (msg: string): void => void process.stderr.write(`bench: ${msg}\n`);

export function median(xs: number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Spawn and collect; wall time from spawn to close. */
function run(cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {}): Promise<CliRun> {
  return spawnCollect(cmd, args, { ...opts, timeoutMs: opts.timeoutMs ?? 180_000, label: `${cmd} ${args.slice(0, 6).join(' ')} ...` });
}


function doctorEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const { FORCE_COLOR: _f, DEBUG: _d, ...env } = process.env;
  for (const v of PROXY_VARS) delete env[v];
  return { ...env, CI: 'true', NO_COLOR: '1', ...extra };
}

export interface DoctorRun {
  code: number | null;
  wallMs: number;
  /** From the spawn to the last stdout bytes: when the user has the report (the process may still be removing the container). */
  answerMs: number;
  /** Peak resident set size of the doctor's node process, in KiB (GNU time %M). */
  maxRssKb: number;
  report: Report;
  stderr: string;
}

/**
 * Run the bin as test/helpers/cli.ts does (private mount namespace, resolv.conf naming `hostDns`),
 * under GNU time for the peak RSS, with --json so the rows can be read.
 */
export async function runDoctor(args: string[], opts: { hostDns: string; cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<DoctorRun> {
  const dir = mkdtempSync(join(tmpdir(), 'gmd-bench-'));
  const timeFile = join(dir, 'time');
  try {
    const resolv = resolvConfFor(opts.hostDns);
    const r = await spawnTimed(
      'unshare',
      ['-m', 'sh', '-c', 'mount --bind "$0" /etc/resolv.conf && exec "$@"', resolv, '/usr/bin/time', '-f', '%M', '-o', timeFile, process.execPath, BIN, ...args, '--json'],
      { env: doctorEnv(opts.env), cwd: opts.cwd, timeoutMs: opts.timeoutMs ?? 180_000 },
    );
    // GNU time writes "Command exited with non-zero status N" before the format line.
    const lines = readFileSync(timeFile, 'utf8').trim().split('\n');
    const maxRssKb = Number(lines[lines.length - 1]);
    let report: Report;
    try {
      report = JSON.parse(r.stdout) as Report;
    } catch {
      throw new Error(`doctor stdout is not JSON (exit ${r.code}): ${r.stdout.slice(0, 300)} / stderr: ${r.stderr.slice(-500)}`);
    }
    return { code: r.code, wallMs: r.ms, answerMs: r.answerMs, maxRssKb, report, stderr: r.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Spawn and collect, as spawnCollect does, also timing the last stdout bytes. */
function spawnTimed(cmd: string, args: string[], opts: { env: NodeJS.ProcessEnv; cwd?: string; timeoutMs: number }): Promise<CliRun & { answerMs: number }> {
  const t0 = process.hrtime.bigint();
  const since = () => Number(process.hrtime.bigint() - t0) / 1e6;
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: opts.env, cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let answerMs = NaN;
    child.stdout.on('data', (c) => {
      stdout += c;
      answerMs = since();
    });
    child.stderr.on('data', (c) => (stderr += c));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${cmd} ${args.slice(0, 6).join(' ')} ... did not finish in ${opts.timeoutMs} ms`));
    }, opts.timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: since(), answerMs });
    });
  });
}

/** The doctor once more with --debug: engine calls with timestamps, as offsets from the spawn. */
export async function doctorPhases(args: string[], hostDns: string): Promise<Array<{ atMs: number; what: string }>> {
  const resolv = resolvConfFor(hostDns);
  const t0 = Date.now();
  const r = await spawnTimed('unshare', ['-m', 'sh', '-c', 'mount --bind "$0" /etc/resolv.conf && exec "$@"', resolv, process.execPath, BIN, ...args, '--json', '--debug'], {
    env: doctorEnv(),
    timeoutMs: 180_000,
  });
  const out: Array<{ atMs: number; what: string }> = [];
  for (const line of r.stderr.split('\n')) {
    // debug without a TTY: "2025-01-01T00:00:00.000Z gomod-doctor:engine what"
    const m = /^(\d{4}-\d\d-\d\dT[\d:.]+Z) gomod-doctor:\S+ (.*)$/.exec(line.trim());
    if (m) out.push({ atMs: Date.parse(m[1]!) - t0, what: m[2]! });
  }
  out.push({ atMs: r.answerMs, what: 'report on stdout' }, { atMs: r.ms, what: 'process exit' });
  out.sort((a, b) => a.atMs - b.atMs);
  return out;
}

/** Wall time of the docker CLI running one command to completion. */
export async function dockerCli(args: string[], timeoutMs = 120_000): Promise<CliRun> {
  const { DOCKER_BUILDKIT: _b, ...env } = process.env;
  for (const v of PROXY_VARS) delete env[v];
  return run('docker', args, { env, timeoutMs });
}

export interface NaiveTarget {
  name: string;
  /** --add-host NAME:IP for this target (blackholed names), or none: the lab DNS answers. */
  addHost?: string;
}

export interface NaiveOptions {
  network: string;
  dns: string;
  image: string;
  caFile: string;
  timeoutS: number;
  /** After the probes: one container running the go command's download, as a person would try next. */
  goDownload?: { env: string[]; module: string };
}

/**
 * The baseline: what a reader of the field guide does by hand, one container per target, one
 * after another: `getent ahosts NAME; curl https://NAME/rsc.io/quote/@v/list`.
 */
export async function runNaive(targets: NaiveTarget[], o: NaiveOptions): Promise<{ wallMs: number; results: string[] }> {
  const t0 = process.hrtime.bigint();
  const results: string[] = [];
  const common = ['run', '--rm', '--label', `${TEST_LABEL}=1`, '--network', o.network, '--dns', o.dns, '-v', `${o.caFile}:/ca.pem:ro`];
  for (const t of targets) {
    const script = `getent ahosts "$0" >/dev/null || echo nodns; curl -sS --max-time ${o.timeoutS} --cacert /ca.pem -o /dev/null -w '%{http_code}' "https://$0/rsc.io/quote/@v/list"`;
    const r = await dockerCli([...common, ...(t.addHost ? ['--add-host', `${t.name}:${t.addHost}`] : []), o.image, 'sh', '-c', script, t.name]);
    results.push(`${t.name}=${r.stdout.trim() || `exit ${r.code}`}`);
  }
  if (o.goDownload) {
    const env = [...o.goDownload.env, 'SSL_CERT_FILE=/ca.pem', 'GOFLAGS=-modcacherw'].flatMap((e) => ['-e', e]);
    const r = await dockerCli([...common, ...env, o.image, 'go', 'mod', 'download', '-json', o.goDownload.module]);
    results.push(`go mod download=${r.code === 0 ? 'ok' : `exit ${r.code}: ${(r.stdout + r.stderr).trim().split('\n').slice(-1)[0]}`}`);
  }
  return { wallMs: Number(process.hrtime.bigint() - t0) / 1e6, results };
}

/** The floor: one container create + start + exec `true` + remove through the engine API. */
export async function floorOnce(image: string, network: string): Promise<number> {
  const d = docker();
  const t0 = process.hrtime.bigint();
  const c = await d.createContainer({
    Image: image,
    Cmd: ['sleep', '600'],
    Labels: { [TEST_LABEL]: '1' },
    HostConfig: { NetworkMode: network },
  });
  try {
    await c.start();
    const exec = await c.exec({ Cmd: ['true'], AttachStdout: true, AttachStderr: true });
    const stream = await exec.start({ hijack: true, stdin: false });
    await new Promise<void>((resolve, reject) => {
      stream.on('end', () => resolve());
      stream.on('close', () => resolve());
      stream.on('error', reject);
      stream.resume();
    });
    const info = await exec.inspect();
    if (info.ExitCode !== 0) throw new Error(`floor exec exited ${info.ExitCode}`);
  } finally {
    await c.remove({ force: true, v: true });
  }
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

/**
 * The floor as issue 15 names it, as a user types it: `docker run --rm --network N IMAGE true`
 * through the docker CLI, from spawn to exit (the CLI's own start included, as node's is in
 * the doctor's wall).
 */
export async function cliFloorOnce(image: string, network: string): Promise<number> {
  const r = await dockerCli(['run', '--rm', '--label', `${TEST_LABEL}=1`, '--network', network, image, 'true']);
  if (r.code !== 0) throw new Error(`docker run --rm ${image} true exited ${r.code}: ${r.stderr.slice(-300)}`);
  return r.ms;
}
