// Proves the lab's private git host and forward proxies: the host's git, ssh and curl against the
// gateway IP, then Go and git in the gobuilder through the lab DNS names, as a container sees them.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { runContainer } from '../helpers/container.js';
import { docker, ensureEngine } from '../helpers/engine.js';
import { ensureFixtureImages } from '../helpers/fixtures.js';
import {
  GIT_HTTP_PASSWORD,
  GIT_HTTP_USER,
  GIT_TAG,
  PROXY_PASSWORD,
  PROXY_USER,
  startLab,
  TEST_LABEL,
  type Lab,
} from '../helpers/lab.js';
import { loud, withTimeout } from '../helpers/timeout.js';

interface Ctx {
  lab: Lab;
  images: { busybox: string; gobuilder: string };
  /** HOME for the host's git and curl: no user config, credential helpers or .netrc but ours. */
  home: string;
}

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

// The lab servers run in this process: children must be async, a sync spawn would block them.
function sh(cmd: string, args: string[], env: Record<string, string>): Promise<Result> {
  return new Promise((resolve) => {
    execFile(cmd, args, { env, timeout: 20_000, encoding: 'utf8' }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** A clean environment: the host's GIT_SSL_CAINFO, proxies and credential helpers must not leak in. */
const cleanEnv = (home: string): Record<string, string> => ({
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  HOME: home,
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_TERMINAL_PROMPT: '0',
});

const writeNetrc = (home: string, machine: string, password: string): void =>
  writeFileSync(join(home, '.netrc'), `machine ${machine} login ${GIT_HTTP_USER} password ${password}\n`, { mode: 0o600 });

const gitHttps = (ctx: Ctx, ...args: string[]): Promise<Result> =>
  sh('git', ['-c', `http.sslCAInfo=${ctx.lab.caFile}`, ...args], cleanEnv(ctx.home));

const httpsUrl = (lab: Lab, repoPath = lab.git.repoPath): string => `https://${lab.gateway}:${lab.git.httpsPort}${repoPath}`;

/** git over ssh to the gateway IP with `key` and `knownHosts`, ssh config and agent ignored. */
const gitSsh = (ctx: Ctx, key: string, knownHosts: string, ...args: string[]): Promise<Result> =>
  sh('git', args, {
    ...cleanEnv(ctx.home),
    GIT_SSH_COMMAND: `ssh -F /dev/null -i ${key} -o IdentitiesOnly=yes -o UserKnownHostsFile=${knownHosts} -o GlobalKnownHostsFile=/dev/null -o BatchMode=yes -o StrictHostKeyChecking=yes`,
  });

const sshUrlByIp = (lab: Lab): string => `ssh://git@${lab.gateway}:${lab.git.sshPort}${lab.git.repoPath}`;


/** Run a bash script in a labelled throwaway gobuilder with the lab DNS and `files` (path → [content, mode]). */
function runInGobuilder(ctx: Ctx, script: string, files: Record<string, [string, number]>): Promise<Result> {
  return runContainer(ctx.images.gobuilder, ['bash', '-c', script], { dns: [ctx.lab.gateway], files });
}

const test = suite<Ctx>('lab-git');

test.before(loud('lab-git', async (ctx) => {
  await withTimeout(ensureEngine(), 100_000, 'ensureEngine');
  ctx.images = await withTimeout(ensureFixtureImages(), 300_000, 'ensureFixtureImages');
  ctx.lab = await withTimeout(startLab(), 30_000, 'startLab');
  ctx.home = mkdtempSync(join(tmpdir(), 'gmd-lab-git-home-'));
}));

test.after(async (ctx) => {
  if (ctx.home) rmSync(ctx.home, { recursive: true, force: true });
  await ctx.lab?.stop();
  const left = await docker().listContainers({ all: true, filters: { label: [`${TEST_LABEL}=1`] } });
  assert.is(left.length, 0, 'no test containers left behind');
});

const e2e = (name: string, fn: (ctx: Ctx) => Promise<void>, ms = 30_000): void =>
  test(name, (ctx) => withTimeout(fn(ctx), ms, name));
// test/setup.ts installs the host's ssh client when it is missing: these never skip.
const e2eSsh = e2e;

e2e('https ls-remote with the .netrc credentials lists main and the tag', async (ctx) => {
  const { lab } = ctx;
  writeNetrc(ctx.home, lab.gateway, GIT_HTTP_PASSWORD);
  lab.requests.length = 0;
  const r = await gitHttps(ctx, 'ls-remote', httpsUrl(lab));
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, `${lab.git.commit}\trefs/heads/main`);
  assert.match(r.stdout, `${lab.git.commit}\trefs/tags/${GIT_TAG}`);
  assert.ok(
    lab.requests.some((q) => q.port === lab.git.httpsPort && q.path === '/acme/private.git/info/refs?service=git-upload-pack'),
    'the git server logged the ref advertisement request',
  );
});

e2e('https without credentials: 401 with a Basic challenge, git cannot prompt', async (ctx) => {
  const { lab } = ctx;
  rmSync(join(ctx.home, '.netrc'), { force: true });
  const r = await gitHttps(ctx, 'ls-remote', httpsUrl(lab));
  assert.is.not(r.code, 0);
  assert.match(r.stderr, 'terminal prompts disabled');
  const url = `${httpsUrl(lab)}/info/refs?service=git-upload-pack`;
  const c = await sh('curl', ['-sS', '-i', '--cacert', lab.caFile, url], cleanEnv(ctx.home));
  assert.match(c.stdout, /^HTTP\/1\.1 401 /);
  assert.match(c.stdout, /www-authenticate: Basic realm="lab-git"/i);
});

e2e('https with a wrong password fails authentication', async (ctx) => {
  const { lab } = ctx;
  writeNetrc(ctx.home, lab.gateway, 'not-the-token');
  // git 2.39 answers a rejected .netrc login by asking for another one, which it cannot.
  const netrc = await gitHttps(ctx, 'ls-remote', httpsUrl(lab));
  assert.is.not(netrc.code, 0);
  assert.match(netrc.stderr, 'terminal prompts disabled');
  const c = await sh('curl', ['-sS', '-o', '/dev/null', '-w', '%{http_code}', '--netrc', '--cacert', lab.caFile, `${httpsUrl(lab)}/info/refs`], cleanEnv(ctx.home));
  assert.is(c.stdout, '401');
  // Credentials in the URL are final: git gives up at once.
  const inUrl = httpsUrl(lab).replace('https://', `https://${GIT_HTTP_USER}:not-the-token@`);
  const url = await gitHttps(ctx, 'ls-remote', inUrl);
  assert.is.not(url.code, 0);
  assert.match(url.stderr, 'Authentication failed');
});

e2e('https with the right credentials but a missing repo is not found', async (ctx) => {
  const { lab } = ctx;
  writeNetrc(ctx.home, lab.gateway, GIT_HTTP_PASSWORD);
  const r = await gitHttps(ctx, 'ls-remote', httpsUrl(lab, '/acme/missing.git'));
  assert.is.not(r.code, 0);
  assert.match(r.stderr, /repository '.*\/acme\/missing\.git\/' not found/);
});

e2e('https clone checks out the Go module', async (ctx) => {
  const { lab } = ctx;
  writeNetrc(ctx.home, lab.gateway, GIT_HTTP_PASSWORD);
  const dest = join(ctx.home, 'clone');
  const r = await gitHttps(ctx, 'clone', '-q', httpsUrl(lab), dest);
  assert.is(r.code, 0, r.stderr);
  const log = await sh('git', ['-C', dest, 'log', '--format=%H'], cleanEnv(ctx.home));
  assert.is(log.stdout.trim(), lab.git.commit);
  rmSync(dest, { recursive: true, force: true });
});

e2eSsh('ssh ls-remote with the client key and known_hosts', async (ctx) => {
  const { lab } = ctx;
  lab.git.sshLog.length = 0;
  const r = await gitSsh(ctx, lab.git.clientKeyPath, lab.git.knownHostsFile, 'ls-remote', sshUrlByIp(lab));
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, `${lab.git.commit}\trefs/heads/main`);
  assert.ok(lab.git.sshLog.some((e) => e.event === 'exec' && e.ok && e.detail === "git-upload-pack '/acme/private.git'"));
});

e2eSsh('ssh without a known_hosts entry: Host key verification failed', async (ctx) => {
  const { lab } = ctx;
  const empty = join(ctx.home, 'empty_known_hosts');
  writeFileSync(empty, '');
  const r = await gitSsh(ctx, lab.git.clientKeyPath, empty, 'ls-remote', sshUrlByIp(lab));
  assert.is.not(r.code, 0);
  assert.match(r.stderr, 'Host key verification failed');
});

e2eSsh('ssh with another key: Permission denied (publickey)', async (ctx) => {
  const { lab } = ctx;
  const r = await gitSsh(ctx, lab.git.wrongKeyPath, lab.git.knownHostsFile, 'ls-remote', sshUrlByIp(lab));
  assert.is.not(r.code, 0);
  assert.match(r.stderr, 'Permission denied (publickey)');
});

e2eSsh('ssh refuses other commands and other repos with exit 1', async (ctx) => {
  const { lab } = ctx;
  const ssh = (command: string) =>
    sh('ssh', ['-F', '/dev/null', '-i', lab.git.clientKeyPath, '-o', 'IdentitiesOnly=yes', '-o', `UserKnownHostsFile=${lab.git.knownHostsFile}`,
      '-o', 'BatchMode=yes', '-p', String(lab.git.sshPort), `git@${lab.gateway}`, command], cleanEnv(ctx.home));
  const other = await ssh('cat /etc/passwd');
  assert.is(other.code, 1);
  assert.match(other.stderr, 'only git-upload-pack is served');
  const missing = await ssh("git-upload-pack 'acme/missing.git'");
  assert.is(missing.code, 1);
  assert.match(missing.stderr, 'Repository not found');
});

e2e('the go-get=1 page on port 443 maps the vanity path to the HTTPS repo', async (ctx) => {
  const { lab } = ctx;
  const args = ['-sS', '--cacert', lab.caFile, '--resolve', `go.lab.test:443:${lab.gateway}`];
  const meta = `<meta name="go-import" content="${lab.git.vanityPath} git ${lab.git.vanityRepoUrl}">`;
  for (const path of ['/private', '/private/sub/pkg']) {
    const r = await sh('curl', [...args, `https://go.lab.test${path}?go-get=1`], cleanEnv(ctx.home));
    assert.is(r.code, 0, r.stderr);
    assert.match(r.stdout, meta);
  }
  assert.is(lab.git.vanityRepoUrl, `https://git.lab.test:${lab.git.httpsPort}/acme/private.git`);
  const other = await sh('curl', [...args, '-o', '/dev/null', '-w', '%{http_code}', 'https://go.lab.test/other?go-get=1'], cleanEnv(ctx.home));
  assert.is(other.stdout, '404');
});

e2e('the forward proxy tunnels https (CONNECT) and forwards http (absolute URI) to the lab', async (ctx) => {
  const { lab } = ctx;
  lab.proxyLog.length = 0;
  lab.requests.length = 0;
  const proxy = ['--proxy', `http://${lab.gateway}:${lab.ports.forwardProxy}`];
  const tls = await sh('curl', ['-sS', ...proxy, '--cacert', lab.caFile, 'https://proxy.golang.org/rsc.io/quote/@v/list'], cleanEnv(ctx.home));
  assert.is(tls.stdout, 'v1.5.0\nv1.5.1\nv1.5.2\n', tls.stderr);
  const plain = await sh('curl', ['-sS', ...proxy, 'http://goproxy.cn/rsc.io/quote/@latest'], cleanEnv(ctx.home));
  assert.match(plain.stdout, '"Version":"v1.5.2"', plain.stderr);
  assert.equal(lab.proxyLog, [
    { proxy: 'forward', method: 'CONNECT', target: 'proxy.golang.org:443', status: 200 },
    { proxy: 'forward', method: 'GET', target: 'goproxy.cn:80', status: 200 },
  ]);
  assert.equal(lab.requests, [
    { method: 'GET', host: 'proxy.golang.org', path: '/rsc.io/quote/@v/list', port: 443 },
    { method: 'GET', host: 'goproxy.cn', path: '/rsc.io/quote/@latest', port: 80 },
  ]);
});

e2e('the forward proxy refuses IP targets other than the gateway, and says 502 for a closed port', async (ctx) => {
  const { lab } = ctx;
  lab.proxyLog.length = 0;
  const proxy = ['--proxy', `http://${lab.gateway}:${lab.ports.forwardProxy}`, '-o', '/dev/null', '-w', '%{http_code} %{http_connect}'];
  // The blackhole is a lab address, so even a proxy bug could only hang here, never reach out.
  const plain = await sh('curl', ['-sS', ...proxy, `http://${lab.blackhole}/`], cleanEnv(ctx.home));
  assert.is(plain.stdout, '403 000');
  const tunnel = await sh('curl', ['-sS', ...proxy, `https://${lab.blackhole}/`], cleanEnv(ctx.home));
  assert.is(tunnel.stdout, '000 403');
  const closed = await sh('curl', ['-sS', ...proxy, `https://proxy.golang.org:${lab.ports.refused}/`], cleanEnv(ctx.home));
  assert.is(closed.stdout, '000 502');
  assert.equal(lab.proxyLog.map((e) => e.status), [403, 403, 502]);
});

e2e('the auth proxy answers 407 without or with wrong credentials, 200 with the right ones', async (ctx) => {
  const { lab } = ctx;
  lab.proxyLog.length = 0;
  const url = 'https://proxy.golang.org/rsc.io/quote/@v/list';
  const via = (userinfo: string) => ['--proxy', `http://${userinfo}${lab.gateway}:${lab.ports.authProxy}`, '--cacert', lab.caFile];
  const none = await sh('curl', ['-sS', '-i', '--proxy', `http://${lab.gateway}:${lab.ports.authProxy}`, 'http://proxy.golang.org/'], cleanEnv(ctx.home));
  assert.match(none.stdout, /^HTTP\/1\.1 407 Proxy Authentication Required/);
  assert.match(none.stdout, /proxy-authenticate: Basic realm="lab"/i);
  const noTunnel = await sh('curl', ['-sS', '-o', '/dev/null', '-w', '%{http_connect}', ...via(''), url], cleanEnv(ctx.home));
  assert.is(noTunnel.stdout, '407');
  const wrong = await sh('curl', ['-sS', '-o', '/dev/null', '-w', '%{http_connect}', ...via(`${PROXY_USER}:wrong@`), url], cleanEnv(ctx.home));
  assert.is(wrong.stdout, '407');
  const right = await sh('curl', ['-sS', ...via(`${PROXY_USER}:${PROXY_PASSWORD}@`), url], cleanEnv(ctx.home));
  assert.is(right.stdout, 'v1.5.0\nv1.5.1\nv1.5.2\n', right.stderr);
  assert.equal(lab.proxyLog.map((e) => `${e.method} ${e.status}`), ['GET 407', 'CONNECT 407', 'CONNECT 407', 'CONNECT 200']);
});

e2e('in the gobuilder: go mod download of the vanity module (HTTPS + .netrc) and git over ssh by name', async (ctx) => {
  const { lab } = ctx;
  lab.requests.length = 0;
  lab.git.sshLog.length = 0;
  const script = [
    'set -e',
    'cd "$(mktemp -d)" && go mod init example.com/m 2>/dev/null',
    // GOPRIVATE: no checksum database for the private module (sum.golang.org is the fake proxy here).
    `GOPROXY=direct GOPRIVATE=go.lab.test SSL_CERT_FILE=/tmp/lab-ca.pem GIT_SSL_CAINFO=/tmp/lab-ca.pem GIT_TERMINAL_PROMPT=0 go mod download -json ${lab.git.vanityPath}@${GIT_TAG}`,
    `GIT_SSH_COMMAND='ssh -i /tmp/lab-key -o UserKnownHostsFile=/tmp/lab-known_hosts -o BatchMode=yes' git ls-remote ${lab.git.sshUrl}`,
  ].join('\n');
  const r = await runInGobuilder(ctx, script, {
    '/tmp/lab-ca.pem': [lab.caPem, 0o644],
    '/root/.netrc': [`machine git.lab.test login ${GIT_HTTP_USER} password ${GIT_HTTP_PASSWORD}\n`, 0o600],
    '/tmp/lab-key': [readFileSync(lab.git.clientKeyPath, 'utf8'), 0o600],
    // The name line only: the container connects to git.lab.test, not the IP.
    '/tmp/lab-known_hosts': [`${lab.git.knownHostsLine}\n`, 0o644],
  });
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, `"Version": "${GIT_TAG}"`);
  assert.match(r.stdout, `${lab.git.commit}\trefs/tags/${GIT_TAG}`);
  assert.ok(lab.requests.some((q) => q.port === 443 && q.host === 'go.lab.test' && q.path.includes('go-get=1')), 'vanity discovery on 443');
  assert.ok(lab.requests.some((q) => q.port === lab.git.httpsPort && q.path.startsWith('/acme/private.git/')), 'fetch from the git server');
  assert.ok(lab.git.sshLog.some((e) => e.event === 'exec' && e.ok), 'ssh upload-pack ran');
}, 90_000);

test.run();
