// The environment-check plumbing: agent blocks → credentials/fs/repo evidence (src/agent/parse.ts),
// the probe plan's paths, private hosts and proxies (src/plan/plan.ts), the container env with
// sources (src/agent/evidence.ts) and the new flags (src/cli/args.ts). Pure: no Docker, no filesystem.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parseCredentials, parseFetch, parseFs, parseRepo } from '../../src/agent/parse.js';
import { type Block, encodePlan } from '../../src/agent/wire.js';
import { type ArgsIo, parsePrivateRepo, parseArgs, parseVolume, tokenNetrc } from '../../src/cli/args.js';
import { UsageError } from '../../src/errors.js';
import type { GitOutcome, ImageFacts, PlannedPath, PlannedRepo } from '../../src/model.js';
import type { DoctorOptions, PrivateRepo } from '../../src/options.js';
import { goPaths, planProbes, privateHosts, proxyUrls } from '../../src/plan/plan.js';
import { envWithSources } from '../../src/agent/evidence.js';

const block = (id: string, kv: Array<[string, string]>, raw: string[] = []): Block => ({ id, kv, raw, body: [], truncated: false });

// ---------------------------------------------------------------------------
const Creds = suite('parseCredentials');

Creds('no creds block: nothing known, no .netrc', () => {
  assert.equal(parseCredentials(undefined), {
    netrcMachines: null, netrcDefault: false, credentialHelpers: [], insteadOf: [], sshKeys: [], knownHostsFile: false, sshAgent: false, handedNetrc: false, handedSshKey: false,
  });
});

Creds('every presence flag and name the agent reports', () => {
  const got = parseCredentials(block('creds', [
    ['netrc', '1'], ['netrc_machine', 'git.corp.example'], ['netrc_machine', 'github.com'], ['netrc_default', '1'],
    ['cred_helper', 'store'], ['cred_helper', '(inline command)'],
    ['insteadof', 'https://***@github.com/ https://github.com/'],
    ['ssh_key', 'id_ed25519'], ['known_hosts', '1'], ['ssh_agent', '1'],
  ]));
  assert.equal(got, {
    netrcMachines: ['git.corp.example', 'github.com'], netrcDefault: true, credentialHelpers: ['store', '(inline command)'],
    insteadOf: [{ base: 'https://***@github.com/', prefix: 'https://github.com/' }], sshKeys: ['id_ed25519'],
    knownHostsFile: true, sshAgent: true, handedNetrc: false, handedSshKey: false,
  });
  // A .netrc without machine lines is still a .netrc.
  assert.equal(parseCredentials(block('creds', [['netrc', '1']])).netrcMachines, []);
});

// ---------------------------------------------------------------------------
const Fs = suite('parseFs');

const modcache: PlannedPath = { key: 'f0', variable: 'GOMODCACHE', path: '/go/pkg/mod', note: null };

Fs('a root-owned existing directory the user cannot write', () => {
  const got = parseFs(block('fs:f0', [['exists', '1'], ['dir', '1'], ['probed_at', '/go/pkg/mod'], ['stat', '0 0 755'], ['writable', '0'], ['free_kb', '52428800'], ['mount', '/'], ['mount_opts', 'rw,relatime']],
    ["mkdir: can't create directory '/go/pkg/mod/.gomod-doctor-probe.42.f0': Permission denied"]), modcache);
  assert.equal(got, {
    path: modcache, exists: true, isDir: true, probedAt: '/go/pkg/mod', ownerUid: 0, ownerGid: 0, mode: '755', writable: false,
    writeError: "mkdir: can't create directory '/go/pkg/mod/.gomod-doctor-probe.42.f0': Permission denied",
    mountPoint: '/', readOnlyMount: false, freeKb: 52428800,
  });
});

Fs('a missing path is judged at its nearest existing ancestor; ro mounts are flagged', () => {
  const got = parseFs(block('fs:f0', [['probed_at', '/go'], ['stat', '1000 1000 2775'], ['writable', '0'], ['mount', '/go'], ['mount_opts', 'ro,relatime']], ["mkdir: can't create directory '/go/x': Read-only file system"]), modcache);
  assert.equal([got.exists, got.isDir, got.probedAt, got.mode, got.readOnlyMount, got.mountPoint], [false, false, '/go', '2775', true, '/go']);
  // "errors=remount-ro" is not a read-only mount.
  assert.is(parseFs(block('fs:f0', [['mount_opts', 'rw,errors=remount-ro']]), modcache).readOnlyMount, false);
});

