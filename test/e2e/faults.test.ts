/**
 * Faults the reliability suite does not stage, on the real engine: an image whose tools print
 * garbage (20 MB on one line, terminal escape sequences, 100,000 junk lines), an engine that
 * answers every call slowly, and a doctor interrupted in the middle of a --mode build.
 * Each must end in a clear row or a clear one-line error, in bounded time, with nothing left
 * behind on the engine.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as assert from 'uvu/assert';
import { suite } from 'uvu';
import { LABEL_RUN } from '../../src/engine/types.js';
import { BIN, row, runCli, runJson } from '../helpers/cli.js';
import { docker } from '../helpers/engine.js';
import { probeContainersLeft } from '../helpers/probe-containers.js';
import { engineFront } from '../helpers/engine-front.js';
import { BUSYBOX_TAG, ensureDerivedImage, GOBUILDER_TAG } from '../helpers/fixtures.js';
import { type Lab, startLab } from '../helpers/lab.js';
import { loud } from '../helpers/timeout.js';

const ESC = '\u001b';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const allContainers = async () => (await docker().listContainers({ all: true })).map((c) => c.Id).sort();

/**
 * Tools that misbehave: `go` prints 20 MB on one line after an escape sequence that would
 * retitle the terminal and clear the screen; `getent` prints escapes and 100,000 junk lines.
 */
const GARBLED_TOOLS = `FROM ${BUSYBOX_TAG}
RUN mkdir -p /usr/local/bin \\
 && printf '#!/bin/sh\\nprintf "\\\\033]0;pwned\\\\007\\\\033[2J{"\\nhead -c 20000000 /dev/zero | tr "\\\\0" x\\nexit 0\\n' > /usr/local/bin/go \\
 && printf '#!/bin/sh\\nprintf "\\\\033[31mred \\\\033]8;;http://evil.example/\\\\007link\\\\n"\\nseq 1 100000 | sed "s/^/junk line /"\\n' > /usr/local/bin/getent \\
 && chmod 755 /usr/local/bin/go /usr/local/bin/getent`;

const test = suite<{ lab: Lab; dir: string }>('faults e2e');

test.before(loud('faults', async (ctx) => {
  ctx.lab = await startLab();
  ctx.dir = mkdtempSync(join(tmpdir(), 'gmd-faults-'));
}));
test.after(async (ctx) => {
  await ctx.lab?.stop();
  if (ctx.dir) rmSync(ctx.dir, { recursive: true, force: true });
});
test.after.each(loud('faults after each', async () => {
  assert.is((await probeContainersLeft()).length, 0, 'a probe container was left behind');
}));

test('garbled and huge tool output in the image: clear rows in bounded time, no escape sequence reaches the terminal', async ({ lab }) => {
  const image = await ensureDerivedImage('gomod-doctor-fixture/busybox-garbled:1', GARBLED_TOOLS);
  const args = ['--image', image, '--dns', lab.gateway, '--no-default-targets', '--no-host', '--no-fetch', '--timeout', '3', '--probe', 'https://proxy.lab.test'];
  const started = Date.now();
  const r = await runJson(args, { timeoutMs: 60_000 });
  const ms = Date.now() - started;
  assert.is(r.code, 1, r.stderr);
  assert.ok(ms < 20_000, `took ${ms} ms`);
  // go env printed no usable JSON: the go row says so instead of crashing the run.
  const go = row(r.report, 'go-env.go', '/usr/local/bin/go');
  assert.is(go.status, 'fail', go.summary);
  assert.ok(go.summary.length < 600, go.summary);
  // The resolver answered junk: no address to connect to, said in one row.
  const dns = row(r.report, 'dns.resolve', 'proxy.lab.test');
  assert.ok(dns.status !== 'pass' || row(r.report, 'tcp.connect', 'proxy.lab.test:443').status !== 'pass', 'junk is not a working resolver');
  assert.ok(r.stdout.length < 1_000_000, `the report is ${r.stdout.length} bytes`);

  const list = await runCli([...args, '--format', 'list', '-v'], { timeoutMs: 60_000 });
  assert.is(list.code, 1, list.stderr);
  assert.not.ok(list.stdout.includes(ESC), 'an escape sequence reached the terminal');
  assert.not.ok(list.stdout.includes('\u0007'), 'a BEL reached the terminal');
  assert.match(list.stdout, 'go-env.go');
  assert.ok(list.stdout.length < 1_000_000, `-v printed ${list.stdout.length} bytes`);
});

