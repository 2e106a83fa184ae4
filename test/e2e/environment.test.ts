/**
 * Environment checks against the real engine, as the image user: proxy variables
 * (and the proxies themselves), Go settings, cache writability and private-repo auth.
 * Each scenario runs the real bin and asserts the status, cause and fix a user sees;
 * every scenario that hands in a secret also asserts it appears in no output.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as assert from 'uvu/assert';
import { suite } from 'uvu';
import type { Report } from '../../src/model.js';
import { runCli as runCliRaw, runJson as runJsonRaw, row } from '../helpers/cli.js';
import { runContainer } from '../helpers/container.js';
import { docker } from '../helpers/engine.js';
import { probeContainersLeft } from '../helpers/probe-containers.js';
import { BUSYBOX_TAG, ensureDerivedImage, GOBUILDER_TAG } from '../helpers/fixtures.js';
import { GIT_HOST, GIT_HTTP_PASSWORD, GIT_HTTP_USER, type Lab, PROXY_PASSWORD, PROXY_USER, startLab, TEST_LABEL, VANITY_IMPORT_PATH } from '../helpers/lab.js';
import { loud } from '../helpers/timeout.js';

const T = '2';
/** A GOPROXY on the lab only: no default targets, so nothing is probed outside the lab. */
const LAB_GOPROXY = 'GOPROXY=https://proxy.golang.org,direct';

async function leftovers(): Promise<number> {
  return (await probeContainersLeft()).length;
}

const test = suite<{ lab: Lab; base: string[]; dir: string }>('environment e2e');
const perLabImages: string[] = [];

test.before(loud('environment', async (ctx) => {
  ctx.lab = await startLab();
  // GOSUMDB: the lab's checksum database, so the go command's own fetch can verify the canary.
  ctx.base = ['--dns', ctx.lab.gateway, '--ca-cert', ctx.lab.caFile, '--no-default-targets', '--timeout', T, '-e', `GOSUMDB=${ctx.lab.sumdb.gosumdb}`];
  ctx.dir = mkdtempSync(join(tmpdir(), 'gmd-env-test-'));
}));

test.after(async (ctx) => {
  await ctx.lab?.stop();
  for (const tag of perLabImages) await docker().getImage(tag).remove({ force: true }).catch(() => undefined);
});

test.after.each(loud('environment after each', async () => {
  assert.is(await leftovers(), 0, 'a probe container was left behind');
}));

/** Every secret any scenario hands in: no run may print one, whatever it is testing. */
const SECRETS = [PROXY_PASSWORD, GIT_HTTP_PASSWORD, 'wrong-pass-123'];

const runCli: typeof runCliRaw = async (args, opts) => {
  const r = await runCliRaw(args, opts);
  assertNoSecret([r.stdout, r.stderr], SECRETS);
  return r;
};
const runJson: typeof runJsonRaw = async (args, opts) => {
  const r = await runJsonRaw(args, opts);
  assertNoSecret([r.stdout, r.stderr], SECRETS);
  return r;
};

function rows(report: Report, id: string) {
  return report.checks.filter((c) => c.id === id);
}

function assertNoSecret(outputs: string[], secrets: string[]): void {
  for (const out of outputs) for (const s of secrets) assert.not.ok(out.includes(s), `a secret (${s.slice(0, 3)}…) reached the output`);
}

// --- proxy-env -------------------------------------------------------------------------

test('no proxy variables: proxy-env.vars passes and says connections are direct', async ({ base }) => {
  const r = await runJson(['--image', GOBUILDER_TAG, ...base, '-e', LAB_GOPROXY]);
  assert.is(r.code, 0, r.stderr);
  const vars = row(r.report, 'proxy-env.vars', '');
  assert.is(vars.status, 'pass');
  assert.match(vars.summary, 'no proxy variables');
  assert.is(rows(r.report, 'proxy-env.proxy').length, 0);
});

