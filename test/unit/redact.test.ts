/**
 * A proxy password given to the doctor never appears in a row, whatever the outcome; and
 * src/redact.ts, the support bundle's redactor: every token shape goes, every look-alike
 * stays, known secrets never survive, and the cost stays linear.
 */
import * as assert from 'uvu/assert';
import { suite } from 'uvu';
import { httpGoproxy } from '../../checks/http.js';
import type { Evidence, TargetEvidence } from '../../src/model.js';
import { redactDeep, redactText } from '../../src/redact.js';

const test = suite('redaction');

test('http.goproxy redacts the proxy password in summary and evidence', () => {
  const proxy = 'http://alice:s3cr3t-pw@proxy.corp:3128';
  const te = {
    target: { key: 't0', host: 'proxy.golang.org', port: 443, roles: ['goproxy'], tls: true, httpUrl: 'https://proxy.golang.org/rsc.io/quote/@v/list', httpProxy: proxy },
    finished: true, dns: null, tcp: null, tls: null,
    http: { url: 'https://proxy.golang.org/rsc.io/quote/@v/list', proxy, tool: 'curl', outcome: 'proxy_auth', status: 407, ttfbMs: null, ms: 5, bodyHead: '', message: '' },
  } as TargetEvidence;
  const ev = { targets: [te], context: { timeoutMs: 2000 } } as unknown as Evidence;
  const row = httpGoproxy.evaluate(te, ev);
  const text = JSON.stringify(row);
  assert.not.match(text, 's3cr3t-pw');
  assert.match(String(row.evidence.proxy), 'alice:***@proxy.corp:3128');
  assert.is(row.cause, 'http.proxy_auth');
});

test.run();

// ---------------------------------------------------------------------------
// src/redact.ts

/** mulberry32: a deterministic PRNG, so a failing case replays from its seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const UPPER_DIGITS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
/** A token-shaped string made at run time: no credential-like literal sits in the repository. */
function fake(prefix: string, n: number, chars = ALNUM, seed = prefix.length * 7919 + n): string {
  const rnd = prng(seed);
  return prefix + Array.from({ length: n }, () => chars[Math.floor(rnd() * chars.length)]).join('');
}
const B64URL = `${ALNUM}_-`;
const JWT = `${fake('eyJ', 33, B64URL)}.${fake('eyJ', 40, B64URL)}.${fake('', 43, B64URL)}`;
const GLPAT = fake('glpat-', 20, B64URL);
const PEM_BODY = `${fake('MII', 61, `${ALNUM}+/`)}\n${fake('', 64, `${ALNUM}+/`)}\n${fake('', 20, `${ALNUM}+/`)}==`;