Fs('nothing reported: unknown owner and mode, probed at the planned path', () => {
  const got = parseFs(block('fs:f0', []), modcache);
  assert.equal([got.ownerUid, got.ownerGid, got.mode, got.writable, got.probedAt, got.freeKb, got.mountPoint, got.writeError], [null, null, null, false, '/go/pkg/mod', null, null, '']);
});

// ---------------------------------------------------------------------------
const Repo = suite('parseRepo: git and ssh messages → outcome');

const HTTPS_REPO: PlannedRepo = { key: 'r0', input: 'https://git.example.com/acme/lib.git', kind: 'https', url: 'https://git.example.com/acme/lib.git', host: 'git.example.com' };
const SSH_REPO: PlannedRepo = { key: 'r1', input: 'git@github.com:acme/lib.git', kind: 'ssh', url: 'git@github.com:acme/lib.git', host: 'github.com' };
const repoBlock = (rc: string, raw: string[]) => block('repo:r0', [['rc', rc], ['ms', '230'], ['url', 'https://git.example.com/acme/lib.git'], ['refs', '0']], raw);
const ACCESS = "fatal: unable to access 'https://git.example.com/acme/lib.git/'";
const SSH_HINT = ['fatal: Could not read from remote repository.', '', 'Please make sure you have the correct access rights', 'and the repository exists.'];

// [name, repo, rc, git's stderr, outcome, the line the user is shown]
const repos: Array<[string, PlannedRepo, string, string[], GitOutcome, string | RegExp]> = [
  ['no credentials, prompt disabled', HTTPS_REPO, '128', ["fatal: could not read Username for 'https://git.example.com': terminal prompts disabled"], 'no_credentials', "fatal: could not read Username for 'https://git.example.com': terminal prompts disabled"],
  ['GitLab: HTTP Basic access denied', HTTPS_REPO, '128', ['remote: HTTP Basic: Access denied. The provided password or token is incorrect or your account has 2FA enabled and you must use a personal access token instead of a password.', "fatal: Authentication failed for 'https://git.example.com/acme/lib.git/'"], 'auth_failed', /^remote: HTTP Basic: Access denied/],
  ['ssh publickey', SSH_REPO, '128', ['git@github.com: Permission denied (publickey).', ...SSH_HINT], 'publickey', 'git@github.com: Permission denied (publickey).'],
  ['ssh host key', SSH_REPO, '128', ['Host key verification failed.', ...SSH_HINT], 'host_key', 'Host key verification failed.'],
  ['GitHub: repository not found', HTTPS_REPO, '128', ['remote: Repository not found.', "fatal: repository 'https://github.com/x/y.git/' not found"], 'not_found', 'remote: Repository not found.'],
  ['DNS', HTTPS_REPO, '128', [`${ACCESS}: Could not resolve host: git.example.com`], 'network', `${ACCESS}: Could not resolve host: git.example.com`],
  ['proxy wants credentials (407)', HTTPS_REPO, '128', [`${ACCESS}: CONNECT tunnel failed, response 407`], 'network', /response 407$/],
  ['unknown CA', HTTPS_REPO, '128', [`${ACCESS}: SSL certificate problem: unable to get local issuer certificate`], 'tls', /SSL certificate problem/],
  // The ssh line says what happened; the generic "Could not read from remote repository" does not.
  ['ssh: unknown host name', SSH_REPO, '128', ['ssh: Could not resolve hostname github.com: Name or service not known', ...SSH_HINT], 'network', 'ssh: Could not resolve hostname github.com: Name or service not known'],
  ['ssh: connection refused', SSH_REPO, '128', ['ssh: connect to host github.com port 22: Connection refused', ...SSH_HINT], 'network', 'ssh: connect to host github.com port 22: Connection refused'],
  ['unrecognised failure', HTTPS_REPO, '128', ['fatal: something new'], 'error', 'fatal: something new'],
];
for (const [name, repo, rc, raw, outcome, message] of repos) {
  Repo(`${name} → ${outcome}`, () => {
    const got = parseRepo(repoBlock(rc, raw), repo);
    assert.is(got.outcome, outcome);
    if (typeof message === 'string') assert.is(got.message, message);
    else assert.match(got.message, message);
    assert.equal([got.rc, got.ms, got.url, got.discovery], [128, 230, 'https://git.example.com/acme/lib.git', null]);
  });
}