test('working forward proxy: CONNECT through it passes, and the request really went through it', async ({ lab, base }) => {
  lab.proxyLog.length = 0;
  const proxy = `http://${lab.gateway}:${lab.ports.forwardProxy}`;
  const r = await runJson(['--image', GOBUILDER_TAG, ...base, '-e', LAB_GOPROXY, '-e', `HTTPS_PROXY=${proxy}`]);
  assert.is(r.code, 0, r.stderr + JSON.stringify(r.report.checks.filter((c) => c.status === 'fail')));
  const p = row(r.report, 'proxy-env.proxy', proxy);
  assert.is(p.status, 'pass', p.summary);
  assert.match(p.summary, /CONNECT proxy\.golang\.org(:443)? through/);
  assert.is(row(r.report, 'http.goproxy', 'https://proxy.golang.org').status, 'pass');
  assert.ok(lab.proxyLog.some((q) => q.method === 'CONNECT' && q.target.startsWith('proxy.golang.org')), JSON.stringify(lab.proxyLog));
  const vars = row(r.report, 'proxy-env.vars', '');
  assert.is(vars.status, 'pass');
  assert.match(vars.summary, `HTTPS_PROXY=${proxy} (-e/--env-file)`);
});

test('proxy on a dead port: proxy-env.proxy fails as unreachable, http.goproxy as proxy refused', async ({ lab, base }) => {
  const proxy = `http://${lab.gateway}:${lab.ports.refused}`;
  const r = await runJson(['--image', GOBUILDER_TAG, ...base, '-e', LAB_GOPROXY, '-e', `HTTPS_PROXY=${proxy}`]);
  assert.is(r.code, 1);
  const p = row(r.report, 'proxy-env.proxy', proxy);
  assert.is(p.status, 'fail');
  assert.is(p.cause, 'proxy.unreachable');
  assert.match(p.fix ?? '', 'host and port');
  assert.is(row(r.report, 'http.goproxy', 'https://proxy.golang.org').cause, 'http.proxy_refused');
});

test('proxy answering 407: fails with proxy.auth; with credentials it passes and the password is never printed', async ({ lab, base }) => {
  const bare = `http://${lab.gateway}:${lab.ports.authProxy}`;
  const r = await runJson(['--image', GOBUILDER_TAG, ...base, '-e', LAB_GOPROXY, '-e', `HTTPS_PROXY=${bare}`]);
  assert.is(r.code, 1);
  const p = row(r.report, 'proxy-env.proxy', bare);
  assert.is(p.status, 'fail');
  assert.is(p.cause, 'proxy.auth');
  assert.match(p.summary, '407 Proxy Authentication Required');
  assert.match(p.fix ?? '', /credentials/);

  const withCreds = `http://${PROXY_USER}:${PROXY_PASSWORD}@${lab.gateway}:${lab.ports.authProxy}`;
  const ok = await runJson(['--image', GOBUILDER_TAG, ...base, '-e', LAB_GOPROXY, '-e', `HTTPS_PROXY=${withCreds}`]);
  assert.is(ok.code, 0, ok.stdout);
  const q = row(ok.report, 'proxy-env.proxy', `${lab.gateway}:${lab.ports.authProxy}`);
  assert.is(q.status, 'pass');
  assert.match(q.target ?? '', `${PROXY_USER}:***@`);
  const table = await runCli(['--image', GOBUILDER_TAG, ...base, '-e', LAB_GOPROXY, '-e', `HTTPS_PROXY=${withCreds}`]);
  assert.is(table.code, 0);
  assertNoSecret([ok.stdout, ok.stderr, table.stdout, table.stderr], [PROXY_PASSWORD]);
});

test('proxy on localhost: proxy-env.vars fails with proxy.localhost and a host.docker.internal fix', async ({ base }) => {
  const r = await runJson(['--image', GOBUILDER_TAG, ...base, '-e', LAB_GOPROXY, '-e', 'HTTPS_PROXY=http://127.0.0.1:3128']);
  assert.is(r.code, 1);
  const v = row(r.report, 'proxy-env.vars', 'HTTPS_PROXY');
  assert.is(v.status, 'fail');
  assert.is(v.cause, 'proxy.localhost');
  assert.match(v.fix ?? '', 'host.docker.internal');
  assert.is(row(r.report, 'proxy-env.proxy', '127.0.0.1').cause, 'proxy.unreachable');
});

