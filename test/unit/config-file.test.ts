// src/cli/config-file.ts: .gomod-doctor.json/.yaml/.yml → DoctorConfig, every problem one UsageError line
// naming the file and the key path. Discovery runs on a fake filesystem; the fuzz suite is seeded
// (GMD_FUZZ_SEED=N replays a run, GMD_FUZZ_RUNS=N runs more documents).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { stringify } from 'yaml';
import { type DoctorConfig, findConfigFile, parseConfigFile } from '../../src/cli/config-file.js';
import { parseAddHost, parseCanary, parseDuration, parsePrivateRepo, parseTarget } from '../../src/cli/validate.js';
import { UsageError } from '../../src/errors.js';

function usageMessage(path: string, text: string): string {
  try {
    parseConfigFile(path, text);
  } catch (err) {
    assert.instance(err, UsageError);
    return (err as UsageError).message;
  }
  throw new Error(`accepted: ${JSON.stringify(text)}`);
}

const good = suite('config-file: team configs');

good('a YAML config for a Dockerfile build behind a corporate proxy', () => {
  const text = `# CI preflight: same flags as the docker build in .github/workflows/build.yml
dockerfile: build/Dockerfile
target: builder
context: .
buildArgs:
  GO_VERSION: "1.23"          # quoted: 1.20 unquoted would be the number 1.2
  HTTPS_PROXY: http://proxy.corp.example:3128
network: corp-build
dns: 10.0.0.2                  # one scalar is a one-element list
addHosts:
  - goproxy.corp.example=10.0.8.15
env:
  GOPROXY: https://goproxy.corp.example/go,direct
  GOPRIVATE: git.corp.example/*
  GOFLAGS: -mod=mod
probe:
  - https://goproxy.corp.example/go
  - git.corp.example:22
defaultTargets: false
privateRepos: [git.corp.example/acme/lib, "git@git.corp.example:acme/tools.git"]
timeout: 2500ms
thresholds: { dnsMs: 200, tlsMs: 1500, fetchMs: 20000 }
caCert: certs/corp-root-ca.pem
failOn: warn
skip: [host, e2e.throughput]
format: github
`;
  assert.equal(parseConfigFile('/src/acme/.gomod-doctor.yaml', text), {
    dockerfile: 'build/Dockerfile',
    target: 'builder',
    context: '.',
    buildArgs: { GO_VERSION: '1.23', HTTPS_PROXY: 'http://proxy.corp.example:3128' },
    network: 'corp-build',
    dns: ['10.0.0.2'],
    addHosts: ['goproxy.corp.example:10.0.8.15'],
    env: { GOPROXY: 'https://goproxy.corp.example/go,direct', GOPRIVATE: 'git.corp.example/*', GOFLAGS: '-mod=mod' },
    probe: ['https://goproxy.corp.example/go', 'git.corp.example:22'],
    defaultTargets: false,
    privateRepos: ['git.corp.example/acme/lib', 'git@git.corp.example:acme/tools.git'],
    timeout: '2500ms',
    thresholds: { dnsMs: 200, tlsMs: 1500, fetchMs: 20000 },
    caCert: 'certs/corp-root-ca.pem',
    failOn: 'warn',
    skip: ['host', 'e2e.throughput'],
    format: 'github',
  } satisfies DoctorConfig);
});

good('a JSON config for an image, with $schema, x- notes and a BOM', () => {
  const text = '\ufeff' + JSON.stringify({
    $schema: 'https://example.invalid/gomod-doctor.schema.json',
    'x-note': 'owned by #platform-ci',
    image: 'registry.corp.example:5000/ci/go-builder:2024.06',
    platform: 'linux/arm64',
    user: '1000:1000',
    env: ['GOPROXY=https://proxy.golang.org,direct', 'GONOSUMDB', 'GOFLAGS=-mod=readonly -x'],
    canary: 'golang.org/x/mod@v0.17.0',
    throughput: true,
    timeout: 10,
    fetch: true,
    host: false,
    format: 'junit',
    only: ['dns', 'tls', 'http.goproxy', 'build.step'],
    caCert: '../ca.pem',
  }, null, 2);
  assert.equal(parseConfigFile('.gomod-doctor.json', text), {
    image: 'registry.corp.example:5000/ci/go-builder:2024.06',
    platform: 'linux/arm64',
    user: '1000:1000',
    env: ['GOPROXY=https://proxy.golang.org,direct', 'GONOSUMDB', 'GOFLAGS=-mod=readonly -x'],
    canary: 'golang.org/x/mod@v0.17.0',
    throughput: true,
    timeout: 10,
    fetch: true,
    host: false,
    format: 'junit',
    only: ['dns', 'tls', 'http.goproxy', 'build.step'],
    caCert: '../ca.pem',
  });
});