Repo('exit codes: 0 ok (no message), 124 timeout, 127 no git', () => {
  assert.equal(pick(parseRepo(repoBlock('0', []), HTTPS_REPO)), ['ok', 0, '']);
  assert.equal(pick(parseRepo(repoBlock('124', []), HTTPS_REPO)), ['timeout', 124, '']);
  assert.equal(pick(parseRepo(block('repo:r0', [['rc', '127']]), HTTPS_REPO)), ['no_git', 127, '']);
});
const pick = (r: ReturnType<typeof parseRepo>) => [r.outcome, r.rc, r.message];

const MODULE: PlannedRepo = { key: 'r2', input: 'go.corp.example/lib', kind: 'module', url: 'go.corp.example/lib', host: 'go.corp.example' };

Repo('module path: discovery found go-import, then git ran', () => {
  const got = parseRepo(block('repo:r2', [['discovery_status', '200'], ['go_import', 'go.corp.example/lib git https://git.corp.example/lib.git '], ['rc', '0'], ['ms', '80'], ['url', 'https://git.corp.example/lib.git']]), MODULE);
  assert.equal(got.discovery, { status: 200, goImport: 'go.corp.example/lib git https://git.corp.example/lib.git', message: '' });
  assert.equal([got.outcome, got.url], ['ok', 'https://git.corp.example/lib.git']);
});

Repo('module path: discovery failed, git never ran', () => {
  const notFound = parseRepo(block('repo:r2', [['discovery_status', '404'], ['go_import', ''], ['rc', '-']]), MODULE);
  assert.equal([notFound.outcome, notFound.rc, notFound.url, notFound.discovery], ['error', null, null, { status: 404, goImport: null, message: '' }]);
  const dns = parseRepo(block('repo:r2', [['discovery_status', '000'], ['go_import', ''], ['rc', '-']], ['curl: (6) Could not resolve host: go.corp.example']), MODULE);
  assert.equal(dns.discovery, { status: 0, goImport: null, message: 'curl: (6) Could not resolve host: go.corp.example' });
});

// ---------------------------------------------------------------------------
const facts = (over: Partial<ImageFacts> = {}): ImageFacts => ({
  uid: 0, gid: 0, userName: 'root', home: '/root', clockMs: null, hostClockMs: null, tools: {}, clockSource: null, os: 'debian', caBundle: null,
  resolvConf: { nameservers: [], search: [], options: [], present: true }, hostsFile: '', goEnv: null, goEnvError: null,
  credentials: parseCredentials(undefined),
  ...over,
});

const Paths = suite('goPaths: where the go command writes');

const paths = (f: ImageFacts, env: Record<string, string> = {}) => Object.fromEntries(goPaths(f, env).map((p) => [p.variable, p.note ?? p.path]));

Paths('defaults from HOME', () => {
  assert.equal(paths(facts()), { GOMODCACHE: '/root/go/pkg/mod', GOCACHE: '/root/.cache/go-build', GOPATH: '/root/go', HOME: '/root', TMPDIR: '/tmp' });
});

Paths('XDG_CACHE_HOME, GOPATH lists, TMPDIR and $HOME from the environment', () => {
  assert.equal(paths(facts({ home: null }), { HOME: '/home/app', XDG_CACHE_HOME: '/cache', GOPATH: '/work/go:/other', TMPDIR: '/scratch' }), {
    GOMODCACHE: '/work/go/pkg/mod', GOCACHE: '/cache/go-build', GOPATH: '/work/go', HOME: '/home/app', TMPDIR: '/scratch', XDG_CACHE_HOME: '/cache',
  });
});