test('proxy URL typo and case disagreement: bad_url fails, HTTPS_PROXY vs https_proxy warns', async ({ lab, base }) => {
  const good = `http://${lab.gateway}:${lab.ports.forwardProxy}`;
  const r = await runJson(['--image', GOBUILDER_TAG, ...base, '-e', LAB_GOPROXY, '-e', `HTTPS_PROXY=${good}`, '-e', `https_proxy=htp://${lab.gateway}:${lab.ports.forwardProxy}`]);
  const bad = row(r.report, 'proxy-env.vars', 'https_proxy');
  assert.is(bad.status, 'fail');
  assert.is(bad.cause, 'proxy.bad_url');
  assert.match(bad.summary, 'scheme "htp"');
  const mismatch = row(r.report, 'proxy-env.vars', 'HTTPS_PROXY/https_proxy');
  assert.is(mismatch.status, 'warn');
  assert.is(mismatch.cause, 'proxy.case_mismatch');
});

test('a proxy with a stray blank from an env file: a clear bad_url row and exit 1, not an internal error', async ({ lab, base, dir }) => {
  const envFile = join(dir, 'blank.env');
  writeFileSync(envFile, `HTTPS_PROXY=http://${lab.gateway}:${lab.ports.forwardProxy} \n`);
  const r = await runJson(['--image', GOBUILDER_TAG, ...base, '-e', LAB_GOPROXY, '--env-file', envFile]);
  assert.is(r.code, 1, r.stderr);
  const v = row(r.report, 'proxy-env.vars', 'HTTPS_PROXY');
  assert.is(v.cause, 'proxy.bad_url');
  assert.match(v.summary, 'contains whitespace');
});

test('NO_PROXY read differently by Go and git: "*.lab.test" warns, "lab.test" passes', async ({ lab, base }) => {
  const proxy = `http://${lab.gateway}:${lab.ports.forwardProxy}`;
  const args = ['--image', GOBUILDER_TAG, ...base, '-e', 'GOPROXY=https://goproxy.lab.test,direct', '-e', `HTTPS_PROXY=${proxy}`, '-e', `https_proxy=${proxy}`];
  const r = await runJson([...args, '-e', 'NO_PROXY=*.lab.test', '-e', 'no_proxy=*.lab.test']);
  const w = row(r.report, 'proxy-env.no_proxy', 'goproxy.lab.test');
  assert.is(w.status, 'warn');
  assert.is(w.cause, 'proxy.no_proxy_mismatch');
  assert.match(w.summary, 'the go command connects directly, git uses the proxy');
  const ok = await runJson([...args, '-e', 'NO_PROXY=lab.test', '-e', 'no_proxy=lab.test']);
  assert.is(row(ok.report, 'proxy-env.no_proxy', '').status, 'pass');
});

test("docker config.json proxies are injected as the docker CLI does, and the probe uses them", async ({ lab, base, dir }) => {
  const configDir = join(dir, 'docker-config');
  const proxy = `http://${lab.gateway}:${lab.ports.forwardProxy}`;
  mkdirSync(configDir, { recursive: true });
  writeFileSync(join(configDir, 'config.json'), JSON.stringify({ proxies: { default: { httpsProxy: proxy, noProxy: 'localhost' } } }));
  lab.proxyLog.length = 0;
  const r = await runJson(['--image', GOBUILDER_TAG, ...base, '-e', LAB_GOPROXY], { env: { DOCKER_CONFIG: configDir } });
  assert.is(r.code, 0, r.stderr);
  const vars = row(r.report, 'proxy-env.vars', '');
  assert.match(vars.summary, `HTTPS_PROXY=${proxy} (docker config.json proxies)`);
  assert.match(vars.summary, `https_proxy=${proxy} (docker config.json proxies)`);
  assert.is(row(r.report, 'proxy-env.proxy', proxy).status, 'pass');
  assert.ok(lab.proxyLog.some((q) => q.method === 'CONNECT'), 'the probe went through the config.json proxy');
});