good('YAML anchors, aliases and merge keys are allowed; an empty file sets nothing', () => {
  const text = 'x-corp: &corp\n  dns: [10.0.0.2, 10.0.0.3]\n  network: corp\n<<: *corp\nprobe: &p goproxy.corp.example\nprivateRepos: [git.corp.example/acme/lib]\n';
  assert.equal(parseConfigFile('.gomod-doctor.yml', text), {
    dns: ['10.0.0.2', '10.0.0.3'],
    network: 'corp',
    probe: ['goproxy.corp.example'],
    privateRepos: ['git.corp.example/acme/lib'],
  });
  assert.equal(parseConfigFile('.gomod-doctor.yaml', '# nothing yet\n'), {});
  assert.equal(parseConfigFile('.gomod-doctor.json', '{}'), {});
});

good('values are literal: no ${VAR} or ~ expansion, env keeps newlines and shell metacharacters', () => {
  const cfg = parseConfigFile('.gomod-doctor.yaml', 'env:\n  GOFLAGS: "$(id) ${HOME} `x` ; | &&"\n  NOTE: "two\\nlines"\ndockerfile: ~/Dockerfile\n');
  assert.equal(cfg, { env: { GOFLAGS: '$(id) ${HOME} `x` ; | &&', NOTE: 'two\nlines' }, dockerfile: '~/Dockerfile' });
});

good('a __proto__ key is a key, never a prototype', () => {
  const cfg = parseConfigFile('.gomod-doctor.json', '{"env": {"__proto__": "x", "A": "1"}}');
  assert.equal(Object.getPrototypeOf(cfg.env), Object.prototype);
  assert.equal(Object.keys(cfg.env as object), ['__proto__', 'A']);
  assert.ok(usageMessage('.gomod-doctor.json', '{"__proto__": {"image": "x"}}').startsWith('.gomod-doctor.json: unknown key "__proto__"'));
});

good.run();

const bad = suite('config-file: bad keys and values, one line each');

