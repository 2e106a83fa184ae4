/**
 * The CLI surface a user meets when something is wrong: one line, the right exit
 * code, never a stack trace, and no container left behind — also on Ctrl-C.
 */
import { spawn } from 'node:child_process';
import * as assert from 'uvu/assert';
import { suite } from 'uvu';
import { LABEL_TOOL } from '../../src/engine/types.js';
import { BIN, runCli } from '../helpers/cli.js';
import { docker } from '../helpers/engine.js';
import { BUSYBOX_TAG } from '../helpers/fixtures.js';
import { type Lab, startLab } from '../helpers/lab.js';
import { loud } from '../helpers/timeout.js';

async function ours(): Promise<number> {
  return (await docker().listContainers({ all: true, filters: { label: [`${LABEL_TOOL}=gomod-doctor`] } })).length;
}

function noStack(text: string) {
  assert.not.match(text, /\n\s+at .+:\d+:\d+/, `a stack trace reached the user:\n${text}`);
}

const test = suite<{ lab: Lab }>('cli e2e');

test.before(loud('cli', async (ctx) => {
  ctx.lab = await startLab();
}));
test.after(async (ctx) => {
  await ctx.lab?.stop();
});

test('no engine: exit 3, one line naming the endpoint and what to do', async () => {
  const r = await runCli(['--image', BUSYBOX_TAG], { env: { DOCKER_HOST: 'unix:///nonexistent/docker.sock' } });
  assert.is(r.code, 3);
  assert.match(r.stderr, 'no Docker engine answered at unix:///nonexistent/docker.sock');
  assert.match(r.stderr, 'DOCKER_HOST');
  assert.is(r.stdout, '');
  noStack(r.stderr);
});

test('an engine that accepts but never answers: exit 3 within the engine deadline, not a hang', async () => {
  const net = await import('node:net');
  const silent = net.createServer(() => undefined);
  await new Promise<void>((res) => silent.listen(0, '127.0.0.1', res));
  const port = (silent.address() as { port: number }).port;
  try {
    const r = await runCli(['--image', BUSYBOX_TAG], { env: { DOCKER_HOST: `tcp://127.0.0.1:${port}` }, timeoutMs: 30_000 });
    assert.is(r.code, 3);
    assert.match(r.stderr, 'did not answer');
    noStack(r.stderr);
  } finally {
    silent.close();
  }
});

test('DOCKER_HOST=ssh:// to a server that is not sshd: ssh2, left out of the bundle, loads on demand and the error is one line', async () => {
  const net = await import('node:net');
  // Speaks an SSH banner, then garbage: the failure comes from inside ssh2's handshake.
  const fake = net.createServer((c) => {
    c.on('error', () => undefined);
    c.write('SSH-2.0-OpenSSH_9.2p1 gomod-doctor-test\r\n');
    c.on('data', () => c.end('garbage\r\n'));
  });
  await new Promise<void>((res) => fake.listen(0, '127.0.0.1', res));
  const port = (fake.address() as { port: number }).port;
  try {
    const r = await runCli(['--image', BUSYBOX_TAG], { env: { DOCKER_HOST: `ssh://nobody@127.0.0.1:${port}` }, timeoutMs: 30_000 });
    assert.is(r.code, 3);
    assert.match(r.stderr, `no Docker engine answered at ssh://nobody@127.0.0.1:${port}`);
    assert.match(r.stderr, /packet|handshake|protocol/i);
    assert.not.match(r.stderr, 'DeprecationWarning');
    assert.is(r.stderr.trim().split('\n').length, 2, r.stderr);
    noStack(r.stderr);
  } finally {
    fake.close();
  }
});

test('missing image that cannot be pulled: exit 3, names the image', async () => {
  const r = await runCli(['--image', 'gomod-doctor-fixture/does-not-exist:1']);
  assert.is(r.code, 3);
  assert.match(r.stderr, 'image gomod-doctor-fixture/does-not-exist:1 is not on this engine and could not be pulled');
  noStack(r.stderr);
});