// --- go-env --------------------------------------------------------------------------------

test('go env as the image user: defaults pass; a GOPROXY typo fails with the corrected line; GOSUMDB=off warns', async ({ base }) => {
  const ok = await runJson(['--image', GOBUILDER_TAG, ...base, '-e', LAB_GOPROXY]);
  assert.is(row(ok.report, 'go-env.go', '').status, 'pass');
  assert.match(row(ok.report, 'go-env.go', '').summary, /go1\.\d+/);
  assert.is(row(ok.report, 'go-env.goproxy', 'GOPROXY').status, 'pass');
  assert.is(row(ok.report, 'go-env.gosumdb', 'GOSUMDB').status, 'pass');

  const bad = await runJson(['--image', GOBUILDER_TAG, ...base, '-e', 'GOPROXY=https://proxy.golang.org,direc', '-e', 'GOSUMDB=off']);
  assert.is(bad.code, 1);
  const gp = row(bad.report, 'go-env.goproxy', 'GOPROXY');
  assert.is(gp.status, 'fail');
  assert.is(gp.cause, 'go.goproxy_invalid');
  assert.is(gp.fix, 'ENV GOPROXY=https://proxy.golang.org,direct');
  const sum = row(bad.report, 'go-env.gosumdb', 'GOSUMDB');
  assert.is(sum.status, 'warn');
  assert.is(sum.cause, 'go.gosumdb_off');
  assert.match(sum.fix ?? '', 'GOPRIVATE');
});

test('two proxies joined by "," warn that a timeout does not fall through; "|" passes', async ({ base }) => {
  const comma = await runJson(['--image', GOBUILDER_TAG, ...base, '-e', 'GOPROXY=https://goproxy.lab.test,https://proxy.golang.org,direct']);
  const w = row(comma.report, 'go-env.goproxy', 'GOPROXY');
  assert.is(w.status, 'warn');
  assert.is(w.cause, 'go.goproxy_comma');
  assert.is(w.fix, 'to fall through on any error use "|": ENV GOPROXY=https://goproxy.lab.test|https://proxy.golang.org,direct');
  const pipe = await runJson(['--image', GOBUILDER_TAG, ...base, '-e', 'GOPROXY=https://goproxy.lab.test|https://proxy.golang.org,direct']);
  assert.is(row(pipe.report, 'go-env.goproxy', 'GOPROXY').status, 'pass');
});

test('an image without go: go-env.go says so and the settings come from the environment', async ({ base }) => {
  const r = await runJson(['--image', BUSYBOX_TAG, ...base, '-e', LAB_GOPROXY]);
  const go = row(r.report, 'go-env.go', '');
  assert.is(go.status, 'warn');
  assert.is(go.cause, 'go.missing');
  assert.match(row(r.report, 'go-env.goproxy', 'GOPROXY').summary, 'GOPROXY=https://proxy.golang.org,direct (-e/--env-file)');
});

test('GOPRIVATE: a private repo not covered leaks to the public proxy (fail); covered passes; a URL-shaped pattern is flagged', async ({ lab, base }) => {
  const args = ['--image', GOBUILDER_TAG, ...base, '-e', LAB_GOPROXY, '--private-repo', lab.git.httpsUrl];
  const leak = await runJson(args);
  const l = row(leak.report, 'go-env.private', 'git.lab.test/acme/private');
  assert.is(l.status, 'fail');
  assert.is(l.cause, 'go.private_leak');
  assert.is(l.fix, 'ENV GOPRIVATE=git.lab.test/acme');
  const ok = await runJson([...args, '-e', 'GOPRIVATE=git.lab.test']);
  assert.is(row(ok.report, 'go-env.private', 'GOPRIVATE').status, 'pass');
  const url = await runJson([...args, '-e', 'GOPRIVATE=https://git.lab.test/acme']);
  const p = row(url.report, 'go-env.private', 'GOPRIVATE');
  assert.is(p.cause, 'go.pattern');
  assert.match(p.summary, 'https://git.lab.test/acme');
  assert.is(row(url.report, 'go-env.private', 'git.lab.test/acme/private').cause, 'go.private_leak');
});