const Y = '.gomod-doctor.yaml';
const J = '.gomod-doctor.json';
const BAD: Array<[string, string, string]> = [
  [Y, 'thresholds:\n  tlsMs: fast\n', 'thresholds.tlsMs must be a number of milliseconds (got "fast")'],
  [Y, 'thresholds:\n  tlsMs: 0\n', 'thresholds.tlsMs must be between 1 and 600000 milliseconds (got 0)'],
  [Y, 'thresholds:\n  tlms: 10\n', 'thresholds: unknown key "tlms" (did you mean "tlsMs"?)'],
  [Y, 'thresholds: 500\n', 'thresholds must be a mapping of dnsMs, tcpMs, tlsMs, httpMs, fetchMs (got 500)'],
  [J, '{"privateRepo": ["git.corp.example/a/b"]}', 'unknown key "privateRepo" (did you mean "privateRepos"?)'],
  [Y, 'uesr: nobody\n', 'unknown key "uesr" (did you mean "user"?)'],
  [Y, 'add-hosts: [a:10.0.0.1]\n', 'unknown key "add-hosts" (did you mean "addHosts"?)'],
  [Y, 'FAIL_ON: warn\n', 'unknown key "FAIL_ON" (did you mean "failOn"?)'],
  [Y, 'verbose: true\n', 'unknown key "verbose"'],
  [Y, 'netrc: ~/.netrc\n', 'unknown key "netrc" (credentials stay out of committed files: pass --netrc FILE or GOMOD_DOCTOR_GIT_TOKEN)'],
  [Y, 'timeout: fast\n', 'timeout: "fast" is not a duration between 100ms and 600s'],
  [Y, 'timeout: 0.01\n', 'timeout: "0.01" is not a duration between 100ms and 600s'],
  [Y, 'timeout: [5]\n', 'timeout must be seconds or a duration such as "2500ms" (got a list)'],
  [Y, 'fetch: yes\n', 'fetch must be true or false (got "yes")'],
  [Y, 'defaultTargets: 0\n', 'defaultTargets must be true or false (got 0)'],
  [Y, 'buildArgs:\n  GO_VERSION: 1.20\n', 'buildArgs.GO_VERSION must be a string (got 1.2: quote the value)'],
  [Y, 'buildArgs:\n  1GO: x\n', 'buildArgs: "1GO" is not a build arg name'],
  [Y, 'buildArgs: [GO_VERSION=1.23]\n', 'buildArgs must be a mapping of NAME: value (got a list)'],
  [Y, 'dns: 10.0.0.300\n', 'dns: "10.0.0.300" is not an IP address'],
  [Y, 'dns: [10.0.0.2, 8]\n', 'dns[1] must be a string (got 8: quote the value)'],
  [Y, 'dns: {a: 1}\n', 'dns must be a list of strings (or one string) (got a mapping)'],
  [Y, 'addHosts: [proxy.golang.org]\n', 'addHosts[0]: "proxy.golang.org" is not HOST:IP'],
  [Y, 'probe: [goproxy.cn, proxy.golang.org:443, "bad host"]\n', 'probe[2]: "bad host" is not HOST[:PORT] or a URL'],
  [Y, 'probe: "https://goproxy.corp.example/go\\n"\n', 'probe has a control character or line break (got "https://goproxy.corp.example/go\\n")'],
  [Y, 'privateRepos:\n  - https://bob:hunter2@git.corp.example/a/b.git\n', 'privateRepos[0]: "https://bob:***@git.corp.example/a/b.git": credentials do not belong in the URL (they would be printed and logged): use --netrc FILE or GOMOD_DOCTOR_GIT_TOKEN'],
  [Y, 'privateRepos: [not a repo]\n', 'privateRepos[0]: "not a repo": unexpected characters'],
  [Y, 'canary: rsc.io/quote\n', 'canary: "rsc.io/quote" is not MODULE@VERSION'],
  [Y, 'throughput: yes\n', 'throughput: "yes" is not MODULE@VERSION'],
  [Y, 'throughput: 1\n', 'throughput must be true, false or MODULE@VERSION (got 1)'],
  [Y, 'image: Golang:latest\n', 'image: "Golang:latest" is not a valid image reference'],
  [Y, 'image: golang\ndockerfile: Dockerfile\n', 'image and dockerfile exclude each other (image names the image; dockerfile is for a Dockerfile build)'],
  [Y, 'image: golang\nmode: build\n', 'mode build needs a Dockerfile, not image'],
  [Y, 'mode: docker\n', 'mode must be one of run, build (got "docker")'],
  [Y, 'format: yaml\n', 'format must be one of compact, table, list, json, markdown, junit, github (got "yaml")'],
  [Y, 'failOn: error\n', 'failOn must be one of fail, warn (got "error")'],
  [Y, 'skip: dns.reslove\n', 'skip: "dns.reslove" is not a check id or category (did you mean "dns.resolve"?)'],
  [Y, 'only: [dns, nonsense]\n', 'only[1]: "nonsense" is not a check id or category'],
  [Y, 'only: [DNS, tls.fancy]\n', 'only[0]: "DNS" is not a check id or category (did you mean "dns"?)'],
  [Y, 'only: tls.fancy\n', 'only: "tls.fancy" is not a check id or category'],
  [Y, 'platform: linux\n', 'platform: "linux" is not OS/ARCH[/VARIANT]'],
  [Y, 'user: "root user"\n', 'user: "root user" is not NAME|UID[:GROUP|GID]'],
  [Y, 'network: "-x"\n', 'network: "-x" is not a network name'],
  [Y, 'target: "!builder"\n', 'target: "!builder" is not a stage name'],
  [Y, 'dockerfile: ""\n', 'dockerfile is empty'],
  [Y, 'caCert: "certs/\\u202eca.pem"\n', 'caCert has a control character or line break (got "certs/\\u202eca.pem")'],
  [Y, 'context: 5\n', 'context must be a path (a string) (got 5: quote the value)'],
  [Y, 'env: {"A B": x}\n', 'env: "A B" is not a variable name'],
  [Y, 'env: ["=x"]\n', 'env[0]: "=x" is not KEY=VALUE'],
  [Y, 'env: {A: "\\0"}\n', 'env.A has a NUL character'],
  [Y, 'image: null\n', 'image must be a string (got null)'],
  [Y, '- image: golang\n', 'the top level must be a mapping of keys (got a list)'],
  [J, '"golang"', 'the top level must be a mapping of keys (got "golang")'],
];

