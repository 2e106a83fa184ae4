/**
 * Under faults, on the real engine: the doctor killed at each stage, the engine dropping
 * the connection mid-run, a container that exits early, hostile values, two doctors at
 * once. Containers are counted before and after; a killed run's leftovers go with the next
 * run's sweep, and nothing else does. Isolation is read off the running container, and the
 * engine's images, volumes and a mounted cache are compared before and after.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { Writable } from 'node:stream';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as assert from 'uvu/assert';
import { suite } from 'uvu';
import { LABEL_PID, LABEL_STARTED, LABEL_TOOL } from '../../src/engine/types.js';
import { BIN, runCli, runJson } from '../helpers/cli.js';
import { docker } from '../helpers/engine.js';
import { engineFront } from '../helpers/engine-front.js';
import { probeContainersLeft } from '../helpers/probe-containers.js';
import { BUSYBOX_TAG, ensureDerivedImage, GOBUILDER_TAG } from '../helpers/fixtures.js';
import { type Lab, startLab } from '../helpers/lab.js';
import { loud } from '../helpers/timeout.js';

const ours = async () => docker().listContainers({ all: true, filters: { label: [`${LABEL_TOOL}=gomod-doctor`] } });
/** The probe container of the doctor process `pid`, once it exists (in the given state, if any). */
const containerOf = async (pid: number | undefined, state?: string) =>
  (await ours()).find((c) => c.Labels[LABEL_PID] === String(pid) && (!state || c.State === state));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor<T>(what: string, probe: () => Promise<T | null | undefined | false>, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

/** The doctor as a long-running child (a blackholed target, a long timeout): killed by the tests. */
function startDoctor(lab: Lab, extra: string[] = [], env: NodeJS.ProcessEnv = {}): { child: ChildProcess; exited: Promise<number | null>; stderr: () => string } {
  const child = spawn(process.execPath, [BIN, '--image', BUSYBOX_TAG, '--dns', lab.gateway, '--no-default-targets', '--no-host', '--timeout', '30', '--probe', `${lab.blackhole}:443`, ...extra], {
    env: { ...process.env, CI: 'true', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr!.on('data', (c) => (err += c));
  child.stdout!.resume();
  return { child, exited: new Promise((res) => child.on('close', (code) => res(code))), stderr: () => err };
}

/** A quick run whose sweep removes what killed runs left behind (its own verdict does not matter here). */
async function quickRun(lab: Lab) {
  const r = await runCli(['--image', BUSYBOX_TAG, '--dns', lab.gateway, '--no-default-targets', '--no-host', '--timeout', '2', '-e', 'GOSUMDB=off', '--probe', `proxy.lab.test:${lab.ports.https}`]);
  assert.ok(r.code === 0 || r.code === 1, `the sweeping run itself must finish: ${r.stderr}`);
  return r;
}

const test = suite<{ lab: Lab; dir: string }>('reliability e2e');

test.before(loud('reliability', async (ctx) => {
  // A run of this suite that was itself killed may have left probe containers: start clean.
  for (const c of await ours()) await docker().getContainer(c.Id).remove({ force: true });
  ctx.lab = await startLab();
  ctx.dir = mkdtempSync(join(tmpdir(), 'gmd-rel-'));
}));
test.after(async (ctx) => {
  await ctx.lab?.stop();
  if (ctx.dir) rmSync(ctx.dir, { recursive: true, force: true });
});
test.after.each(loud('reliability after each', async () => {
  assert.is((await probeContainersLeft()).length, 0, 'a probe container was left behind');
}));

test('killed at each stage: SIGINT/SIGTERM remove the container themselves; SIGKILL leftovers go with the next run, and nothing else does', async ({ lab }) => {
  // Not ours, and ours but alive and recent: the sweep must leave both.
  const stranger = await docker().createContainer({ Image: BUSYBOX_TAG, Cmd: ['true'], Labels: { 'org.example.team': 'build' } });
  const aliveOurs = await docker().createContainer({ Image: BUSYBOX_TAG, Cmd: ['true'], Labels: { [LABEL_TOOL]: 'gomod-doctor', [LABEL_PID]: String(process.pid), [LABEL_STARTED]: String(Date.now()) } });
  try {
    for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
      const d = startDoctor(lab);
      await waitFor('the probe container', () => containerOf(d.child.pid, 'running'));
      d.child.kill(signal);
      assert.is(await d.exited, code, `${signal}: ${d.stderr()}`);
      assert.equal((await ours()).map((c) => c.Id), [aliveOurs.id], `${signal} left its container`);
    }
    // SIGKILL right after create (before start) and mid-probe: the container outlives the doctor.
    for (const state of ['created', 'running']) {
      const d = startDoctor(lab);
      await waitFor(`a ${state} probe container`, () => containerOf(d.child.pid, state === 'running' ? 'running' : undefined), 20_000);
      d.child.kill('SIGKILL');
      await d.exited;
      assert.is((await ours()).length, 2, `the SIGKILLed run (${state}) leaves its container`);
      await quickRun(lab);
      // The quick run's own container goes by the engine's AutoRemove, after the run exits.
      assert.equal((await probeContainersLeft([aliveOurs.id])).map((c) => c.Id), [aliveOurs.id], 'the next run swept the leftover and nothing else');
    }
    assert.ok(await docker().getContainer(stranger.id).inspect(), 'an unrelated container is untouched');
  } finally {
    await docker().getContainer(stranger.id).remove({ force: true });
    await docker().getContainer(aliveOurs.id).remove({ force: true });
  }
});

test('the engine drops the connection mid-run: one line, exit 3; the next run removes the orphan', async ({ lab, dir }) => {
  const front = await engineFront(join(dir, 'engine.sock'));
  try {
    const d = startDoctor(lab, [], { DOCKER_HOST: front.dockerHost });
    await waitFor('the probe container', () => containerOf(d.child.pid, 'running'));
    await sleep(500);
    // The engine goes away for the doctor: every connection cut, no new ones accepted.
    front.cut();
    const code = await Promise.race([d.exited, sleep(40_000).then(() => 'hung')]);
    assert.is(code, 3, d.stderr());
    assert.match(d.stderr(), /^gomod-doctor: /);
    assert.not.match(d.stderr(), /\n\s+at .+:\d+:\d+/);
  } finally {
    await front.close();
  }
  await quickRun(lab);
});

/** Run a shell line in a throwaway busybox with the volume at /v; its stdout. */
async function inVolume(volume: string, line: string): Promise<string> {
  let out = '';
  const sink = new Writable({ write: (c, _e, done) => ((out += String(c)), done()) });
  // A TTY: the output comes as it is, not in the engine's multiplexed frames.
  await docker().run(BUSYBOX_TAG, ['sh', '-c', line], sink, { Tty: true, HostConfig: { Binds: [`${volume}:/v`], AutoRemove: true } });
  return out.replace(/\r/g, '');
}

test('isolation: no privileges, the default seccomp profile, bounded memory/CPU/pids, only the mounts asked for; images, volumes and the mounted cache unchanged', async ({ lab }) => {
  const volume = `gmd-rel-cache-${process.pid}`;
  await docker().createVolume({ Name: volume });
  try {
    await inVolume(volume, 'echo "the team cache" > /v/keep');
    const imagesBefore = (await docker().listImages({ all: true })).map((i) => `${i.Id} ${(i.RepoTags ?? []).join(',')}`).sort();
    const volumesBefore = ((await docker().listVolumes()).Volumes ?? []).map((v) => v.Name).sort();
    const d = startDoctor(lab, ['--volume', `${volume}:/go/pkg/mod`]);
    const c = await waitFor('the probe container', () => containerOf(d.child.pid, 'running'));
    const info = await docker().getContainer(c.Id).inspect();
    const hc = info.HostConfig;
    assert.is(hc.Privileged, false);
    assert.equal(hc.CapAdd ?? [], []);
    assert.equal(hc.SecurityOpt, ['no-new-privileges']);
    assert.ok(!(hc.SecurityOpt ?? []).some((o: string) => /seccomp|apparmor=unconfined/.test(o)), 'the default seccomp profile applies');
    assert.is(hc.Memory, 512 * 1024 * 1024);
    // Two CPUs (a CFS quota: on an engine with one CPU it bounds nothing, as it should not).
    assert.equal([hc.CpuQuota, hc.CpuPeriod], [200_000, 100_000]);
    assert.is(hc.PidsLimit, 512);
    // The engine removes it once it exits, anonymous volumes included, even after the doctor is gone.
    assert.is(hc.AutoRemove, true);
    assert.equal(info.Mounts.map((m) => `${m.Type}:${m.Name ?? m.Source}->${m.Destination}`), [`volume:${volume}->/go/pkg/mod`]);
    assert.is(hc.NetworkMode, 'default');
    d.child.kill('SIGINT');
    assert.is(await d.exited, 130);
    // A full run with the cache mounted writable: it writes a temp file there and removes it.
    const r = await runJson(['--image', GOBUILDER_TAG, '--dns', lab.gateway, '--no-default-targets', '--no-host', '--no-fetch', '--volume', `${volume}:/go/pkg/mod`, '--timeout', '2']);
    assert.ok(r.report.checks.some((x) => x.id === 'fs.writable' && (x.target ?? '').includes('/go/pkg/mod') && x.status === 'pass'));
    assert.is((await probeContainersLeft()).length, 0, 'the probe container is removed');
    assert.is(await inVolume(volume, 'ls -A /v; cat /v/keep'), 'keep\nthe team cache\n', 'the mounted cache holds what it held');
    assert.equal((await docker().listImages({ all: true })).map((i) => `${i.Id} ${(i.RepoTags ?? []).join(',')}`).sort(), imagesBefore, 'images unchanged');
    assert.equal(((await docker().listVolumes()).Volumes ?? []).map((v) => v.Name).sort(), volumesBefore, 'volumes unchanged');
  } finally {
    await docker().getVolume(volume).remove({ force: true }).catch(() => undefined);
  }
});

test('hostile values reach the container literally, never through a shell; odd image names are one-line usage errors', async ({ lab, dir }) => {
  const marker = join(dir, 'inj');
  mkdirSync(marker, { recursive: true });
  const nasty = `corp.example/$(touch /inj/pwned);\`touch /inj/pwned2\`|x "q" 'q' \\ ; & > /inj/pwned3`;
  const r = await runJson([
    '--image', GOBUILDER_TAG, '--dns', lab.gateway, '--no-default-targets', '--no-host', '--no-fetch', '--timeout', '2',
    '--volume', `${marker}:/inj`, '-e', `GONOSUMDB=${nasty}`, '-e', 'MULTI=line1\nline2', '-v',
  ]);
  assert.ok(r.code === 0 || r.code === 1, r.stderr);
  assert.equal(readdirSync(marker), [], 'nothing the value says was run');
  const goenv = (r.report.raw ?? []).find((b) => b.id === 'goenv');
  assert.ok(goenv, 'raw go env in -v output');
  const seen = JSON.parse(goenv!.lines.join('\n')) as Record<string, string>;
  assert.is(seen.GONOSUMDB, nasty, 'go env shows the value byte for byte');
  assert.is(seen.MULTI ?? 'not a go setting', 'not a go setting');
  for (const image of ['busybox;rm -rf /', 'busybox$(id)', 'busy\nbox', '../../etc/passwd', 'a'.repeat(300)]) {
    const bad = await runCli(['--image', image]);
    assert.is(bad.code, 2, `${JSON.stringify(image)}: ${bad.stderr}`);
    assert.is(bad.stderr.trim().split('\n').length <= 2, true, bad.stderr);
  }
});

test('a server answering with terminal escape sequences: stripped from every human format, escaped in JSON', async ({ lab }) => {
  const args = ['--image', GOBUILDER_TAG, '--dns', lab.gateway, '--ca-cert', lab.caFile, '--no-default-targets', '--no-host', '--no-fetch', '--timeout', '3', '--probe', 'https://proxy.lab.test/escape', '-v'];
  for (const format of ['table', 'list', 'markdown', 'junit', 'github']) {
    const r = await runCli([...args, '--format', format]);
    assert.ok(r.code === 0 || r.code === 1, `${format}: ${r.stderr}`);
    assert.ok(r.stdout.includes('proxy.lab.test'), `${format} reports the target`);
    assert.not.ok(/[\u001b\u0007\r]/.test(r.stdout), `${format}: a control character reached the output`);
  }
  const json = await runJson(args);
  const row = json.report.checks.find((c) => c.id === 'http.goproxy' && (c.target ?? '').includes('/escape'))!;
  assert.ok(row, 'the request to the hostile server has a row');
  assert.not.ok(json.stdout.includes('\u001b'), 'a raw ESC byte in the JSON text (JSON escapes it as \\u001b)');
});

test('a container that exits before reporting: exit 3 saying so, container removed', async () => {
  const image = await ensureDerivedImage('gomod-doctor-fixture/busybox-early-exit:1', `FROM ${BUSYBOX_TAG}\nRUN rm /bin/sh && printf '#!/bin/busybox sh\\nexit 7\\n' > /bin/sh && chmod 755 /bin/sh`);
  const r = await runCli(['--image', image, '--no-default-targets', '--no-host', '--timeout', '2']);
  assert.is(r.code, 3, r.stdout + r.stderr);
  assert.match(r.stderr, /the probe agent exited \(code 7\) before reporting/);
});

test('two doctors at once on the same engine: both finish with their own results, neither removes the other\'s container', async ({ lab }) => {
  const args = (port: number) => ['--image', GOBUILDER_TAG, '--dns', lab.gateway, '--ca-cert', lab.caFile, '--no-default-targets', '--no-host', '--no-fetch', '--timeout', '3', '--probe', `proxy.lab.test:${port}`];
  const [a, b] = await Promise.all([runJson(args(lab.ports.https)), runJson(args(lab.ports.refused))]);
  assert.is(a.code, 0, a.stderr);
  assert.is(b.code, 1, b.stderr);
  assert.is(a.report.checks.find((c) => c.id === 'tcp.connect' && c.target === `proxy.lab.test:${lab.ports.https}`)?.status, 'pass');
  assert.is(b.report.checks.find((c) => c.id === 'tcp.connect' && c.target === `proxy.lab.test:${lab.ports.refused}`)?.cause, 'tcp.refused');
});

test.run();