test('GOFLAGS, GOINSECURE, GOAUTH: a non-flag entry fails, GOINSECURE warns, GOAUTH on go1.19 is ignored', async ({ base }) => {
  const r = await runJson(['--image', GOBUILDER_TAG, ...base, '-e', LAB_GOPROXY, '-e', 'GOFLAGS=mod=vendor', '-e', 'GOINSECURE=*.lab.test', '-e', 'GOAUTH=netrc']);
  const flags = row(r.report, 'go-env.goflags', 'GOFLAGS');
  assert.is(flags.status, 'fail');
  assert.is(flags.cause, 'go.goflags');
  assert.match(flags.summary, 'non-flag');
  const insecure = row(r.report, 'go-env.goinsecure', 'GOINSECURE');
  assert.is(insecure.status, 'warn');
  assert.is(insecure.cause, 'go.insecure');
  const auth = row(r.report, 'go-env.goauth', 'GOAUTH');
  assert.is(auth.status, 'warn');
  assert.match(auth.summary, /1\.24/);
  const ok = await runJson(['--image', GOBUILDER_TAG, ...base, '-e', LAB_GOPROXY, '-e', 'GOFLAGS=-modcacherw']);
  assert.is(row(ok.report, 'go-env.goflags', 'GOFLAGS').status, 'pass');
});

test('--gomod: a go line this toolchain cannot read fails with the go command\'s words; an older one passes', async ({ base, dir }) => {
  const newer = join(dir, 'newer', 'go.mod');
  mkdirSync(join(dir, 'newer'), { recursive: true });
  writeFileSync(newer, 'module example.com/app\n\ngo 1.22.0\n\ntoolchain go1.22.3\n');
  const r = await runJson(['--image', GOBUILDER_TAG, ...base, '-e', LAB_GOPROXY, '--gomod', newer]);
  const t = row(r.report, 'go-env.toolchain', newer);
  assert.is(t.status, 'fail');
  assert.is(t.cause, 'go.toolchain');
  assert.match(t.summary, "invalid go version '1.22.0'");
  assert.match(t.fix ?? '', 'FROM golang:1.22');
  const older = join(dir, 'older', 'go.mod');
  mkdirSync(join(dir, 'older'), { recursive: true });
  writeFileSync(older, 'module example.com/app\n\ngo 1.18\n');
  const ok = await runJson(['--image', GOBUILDER_TAG, ...base, '-e', LAB_GOPROXY, '--gomod', older]);
  assert.is(row(ok.report, 'go-env.toolchain', older).status, 'pass');
  const vendored = await runJson(['--image', GOBUILDER_TAG, ...base, '-e', LAB_GOPROXY, '-e', 'GOFLAGS=-mod=vendor', '--gomod', older]);
  const v = row(vendored.report, 'go-env.goflags', 'GOFLAGS');
  assert.is(v.status, 'fail');
  assert.match(v.summary, 'no vendor/modules.txt');
});

// --- fs ----------------------------------------------------------------------------------

const NONROOT_GO = `
FROM ${GOBUILDER_TAG}
RUN useradd -m -u 1000 app && chmod -R 0755 /go && chown -R root:root /go
USER app
`;