bad('each bad key or value gives its exact one-line message naming the file and key path', () => {
  for (const [path, text, want] of BAD) {
    const msg = usageMessage(path, text);
    assert.is(msg, `${path}: ${want}`, text);
    assert.not.match(msg, /[\n\r\u2028\u2029]/);
  }
});

bad('a message stays one line whatever the file path or value holds', () => {
  const msg = usageMessage('/tmp/we\nird/.gomod-doctor.yaml', 'unknown\u2028key: 1\n');
  assert.is(msg, '/tmp/we\\u000aird/.gomod-doctor.yaml: unknown key "unknown\\u2028key"');
});

bad('other extensions are refused', () => {
  assert.is(usageMessage('gomod-doctor.toml', 'image = "x"'), 'gomod-doctor.toml: a config file is .json, .yaml or .yml');
});

bad.run();

const syntax = suite('config-file: syntax errors with the parser positions');

syntax('JSON: line:column from the offset, also for V8 messages without one', () => {
  assert.is(usageMessage(J, '{\n  "image": "golang",\n  "dns": ["10.0.0.2",]\n}'), `${J}:3:22: Unexpected token ']'`);
  assert.is(usageMessage(J, '{\n  "image": "golang"\n  "dns": []\n}'), `${J}:3:3: Expected ',' or '}' after property value`);
  assert.is(usageMessage(J, '{"fetch": tru}'), `${J}:1:14: Unexpected token '}'`);
  assert.is(usageMessage(J, '{"image": "golang'), `${J}:1:18: Unterminated string`);
  assert.is(usageMessage(J, ''), `${J}:1:1: Unexpected end of JSON input`);
  assert.is(usageMessage(J, '{"a":1}\n// trailing comment'), `${J}:2:1: Unexpected non-whitespace character after JSON`);
});

syntax('JSON: duplicate keys are errors (JSON.parse would keep the last silently)', () => {
  assert.is(usageMessage(J, '{\n  "probe": ["a.example"],\n  "env": {"A": "1", "A": "2"}\n}'), `${J}:3:21: duplicate key "A"`);
  assert.is(usageMessage(J, '{"x-a": [{"k": "\\"}\\"", "k2": 1}], "image": "a", "\\u0069mage": "b"}'), `${J}:1:50: duplicate key "image"`);
});

syntax('YAML: the first error or unresolved tag, at the line and column yaml reports', () => {
  assert.is(usageMessage(Y, 'image: golang\nthresholds:\n  dnsMs: 100\n tlsMs: 200\n'), `${Y}:4:1: All mapping items must start at the same column`);
  assert.is(usageMessage(Y, 'probe: [a.example\nimage: golang\n'), `${Y}:2:1: Flow sequence in block collection must be sufficiently indented and end with a ]`);
  assert.is(usageMessage(Y, 'image: golang\nfetch: true\nimage: alpine\n'), `${Y}:3:1: Map keys must be unique`);
  assert.is(usageMessage(Y, 'dns:\n\t- 10.0.0.2\n'), `${Y}:2:1: Tabs are not allowed as indentation`);
  assert.is(usageMessage(Y, 'image: "golang\nfetch: true\n'), `${Y}:3:1: Missing closing "quote`);
  assert.is(usageMessage(Y, 'image: golang\n---\nimage: alpine\n'), `${Y}:2:1: Source contains multiple documents; please use YAML.parseAllDocuments()`);
  assert.is(usageMessage(Y, 'tag: !corp x\n'), `${Y}:1:6: Unresolved tag: !corp`);
  assert.is(usageMessage(Y, 'caCert: !!binary aGVsbG8=\n'), `${Y}:1:9: Unresolved tag: tag:yaml.org,2002:binary`);
  assert.is(usageMessage(Y, 'dns: *nope\n'), `${Y}: Unresolved alias (the anchor must be set before the alias): nope`);
});

syntax.run();

const limits = suite('config-file: resource bounds');