const SHAPE_CASES: Array<[name: string, input: string, want: string]> = [
  ['GitHub classic PAT', `remote: ${fake('ghp_', 36)} is not valid`, 'remote: [redacted:github-token] is not valid'],
  ['GitHub OAuth, user-to-server, server-to-server, refresh', ['gho_', 'ghu_', 'ghs_', 'ghr_'].map((p) => fake(p, 36)).join(' '), Array(4).fill('[redacted:github-token]').join(' ')],
  ['GitHub fine-grained PAT', `GH=${fake('github_pat_', 82, `${ALNUM}_`)}`, 'GH=[redacted:github-token]'],
  ['GitLab PAT, deploy and runner tokens', `${GLPAT} ${fake('gldt-', 20)} ${fake('glrt-', 20)}`, '[redacted:gitlab-token] [redacted:gitlab-token] [redacted:gitlab-token]'],
  ['AWS access key ids', `AWS_ACCESS_KEY_ID=${fake('AKIA', 16, UPPER_DIGITS)} (${fake('ASIA', 16, UPPER_DIGITS)})`, 'AWS_ACCESS_KEY_ID=[redacted:aws-access-key] ([redacted:aws-access-key])'],
  ['Slack tokens', `${fake('xoxb-', 40, `${ALNUM}-`)} ${fake('xoxp-', 40)}`, '[redacted:slack-token] [redacted:slack-token]'],
  ['Google API key', `key ${fake('AIza', 35, B64URL)} end`, 'key [redacted:google-api-key] end'],
  ['JWT', `id_token ${JWT} end`, 'id_token [redacted:jwt] end'],
  ['npm token in .npmrc', `//registry.npmjs.org/:_authToken=${fake('npm_', 36)}`, '//registry.npmjs.org/:_authToken=[redacted:npm-token]'],
  ['Docker Hub PAT', `docker login -u bob -p ${fake('dckr_pat_', 27, B64URL)}`, 'docker login -u bob -p [redacted:docker-token]'],
  ['Authorization: Bearer (curl -v)', '> Authorization: Bearer abc.def-ghi_123456', '> Authorization: Bearer [redacted:authorization]'],
  ['Authorization: Basic', 'Authorization: Basic dXNlcjpwYXNzd29yZA==', 'Authorization: Basic [redacted:authorization]'],
  ['Proxy-Authorization: Basic', 'proxy-authorization: basic YWxpY2U6cHc=', 'proxy-authorization: basic [redacted:authorization]'],
  ['Authorization: Digest, to the end of the line', 'Authorization: Digest username="u", response="6629fae4", realm="r"\nnext', 'Authorization: Digest [redacted:authorization]\nnext'],
  ['authorization in JSON', '{"authorization": "token abcdef123456789", "x": 1}', '{"authorization": "token [redacted:authorization]", "x": 1}'],
  ['git http.extraheader', 'http.https://github.com/.extraheader=AUTHORIZATION: basic eC1hY2Nlc3M6Z2hz', 'http.https://github.com/.extraheader=AUTHORIZATION: basic [redacted:authorization]'],
  ['a bearer token on its own', 'rejected Bearer abcdef.123456-xyz (expired)', 'rejected Bearer [redacted:authorization] (expired)'],
  ['URL password', 'HTTPS_PROXY=http://alice:s3cr3t@proxy.corp:3128', 'HTTPS_PROXY=http://alice:***@proxy.corp:3128'],
  ['URL password with an @, query token', 'https://u:p@ss@host/x?a=1&access_token=abc&b=2', 'https://u:***@host/x?a=1&access_token=[redacted:token]&b=2'],
  ['token as URL password', `git clone https://oauth2:${GLPAT}@gitlab.com/g/r.git`, 'git clone https://oauth2:***@gitlab.com/g/r.git'],
  ['proxy without a scheme', 'HTTPS_PROXY=alice:pw@proxy:3128 "httpsProxy": "bob:pw2@p:8080"', 'HTTPS_PROXY=alice:***@proxy:3128 "httpsProxy": "bob:***@p:8080"'],
  ['key=value pairs', 'GITHUB_TOKEN=abc123 password=hunter2 passwd=x1 secret=s3 token=t4 GOFLAGS=-mod=mod', 'GITHUB_TOKEN=[redacted:token] password=[redacted:password] passwd=[redacted:password] secret=[redacted:secret] token=[redacted:token] GOFLAGS=-mod=mod'],
  ['quoted values keep their quotes', `password="a b c" API_KEY='k1'`, `password="[redacted:password]" API_KEY='[redacted:key]'`],
  ['docker inspect Env', '"Env": ["GOMOD_DOCTOR_GIT_TOKEN=abc", "GOPATH=/go"]', '"Env": ["GOMOD_DOCTOR_GIT_TOKEN=[redacted:token]", "GOPATH=/go"]'],
  ['JSON pairs', String.raw`{"password": "hun\"ter2", "user": "bob", "client_secret":"zz", "auths": {"r": {"auth": "dXNlcjpw"}}}`, '{"password": "[redacted:password]", "user": "bob", "client_secret":"[redacted:secret]", "auths": {"r": {"auth": "[redacted:auth]"}}}'],
  ['YAML and header lines', 'db:\n  password: hunter2\n  token_url: https://t\n> Private-Token: abc\n', 'db:\n  password: [redacted:password]\n  token_url: https://t\n> Private-Token: [redacted:token]\n'],
  ['netrc on one line', 'machine github.com login bob password hunter2', 'machine github.com login bob password [redacted:netrc-password]'],
  ['netrc on several lines', 'machine gitlab.com\n  login bob\n  password hunter2\n  account acct1\n', 'machine gitlab.com\n  login bob\n  password [redacted:netrc-password]\n  account [redacted:netrc-account]\n'],
  ['a netrc field alone on its line', 'default\n\npassword hunter2\n', 'default\n\npassword [redacted:netrc-password]\n'],
  ['PEM private key', `-----BEGIN RSA PRIVATE KEY-----\n${PEM_BODY}\n-----END RSA PRIVATE KEY-----\nafter`, '-----BEGIN RSA PRIVATE KEY-----\n[redacted:private-key]\n-----END RSA PRIVATE KEY-----\nafter'],
  ['PEM private key in a JSON string', `"-----BEGIN OPENSSH PRIVATE KEY-----\\n${PEM_BODY.replaceAll('\n', '\\n')}\\n-----END OPENSSH PRIVATE KEY-----\\n"`, '"-----BEGIN OPENSSH PRIVATE KEY-----\\n[redacted:private-key]\\n-----END OPENSSH PRIVATE KEY-----\\n"'],
  ['encrypted PEM with headers', `-----BEGIN ENCRYPTED PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n\n${PEM_BODY}\n-----END ENCRYPTED PRIVATE KEY-----`, '-----BEGIN ENCRYPTED PRIVATE KEY-----\n[redacted:private-key]\n-----END ENCRYPTED PRIVATE KEY-----'],
  ['PGP private key block', `-----BEGIN PGP PRIVATE KEY BLOCK-----\n\n${PEM_BODY}\n-----END PGP PRIVATE KEY BLOCK-----`, '-----BEGIN PGP PRIVATE KEY BLOCK-----\n[redacted:private-key]\n-----END PGP PRIVATE KEY BLOCK-----'],
  ['a cut-off private key loses its body', `log: -----BEGIN EC PRIVATE KEY-----\n${PEM_BODY}\n(truncated)\nnext`, 'log: -----BEGIN EC PRIVATE KEY----- [redacted:private-key]\n(truncated)\nnext'],
];

