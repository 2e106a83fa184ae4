// The environment checks on hand-built Evidence: proxy variables (checks/proxy-env.ts), cache
// writability (checks/fs.ts), Go settings (checks/go-env.ts) and private-repo access (checks/auth.ts).
// Each test asserts what the user reads: status, cause, summary and fix.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { authCredentials, authGit, authRepo, credentialsFor } from '../../checks/auth.js';
import { fsWritable } from '../../checks/fs.js';
import { goEnvGoproxy, goEnvGosumdb, goEnvPrivate, goEnvToolchain, modulePathOf } from '../../checks/go-env.js';
import { proxyEnvVars, proxyValueProblem } from '../../checks/proxy-env.js';
import { matchPrefixPatterns } from '../../src/go/module-pattern.js';
import { evidence as baseEvidence, NO_CREDENTIALS as NO_CREDS } from '../helpers/evidence.js';
import type { CheckResult, CredentialFacts, EnvVar, Evidence, FsEvidence, ImageFacts, PlannedRepo, RepoEvidence, RunContext, TargetEvidence } from '../../src/model.js';

type Row = Omit<CheckResult, 'id' | 'category'>;


/** Evidence with defaults: root in a debian image, no go env, nothing probed. */
function evidence(over: { facts?: Partial<ImageFacts>; env?: Array<[string, string, EnvVar['source']?]>; context?: Partial<RunContext>; paths?: FsEvidence[]; repos?: RepoEvidence[]; targets?: TargetEvidence[] } = {}): Evidence {
  return baseEvidence({ image: 'golang:1.23', engine: { version: '27.0.0', apiVersion: '1.46' }, ...over });
}

const only = (rows: Row[]): Row => {
  assert.is(rows.length, 1, JSON.stringify(rows.map((r) => r.summary)));
  return rows[0]!;
};
const brief = (r: Row) => [r.status, r.cause];

// ---------------------------------------------------------------------------
const Proxy = suite('proxy-env.vars');

const vars = (env: Array<[string, string, EnvVar['source']?]>, context: Partial<RunContext> = {}) => proxyEnvVars.evaluate(evidence({ env, context }));

Proxy('no proxy variables: pass, the go command and git connect directly', () => {
  const r = only(vars([['GOPROXY', 'https://proxy.golang.org,direct'], ['HTTPS_PROXY', '']]));
  assert.equal(brief(r), ['pass', null]);
  assert.is(r.summary, 'no proxy variables: the go command and git connect directly');
});

Proxy('a clean proxy passes, naming where it came from', () => {
  const r = only(vars([['HTTPS_PROXY', 'http://proxy.corp:3128', 'image'], ['NO_PROXY', '.corp.example', 'docker-config']]));
  assert.equal(brief(r), ['pass', null]);
  assert.is(r.summary, 'HTTPS_PROXY=http://proxy.corp:3128 (image ENV), NO_PROXY=.corp.example (docker config.json proxies)');
});

Proxy('localhost in a container is the container: fail with a host.docker.internal fix', () => {
  for (const value of ['http://localhost:3128', 'http://127.0.0.1:3128', '127.0.0.1:3128']) {
    const rows = vars([['HTTPS_PROXY', value]]);
    const r = rows.find((x) => x.cause === 'proxy.localhost')!;
    assert.equal([r.status, r.target], ['fail', 'HTTPS_PROXY'], value);
    assert.match(r.summary, 'points at loopback');
    assert.match(r.fix ?? '', 'docker build --add-host host.docker.internal:host-gateway --build-arg HTTPS_PROXY=http://host.docker.internal:3128 .');
  }
});

Proxy('localhost is fine with --network host', () => {
  assert.equal(brief(only(vars([['HTTPS_PROXY', 'http://localhost:3128']], { network: 'host' }))), ['pass', null]);
});