test('non-root USER with a root-owned /go: GOMODCACHE fails with the chown lines; root passes', async ({ base }) => {
  const image = await ensureDerivedImage('gomod-doctor-fixture/gobuilder-nonroot:1', NONROOT_GO);
  const r = await runJson(['--image', image, ...base, '-e', LAB_GOPROXY]);
  assert.is(r.code, 1);
  const mod = row(r.report, 'fs.writable', 'GOMODCACHE /go/pkg/mod');
  assert.is(mod.status, 'fail');
  assert.is(mod.cause, 'fs.not_writable');
  assert.match(mod.summary, 'app (uid 1000) cannot create files in /go');
  assert.match(mod.fix ?? '', 'RUN mkdir -p /go/pkg/mod && chown -R 1000:1000 /go');
  assert.match(mod.fix ?? '', 'uid=1000,gid=1000');
  // Its home is its own: HOME and the build cache under it pass.
  assert.is(row(r.report, 'fs.writable', 'GOCACHE').status, 'pass');
  assert.is(row(r.report, 'fs.writable', 'HOME /home/app').status, 'pass');

  const root = await runJson(['--image', image, '--user', 'root', ...base, '-e', LAB_GOPROXY]);
  for (const c of rows(root.report, 'fs.writable')) assert.is(c.status, 'pass', `${c.target}: ${c.summary}`);
});

test('a user without a passwd entry gets HOME=/: GOCACHE under / is not writable', async ({ base }) => {
  const r = await runJson(['--image', GOBUILDER_TAG, '--user', '4242:4242', ...base, '-e', LAB_GOPROXY]);
  const cache = row(r.report, 'fs.writable', 'GOCACHE /.cache/go-build');
  assert.is(cache.status, 'fail');
  assert.is(cache.cause, 'fs.not_writable');
  assert.match(cache.fix ?? '', 'ENV GOCACHE=/tmp/go-build');
  // /go is world-writable in this image, as in the official golang images.
  assert.is(row(r.report, 'fs.writable', 'GOMODCACHE').status, 'pass');
});

/** What a named volume holds (recursively), read by a throwaway busybox container. */
async function volumeListing(name: string): Promise<string> {
  return (await runContainer(BUSYBOX_TAG, ['find', '/v'], { binds: [`${name}:/v:ro`] })).stdout;
}

test('GOCACHE=off: fs.undefined fails in the go command\'s words (docker always sets HOME, so this is how it happens)', async ({ base }) => {
  const r = await runJson(['--image', GOBUILDER_TAG, ...base, '-e', LAB_GOPROXY, '-e', 'GOCACHE=off']);
  const c = row(r.report, 'fs.writable', 'GOCACHE');
  assert.is(c.status, 'fail');
  assert.is(c.cause, 'fs.undefined');
  assert.match(c.summary, 'required as of Go 1.12');
  assert.match(c.fix ?? '', 'ENV GOCACHE=/tmp/go-build');
});

test('NO_PROXY sends the go command around the proxy to a module proxy it cannot reach directly: proxy.goproxy_excluded', async ({ lab, base }) => {
  const proxy = `http://${lab.gateway}:${lab.ports.forwardProxy}`;
  // Directly, proxy.golang.org is the blackhole; the lab proxy would reach it.
  const args = ['--image', GOBUILDER_TAG, ...base, '-e', LAB_GOPROXY, '--add-host', `proxy.golang.org:${lab.blackhole}`, '-e', `HTTPS_PROXY=${proxy}`];
  const excluded = await runJson([...args, '-e', 'NO_PROXY=proxy.golang.org']);
  const x = row(excluded.report, 'proxy-env.no_proxy', 'proxy.golang.org');
  assert.is(x.status, 'fail');
  assert.is(x.cause, 'proxy.goproxy_excluded');
  assert.match(x.fix ?? '', 'remove the entry');
  const through = await runJson(args);
  assert.is(row(through.report, 'http.goproxy', 'https://proxy.golang.org').status, 'pass');
  assert.is(row(through.report, 'proxy-env.no_proxy', 'NO_PROXY').status, 'pass');
});