const Shapes = suite('redactText: credential shapes');
for (const [name, input, want] of SHAPE_CASES) {
  Shapes(name, () => {
    assert.is(redactText(input, []), want);
    assert.is(redactText(want, []), want, 'redacting twice changes nothing');
  });
}

const Kept = suite('redactText: what looks like a secret and is not');
const KEPT = [
  'gomod-doctor-fixture/gobuilder@sha256:' + fake('', 64, '0123456789abcdef'),
  'commit ' + fake('', 40, '0123456789abcdef') + ' (HEAD -> main)',
  'golang.org/x/net v0.17.0 h1:pVaXccu2ozPjCXewfr1S2xoZxvA4hUl7ISPaXuVbLAw=',
  'golang.org/x/net v0.17.0/go.mod h1:NxSsAGuq816PNPmqtQdLE42eU2Fs7NoRIZrHJAlaCOE=',
  'rsc.io/quote v1.5.2 h1:w5fcysjrx7yqtD/aO+QwRjYZOKnaM9Uh2b40tElTs3Y=',
  'GOSUMDB=sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ljb+ZLJv8g6CMHGE=',
  'run 550e8400-e29b-41d4-a716-446655440000 started',
  `-----BEGIN CERTIFICATE-----\n${PEM_BODY}\n-----END CERTIFICATE-----`,
  '-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----',
  'GOFLAGS=-mod=mod GOPROXY=https://proxy.golang.org,direct GOAUTH=netrc GOPRIVATE=*.corp',
  'credential.helper=store GIT_ASKPASS=/bin/true PWD=/root HOME=/root',
  'ENV GIT_TOKEN=$GIT_TOKEN\nARG NPM_TOKEN=${NPM_TOKEN}',
  'RUN --mount=type=secret,id=netrc,target=/root/.netrc go mod download',
  'docker build --secret id=netrc,src=$HOME/.netrc .',
  'fatal: could not read Username for https://github.com: terminal prompts disabled',
  'remote: Invalid username or password for https://gitlab.com/g/r.git',
  'WWW-Authenticate: Bearer realm="https://auth.docker.io/token",service="registry.docker.io"',
  'the proxy wants a bearer credential, not basic auth',
  'https://proxy.golang.org:443/rsc.io/quote/@v/list http://[::1]:8080/x',
  'git@github.com:org/repo.git ssh://git@github.com/org/repo',
  'npm_config_cache=/tmp/npm ghp_short AKIAlowercase1234567 xoxb-short',
  'token expired at 12:00; no token: anonymous; tokens=3',
  fake('', 200, `${ALNUM}+/`) + '==',
  'eyJhbGciOiJub25lIn0 is a header alone',
  'UID=1000 GID=1000 TMPDIR=/tmp GOMODCACHE=/go/pkg/mod',
  // Base64 can hold AKIA/AIza runs by chance: inside a checksum they are not keys.
  `example.com/m v1.0.0 h1:Zm9v${fake('AKIA', 16, UPPER_DIGITS)}+/9x${fake('AIza', 35, ALNUM)}/abc=`,
];
Kept('every look-alike survives untouched', () => {
  for (const text of KEPT) assert.is(redactText(text, []), text);
});