Proxy('malformed values: scheme typo and missing ":" fail, no scheme warns', () => {
  const cases: Array<[string, 'warn' | 'fail', RegExp]> = [
    ['htp://proxy.corp:3128', 'fail', /has scheme "htp", which the go command and curl do not support \(a typo of http\?\)/],
    ['http//proxy.corp:3128', 'fail', /looks mistyped: it parses as host "http" followed by a path/],
    ['proxy.corp:3128', 'warn', /has no scheme: the go command and curl assume http:\/\//],
  ];
  for (const [value, status, summary] of cases) {
    const r = only(vars([['HTTPS_PROXY', value]]));
    assert.equal(brief(r), [status, 'proxy.bad_url'], value);
    assert.match(r.summary, summary);
    assert.is(r.fix, 'write it in full: HTTPS_PROXY=http://<proxy-host>:<port>');
  }
});

Proxy('HTTPS_PROXY and https_proxy disagree: warn, the go command and git use different proxies', () => {
  const rows = vars([['HTTPS_PROXY', 'http://a.corp:3128', 'image'], ['https_proxy', 'http://b.corp:3128', 'flag']]);
  const r = rows.find((x) => x.cause === 'proxy.case_mismatch')!;
  assert.equal([r.status, r.target], ['warn', 'HTTPS_PROXY/https_proxy']);
  assert.match(r.summary, 'the go command uses HTTPS_PROXY, git and curl use https_proxy');
  assert.is(r.fix, 'set both to the same value: ENV HTTPS_PROXY=<value> https_proxy=<value>');
  // Equal values in both cases are fine.
  assert.equal(brief(only(vars([['HTTPS_PROXY', 'http://a.corp:3128'], ['https_proxy', 'http://a.corp:3128']]))), ['pass', null]);
});

Proxy('ALL_PROXY alone: warn, the go command ignores it', () => {
  const r = vars([['ALL_PROXY', 'socks5://socks.corp:1080']]).find((x) => x.cause === 'proxy.all_proxy_only')!;
  assert.is(r.status, 'warn');
  assert.match(r.summary, 'the go command ignores ALL_PROXY and connects directly');
  assert.is(r.fix, 'set HTTPS_PROXY (and https_proxy) to the same proxy');
});

const PW = 'S3cret-Pw9';
// Every row this check can print, each with a proxy password in it.
const withPassword: Array<[string, Array<[string, string]>]> = [
  ['clean', [['HTTPS_PROXY', `http://alice:${PW}@proxy.corp:3128`]]],
  ['localhost', [['HTTPS_PROXY', `http://alice:${PW}@localhost:3128`]]],
  ['case mismatch', [['HTTPS_PROXY', `http://alice:${PW}@a.corp:3128`], ['https_proxy', `http://bob:${PW}@b.corp:3128`], ['NO_PROXY', '.corp']]],
  ['scheme typo', [['HTTPS_PROXY', `htp://alice:${PW}@proxy.corp:3128`]]],
  ['no scheme', [['HTTPS_PROXY', `alice:${PW}@proxy.corp:3128`]]],
  ['missing ":" after the scheme', [['HTTPS_PROXY', `http//alice:${PW}@proxy.corp:3128`]]],
];
for (const [name, env] of withPassword) {
  Proxy(`the proxy password is redacted in every field (${name})`, () => {
    const rows = vars(env);
    assert.ok(rows.length > 0);
    assert.not.match(JSON.stringify(rows), PW);
  });
}

Proxy('clean proxy with credentials: shown as user:***@ and said to be redacted', () => {
  const r = only(vars([['HTTPS_PROXY', `http://alice:${PW}@proxy.corp:3128`]]));
  assert.match(r.summary, 'HTTPS_PROXY=http://alice:***@proxy.corp:3128 (-e/--env-file) · credentials in the URL are redacted');
});

Proxy('localhost fix keeps the proxy port, not digits of the password', () => {
  const r = vars([['HTTPS_PROXY', 'http://alice:8675309@localhost:3128']]).find((x) => x.cause === 'proxy.localhost')!;
  assert.match(r.fix ?? '', 'http://host.docker.internal:3128');
  assert.not.match(JSON.stringify(r), '8675309');
});

Proxy('proxyValueProblem', () => {
  assert.is(proxyValueProblem('http://proxy.corp:3128'), null);
  assert.is(proxyValueProblem('https://proxy.corp'), null);
  assert.is(proxyValueProblem('socks5h://socks.corp:1080'), null);
  assert.is(proxyValueProblem('http://proxy.corp:3128 ')?.status, 'fail', 'a trailing blank from an env file');
  assert.is(proxyValueProblem('http://proxy.corp:3128/'), null);
  assert.is(proxyValueProblem('proxy.corp:3128')?.status, 'warn');
  assert.is(proxyValueProblem('ftp://proxy.corp')?.status, 'fail');
  assert.match(proxyValueProblem('http://pro xy:3128')?.problem ?? '', 'contains whitespace');
  assert.match(proxyValueProblem('http://[::1')?.problem ?? '', 'is not a URL');
});

// ---------------------------------------------------------------------------
const Fs = suite('fs.writable');

const APP = { uid: 1000, gid: 1000, userName: 'app', home: '/home/app' };

function fe(variable: string, path: string | null, over: Partial<FsEvidence> = {}): FsEvidence {
  return {
    path: { key: 'f0', variable, path, note: path === null ? `${variable} note` : null },
    exists: true, isDir: true, probedAt: path ?? '', ownerUid: 1000, ownerGid: 1000, mode: '755', writable: true, writeError: '', mountPoint: '/', readOnlyMount: false, freeKb: 20 * 1024 * 1024,
    ...over,
  };
}
const fsRows = (paths: FsEvidence[], facts: Partial<ImageFacts> = APP) => fsWritable.evaluate(evidence({ facts, paths }));
const fsRow = (path: FsEvidence, others: FsEvidence[] = []) => fsRows([path, ...others])[0]!;

Fs('undefined GOCACHE fails with an ENV GOCACHE fix; undefined HOME only warns', () => {
  const gocache: FsEvidence = { ...fe('GOCACHE', null), path: { key: 'f1', variable: 'GOCACHE', path: null, note: 'GOCACHE is not defined and neither $XDG_CACHE_HOME nor $HOME are defined' } };
  const r = fsRow(gocache);
  assert.equal([r.status, r.cause, r.target], ['fail', 'fs.undefined', 'GOCACHE']);
  assert.is(r.summary, 'GOCACHE is not defined and neither $XDG_CACHE_HOME nor $HOME are defined');
  assert.match(r.fix ?? '', /^ENV GOCACHE=\/tmp\/go-build/);
  const home = fsRow(fe('HOME', null));
  assert.equal(brief(home), ['warn', 'fs.undefined']);
  assert.match(home.fix ?? '', /^ENV HOME=\/home\/<user>/);
  assert.match(fsRow(fe('GOMODCACHE', null)).fix ?? '', /^ENV GOPATH=\/go/);
});

Fs('root-owned GOMODCACHE under GOPATH: fail, chown the whole GOPATH to the user', () => {
  const denied = "mkdir: can't create directory '/go/pkg/mod/.gomod-doctor-probe.7.f0': Permission denied";
  const r = fsRow(fe('GOMODCACHE', '/go/pkg/mod', { ownerUid: 0, ownerGid: 0, writable: false, writeError: denied }), [fe('GOPATH', '/go', { ownerUid: 0, ownerGid: 0, writable: false })]);
  assert.equal([r.status, r.cause, r.target], ['fail', 'fs.not_writable', 'GOMODCACHE /go/pkg/mod']);
  assert.is(r.summary, `app (uid 1000) cannot create files in /go/pkg/mod (owner 0:0 mode 755 · 20.0 GiB free): ${denied}`);
  assert.match(r.fix ?? '', 'as root before USER app: RUN mkdir -p /go/pkg/mod && chown -R 1000:1000 /go ');
  assert.match(r.fix ?? '', 'RUN --mount=type=cache,target=/go/pkg/mod,uid=1000,gid=1000 go mod download');
});

Fs('a missing GOCACHE outside GOPATH: judged where it would be created, chown that path', () => {
  const r = fsRow(fe('GOCACHE', '/home/app/.cache/go-build', { exists: false, isDir: false, probedAt: '/home/app', ownerUid: 0, ownerGid: 0, writable: false }), [fe('GOPATH', '/go')]);
  assert.equal(brief(r), ['fail', 'fs.not_writable']);
  assert.match(r.summary, 'cannot create files in /home/app (missing; would be created under /home/app (owner 0:0 mode 755)');
  assert.match(r.fix ?? '', 'chown -R 1000:1000 /home/app/.cache/go-build  — or: ENV GOCACHE=/tmp/go-build');
});

Fs('a read-only mount: fs.read_only, drop :ro', () => {
  const r = fsRow(fe('GOMODCACHE', '/go/pkg/mod', { writable: false, readOnlyMount: true, mountPoint: '/go/pkg/mod' }));
  assert.equal(brief(r), ['fail', 'fs.read_only']);
  assert.is(r.summary, '/go/pkg/mod is on a read-only mount (/go/pkg/mod): the go command cannot write GOMODCACHE');
  assert.match(r.fix ?? '', /^mount it read-write \(drop :ro\)/);
  // The same when only the error says so.
  assert.is(fsRow(fe('GOCACHE', '/cache', { writable: false, writeError: "mkdir: can't create directory '/cache/x': Read-only file system" })).cause, 'fs.read_only');
});

Fs('low space warns (not for HOME); a file where a directory should be fails', () => {
  const low = fsRow(fe('GOMODCACHE', '/go/pkg/mod', { freeKb: 512 * 1024 }));
  assert.equal(brief(low), ['warn', 'fs.low_space']);
  assert.is(low.summary, 'writable, but only 0.5 GiB free at /');
  assert.equal(brief(fsRow(fe('HOME', '/home/app', { freeKb: 512 * 1024 }))), ['pass', null]);
  const file = fsRow(fe('GOCACHE', '/root/.cache/go-build', { isDir: false }));
  assert.equal(brief(file), ['fail', 'fs.not_dir']);
  assert.is(file.summary, '/root/.cache/go-build exists but is not a directory');
});

Fs('writable: pass, with owner and free space; unprobed paths are skipped', () => {
  const r = fsRow(fe('GOPATH', '/go'));
  assert.equal([r.status, r.summary], ['pass', 'writable by app (uid 1000) · owner 1000:1000 mode 755 · 20.0 GiB free']);
  assert.is(fsRow(fe('TMPDIR', '/tmp', { probedAt: '' })).status, 'skip');
});

// ---------------------------------------------------------------------------
const Go = suite('go-env: GOPROXY, GOSUMDB, private patterns, toolchain');

const goRows = (check: { evaluate(ev: Evidence): Row[] }, env: Array<[string, string, EnvVar['source']?]>, facts: Partial<ImageFacts> = {}, repos: RepoEvidence[] = [], context: Partial<RunContext> = {}) =>
  check.evaluate(evidence({ env, facts, repos, context }));

Go('GOPROXY: default passes, naming the source', () => {
  assert.equal([only(goRows(goEnvGoproxy, [])).status, only(goRows(goEnvGoproxy, [])).summary], ['pass', 'GOPROXY=https://proxy.golang.org,direct (Go default)']);
  assert.is(only(goRows(goEnvGoproxy, [['GOPROXY', 'https://goproxy.cn,direct', 'image']])).summary, 'GOPROXY=https://goproxy.cn,direct (image ENV)');
});

Go('GOPROXY: "direc" fails the whole list; the fix spells direct', () => {
  const r = only(goRows(goEnvGoproxy, [['GOPROXY', 'https://proxy.golang.org,direc']]));
  assert.equal(brief(r), ['fail', 'go.goproxy_invalid']);
  assert.match(r.summary, '"direc" single words are reserved for keywords (a typo of direct?)');
  assert.is(r.fix, 'ENV GOPROXY=https://proxy.golang.org,direct');
});

Go('GOPROXY=off warns, unless GOFLAGS vendors', () => {
  const r = only(goRows(goEnvGoproxy, [['GOPROXY', 'off']]));
  assert.equal(brief(r), ['warn', 'go.goproxy_off']);
  assert.match(r.summary, 'module lookup disabled by GOPROXY=off');
  const vendored = only(goRows(goEnvGoproxy, [['GOPROXY', 'off'], ['GOFLAGS', '-mod=vendor']]));
  assert.equal([vendored.status, vendored.fix], ['pass', null]);
  assert.match(vendored.summary, 'fine with -mod=vendor');
});

Go('GOPROXY with "," between two proxies warns and offers the "|" line', () => {
  const r = only(goRows(goEnvGoproxy, [['GOPROXY', 'https://goproxy.corp,https://proxy.golang.org,direct']]));
  assert.equal(brief(r), ['warn', 'go.goproxy_comma']);
  assert.match(r.summary, 'moves on from https://goproxy.corp only on 404/410');
  assert.is(r.fix, 'to fall through on any error use "|": ENV GOPROXY=https://goproxy.corp|https://proxy.golang.org,direct');
});

Go('GOPROXY credentials set with `go env -w` (only in go env) are not printed', () => {
  const goproxy = 'https://ci:Art1fact-Tok@artifactory.corp/api/go/go-virtual,direct';
  const rows = [...goRows(goEnvGoproxy, [], { goEnv: { GOPROXY: goproxy } }), ...goRows(goEnvGoproxy, [], { goEnv: { GOPROXY: `${goproxy.replace(',direct', '')},https://proxy.golang.org` } })];
  assert.not.match(JSON.stringify(rows), 'Art1fact-Tok');
});

Go('GOSUMDB: off warns, an unknown name fails, a key or a known name passes', () => {
  assert.equal(brief(only(goRows(goEnvGosumdb, [['GOSUMDB', 'off']]))), ['warn', 'go.gosumdb_off']);
  const unknown = only(goRows(goEnvGosumdb, [['GOSUMDB', 'sum.corp.example']]));
  assert.equal(brief(unknown), ['fail', 'go.gosumdb_invalid']);
  assert.match(unknown.summary, '"sum.corp.example" is not a database the go command knows');
  assert.is(unknown.fix, 'ENV GOSUMDB=sum.golang.org  (or the full key of your database)');
  const key = only(goRows(goEnvGosumdb, [['GOSUMDB', 'sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8']]));
  assert.equal(brief(key), ['pass', null]);
  assert.match(key.summary, 'custom database with its key');
  assert.match(only(goRows(goEnvGosumdb, [['GOSUMDB', 'sum.golang.org https://sum.golang.google.cn']])).summary, 'via https://sum.golang.google.cn');
  assert.is(only(goRows(goEnvGosumdb, [['GOSUMDB', 'sum.golang.google.cn']])).status, 'pass');
  assert.equal(brief(only(goRows(goEnvGosumdb, [['GOSUMDB', 'sum.corp+nothex+AAAA']]))), ['fail', 'go.gosumdb_invalid']);
});

Go('modulePathOf: what GOPRIVATE patterns see for each kind of --private-repo', () => {
  const cases: Array<[PlannedRepo['kind'], string, string, string]> = [
    ['https', 'https://git.corp.example/acme/lib.git', 'git.corp.example', 'git.corp.example/acme/lib'],
    ['ssh', 'ssh://git@git.corp.example:2222/acme/lib.git', 'git.corp.example', 'git.corp.example/acme/lib'],
    ['ssh', 'git@git.corp.example:acme/lib.git', 'git.corp.example', 'git.corp.example/acme/lib'],
    ['ssh', 'git.corp.example:/srv/acme/lib.git', 'git.corp.example', 'git.corp.example/srv/acme/lib'],
    ['module', 'go.corp.example/lib/v2', 'go.corp.example', 'go.corp.example/lib/v2'],
  ];
  for (const [kind, url, host, want] of cases) assert.is(modulePathOf({ kind, url, host }), want, url);
});

const repo = (input: string, kind: PlannedRepo['kind'], host: string, over: Partial<RepoEvidence> = {}): RepoEvidence => ({
  repo: { key: 'r0', input, kind, url: input, host },
  discovery: null, url: kind === 'module' ? null : input, outcome: 'ok', rc: 0, ms: 120, knownHost: null, message: '',
  ...over,
});
const LIB = repo('https://git.corp.example/acme/lib.git', 'https', 'git.corp.example');

Go('private: no pattern covers the repo → its path leaks to the proxy; the fix covers it', () => {
  const r = only(goRows(goEnvPrivate, [], {}, [LIB]));
  assert.equal(brief(r), ['fail', 'go.private_leak']);
  assert.match(r.summary, 'no GOPRIVATE/GONOPROXY pattern matches git.corp.example/acme/lib: the go command asks https://proxy.golang.org for it');
  assert.is(r.fix, 'ENV GOPRIVATE=git.corp.example/acme');
  const fixed = r.fix!.replace('ENV GOPRIVATE=', '');
  assert.equal(goRows(goEnvPrivate, [['GOPRIVATE', fixed]], {}, [LIB]).map(brief), [['pass', null]]);
});

Go('private: the leak fix also covers a two-element module path', () => {
  const short = repo('git.corp.example/lib', 'module', 'git.corp.example');
  const r = only(goRows(goEnvPrivate, [], {}, [short]));
  assert.is(r.cause, 'go.private_leak');
  const pattern = r.fix!.replace('ENV GOPRIVATE=', '');
  assert.ok(matchPrefixPatterns(pattern, 'git.corp.example/lib'), `GOPRIVATE=${pattern} does not match git.corp.example/lib`);
});

Go('private: GONOPROXY without GONOSUMDB → checksum lookups fail', () => {
  const r = only(goRows(goEnvPrivate, [['GONOPROXY', 'git.corp.example']], {}, [LIB]));
  assert.equal(brief(r), ['fail', 'go.nosumdb_gap']);
  assert.match(r.summary, 'GONOPROXY covers git.corp.example/acme/lib but GONOSUMDB does not');
  assert.is(r.fix, 'use GOPRIVATE (it sets both): ENV GOPRIVATE=git.corp.example/acme');
  // With GOSUMDB=off there is no lookup to fail.
  assert.equal(goRows(goEnvPrivate, [['GONOPROXY', 'git.corp.example'], ['GOSUMDB', 'off']], {}, [LIB]).map(brief), [['pass', null]]);
});

Go('private: with GOPROXY=direct and no patterns the gap row does not claim GONOPROXY covers the repo', () => {
  const r = only(goRows(goEnvPrivate, [['GOPROXY', 'direct']], {}, [LIB]));
  assert.equal(brief(r), ['fail', 'go.nosumdb_gap']);
  assert.not.match(r.summary, 'GONOPROXY covers');
});

Go('private: GOPRIVATE covering the repos passes; a scheme in a pattern is flagged', () => {
  const r = only(goRows(goEnvPrivate, [['GOPRIVATE', 'git.corp.example']], {}, [LIB]));
  assert.equal([r.status, r.summary], ['pass', 'GOPRIVATE=git.corp.example · covers git.corp.example/acme/lib']);
  const bad = goRows(goEnvPrivate, [['GOPRIVATE', 'https://git.corp.example']]);
  assert.equal(bad.map(brief), [['fail', 'go.pattern']]);
  assert.is(bad[0]!.fix, 'GOPRIVATE: git.corp.example');
  assert.equal(goRows(goEnvPrivate, []), []);
});

const GOMOD = { path: 'svc/go.mod', text: 'module example.com/svc\n\ngo 1.24.0\n', vendor: false };
const GO123 = { goEnv: { GOVERSION: 'go1.23.4', GOTOOLCHAIN: 'auto' } };

Go('toolchain: an older go downloads the newer toolchain through GOPROXY (warn)', () => {
  const r = only(goRows(goEnvToolchain, [], GO123, [], { gomod: GOMOD }));
  assert.equal([r.status, r.cause, r.target], ['warn', 'go.toolchain', 'svc/go.mod']);
  assert.match(r.summary, 'go1.23.4 is older than svc/go.mod asks for: the go command downloads go1.24.0 through GOPROXY first');
  assert.match(r.fix ?? '', /^build FROM golang:1\.24\.0 \(or newer\)/);
});

Go('toolchain: GOTOOLCHAIN=local cannot switch (fail, with the go command\'s message)', () => {
  const r = only(goRows(goEnvToolchain, [], { goEnv: { GOVERSION: 'go1.23.4', GOTOOLCHAIN: 'local' } }, [], { gomod: GOMOD }));
  assert.equal(brief(r), ['fail', 'go.toolchain']);
  assert.match(r.summary, 'go: go.mod requires go >= 1.24.0 (running go 1.23.4; GOTOOLCHAIN=local)');
  assert.match(r.fix ?? '', /^build FROM golang:1\.24\.0 \(or newer\)/);
});

Go('toolchain: satisfied passes; no go command skips; a bad GOTOOLCHAIN fails; nothing to check → no row', () => {
  assert.equal(brief(only(goRows(goEnvToolchain, [], GO123, [], { gomod: { ...GOMOD, text: 'module m\n\ngo 1.22\n' } }))), ['pass', null]);
  assert.equal(brief(only(goRows(goEnvToolchain, [], {}, [], { gomod: GOMOD }))), ['skip', 'tool.missing']);
  const bad = only(goRows(goEnvToolchain, [['GOTOOLCHAIN', 'go1.22+always']]));
  assert.equal([bad.status, bad.cause, bad.summary], ['fail', 'go.toolchain', 'go: invalid GOTOOLCHAIN "go1.22+always": only version suffixes are +auto and +path']);
  assert.equal(goRows(goEnvToolchain, []), []);
});

// ---------------------------------------------------------------------------
const Auth = suite('auth: git, credentials, repositories');

const authEv = (repos: RepoEvidence[], facts: Partial<ImageFacts> = {}, targets: TargetEvidence[] = []) => evidence({ repos, facts, targets });
const GIT = { git: '/usr/bin/git', ssh: '/usr/bin/ssh' };
const SSH_LIB = repo('ssh://git@git.corp.example:2222/acme/lib.git', 'ssh', 'git.corp.example');

Auth('git: missing in an alpine image → apk line; missing ssh for ssh repos fails too; no private repos → no row', () => {
  const r = only(authGit.evaluate(authEv([LIB], { os: 'alpine', tools: {} })));
  assert.equal(brief(r), ['fail', 'auth.git_missing']);
  assert.match(r.summary, 'no git in the image');
  assert.is(r.fix, 'RUN apk add --no-cache git openssh-client');
  assert.is(only(authGit.evaluate(authEv([LIB]))).fix, 'RUN apt-get update && apt-get install -y git openssh-client');
  const noSsh = only(authGit.evaluate(authEv([SSH_LIB], { tools: { git: '/usr/bin/git' } })));
  assert.equal(brief(noSsh), ['fail', 'auth.git_missing']);
  assert.match(noSsh.summary, 'git is there but ssh is not');
  assert.equal([only(authGit.evaluate(authEv([SSH_LIB], { tools: GIT }))).summary], ['git at /usr/bin/git · ssh at /usr/bin/ssh']);
  assert.equal(authGit.evaluate(authEv([])), []);
});

Auth('git: a GOPRIVATE host (planned as a private target) needs git too', () => {
  const te = { target: { key: 't0', host: 'git.corp.example', port: 443, roles: ['private'], tls: true, httpUrl: null, httpProxy: null }, finished: true, dns: null, tcp: null, tls: null, http: null } as TargetEvidence;
  assert.equal(brief(only(authGit.evaluate(authEv([], {}, [te])))), ['fail', 'auth.git_missing']);
});

Auth('credentialsFor: names of sources for https hosts and for ssh, never contents', () => {
  const credentials: CredentialFacts = {
    ...NO_CREDS, netrcMachines: ['git.corp.example'], netrcDefault: true, credentialHelpers: ['store'], handedNetrc: true,
    insteadOf: [{ base: 'https://***@git.corp.example/', prefix: 'https://git.corp.example/' }, { base: 'https://github.com/', prefix: 'git@github.com:' }],
    sshKeys: ['id_ed25519', 'id_rsa'], sshAgent: true, handedSshKey: true,
  };
  const ev = evidence({ facts: { credentials } });
  assert.equal(credentialsFor(ev, 'git.corp.example', false), ['--netrc / GOMOD_DOCTOR_GIT_TOKEN', '~/.netrc machine git.corp.example', 'git credential.helper store', 'url.insteadOf with credentials for git.corp.example']);
  assert.equal(credentialsFor(ev, 'other.example', false), ['--netrc / GOMOD_DOCTOR_GIT_TOKEN', '~/.netrc default entry', 'git credential.helper store']);
  assert.equal(credentialsFor(ev, 'git.corp.example', true), ['--ssh-key', 'SSH agent (SSH_AUTH_SOCK)', '~/.ssh/id_ed25519, ~/.ssh/id_rsa']);
  assert.equal(credentialsFor(evidence(), 'git.corp.example', false), []);
});

Auth('credentials: none for a private host warns with a build-secret fix', () => {
  const r = only(authCredentials.evaluate(authEv([LIB])));
  assert.equal(brief(r), ['warn', 'auth.no_credentials']);
  assert.match(r.summary, 'no netrc entry, credential helper or insteadOf with a token for git.corp.example');
  assert.match(r.fix ?? '', 'machine git.corp.example login <user> password <token>');
});

// [outcome, repo, cause, what the fix says]
const outcomes: Array<[RepoEvidence['outcome'], RepoEvidence, CheckResult['cause'], string]> = [
  ['no_credentials', LIB, 'auth.no_credentials', 'docker build --secret id=netrc'],
  ['no_credentials', SSH_LIB, 'auth.no_credentials', 'RUN --mount=type=ssh go mod download'],
  ['auth_failed', LIB, 'auth.failed', "check the token's scope"],
  ['publickey', SSH_LIB, 'auth.publickey', 'register the key (a deploy key)'],
  ['host_key', SSH_LIB, 'auth.host_key', 'ssh-keyscan -p 2222 git.corp.example >> ~/.ssh/known_hosts'],
  ['not_found', LIB, 'auth.not_found', 'check the repository path'],
  ['network', LIB, 'auth.network', 'git cannot reach git.corp.example from the container'],
  ['tls', LIB, 'auth.tls', 'update-ca-certificates'],
  ['timeout', LIB, 'auth.timeout', 'did not finish within 2 s'],
  ['no_git', LIB, 'auth.git_missing', 'RUN apt-get update && apt-get install -y git'],
  ['error', LIB, 'auth.error', 'run GIT_TERMINAL_PROMPT=0 git ls-remote https://git.corp.example/acme/lib.git as the build user'],
];
for (const [outcome, base, cause, fix] of outcomes) {
  Auth(`repo: ${outcome} (${base.repo.kind}) → ${cause}`, () => {
    const r = only(authRepo.evaluate(authEv([{ ...base, outcome, rc: 128, message: `git said ${outcome}` }])));
    assert.equal([r.status, r.cause, r.target], ['fail', cause, base.repo.input]);
    assert.match(r.summary, `git ls-remote ${base.url}: ${outcome === 'timeout' ? 'no answer within 2 s' : `git said ${outcome}`}`);
    assert.match(r.fix ?? '', fix);
  });
}

Auth('repo: ok passes with the time taken', () => {
  const r = only(authRepo.evaluate(authEv([LIB])));
  assert.equal([r.status, r.cause, r.summary], ['pass', null, 'git ls-remote https://git.corp.example/acme/lib.git: ok in 120 ms']);
});

Auth('module path: discovery without go-import fails auth.discovery with a go-import fix', () => {
  const mod = repo('go.corp.example/lib', 'module', 'go.corp.example', { outcome: 'error', rc: null, discovery: { status: 404, goImport: null, message: '' } });
  const r = only(authRepo.evaluate(authEv([mod])));
  assert.equal(brief(r), ['fail', 'auth.discovery']);
  assert.is(r.summary, 'https://go.corp.example/lib?go-get=1 answered 404 without a go-import meta tag: the go command cannot find the repository');
  assert.match(r.fix ?? '', '<meta name="go-import" content="go.corp.example/lib git https://<git-host>/<repo>.git">');
  const dns = { ...mod, discovery: { status: 0, goImport: null, message: 'curl: (6) Could not resolve host: go.corp.example' } };
  assert.match(only(authRepo.evaluate(authEv([dns]))).summary, '?go-get=1 failed (curl: (6) Could not resolve host: go.corp.example)');
});

Auth('module path: discovered and in git → ls-remote result with the go-import line', () => {
  const mod = repo('go.corp.example/lib', 'module', 'go.corp.example', { url: 'https://git.corp.example/lib.git', discovery: { status: 200, goImport: 'go.corp.example/lib git https://git.corp.example/lib.git', message: '' } });
  assert.is(only(authRepo.evaluate(authEv([mod]))).summary, 'git ls-remote https://git.corp.example/lib.git (go-import: go.corp.example/lib git https://git.corp.example/lib.git): ok in 120 ms');
  const notGit = { ...mod, url: null, discovery: { status: 200, goImport: 'go.corp.example/lib mod https://goproxy.corp', message: '' } };
  assert.equal(brief(only(authRepo.evaluate(authEv([notGit])))), ['warn', 'auth.discovery']);
});

Proxy.run();
Fs.run();
Go.run();
Auth.run();