test('a read-only mount at GOPATH: fs.read_only; read-write passes and the volume is unchanged', async ({ base }) => {
  const name = `gmd-test-ro-${process.pid}`;
  await docker().createVolume({ Name: name, Labels: { [TEST_LABEL]: '1' } });
  try {
    const r = await runJson(['--image', GOBUILDER_TAG, ...base, '-e', LAB_GOPROXY, '--volume', `${name}:/go:ro`]);
    const mod = row(r.report, 'fs.writable', 'GOMODCACHE');
    assert.is(mod.status, 'fail');
    assert.is(mod.cause, 'fs.read_only');
    assert.match(mod.fix ?? '', 'read-write');
    const before = await volumeListing(name);
    const rw = await runJson(['--image', GOBUILDER_TAG, ...base, '-e', LAB_GOPROXY, '--volume', `${name}:/go`]);
    assert.is(row(rw.report, 'fs.writable', 'GOMODCACHE').status, 'pass');
    assert.is(await volumeListing(name), before, 'the probe left something in the volume');
  } finally {
    await docker().getVolume(name).remove().catch(() => undefined);
  }
});

// --- auth --------------------------------------------------------------------------------

function netrcFile(dir: string, name: string, login: string, password: string): string {
  const file = join(dir, name);
  writeFileSync(file, `machine ${GIT_HOST} login ${login} password ${password}\n`);
  return file;
}

test('private repo over HTTPS: right netrc passes, none fails (no credentials), wrong fails (auth failed); no secret printed', async ({ lab, base, dir }) => {
  const repo = lab.git.httpsUrl;
  const args = ['--image', GOBUILDER_TAG, ...base, '-e', LAB_GOPROXY, '--private-repo', repo];

  const good = netrcFile(dir, 'good.netrc', GIT_HTTP_USER, GIT_HTTP_PASSWORD);
  const ok = await runJson([...args, '--netrc', good]);
  const pass = row(ok.report, 'auth.repo', repo);
  assert.is(pass.status, 'pass', pass.summary);
  assert.is(row(ok.report, 'auth.git', '').status, 'pass');
  assert.match(row(ok.report, 'auth.credentials', GIT_HOST).summary, '--netrc');

  const none = await runJson(args);
  const nc = row(none.report, 'auth.repo', repo);
  assert.is(nc.status, 'fail');
  assert.is(nc.cause, 'auth.no_credentials');
  assert.match(nc.fix ?? '', '--mount=type=secret,id=netrc');
  assert.is(row(none.report, 'auth.credentials', GIT_HOST).cause, 'auth.no_credentials');

  const wrong = netrcFile(dir, 'wrong.netrc', GIT_HTTP_USER, 'wrong-pass-123');
  const bad = await runJson([...args, '--netrc', wrong]);
  const af = row(bad.report, 'auth.repo', repo);
  assert.is(af.status, 'fail');
  assert.is(af.cause, 'auth.failed');

  const table = await runCli([...args, '--netrc', good]);
  const token = await runJson(args, { env: { GOMOD_DOCTOR_GIT_TOKEN: GIT_HTTP_PASSWORD, GOMOD_DOCTOR_GIT_USER: GIT_HTTP_USER } });
  const viaToken = row(token.report, 'auth.repo', repo);
  assert.is(viaToken.status, 'pass', `a token from the environment works like a netrc (${viaToken.cause}: ${viaToken.summary})`);
  assertNoSecret([ok.stdout, ok.stderr, bad.stdout, table.stdout, table.stderr, token.stdout, token.stderr], [GIT_HTTP_PASSWORD, 'wrong-pass-123']);
});

test('vanity import path: ?go-get=1 discovery finds the repo; a path without a go-import tag fails', async ({ lab, base, dir }) => {
  const good = netrcFile(dir, 'vanity.netrc', GIT_HTTP_USER, GIT_HTTP_PASSWORD);
  const r = await runJson(['--image', GOBUILDER_TAG, ...base, '-e', LAB_GOPROXY, '--netrc', good, '--private-repo', VANITY_IMPORT_PATH, '--private-repo', 'go.lab.test/nothing-here']);
  const v = row(r.report, 'auth.repo', VANITY_IMPORT_PATH);
  assert.is(v.status, 'pass', v.summary);
  assert.match(v.summary, lab.git.vanityRepoUrl);
  const missing = row(r.report, 'auth.repo', 'go.lab.test/nothing-here');
  assert.is(missing.status, 'fail');
  assert.is(missing.cause, 'auth.discovery');
});