const Known = suite('redactText: known secrets');
Known('a known secret goes wherever it is, in its URL- and JSON-escaped forms too', () => {
  const secret = 'p@ss w"rd/1';
  const text = `x${secret}y ${encodeURIComponent(secret)} ${JSON.stringify(secret)} netrc: ${secret}`;
  const out = redactText(text, [secret]);
  assert.is(out, 'x***y *** "***" netrc: ***');
});
Known('a pattern cannot split a known secret and leave half of it', () => {
  assert.is(redactText('token=abc&def', ['abc&def']), 'token=***');
});
Known('a marker cannot complete a known secret', () => {
  const out = redactText('password=abc', ['ted:pass']);
  assert.not.ok(out.includes('ted:pass'), out);
});
Known('values shorter than 4 characters are not scrubbed (as scrub: "1" would shred every line)', () => {
  assert.is(redactText('a 1 b', ['1']), 'a 1 b');
});

const Deep = suite('redactDeep');
Deep('every string value, at any depth; keys, numbers, booleans and null as they are; input untouched', () => {
  const input = {
    image: 'golang:1.23',
    env: ['GITHUB_TOKEN=abc', 'GOPATH=/go'],
    nested: { url: 'https://u:pw@h/x', count: 3, ok: true, none: null, list: [{ note: `k ${fake('ghp_', 36)}` }] },
    'password=kept-key': 'value',
  };
  const copy = JSON.parse(JSON.stringify(input)) as typeof input;
  const out = redactDeep(input, ['golang']);
  assert.equal(out, {
    image: '***:1.23',
    env: ['GITHUB_TOKEN=[redacted:token]', 'GOPATH=/go'],
    nested: { url: 'https://u:***@h/x', count: 3, ok: true, none: null, list: [{ note: 'k [redacted:github-token]' }] },
    'password=kept-key': 'value',
  });
  assert.equal(input, copy);
});

const Speed = suite('redactText: linear cost');
const MB = 1024 * 1024;
const fill = (unit: string, size: number) => unit.repeat(Math.ceil(size / unit.length)).slice(0, size);
const timed = (text: string, known: string[] = []) => {
  const t0 = performance.now();
  redactText(text, known);
  return performance.now() - t0;
};

Speed('5 MB of build log, go.sum and JSON in well under a second', () => {
  const lines = [
    'go: downloading rsc.io/quote v1.5.2',
    'rsc.io/quote v1.5.2 h1:w5fcysjrx7yqtD/aO+QwRjYZOKnaM9Uh2b40tElTs3Y=',
    '#12 [builder 4/7] RUN --mount=type=cache,target=/go/pkg/mod go mod download',
    `{"id":"http.goproxy","target":"https://proxy.golang.org/x","summary":"GET 200 in 35 ms","evidence":{"proxy":"http://alice:pw@p:3128"}}`,
    `GITHUB_TOKEN=${fake('ghp_', 36)} HOME=/root`,
    '> Authorization: Bearer abc.def-ghi_123456',
    `sha256:${fake('', 64, '0123456789abcdef')}`,
  ];
  const text = fill(`${lines.join('\n')}\n`, 5 * MB);
  const ms = timed(text, ['hunter2-secret', 'another-known-one']);
  assert.ok(ms < 1000, `${ms.toFixed(0)} ms`);
});