Paths('go env wins over the environment', () => {
  const f = facts({ goEnv: { GOPATH: '/go', GOMODCACHE: '/cache/mod', GOCACHE: '/cache/build' } });
  assert.equal(paths(f, { GOPATH: '/elsewhere', GOCACHE: '/elsewhere/build' }), { GOMODCACHE: '/cache/mod', GOCACHE: '/cache/build', GOPATH: '/go', HOME: '/root', TMPDIR: '/tmp' });
});

Paths('no HOME: GOPATH, GOMODCACHE and GOCACHE are undefined, in the go command\'s words', () => {
  assert.equal(paths(facts({ home: null })), {
    GOMODCACHE: 'module cache not found: neither GOMODCACHE nor GOPATH is set',
    GOCACHE: 'GOCACHE is not defined and neither $XDG_CACHE_HOME nor $HOME are defined',
    GOPATH: 'GOPATH is not set ($HOME is not defined)',
    HOME: '$HOME is not defined',
    TMPDIR: '/tmp',
  });
  // go env reports the same: empty GOPATH/GOMODCACHE, GOCACHE "off".
  const viaGo = goPaths(facts({ home: null, goEnv: { GOPATH: '', GOMODCACHE: '', GOCACHE: 'off' } }), {});
  assert.equal(viaGo.filter((p) => p.path === null).map((p) => p.variable), ['GOMODCACHE', 'GOCACHE', 'GOPATH', 'HOME']);
});

Paths('a relative GOPATH is not a usable path', () => {
  const got = goPaths(facts(), { GOPATH: 'go' });
  assert.equal(got.find((p) => p.variable === 'GOPATH'), { variable: 'GOPATH', path: null, note: 'GOPATH is "go", not an absolute path' });
});

Paths('GOCACHE=off set on purpose is not reported as "not defined"', () => {
  // The go command says: "build cache is disabled by GOCACHE=off, but required as of Go 1.12".
  const got = goPaths(facts(), { GOCACHE: 'off' }).find((p) => p.variable === 'GOCACHE');
  assert.is(got?.path, null);
  assert.match(got?.note ?? '', 'GOCACHE=off');
});

const Hosts = suite('privateHosts / proxyUrls');

Hosts('GOPRIVATE: literal hosts only, lower-cased, once', () => {
  assert.equal(privateHosts('git.corp.example/*,*.corp.example,github.com/acme, Git.Corp.Example ,localhost/x,gitlab.corp:8443/x,git.[ab].example'), ['git.corp.example', 'github.com']);
  assert.equal(privateHosts(''), []);
});

Hosts('proxyUrls: every distinct proxy, no scheme read as http://, NO_PROXY and odd schemes ignored', () => {
  assert.equal(proxyUrls({ HTTPS_PROXY: 'http://proxy:3128', https_proxy: 'http://proxy:3128', HTTP_PROXY: 'proxy:3128', ALL_PROXY: 'socks5://s:1080', all_proxy: 'ftp://f:21', NO_PROXY: 'x.example' }), ['http://proxy:3128', 'socks5://s:1080']);
  assert.equal(proxyUrls({}), []);
});

// ---------------------------------------------------------------------------
const Plan = suite('planProbes: proxies and private repos');

const opts = (over: Partial<DoctorOptions> = {}): DoctorOptions => ({
  image: 'golang:1.23', dockerfile: null, mode: 'run', user: null, network: null, dns: [], addHosts: [], env: [], platform: null, targets: [], defaultTargets: false, timeoutMs: 2000,
  caCertPem: null, format: 'table', failOn: 'fail', only: [], skip: [], thresholds: { dnsMs: null, tcpMs: null, tlsMs: null, httpMs: null, fetchMs: null }, verbose: false, listProbes: false, configFile: null, debug: false, volumes: [], privateRepos: [], netrcText: null, gitToken: null, sshKeyText: null, sshAgentSocket: null, gomod: null,
  dockerConfigEnv: [], dockerConfigSource: null, secrets: [], buildSecrets: [], buildSsh: [], dockerBuildkit: null, fetch: false, canary: 'rsc.io/quote@v1.5.2', throughput: null, hostProbes: false,
  ...over,
});