limits('a billion laughs is an error, quickly', () => {
  const rows = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let i = 1; i < 9; i++) rows.push(`${'abcdefghi'[i]}: &${'abcdefghi'[i]} [${Array(9).fill(`*${'abcdefghi'[i - 1]}`).join(',')}]`);
  const t0 = performance.now();
  assert.is(usageMessage(Y, rows.join('\n') + '\n'), `${Y}: too many alias expansions (more than 100): is it a billion laughs?`);
  assert.ok(performance.now() - t0 < 1000);
});

limits('a file over 1 MiB is refused, counted in bytes', () => {
  assert.is(usageMessage(Y, '#' + 'x'.repeat(1024 * 1024)), `${Y}: 1048577 bytes is too big for a config file (at most 1 MiB)`);
  assert.is(usageMessage(Y, '# ' + '€'.repeat(400_000)), `${Y}: 1200002 bytes is too big for a config file (at most 1 MiB)`);
  assert.equal(parseConfigFile(Y, '#' + 'x'.repeat(1024 * 1024 - 2) + '\n'), {});
});

limits('deep nesting is an error, not a stack overflow', () => {
  assert.match(usageMessage(Y, 'x-deep: ' + '['.repeat(20_000) + ']'.repeat(20_000)), /^\.gomod-doctor\.yaml:1:\d+: Maximum call stack size exceeded$/);
  assert.match(usageMessage(Y, '- '.repeat(20_000) + 'x\n'), /^\.gomod-doctor\.yaml:1:\d+: Maximum call stack size exceeded$/);
  assert.equal(parseConfigFile(J, `{"x-deep": ${'['.repeat(200_000)}${']'.repeat(200_000)}}`), {});
});

limits.run();

const find = suite('config-file: discovery');

function fakeFs(files: Record<string, string>, dirs: string[] = []) {
  const reads: string[] = [];
  return {
    reads,
    exists: (p: string) => p in files || dirs.includes(p),
    readFile(p: string): string {
      reads.push(p);
      const text = files[p];
      if (text === undefined) throw Object.assign(new Error('EACCES'), { code: 'EACCES' });
      return text;
    },
  };
}

find('the file in cwd wins over one in a parent', () => {
  const io = fakeFs({ '/repo/svc/.gomod-doctor.yaml': 'network: svc\n', '/repo/.gomod-doctor.json': '{"network": "repo"}' }, ['/repo/.git']);
  assert.equal(findConfigFile('/repo/svc', io), { path: '/repo/svc/.gomod-doctor.yaml', config: { network: 'svc' } });
});

find('a parent up to the repository root is found (its paths stay as written, relative to it)', () => {
  const io = fakeFs({ '/repo/.gomod-doctor.yml': 'dockerfile: build/Dockerfile\n' }, ['/repo/.git']);
  assert.equal(findConfigFile('/repo/services/api/', io), { path: '/repo/.gomod-doctor.yml', config: { dockerfile: 'build/Dockerfile' } });
});

find('the search stops at the directory holding .git (a file, for worktrees), including it', () => {
  const io = fakeFs({ '/home/dev/.gomod-doctor.json': '{}', '/home/dev/repo/.git': 'gitdir: /x' });
  assert.is(findConfigFile('/home/dev/repo/cmd', io), null);
  assert.equal(io.reads, []);
});

find('without a repository the search goes up to /', () => {
  assert.equal(findConfigFile('/a/b/c', fakeFs({ '/.gomod-doctor.json': '{"fetch": false}' })), { path: '/.gomod-doctor.json', config: { fetch: false } });
  assert.is(findConfigFile('/a/b/c', fakeFs({})), null);
});

find('two config files in one directory are an error naming both, even when one is in a parent', () => {
  const io = fakeFs({ '/repo/.gomod-doctor.json': '{}', '/repo/.gomod-doctor.yaml': '' }, ['/repo/.git']);
  assert.throws(() => findConfigFile('/repo/pkg', io), (e: unknown) => e instanceof UsageError && e.message === '/repo: more than one config file (.gomod-doctor.json, .gomod-doctor.yaml): keep one');
});

find('an unreadable file and a bad file are UsageErrors naming the full path', () => {
  const io = fakeFs({}, ['/repo/.gomod-doctor.yaml', '/repo/.git']);
  assert.throws(() => findConfigFile('/repo', io), (e: unknown) => e instanceof UsageError && e.message === '/repo/.gomod-doctor.yaml: cannot read it (EACCES)');
  const io2 = fakeFs({ '/repo/.gomod-doctor.yaml': 'dns: [1.1.1.1, nope]\n' }, ['/repo/.git']);
  assert.throws(() => findConfigFile('/repo', io2), (e: unknown) => e instanceof UsageError && e.message === '/repo/.gomod-doctor.yaml: dns[1]: "nope" is not an IP address');
});