Speed('hostile repetitions stay linear (1 MB each; a quadratic pattern would take minutes)', () => {
  const units = ['a', '//a:', '//aa:bb@', '-----BEGIN PRIVATE KEY-----\n', '-----BEGIN PRIVATE KEY-----\nMIIE\n', 'eyJaaaaaaaaaa.', 'ghp_', 'AKIA', 'password="', '"password": "\\', 'password=', 'machine x login ', 'machine\\n', 'authorization: ', 'bearer ', 'proxy=a:', 'proxy=a:b ', 'proxy=a:b@c/ ', '  a.b.c.d.e.f.g.h.i.j: v\n', 'Bearer 1', 'password ', ' password\n'];
  for (const unit of units) {
    const ms = timed(fill(unit, MB));
    assert.ok(ms < 1000, `${JSON.stringify(unit)}: ${ms.toFixed(0)} ms`);
  }
});

const Props = suite('redactText: properties over generated text');
const VOCAB = ['a', 'go', 'mod', ' ', ' ', '\n', '\t', ':', '/', '//', '@', '=', '&', '?', '"', "'", ',', '.', '-', '_', '\\n', 'https://', 'password', 'token=', 'Bearer ', 'machine ', 'login ', '-----BEGIN PRIVATE KEY-----\n', '-----END PRIVATE KEY-----', '{"auth": "', 'é', '示例', '🙂', '***', '[redacted:x]'];
function randomText(rnd: () => number, words: number): string {
  return Array.from({ length: words }, () => VOCAB[Math.floor(rnd() * VOCAB.length)]).join('');
}
function insertAt(text: string, piece: string, rnd: () => number): string {
  const i = Math.floor(rnd() * (text.length + 1));
  return text.slice(0, i) + piece + text.slice(i);
}

Props('a known secret embedded anywhere, any number of times, never survives', () => {
  for (let seed = 1; seed <= 1500; seed++) {
    const rnd = prng(seed);
    const printable = Array.from({ length: 94 }, (_, i) => String.fromCharCode(33 + i)).join('');
    const secret = fake('', 8 + Math.floor(rnd() * 33), printable, seed * 31);
    let text = randomText(rnd, Math.floor(rnd() * 200));
    for (let k = 1 + Math.floor(rnd() * 3); k > 0; k--) text = insertAt(text, secret, rnd);
    const out = redactText(text, [secret]);
    assert.not.ok(out.includes(secret), `seed ${seed}: ${JSON.stringify(secret)} survived in ${JSON.stringify(out)}`);
  }
});

Props('an unknown token of any shape, set apart anywhere in random text, never survives; redacting is idempotent', () => {
  const makers = [
    (s: number) => fake('ghp_', 36, ALNUM, s),
    (s: number) => fake('github_pat_', 82, `${ALNUM}_`, s),
    (s: number) => fake('glpat-', 20, B64URL, s),
    (s: number) => fake('AKIA', 16, UPPER_DIGITS, s),
    (s: number) => fake('xoxb-', 30, ALNUM, s),
    (s: number) => fake('AIza', 35, B64URL, s),
    (s: number) => fake('npm_', 36, ALNUM, s),
    (s: number) => `${fake('eyJ', 20, B64URL, s)}.${fake('eyJ', 30, B64URL, s + 1)}.${fake('', 43, B64URL, s + 2)}`,
  ];
  for (let seed = 1; seed <= 1500; seed++) {
    const rnd = prng(seed);
    const token = makers[seed % makers.length]!(seed);
    const sep = [' ', '\n', '"', "'", '(', ',', ';'][Math.floor(rnd() * 7)]!;
    const text = insertAt(randomText(rnd, Math.floor(rnd() * 100)), `${sep}${token}${sep}`, rnd);
    const out = redactText(text, []);
    assert.not.ok(out.includes(token.slice(4, 20)), `seed ${seed}: ${token} survived in ${JSON.stringify(out)}`);
    assert.is(redactText(out, []), out, `seed ${seed}: not idempotent on ${JSON.stringify(text)}`);
  }
});

Shapes.run();
Kept.run();
Known.run();
Deep.run();
Speed.run();
Props.run();