Plan('each proxy is a target that CONNECTs to the first GOPROXY proxy; every target records the proxy Go would use; https private repos are probed, ssh ones are not', () => {
  const privateRepos: PrivateRepo[] = [
    { input: 'https://git.corp.example/acme/lib.git', kind: 'https', url: 'https://git.corp.example/acme/lib.git', host: 'git.corp.example' },
    { input: 'git@ssh.corp.example:acme/lib.git', kind: 'ssh', url: 'git@ssh.corp.example:acme/lib.git', host: 'ssh.corp.example' },
  ];
  const env = { GOPROXY: 'https://goproxy.corp/go,direct', HTTPS_PROXY: 'http://proxy.corp:3128', http_proxy: 'http://other.corp:8080' };
  const plan = planProbes(opts({ privateRepos }), facts(), env);
  const canary = 'https://goproxy.corp/go/rsc.io/quote/@v/list';
  assert.equal(plan.targets.map((t) => [t.key, t.host, t.port, t.roles.join(','), t.httpUrl, t.httpProxy]), [
    ['t0', 'goproxy.corp', 443, 'goproxy', canary, 'http://proxy.corp:3128'],
    ['t1', 'sum.golang.org', 443, 'gosumdb', null, 'http://proxy.corp:3128'],
    ['t2', 'git.corp.example', 443, 'private', null, 'http://proxy.corp:3128'],
    ['p3', 'proxy.corp', 3128, 'proxy', canary, 'http://proxy.corp:3128'],
    ['p4', 'other.corp', 8080, 'proxy', canary, 'http://other.corp:8080'],
  ]);
  assert.equal(plan.repos.map((r) => [r.key, r.kind, r.host]), [['r0', 'https', 'git.corp.example'], ['r1', 'ssh', 'ssh.corp.example']]);
});

Plan('without a GOPROXY proxy the proxies are tried against proxy.golang.org; socks ports default to 1080', () => {
  const plan = planProbes(opts(), facts(), { GOPROXY: 'direct', ALL_PROXY: 'socks5h://socks.corp', GOPRIVATE: 'git.corp.example' });
  const proxy = plan.targets.find((t) => t.roles.includes('proxy'));
  assert.equal([proxy?.host, proxy?.port, proxy?.httpUrl], ['socks.corp', 1080, 'https://proxy.golang.org/rsc.io/quote/@v/list']);
  assert.ok(plan.targets.some((t) => t.host === 'git.corp.example' && t.roles.includes('private')));
});

// ---------------------------------------------------------------------------
const Env = suite('envWithSources');

Env('image ENV, then config.json proxies, then -e: later layers win and say where they came from', () => {
  const got = envWithSources(['PATH=/usr/local/go/bin:/usr/bin', 'HTTPS_PROXY=http://image:1', 'GOPROXY=https://goproxy.cn'], ['HTTPS_PROXY=http://config:2', 'https_proxy=http://config:2'], ['HTTPS_PROXY=http://flag:3', 'GOFLAGS=-mod=mod', 'BROKEN', '=x']);
  assert.equal(got, [
    { name: 'PATH', value: '/usr/local/go/bin:/usr/bin', source: 'image' },
    { name: 'HTTPS_PROXY', value: 'http://flag:3', source: 'flag' },
    { name: 'GOPROXY', value: 'https://goproxy.cn', source: 'image' },
    { name: 'https_proxy', value: 'http://config:2', source: 'docker-config' },
    { name: 'GOFLAGS', value: '-mod=mod', source: 'flag' },
  ]);
});

// ---------------------------------------------------------------------------
const Repos = suite('parsePrivateRepo / parseVolume / tokenNetrc');

const privateRepos: Array<[string, PrivateRepo['kind'], string]> = [
  ['https://git.corp.example/acme/lib.git', 'https', 'git.corp.example'],
  ['http://git.corp.example:8080/acme/lib', 'https', 'git.corp.example'],
  ['ssh://git@git.corp.example:2222/acme/lib.git', 'ssh', 'git.corp.example'],
  ['git@github.com:acme/lib.git', 'ssh', 'github.com'],
  ['github.com:acme/lib.git', 'ssh', 'github.com'],
  ['git.corp.example/acme/lib', 'module', 'git.corp.example'],
  ['go.corp.example/lib/v2', 'module', 'go.corp.example'],
];
for (const [input, kind, host] of privateRepos) {
  Repos(`--private-repo ${input} → ${kind} on ${host}`, () => assert.equal(parsePrivateRepo(input), { input, kind, url: input, host }));
}