test('malformed flags: exit 2 with the flag named, nothing on stdout', async () => {
  const cases: Array<[string[], string]> = [
    [['--image', 'Bad Image!'], '--image'],
    [['--image', BUSYBOX_TAG, '--dns', 'not-an-ip'], '--dns'],
    [['--image', BUSYBOX_TAG, '--add-host', 'nohost'], '--add-host'],
    [['--image', BUSYBOX_TAG, '--timeout', 'soon'], '--timeout'],
    [['--image', BUSYBOX_TAG, '--probe', 'x:99999'], '--probe'],
    [['--image', BUSYBOX_TAG, '--ca-cert', '/nonexistent.pem'], '--ca-cert'],
    [['--image', BUSYBOX_TAG, '--bogus-flag'], 'bogus-flag'],
    [[], '--image or --dockerfile is required'],
  ];
  for (const [args, named] of cases) {
    const r = await runCli(args);
    assert.is(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, named);
    assert.is(r.stdout, '');
    noStack(r.stderr);
  }
});

test('a --user the image does not know: exit 3 saying so, container removed', async () => {
  const r = await runCli(['--image', BUSYBOX_TAG, '--user', 'nobody-here']);
  assert.is(r.code, 3);
  assert.match(r.stderr, 'cannot run as user "nobody-here"');
  noStack(r.stderr);
  assert.is(await ours(), 0);
});

test('Ctrl-C mid-probe: the container is removed and the exit code is 130', async ({ lab }) => {
  const child = spawn(process.execPath, [BIN, '--image', BUSYBOX_TAG, '--dns', lab.gateway, '--no-default-targets', '--timeout', '30', '--probe', `${lab.blackhole}:443`], {
    env: { ...process.env, CI: 'true' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((res) => child.on('close', (code) => res(code)));
  // Wait until the probe container exists, then interrupt.
  const deadline = Date.now() + 20_000;
  while ((await ours()) === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  assert.is(await ours(), 1, 'the probe container should be running');
  child.kill('SIGINT');
  assert.is(await exited, 130);
  assert.is(await ours(), 0, 'the probe container must be gone after Ctrl-C');
});

test('--list-probes: every host and command the run would touch, and nothing started', async ({ lab }) => {
  const containersBefore = (await docker().listContainers({ all: true })).length;
  const r = await runCli(['--image', BUSYBOX_TAG, '--dns', lab.gateway, '--no-default-targets', '--probe', 'https://proxy.lab.test', '--list-probes']);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, 'nothing was run');
  assert.match(r.stdout, `inspect image ${BUSYBOX_TAG} (on the engine)`);
  assert.match(r.stdout, 'GET https://proxy.lab.test/rsc.io/quote/@v/list');
  assert.match(r.stdout, `image ${BUSYBOX_TAG}, user `);
  assert.is((await docker().listContainers({ all: true })).length, containersBefore, 'no container was created');
  assert.is(lab.requests.filter((q) => q.host.startsWith('proxy.lab.test')).length, 0, 'no request reached the lab');
});

test('explain: a pasted log from stdin names the family and the fix; an unreadable file is exit 2, one line', async () => {
  const child = spawn(process.execPath, [BIN, 'explain', '-'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (c) => (out += c));
  child.stdin.end('#10 [builder 4/6] RUN go mod download\n#10 2.113 go: github.com/acme/lib@v1.2.0: Get "https://proxy.golang.org/github.com/acme/lib/@v/v1.2.0.mod": dial tcp: lookup proxy.golang.org on 127.0.0.11:53: server misbehaving\n');
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  assert.is(code, 0);
  assert.match(out, /Family: DNS/);
  assert.match(out, /"dns"/);
  assert.match(out, 'L2:');
  // issue 19: --json keeps its keys and adds confidence and the tied families
  const tie = await runCli(['explain', '--json', new URL('../fixtures/logs/tls-stall-registry-408.log', import.meta.url).pathname]);
  assert.is(tie.code, 0);
  const doc = JSON.parse(tie.stdout);
  assert.equal(Object.keys(doc), ['version', 'lineCount', 'skippedLines', 'primary', 'matches', 'confidence', 'tiedWith']);
  assert.is(doc.primary.id, 'tls-stall.registry_408');
  assert.is(doc.confidence, 'medium');
  assert.equal(doc.tiedWith.map((t: { family: string }) => t.family), ['base-image']);
  const bad = await runCli(['explain', '/nonexistent/build.log']);
  assert.is(bad.code, 2);
  assert.match(bad.stderr, 'explain /nonexistent/build.log: no such file');
  noStack(bad.stderr);
});

test.run();