test('an engine behind a proxy that answers every call 300 ms late and passes no half-close: the run is slower and right, and leaves nothing', async ({ lab, dir }) => {
  const front = await engineFront(join(dir, 'slow.sock'), { delayMs: 300 });
  try {
    const started = Date.now();
    const r = await runJson(
      ['--image', GOBUILDER_TAG, '--dns', lab.gateway, '--ca-cert', lab.caFile, '--no-default-targets', '--no-host', '--no-fetch', '--timeout', '3', '-e', 'GOSUMDB=off', '--probe', 'https://proxy.lab.test'],
      { env: { DOCKER_HOST: front.dockerHost }, timeoutMs: 90_000 },
    );
    const ms = Date.now() - started;
    assert.is(r.code, 0, r.stderr);
    assert.is(row(r.report, 'tls.handshake', 'proxy.lab.test:443').status, 'pass');
    assert.is(row(r.report, 'http.goproxy', 'https://proxy.lab.test').status, 'pass');
    assert.ok(ms > 2_500, `took ${ms} ms: the delay did not apply`);
  } finally {
    await front.close();
  }
});

test('--mode build (classic builder) interrupted mid-build (a long RUN before the go step): exit 130, no container, no image of the run left', async ({ lab, dir }) => {
  const p = join(dir, 'slow-build');
  mkdirSync(p, { recursive: true });
  writeFileSync(join(p, 'Dockerfile'), `FROM ${GOBUILDER_TAG}\nRUN sleep 60\nENV GOSUMDB=off\nRUN go mod download\n`);
  writeFileSync(join(p, 'go.mod'), 'module example.com/slow\n\ngo 1.19\n');
  const containersBefore = await allContainers();
  const imagesBefore = (await docker().listImages({ all: true })).map((i) => i.Id).sort();
  const child = spawn(process.execPath, [BIN, '-f', join(p, 'Dockerfile'), '--context', p, '--dns', lab.gateway, '--no-default-targets', '--no-host', '--no-fetch', '--timeout', '2', '--mode', 'build', '--probe', 'https://proxy.lab.test'], {
    // The classic builder's step container is what this waits for (BuildKit's: test/e2e/buildkit.test.ts).
    env: { ...process.env, CI: 'true', DOCKER_BUILDKIT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (c) => (stderr += c));
  child.stdout!.resume();
  const exited = new Promise<number | null>((res) => child.on('close', (code) => res(code)));
  // Wait for the classic builder's container running `sleep 60`.
  const deadline = Date.now() + 60_000;
  for (;;) {
    const running = await docker().listContainers({ filters: { status: ['running'] } });
    if (running.some((c) => /sleep 60/.test(c.Command))) break;
    if (Date.now() > deadline) throw new Error(`the build step never started: ${stderr}`);
    await sleep(100);
  }
  child.kill('SIGINT');
  const code = await Promise.race([exited, sleep(30_000).then(() => 'hung')]);
  assert.is(code, 130, stderr);
  // The engine finishes cancelling the build's step container on its own time: allow it a few seconds.
  for (let i = 0; i < 50 && (await allContainers()).join() !== containersBefore.join(); i++) await sleep(200);
  assert.equal(await allContainers(), containersBefore, 'a container of the build was left behind');
  const runImages = await docker().listImages({ all: true, filters: { label: [LABEL_RUN] } });
  assert.equal(runImages.map((i) => i.Id), [], 'an image of the run was left behind');
  assert.equal((await docker().listImages({ all: true })).map((i) => i.Id).sort(), imagesBefore, 'the image list changed');
});

test.run();