const usage = (fn: () => unknown): UsageError => {
  try {
    fn();
  } catch (err) {
    assert.instance(err, UsageError);
    return err as UsageError;
  }
  return assert.unreachable('expected a UsageError') as never;
};

Repos('credentials in the URL are refused with a clear message that does not repeat them', () => {
  for (const input of ['https://oauth2:glpat-Secr3tT0ken@git.corp.example/acme/lib.git', 'https://glpat-Secr3tT0ken@git.corp.example/acme/lib.git', 'ssh://git:glpat-Secr3tT0ken@git.corp.example/acme/lib.git']) {
    const err = usage(() => parsePrivateRepo(input));
    assert.match(err.message, /^--private-repo .*credentials do not belong in the URL/);
    assert.match(err.message, /--netrc FILE or GOMOD_DOCTOR_GIT_TOKEN/);
    // The whole point of refusing: the token must not be printed.
    assert.not.match(err.message, 'glpat-Secr3tT0ken');
  }
});

Repos('garbage is refused, naming the flag, with examples', () => {
  for (const [input, why] of [['acme/lib', /not a git URL or a module path/], ['git.corp.example', /not a git URL or a module path/], ['https://git.corp.example/', /expected SCHEME:\/\/HOST/], ['a repo with spaces', /unexpected characters/], ['ftp://git.corp.example/x', /not a git URL/]] as const) {
    const err = usage(() => parsePrivateRepo(input));
    assert.match(err.message, `--private-repo ${JSON.stringify(input)}: `);
    assert.match(err.message, why);
    assert.match(err.hint ?? '', 'e.g. --private-repo https://');
  }
});

Repos('-v SRC:DST[:OPTS] as docker run', () => {
  for (const v of ['gomodcache:/go/pkg/mod:ro', '/srv/cache:/root/.cache/go-build', 'cache:/go:rw,z']) assert.is(parseVolume(v), v);
  for (const v of ['gomodcache', 'cache:relative', 'cache:/go:bogus', ':/go']) assert.match(usage(() => parseVolume(v)).message, `--volume ${JSON.stringify(v)} is not SRC:DST[:ro]`);
});

Repos('GOMOD_DOCTOR_GIT_TOKEN → one netrc machine per https/module host, none for ssh', () => {
  const repos = ['https://git.corp.example/a.git', 'git.corp.example/b', 'go.corp.example/c', 'git@ssh.corp.example:d.git'].map(parsePrivateRepo);
  assert.is(tokenNetrc(repos, 'tok-123456', 'oauth2'), 'machine git.corp.example login oauth2 password tok-123456\nmachine go.corp.example login oauth2 password tok-123456\n');
  assert.is(tokenNetrc([], 'tok-123456', 'oauth2'), '');
});

// ---------------------------------------------------------------------------
const Args = suite('parseArgs: credentials, go.mod and volumes');

const KEY = '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----';
const FILES: Record<string, string> = {
  'ci.netrc': 'machine git.corp.example\n  login ci-bot\n  password netrc-Pw-111\n',
  'empty.netrc': '# nothing here\n',
  id_ed25519: KEY,
  'not-a-key': 'ssh-ed25519 AAAAC3Nz user@host\n',
  'svc/go.mod': 'module example.com/svc\n\ngo 1.24.0\n',
  'svc/vendor/modules.txt': '# example.com/dep v1.0.0\n',
  'lib/go.mod': 'module example.com/lib\n\ngo 1.22\n',
};
const errno = (code: string) => Object.assign(new Error(code), { code });
const ioWith = (env: Record<string, string> = {}): ArgsIo => ({
  env,
  readFile(path: string) {
    const text = FILES[path];
    if (text === undefined) throw errno('ENOENT');
    return text;
  },
});
const IMG = ['--image', 'golang:1.24'];
const run = (argv: string[], env: Record<string, string> = {}): DoctorOptions => {
  const parsed = parseArgs([...IMG, ...argv], ioWith(env));
  if (parsed.kind !== 'run') throw new Error('expected a run');
  return parsed.options;
};