test('private repo over SSH: key and known_hosts pass; without known_hosts, host key verification fails', async ({ lab, base }) => {
  const known = readFileSync(lab.git.knownHostsFile, 'utf8').replace(/'/g, '');
  // Per lab (its host key): removed when the suite ends, so runs do not pile images up.
  const withKnownHosts = await ensureDerivedImage(
    `gomod-doctor-fixture/gobuilder-known-hosts:${lab.git.sshPort}-${lab.git.hostPublicKey.slice(-12).replace(/[^a-zA-Z0-9]/g, '')}`,
    `FROM ${GOBUILDER_TAG}\nRUN mkdir -p -m 0700 /root/.ssh && printf '%s\\n' '${known.trim().split('\n').join("' '")}' > /root/.ssh/known_hosts`,
  );
  perLabImages.push(withKnownHosts);
  const args = ['--private-repo', lab.git.sshUrl, '--ssh-key', lab.git.clientKeyPath, ...base, '-e', LAB_GOPROXY];
  const ok = await runJson(['--image', withKnownHosts, ...args]);
  const pass = row(ok.report, 'auth.repo', lab.git.sshUrl);
  assert.is(pass.status, 'pass', pass.summary);
  assert.match(row(ok.report, 'auth.credentials', GIT_HOST).summary, '--ssh-key');

  const noKnown = await runJson(['--image', GOBUILDER_TAG, ...args]);
  const hk = row(noKnown.report, 'auth.repo', lab.git.sshUrl);
  assert.is(hk.status, 'fail');
  assert.is(hk.cause, 'auth.host_key');
  assert.match(hk.fix ?? '', `ssh-keyscan -p ${lab.git.sshPort} ${GIT_HOST}`);

  const wrongKey = await runJson(['--image', withKnownHosts, '--private-repo', lab.git.sshUrl, '--ssh-key', lab.git.wrongKeyPath, ...base, '-e', LAB_GOPROXY]);
  assert.is(row(wrongKey.report, 'auth.repo', lab.git.sshUrl).cause, 'auth.publickey');
  const key = readFileSync(lab.git.clientKeyPath, 'utf8').split('\n')[1] ?? '';
  assertNoSecret([ok.stdout, noKnown.stdout, wrongKey.stdout], [key]);

  // --ssh-agent: the key stays in the host's agent; only its socket is mounted into the probe.
  const sock = join(mkdtempSync(join(tmpdir(), 'gmd-agent-')), 'agent.sock');
  const agent = spawn('ssh-agent', ['-D', '-a', sock], { stdio: 'ignore' });
  try {
    for (let i = 0; i < 50 && !existsSync(sock); i++) await new Promise((r) => setTimeout(r, 100));
    const add = spawnSync('ssh-add', [lab.git.clientKeyPath], { env: { ...process.env, SSH_AUTH_SOCK: sock }, encoding: 'utf8' });
    assert.is(add.status, 0, add.stderr);
    const viaAgent = await runJson(['--image', withKnownHosts, '--private-repo', lab.git.sshUrl, '--ssh-agent', ...base, '-e', LAB_GOPROXY], { env: { SSH_AUTH_SOCK: sock } });
    assert.is(row(viaAgent.report, 'auth.repo', lab.git.sshUrl).status, 'pass', viaAgent.stdout);
    assert.match(row(viaAgent.report, 'auth.credentials', GIT_HOST).summary, 'SSH agent');
  } finally {
    agent.kill();
  }
});

test('an image without git: auth.git fails with the install line', async ({ lab, base }) => {
  const r = await runJson(['--image', BUSYBOX_TAG, ...base, '-e', LAB_GOPROXY, '--private-repo', lab.git.httpsUrl]);
  const g = row(r.report, 'auth.git', '');
  assert.is(g.status, 'fail');
  assert.is(g.cause, 'auth.git_missing');
  assert.match(g.fix ?? '', 'install');
  assert.is(row(r.report, 'auth.repo', lab.git.httpsUrl).cause, 'auth.git_missing');
});

test.run();