find.run();

// ---- fuzz ---------------------------------------------------------------------------------

const fuzz = suite('config-file: fuzz');

/** mulberry32: small, seedable, good enough to spread inputs. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const GOOD: Record<string, unknown[]> = {
  image: ['golang:1.23-alpine', 'registry.corp.example:5000/ci/go:2024.06', `golang@sha256:${'ab'.repeat(32)}`],
  dockerfile: ['Dockerfile', 'build/Dockerfile', '../Dockerfile', '/abs/Dockerfile'],
  target: ['builder', 'build-env'],
  context: ['.', '..', 'services/api'],
  buildArgs: [{ GO_VERSION: '1.23' }, {}, { HTTPS_PROXY: 'http://proxy:3128' }],
  mode: ['run', 'build'],
  network: ['host', 'corp-net'],
  dns: ['10.0.0.2', ['10.0.0.2', '2001:db8::53'], []],
  addHosts: ['proxy.golang.org:10.0.0.5', ['goproxy.corp=10.0.0.6']],
  env: [{ GOPROXY: 'https://goproxy.corp.example,direct' }, ['GOFLAGS=-mod=mod', 'GOPRIVATE'], []],
  platform: ['linux/amd64', 'linux/arm64/v8'],
  user: ['1000:1000', 'nobody'],
  probe: ['goproxy.corp.example:443', ['https://goproxy.corp.example/go', '[::1]:8443']],
  defaultTargets: [true, false],
  privateRepos: [['git.corp.example/acme/lib', 'git@git.corp.example:acme/lib.git', 'ssh://git@git.corp.example/a/b.git']],
  canary: ['rsc.io/quote@v1.5.2'],
  throughput: [true, false, 'golang.org/x/text@v0.21.0'],
  timeout: [5, '2500ms', '10s', 0.5],
  fetch: [true, false],
  host: [true, false],
  format: ['table', 'json', 'github'],
  failOn: ['fail', 'warn'],
  only: ['dns', ['tls', 'http.goproxy'], 'build.step'],
  skip: [['host'], 'e2e.throughput'],
  thresholds: [{ dnsMs: 200, tlsMs: 1500 }, { fetchMs: 0.5 }],
  caCert: ['certs/corp-ca.pem', '/etc/ssl/ca.pem'],
};
const KEYS = Object.keys(GOOD);
const ATOMS = [
  'golang:1.23', 'goproxy.corp.example', ':443', 'https://', '/go', '10.0.0.2', 'rsc.io/quote@v1.5.2', 'git@git.corp.example:a/b.git',
  '${HOME}', '$(id)', '`id`', ';', '|', '&&', '>', '"', "'", '\\', '\n', '\r\n', '\t', '\u0000', '\u0007', '\u2028', '\u202e', '\u200b',
  'é', '日本', '🙂', '\ud800', ' ', '#', ': ', '- ', '{', '}', '[', ']', ',', '*a', '&a', '!!binary ', '!x ', '%', '@', '=', '?',
  'x', '1.20', '0x1F', '1e400', 'true', 'null', '~', '..', '/etc/ca.pem', 'dns.resolve', 'build', '---', '<<', '__proto__',
];
const TEMPLATES = [
  'dockerfile: build/Dockerfile\ntarget: builder\nbuildArgs:\n  GO_VERSION: "1.23"\ndns: [10.0.0.2]\nenv:\n  GOPROXY: https://goproxy.corp.example,direct\nthresholds: {tlsMs: 1500}\n',
  'x-a: &a [goproxy.cn, goproxy.io]\nprobe: *a\nprivateRepos:\n  - git.corp.example/acme/lib\ntimeout: 2500ms\nskip: [host]\n',
  '{\n  "image": "golang:1.23-alpine",\n  "env": ["A=1", "B"],\n  "probe": ["https://goproxy.corp.example/go"],\n  "thresholds": {"dnsMs": 100}\n}\n',
];

function fuzzCase(seed: number): { path: string; text: string } {
  const r = prng(seed);
  const int = (n: number) => Math.floor(r() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  const str = (): string => {
    if (r() < 0.15) return String.fromCharCode(...Array.from({ length: int(12) }, () => int(r() < 0.8 ? 128 : 0x10000)));
    return Array.from({ length: int(6) }, () => pick(ATOMS)).join('');
  };
  const typo = (k: string): string => {
    const i = int(k.length);
    return pick([k.toLowerCase(), k.slice(0, i) + k.slice(i + 1), k.slice(0, i) + pick(['_', '-', 'x', 's']) + k.slice(i), k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)]);
  };
  const key = (): string => (r() < 0.6 ? pick(KEYS) : r() < 0.5 ? typo(pick(KEYS)) : r() < 0.5 ? pick(['dnsMs', 'tlsMs', 'x-notes', '$schema']) : str());
  const value = (depth: number): unknown => {
    const k = int(depth > 3 ? 5 : 8);
    if (k === 0) return str();
    if (k === 1) return pick([0, -1, 1.5, 1e21, 5, 600_001, NaN]);
    if (k === 2) return pick([true, false, null]);
    if (k === 3) return pick(Object.values(GOOD).flat());
    if (k === 4) return pick(ATOMS);
    if (k < 7) return Array.from({ length: int(4) }, () => value(depth + 1));
    return Object.fromEntries(Array.from({ length: int(4) }, () => [key(), value(depth + 1)]));
  };
  const doc = (): Record<string, unknown> =>
    Object.fromEntries(Array.from({ length: 1 + int(6) }, () => {
      const k = key();
      return [k, GOOD[k] && r() < 0.6 ? pick(GOOD[k]!) : value(0)];
    }));
  const ext = pick(['.json', '.yaml', '.yml']);
  const path = pick(['', 'repo/', '/abs/dir/']) + '.gomod-doctor' + ext;
  const json = ext === '.json';
  switch (int(7)) {
    case 0: // a well-formed document of random content
      return { path, text: json ? JSON.stringify(doc(), null, r() < 0.5 ? 2 : undefined) : stringify(doc()) };
    case 1: { // hand-written YAML: plain, quoted and flow scalars, anchors, aliases, tags, odd indentation
      const lines = Array.from({ length: 1 + int(8) }, () => `${' '.repeat(int(3))}${key()}:${pick([' ', ' &a ', ' *a ', ' !!str ', ' [', ' {', '\n  - ', ' "', " '"])}${str()}${pick(['', ']', '}', '"', "'"])}`);
      return { path, text: lines.join(pick(['\n', '\r\n', '\n\n'])) };
    }
    case 2: { // a valid team file cut short
      const t = pick(TEMPLATES);
      return { path, text: t.slice(0, int(t.length + 1)) };
    }
    case 3: { // a valid team file with a few characters changed
      let t = pick(TEMPLATES);
      for (let n = 1 + int(4); n > 0; n--) {
        const i = int(t.length + 1);
        t = t.slice(0, i) + (r() < 0.5 ? pick(ATOMS) : '') + t.slice(i + int(3));
      }
      return { path, text: t };
    }
    case 4: // random UTF-16 code units, lone surrogates included
      return { path, text: String.fromCharCode(...Array.from({ length: int(200) }, () => int(r() < 0.7 ? 128 : 0x10000))) };
    case 5: { // an alias bomb of random width and depth
      const w = 2 + int(9);
      const rows = [`a0: &a0 [${Array(w).fill('lol').join(',')}]`];
      for (let d = 1; d < 2 + int(9); d++) rows.push(`a${d}: &a${d} [${Array(w).fill(`*a${d - 1}`).join(',')}]`);
      return { path: '.gomod-doctor.yaml', text: rows.join('\n') };
    }
    default: { // only good values: should mostly parse, and exercises the shape check
      const keys = KEYS.filter(() => r() < 0.3).filter((k) => k !== 'image' || r() < 0.2);
      const d = Object.fromEntries(keys.map((k) => [k, pick(GOOD[k]!)]));
      return { path, text: json ? JSON.stringify(d) : stringify(d) };
    }
  }
}

const strings = (v: unknown) => Array.isArray(v) && v.every((x) => typeof x === 'string' && !/[\n\r\u0000]/.test(x));
const plain = (v: unknown) => typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype;
const SHAPE: Record<string, (v: unknown) => boolean> = {
  ...Object.fromEntries(['image', 'dockerfile', 'target', 'context', 'network', 'platform', 'user', 'canary', 'caCert'].map((k) => [k, (v: unknown) => typeof v === 'string' && /^[^\n\r\u0000]+$/.test(v)])),
  ...Object.fromEntries(['defaultTargets', 'fetch', 'host'].map((k) => [k, (v: unknown) => typeof v === 'boolean'])),
  mode: (v) => v === 'run' || v === 'build',
  format: (v) => ['table', 'list', 'json', 'markdown', 'junit', 'github'].includes(v as string),
  failOn: (v) => v === 'fail' || v === 'warn',
  dns: strings,
  addHosts: (v) => strings(v) && (v as string[]).every((h) => parseAddHost(h) === h),
  probe: (v) => strings(v) && (v as string[]).every((p) => parseTarget(p) !== null),
  privateRepos: (v) => strings(v) && (v as string[]).every((p) => parsePrivateRepo(p) !== null),
  only: strings,
  skip: strings,
  buildArgs: (v) => plain(v) && Object.values(v as object).every((x) => typeof x === 'string'),
  env: (v) => (plain(v) && Object.values(v as object).every((x) => typeof x === 'string')) || (Array.isArray(v) && v.every((x) => typeof x === 'string')),
  throughput: (v) => typeof v === 'boolean' || (typeof v === 'string' && parseCanary(v, 'throughput') === v),
  timeout: (v) => (typeof v === 'number' || typeof v === 'string') && parseDuration('timeout', v) > 0,
  thresholds: (v) => plain(v) && Object.entries(v as object).every(([k, ms]) => /^(dns|tcp|tls|http|fetch)Ms$/.test(k) && typeof ms === 'number' && ms > 0 && ms <= 600_000),
};

fuzz('random documents give a well-typed DoctorConfig or a one-line UsageError, within a few seconds', () => {
  const base = Number(process.env.GMD_FUZZ_SEED ?? 20240611);
  const runs = Number(process.env.GMD_FUZZ_RUNS ?? 3000);
  const seen = { ok: 0, usage: 0 };
  let slowest = 0;
  const t0 = performance.now();
  for (let i = 0; i < runs; i++) {
    const seed = (base + i) >>> 0;
    const { path, text } = fuzzCase(seed);
    const replay = `replay: GMD_FUZZ_SEED=${seed} GMD_FUZZ_RUNS=1 (${path}, ${JSON.stringify(text).slice(0, 300)})`;
    const t = performance.now();
    let cfg: DoctorConfig;
    try {
      cfg = parseConfigFile(path, text);
    } catch (err) {
      slowest = Math.max(slowest, performance.now() - t);
      if (!(err instanceof UsageError)) throw new assert.Assertion({ message: `${replay}: threw ${(err as Error)?.stack ?? String(err)}`, operator: 'instance', actual: err, expects: UsageError, generated: false });
      assert.ok(err.message.startsWith(path) && !/[\n\r\u2028\u2029]/.test(err.message) && err.message.length <= 600, `${replay}: message ${JSON.stringify(err.message)}`);
      seen.usage++;
      continue;
    }
    slowest = Math.max(slowest, performance.now() - t);
    assert.ok(plain(cfg), replay);
    for (const [k, v] of Object.entries(cfg)) {
      let fine = false;
      try {
        fine = Object.hasOwn(SHAPE, k) && SHAPE[k]!(v);
      } catch {}
      assert.ok(fine, `${replay}: ${k} = ${JSON.stringify(v)}`);
    }
    // Plain data: it survives JSON, and (paths already resolved) a .json beside it reads back the same.
    assert.equal(parseConfigFile('.gomod-doctor.json', JSON.stringify(cfg)), cfg, replay);
    seen.ok++;
  }
  const ms = performance.now() - t0;
  assert.ok(seen.ok > runs / 20 && seen.usage > runs / 2, `outcomes ${JSON.stringify(seen)}`);
  assert.ok(slowest < 500, `slowest document ${slowest.toFixed(0)} ms`);
  assert.ok(ms < Math.max(10_000, runs), `${runs} documents took ${ms.toFixed(0)} ms`);
  if (process.env.GMD_FUZZ_REPORT) console.log(`fuzz: ${runs} documents from seed ${base} in ${ms.toFixed(0)} ms: ${JSON.stringify(seen)}, slowest ${slowest.toFixed(1)} ms`);
});

fuzz.run();