Args('--netrc plus GOMOD_DOCTOR_GIT_TOKEN (with GOMOD_DOCTOR_GIT_USER) → one netrc for the probe', () => {
  const o = run(['--netrc', 'ci.netrc', '--private-repo', 'https://git.corp.example/acme/lib.git', '--private-repo', 'git@github.com:acme/x.git'], { GOMOD_DOCTOR_GIT_TOKEN: 'tok-Abc123', GOMOD_DOCTOR_GIT_USER: 'ci' });
  assert.is(o.netrcText, `${FILES['ci.netrc']}machine git.corp.example login ci password tok-Abc123\n`);
  assert.equal(o.privateRepos.map((r) => r.kind), ['https', 'ssh']);
});

Args('--ssh-key gets its final newline; --gomod notices vendor/modules.txt next to it; --volume is kept; -v is --verbose', () => {
  const o = run(['--ssh-key', 'id_ed25519', '--gomod', 'svc/go.mod', '--volume', 'gomodcache:/go/pkg/mod:ro', '--volume', '/srv/build:/root/.cache/go-build', '-v']);
  assert.is(o.verbose, true);
  assert.is(o.sshKeyText, `${KEY}\n`);
  assert.equal(o.gomod, { path: 'svc/go.mod', text: FILES['svc/go.mod'], vendor: true });
  assert.equal(o.volumes, ['gomodcache:/go/pkg/mod:ro', '/srv/build:/root/.cache/go-build']);
  assert.is(run(['--gomod', 'lib/go.mod']).gomod?.vendor, false);
});

Args('secrets: netrc passwords, the token, -e values named like secrets and proxy URL passwords; nothing else', () => {
  const o = run(['--netrc', 'ci.netrc', '--private-repo', 'git.corp.example/acme/lib', '-e', 'GITLAB_TOKEN=glpat-EnvTok1', '-e', 'HTTPS_PROXY=http://bob:Pr0xy-Pw@proxy.corp:3128', '-e', 'GOFLAGS=-mod=mod', '-e', 'GOPRIVATE=git.corp.example'], { GOMOD_DOCTOR_GIT_TOKEN: 'tok-Abc123' });
  assert.equal([...new Set(o.secrets)].sort(), ['Pr0xy-Pw', 'glpat-EnvTok1', 'netrc-Pw-111', 'tok-Abc123']);
  assert.not.ok(o.secrets.includes('ci-bot'));
  assert.equal(run([]).secrets, []);
});

const argErrors: Array<[string[], RegExp]> = [
  [['--netrc', 'empty.netrc'], /^--netrc empty.netrc has no machine or default entry/],
  [['--netrc', 'missing.netrc'], /^--netrc missing.netrc: no such file/],
  [['--ssh-key', 'not-a-key'], /^--ssh-key not-a-key holds no private key/],
  [['--gomod', 'missing/go.mod'], /^--gomod missing\/go.mod: no such file/],
  [['--volume', 'gomodcache'], /^--volume "gomodcache" is not SRC:DST/],
  [['--private-repo', 'https://u:pw-Secret1@git.corp.example/a.git'], /credentials do not belong in the URL/],
];
for (const [argv, message] of argErrors) {
  Args(`${argv.join(' ')} → usage error`, () => {
    const err = usage(() => parseArgs([...IMG, ...argv], ioWith()));
    assert.is(err.exitCode, 2);
    assert.match(err.message, message);
  });
}

Args('--ssh-agent needs SSH_AUTH_SOCK; it is passed through when set', () => {
  assert.match(usage(() => parseArgs([...IMG, '--ssh-agent'], ioWith())).message, /SSH_AUTH_SOCK is not set/);
  assert.is(run(['--ssh-agent'], { SSH_AUTH_SOCK: '/tmp/ssh-x/agent.1' }).sshAgentSocket, '/tmp/ssh-x/agent.1');
});

Creds.run();
Fs.run();
Repo.run();
Paths.run();
Hosts.run();
Plan.run();
Env.run();
Repos.run();
Args.run();

// ---------------------------------------------------------------------------
const Fetch = suite('parseFetch: go mod download -x -json');

