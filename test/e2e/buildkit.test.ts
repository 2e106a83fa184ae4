/**
 * --mode build through BuildKit against the real engine: the user's `RUN --mount` lines
 * kept (a cache mount on the module cache, a netrc secret served through the session),
 * a custom --network reported as BuildKit refuses it, DOCKER_BUILDKIT=0 for the classic
 * builder, and Ctrl-C mid-build. Every scenario checks that the engine's containers,
 * images and build cache records are what they were: the user's own cache mount (made
 * before, by a build of the user's) survives every run.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import tar from 'tar-stream';
import * as assert from 'uvu/assert';
import { suite } from 'uvu';
import { DF_BUSY } from '../../src/engine/builds.js';
import { BIN, row, runCli, runJson } from '../helpers/cli.js';
import { docker } from '../helpers/engine.js';
import { probeContainersLeft } from '../helpers/probe-containers.js';
import { ensureDerivedImage, GOBUILDER_TAG } from '../helpers/fixtures.js';
import { GIT_HOST, GIT_HTTP_PASSWORD, GIT_HTTP_USER, type Lab, startLab } from '../helpers/lab.js';
import { loud, withTimeout } from '../helpers/timeout.js';

interface Ctx {
  lab: Lab;
  dir: string;
  /** Build cache record ids and image ids before each scenario. */
  records: string[];
  images: string[];
  /** The user's own cache mount record (made in `before`) and the image of that build. */
  userCache: string;
  userImage: string;
  userMade: string[];
}

const test = suite<Ctx>('buildkit e2e');
const GO_MOD = 'module example.com/hello\n\ngo 1.19\n\nrequire rsc.io/quote v1.5.2\n';