const fetchBlock = (rc: number, raw: string[], errors: string[] = []) => ({
  id: 'fetch:g0', kv: [['rc', String(rc)], ['ms', '420'], ...errors.map((e) => ['error', e] as [string, string])] as Array<[string, string]>, raw, body: [], truncated: false,
});
const planned = { key: 'g0', goproxy: 'https://proxy.golang.org', kind: 'configured' as const, canary: 'rsc.io/quote@v1.5.2' };

Fetch('a download: every -x request with status and time, outcome ok', () => {
  const f = parseFetch(fetchBlock(0, [
    '# get https://proxy.golang.org/rsc.io/quote/@v/v1.5.2.info',
    '# get https://proxy.golang.org/rsc.io/quote/@v/v1.5.2.info: 200 OK (0.032s)',
    '# get https://proxy.golang.org/rsc.io/quote/@v/v1.5.2.zip: 200 OK (1.250s)',
  ]), planned);
  assert.is(f.outcome, 'ok');
  assert.equal(f.requests.map((r) => [r.status, r.ms]), [[200, 32], [200, 1250]]);
});

Fetch("the go command's words decide the outcome", () => {
  const cases: Array<[string, string]> = [
    ['"Error": "rsc.io/quote@v1.5.2: verifying go.mod: rsc.io/quote@v1.5.2/go.mod: reading https://sum.golang.org/lookup/rsc.io/quote@v1.5.2: 404 Not Found\\n\\tserver response: not found",', 'sumdb'],
    ['"Error": "rsc.io/quote@v1.5.2: unrecognized import path \\"rsc.io/quote\\": https fetch: Get \\"https://rsc.io/quote?go-get=1\\": dial tcp: lookup rsc.io on 127.0.0.11:53: no such host",', 'dns'],
    ['"Error": "rsc.io/quote@v1.5.2: Get \\"https://goproxy.cn/rsc.io/quote/@v/v1.5.2.info\\": dial tcp 1.2.3.4:443: i/o timeout",', 'timeout'],
    ['"Error": "rsc.io/quote@v1.5.2: Get \\"https://x/\\": proxyconnect tcp: dial tcp 127.0.0.1:3128: connect: connection refused",', 'proxy'],
    ['"Error": "rsc.io/quote@v1.5.2: Get \\"https://x/\\": x509: certificate signed by unknown authority",', 'x509'],
    ['"Error": "rsc.io/quote@v1.5.2: Get \\"https://x/\\": net/http: TLS handshake timeout",', 'tls_timeout'],
    ['"Error": "rsc.io/quote@v1.5.2: reading https://x/rsc.io/quote/@v/v1.5.2.info: 502 Bad Gateway",', 'server_error'],
    ['"Error": "rsc.io/quote@v1.5.2: reading https://x/rsc.io/quote/@v/v1.5.2.info: 404 Not Found",', 'not_found'],
    ['"Error": "rsc.io/quote@v1.5.2: verifying module: checksum mismatch\\n\\tdownloaded: h1:x\\n\\tsum.golang.org: h1:y\\n\\nSECURITY ERROR",', 'checksum'],
  ];
  for (const [error, outcome] of cases) assert.is(parseFetch(fetchBlock(1, [], [error]), planned).outcome, outcome, error);
  assert.is(parseFetch(fetchBlock(124, ['# get https://goproxy.cn/rsc.io/quote/@v/v1.5.2.info']), planned).outcome, 'hung');
  assert.is(parseFetch(fetchBlock(127, []), planned).outcome, 'no_go');
});

Fetch.run();

const Blank = suite('planProbes: a proxy value with whitespace');

Blank('a proxy value with a stray blank (an env file) plans no request through it instead of failing the run', () => {
  const plan = planProbes(opts({ targets: [{ host: 'proxy.golang.org', port: 443, proxyUrl: 'https://proxy.golang.org' }] }), facts(), { HTTPS_PROXY: 'http://proxy.corp:3128 ' });
  assert.ok(encodePlan(plan).includes('target t0 proxy.golang.org 443 1 - -'));
  assert.is(plan.targets.filter((t) => t.roles.includes('proxy')).length, 0);
});

Blank.run();