type Record_ = { ID: string; Type: string; Description: string; CreatedAt: string };
/** The engine's build cache records; waits out a disk-usage computation still running (the engine refuses a second at once). */
async function cacheRecords(): Promise<Record_[]> {
  for (let attempt = 1; ; attempt++) {
    try {
      return ((await docker().df()) as { BuildCache?: Record_[] | null }).BuildCache ?? [];
    } catch (err) {
      if (attempt >= 60 || !DF_BUSY.test(String((err as Error).message))) throw err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}
const ids = async () => (await cacheRecords()).map((r) => r.ID).sort();
const imageIds = async () => (await docker().listImages({ all: true })).map((i) => i.Id).sort();
const ourContainers = async () => (await probeContainersLeft()).length;

/** A build of the user's own, through BuildKit (dockerode's session), that leaves a cache mount record. */
async function userBuild(): Promise<{ image: string; made: string[] }> {
  const before = new Set(await ids());
  const pack = tar.pack();
  pack.entry({ name: 'Dockerfile' }, `FROM ${GOBUILDER_TAG}\nRUN --mount=type=cache,id=gmd-test-user-cache,target=/cache date > /cache/stamp && cat /cache/stamp\n`);
  pack.finalize();
  const stream = await docker().buildImage(pack as never, { version: '2', nocache: true } as never);
  let image = '';
  await new Promise<void>((res, rej) =>
    (docker() as unknown as { followProgress(s: unknown, done: (err: Error | null) => void, each: (ev: { stream?: string }) => void): void }).followProgress(stream, (err) => (err ? rej(err) : res()), (ev) => {
      const m = /Built image: (sha256:\w+)/.exec(ev.stream ?? '');
      if (m) image = m[1]!;
    }),
  );
  return { image, made: (await ids()).filter((id) => !before.has(id)) };
}

async function pruneById(id: string): Promise<void> {
  await new Promise<void>((res) =>
    docker().modem.dial({ path: '/build/prune?', method: 'POST', options: { all: true, filters: JSON.stringify({ id: [id] }) }, statusCodes: { 200: true, 500: 'server error' } }, () => res()),
  );
}

function project(dir: string, name: string, dockerfile: string, files: Record<string, string> = {}): string {
  const p = join(dir, name);
  mkdirSync(p, { recursive: true });
  writeFileSync(join(p, 'Dockerfile'), dockerfile);
  writeFileSync(join(p, 'go.mod'), GO_MOD);
  writeFileSync(join(p, 'go.sum'), '');
  for (const [f, text] of Object.entries(files)) writeFileSync(join(p, f), text);
  return p;
}

/** The stage trusts the lab CA as a corporate Dockerfile trusts its own: COPY plus update-ca-certificates. */
const TRUST_LAB_CA = 'COPY lab-ca.crt /usr/local/share/ca-certificates/lab-ca.crt\nRUN update-ca-certificates\n';

test.before(loud('buildkit', async (ctx) => {
  ctx.lab = await startLab();
  ctx.dir = mkdtempSync(join(tmpdir(), 'gmd-buildkit-'));
  const user = await userBuild();
  ctx.userImage = user.image;
  ctx.userMade = user.made;
  const records = await cacheRecords();
  const mount = records.find((r) => user.made.includes(r.ID) && r.Type === 'exec.cachemount');
  assert.ok(mount, `the user's build made a cache mount record: ${JSON.stringify(records.filter((r) => user.made.includes(r.ID)))}`);
  ctx.userCache = mount.ID;
}));

test.before.each(async (ctx) => {
  ctx.records = await ids();
  ctx.images = await imageIds();
});

test.after.each(loud('buildkit after each', async (ctx) => {
  assert.is(await ourContainers(), 0, 'a probe container was left behind');
  assert.equal(await imageIds(), ctx.images, "the run changed the engine's images");
  assert.equal(await ids(), ctx.records, "the run changed the engine's build cache records (made some and left them, or removed some of the user's)");
  assert.ok(ctx.records.includes(ctx.userCache), "the user's cache mount record is there");
}));

test.after(async (ctx) => {
  await ctx.lab?.stop();
  if (ctx.dir) rmSync(ctx.dir, { recursive: true, force: true });
  // What the user's build of `before` made, and only that.
  if (ctx.userImage) await docker().getImage(ctx.userImage).remove({ force: true }).catch(() => undefined);
  // Children before parents, and again for a parent a child still held.
  for (let pass = 0; pass < 3; pass++) {
    const left = (await cacheRecords()).filter((r) => (ctx.userMade ?? []).includes(r.ID)).sort((a, b) => b.CreatedAt.localeCompare(a.CreatedAt));
    for (const r of left) await pruneById(r.ID);
  }
});

test('a cache mount on the module cache: the stage builds through BuildKit with its mount, and the build step\'s probes pass', async ({ lab, dir }) => {
  await withTimeout((async () => {
    const p = project(
      dir,
      'cache-mount',
      `FROM ${GOBUILDER_TAG}\n${TRUST_LAB_CA}ENV GOPROXY=https://proxy.golang.org GOSUMDB="${lab.sumdb.gosumdb}"\nWORKDIR /src\nCOPY go.mod go.sum ./\nRUN --mount=type=cache,target=/go/pkg/mod go mod download\n`,
      { 'lab-ca.crt': lab.caPem },
    );
    // A build has no --dns: the names come from --add-host, in both.
    const hosts = ['--add-host', `proxy.golang.org:${lab.gateway}`, '--add-host', `sum.lab.test:${lab.gateway}`];
    const r = await runJson(['-f', join(p, 'Dockerfile'), '--context', p, ...hosts, '--ca-cert', lab.caFile, '--no-default-targets', '--no-host', '--timeout', '3', '--mode', 'build'], { timeoutMs: 120_000 });
    const step = row(r.report, 'build.step', 'buildkit builder');
    assert.is(step.status, 'pass', JSON.stringify(r.report.checks.filter((c) => c.id === 'build.step'), null, 1));
    assert.match(step.summary, "buildkit builder: the docker CLI's default");
    const built = { ...r.report, checks: r.report.buildChecks! };
    // The probe step carries the go step's cache mount: the module cache is a cache mount there.
    assert.is(row(built, 'fs.writable', 'GOMODCACHE').status, 'pass');
    assert.is(row(built, 'e2e.fetch', 'GOPROXY=').status, 'pass', JSON.stringify(built.checks.filter((c) => c.id.startsWith('e2e')), null, 1));
    assert.ok(built.checks.filter((c) => c.category === 'tls').every((c) => c.status === 'pass'), 'the build trusts the lab CA it installed');
    assert.is(r.code, 0, r.stderr);
    // -v: the build's own lines, the step with its mount among them.
    const v = await runCli(['-f', join(p, 'Dockerfile'), '--context', p, ...hosts, '--ca-cert', lab.caFile, '--no-default-targets', '--no-host', '--no-fetch', '--timeout', '3', '--mode', 'build', '-v', '--only', 'build'], { timeoutMs: 120_000 });
    assert.match(v.stdout, /── build step/);
    assert.match(v.stdout, /\| #\d+ \[stage-0 \d\/\d\] RUN update-ca-certificates/);
    assert.match(v.stdout, /\| #\d+ \[stage-0 \d\/\d\] RUN --mount=type=cache,target=\/go\/pkg\/mod sh \/tmp\/\.gomod-doctor-/);
  })(), 200_000, 'cache mount');
});

test('a go step that mounts a netrc secret: with --secret the build step reaches the private repo, and the secret appears nowhere', async ({ lab, dir }) => {
  await withTimeout((async () => {
    const netrcText = `machine ${GIT_HOST} login ${GIT_HTTP_USER} password ${GIT_HTTP_PASSWORD}\n`;
    const p = project(dir, 'secret', `FROM ${GOBUILDER_TAG}\n${TRUST_LAB_CA}ENV GOPRIVATE=${GIT_HOST} GOFLAGS=-mod=mod\nWORKDIR /src\nCOPY go.mod go.sum ./\nRUN --mount=type=secret,id=netrc,target=/root/.netrc go mod download\n`, {
      'lab-ca.crt': lab.caPem,
      netrc: netrcText,
    });
    const common = ['-f', join(p, 'Dockerfile'), '--context', p, '--add-host', `${GIT_HOST}:${lab.gateway}`, '--ca-cert', lab.caFile, '--netrc', join(p, 'netrc'), '--private-repo', lab.git.httpsUrl, '--no-default-targets', '--no-host', '--no-fetch', '--timeout', '3', '--mode', 'build'];
    // Without the secret the build step has no credentials: works in a container, fails in the build.
    const without = await runJson(common, { timeoutMs: 120_000 });
    const differs = without.report.checks.find((c) => c.id === 'build.step' && c.cause === 'build.differs' && c.status === 'fail');
    assert.ok(differs, JSON.stringify(without.report.checks.filter((c) => c.id === 'build.step'), null, 1));
    assert.match(differs.summary, 'the build has none of the git credentials the container was handed');
    assert.match(differs.fix ?? '', '--secret id=netrc');
    // With it, the build step's git reads the mounted netrc: the same rows as the container.
    const withSecret = await runJson([...common, '--secret', `id=netrc,src=${join(p, 'netrc')}`], { timeoutMs: 120_000 });
    const step = row(withSecret.report, 'build.step', 'buildkit builder');
    assert.is(step.status, 'pass', JSON.stringify(withSecret.report.checks.filter((c) => c.id === 'build.step'), null, 1));
    const auth = withSecret.report.buildChecks!.filter((c) => c.category === 'auth');
    assert.ok(auth.length > 0 && auth.every((c) => c.status === 'pass'), JSON.stringify(auth, null, 1));
    // The secret in every output: JSON, the table with -v (the build's log), and stderr.
    const table = await runCli([...common, '--secret', `id=netrc,src=${join(p, 'netrc')}`, '-v'], { timeoutMs: 120_000 });
    assert.match(table.stdout, /── build step/);
    for (const [where, text] of [['json', withSecret.stdout], ['json stderr', withSecret.stderr], ['table -v', table.stdout], ['table stderr', table.stderr], ['json without', without.stdout]] as const) {
      assert.not.ok(text.includes(GIT_HTTP_PASSWORD), `the secret reached ${where}`);
    }
    // A --secret whose file is missing is a usage error, one line, no stack.
    const missing = await runCli([...common, '--secret', 'id=netrc,src=/nonexistent/netrc'], { timeoutMs: 30_000 });
    assert.is(missing.code, 2);
    assert.match(missing.stderr, /--secret id=netrc: src \/nonexistent\/netrc: no such file/);
  })(), 300_000, 'secret');
});

test('a go step that mounts the SSH agent: --ssh with a key file, or with this shell\'s agent socket, reaches the private repo over ssh', async ({ lab, dir }) => {
  await withTimeout((async () => {
    // The lab's host key is known to the base image (the container probe runs from it too); removed below.
    const base = await ensureDerivedImage(
      `gomod-doctor-fixture/gobuilder-known-hosts-bk:${lab.git.sshPort}`,
      `FROM ${GOBUILDER_TAG}\nRUN mkdir -p -m 0700 /root/.ssh && printf '%s\\n' '${lab.git.knownHostsLine}' > /root/.ssh/known_hosts`,
    );
    try {
      const p = project(dir, 'ssh', `FROM ${base}\nWORKDIR /src\nCOPY go.mod go.sum ./\nRUN --mount=type=ssh go mod download\n`);
      const common = ['-f', join(p, 'Dockerfile'), '--context', p, '--add-host', `${GIT_HOST}:${lab.gateway}`, '--ssh-key', lab.git.clientKeyPath, '--private-repo', lab.git.sshUrl, '--no-default-targets', '--no-host', '--no-fetch', '--timeout', '3', '--mode', 'build'];
      const authRows = (r: { report: { buildChecks?: Array<{ category: string; status: string; id: string; cause: string | null }> } }) => r.report.buildChecks!.filter((c) => c.category === 'auth');
      // Without --ssh the build's git has no key: works in a container, fails in the build.
      const without = await runJson(common, { timeoutMs: 120_000 });
      assert.ok(without.report.checks.some((c) => c.id === 'build.step' && c.cause === 'build.differs' && c.status === 'fail'), JSON.stringify(without.report.checks.filter((c) => c.id === 'build.step'), null, 1));
      // A key file: held by the doctor's own agent, forwarded through the session.
      const key = await runJson([...common, '--ssh', `default=${lab.git.clientKeyPath}`, '--debug'], { timeoutMs: 120_000 });
      assert.is(row(key.report, 'build.step', 'buildkit builder').status, 'pass', `${JSON.stringify(key.report.checks.filter((c) => c.id === 'build.step'), null, 1)}\n${key.stderr.split('\n').filter((l) => /buildkit/.test(l)).join('\n')}\nssh server: ${JSON.stringify(lab.git.sshLog.slice(-6))}`);
      assert.ok(authRows(key).length > 0 && authRows(key).every((c) => c.status === 'pass'), JSON.stringify(authRows(key), null, 1));
      // This shell's agent (--ssh default): the socket's bytes forwarded as they are.
      const agentDir = mkdtempSync(join(tmpdir(), 'gmd-agent-'));
      const sock = join(agentDir, 'agent.sock');
      const agent = spawn('ssh-agent', ['-D', '-a', sock], { stdio: 'ignore' });
      try {
        for (let i = 0; i < 50 && !existsSync(sock); i++) await sleep(100);
        const added = spawnSync('ssh-add', [lab.git.clientKeyPath], { env: { ...process.env, SSH_AUTH_SOCK: sock }, encoding: 'utf8' });
        assert.is(added.status, 0, added.stderr);
        const viaSocket = await runJson([...common, '--ssh', 'default'], { timeoutMs: 120_000, env: { SSH_AUTH_SOCK: sock } });
        assert.is(row(viaSocket.report, 'build.step', 'buildkit builder').status, 'pass', JSON.stringify(viaSocket.report.checks.filter((c) => c.id === 'build.step'), null, 1));
        assert.ok(authRows(viaSocket).every((c) => c.status === 'pass'), JSON.stringify(authRows(viaSocket), null, 1));
      } finally {
        agent.kill();
        rmSync(agentDir, { recursive: true, force: true });
      }
    } finally {
      await docker().getImage(base).remove({ force: true });
    }
  })(), 300_000, 'ssh');
});

test('a custom --network under BuildKit is a finding that names what works; DOCKER_BUILDKIT=0 builds with the classic builder on it', async ({ lab, dir }) => {
  await withTimeout((async () => {
    const p = project(dir, 'custom-network', `FROM ${GOBUILDER_TAG}\nWORKDIR /src\nCOPY go.mod go.sum ./\nRUN go mod download\n`);
    const args = ['-f', join(p, 'Dockerfile'), '--context', p, '--network', lab.network, '--no-default-targets', '--no-host', '--no-fetch', '--timeout', '2', '--mode', 'build'];
    const r = await runJson(args, { timeoutMs: 120_000 });
    const step = row(r.report, 'build.step', 'buildkit builder');
    assert.equal([step.status, step.cause], ['fail', 'build.buildkit_network'], step.summary);
    assert.match(step.summary, `docker build --network ${lab.network} fails with BuildKit`);
    assert.match(step.summary, /not supported by buildkit/);
    for (const way of ['--network default or host', `network=${lab.network}`, 'DOCKER_BUILDKIT=0']) assert.match(step.fix ?? '', way);
    assert.is(r.report.summary.layer, 'build');
    const classic = await runJson(args, { timeoutMs: 120_000, env: { DOCKER_BUILDKIT: '0' } });
    const ran = row(classic.report, 'build.step', 'classic builder');
    assert.ok(ran.cause !== 'build.buildkit_network' && ran.cause !== 'build.failed', ran.summary);
    assert.match(ran.summary, 'classic builder: DOCKER_BUILDKIT=0');
    const bad = await runCli(args, { timeoutMs: 30_000, env: { DOCKER_BUILDKIT: 'maybe' } });
    assert.is(bad.code, 2);
    assert.match(bad.stderr, /DOCKER_BUILDKIT="maybe": the environment variable expects a boolean value/);
  })(), 200_000, 'custom network');
});

test('Ctrl-C mid-build (BuildKit): exit 130, no container, image or build cache record of the run left', async ({ dir }) => {
  await withTimeout((async () => {
    const p = project(dir, 'slow', `FROM ${GOBUILDER_TAG}\nRUN --mount=type=cache,target=/go/pkg/mod sleep 60\nENV GOSUMDB=off\nRUN go mod download\n`);
    const before = new Set(await ids());
    const child = spawn(process.execPath, [BIN, '-f', join(p, 'Dockerfile'), '--context', p, '--network', 'none', '--no-default-targets', '--no-host', '--no-fetch', '--timeout', '2', '--mode', 'build'], {
      env: { ...process.env, CI: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (c) => (stderr += c));
    child.stdout!.resume();
    const exited = new Promise<number | null>((res) => child.on('close', (code) => res(code)));
    // Wait until the `sleep 60` step runs: its records are in use.
    const deadline = Date.now() + 60_000;
    for (;;) {
      const running = (await cacheRecords()) as Array<Record_ & { InUse: boolean }>;
      if (running.some((r) => !before.has(r.ID) && r.InUse && /sleep 60/.test(r.Description))) break;
      if (Date.now() > deadline) throw new Error(`the build never reached sleep 60: ${stderr}`);
      await sleep(100);
    }
    child.kill('SIGINT');
    const code = await Promise.race([exited, sleep(40_000).then(() => 'hung')]);
    assert.is(code, 130, stderr);
    assert.is(stderr.includes('at '), false, `no stack trace: ${stderr}`);
  })(), 150_000, 'ctrl-c');
});

test.run();
