// src/secrets.ts: which values the user handed in are secret, and the last-line scrub that keeps
// them out of whatever is printed (table or JSON), whatever a check or a server echoed.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { envSecrets, netrcSecrets, scrub, splitEnv, urlPasswords } from '../../src/secrets.js';

const Find = suite('secrets: what counts as secret');

Find('netrc: passwords and accounts, not logins or machine names', () => {
  const netrc = 'machine git.corp.example login ci-bot password glpat-AbC123\n\nmachine github.com\n  login x-access-token\n  password ghp_T0ken\n  account acct-42\ndefault login anon password anon-pw\n';
  assert.equal(netrcSecrets(netrc), ['glpat-AbC123', 'ghp_T0ken', 'acct-42', 'anon-pw']);
  assert.equal(netrcSecrets('machine a.example login bot password'), []);
});

Find('URL passwords: raw and percent-decoded; a user without a password is no secret', () => {
  assert.equal(urlPasswords('http://alice:s3cr3t@proxy.corp:3128'), ['s3cr3t']);
  assert.equal(urlPasswords('http://alice:p%40ss%3Aw0rd@proxy.corp:3128'), ['p%40ss%3Aw0rd', 'p@ss:w0rd']);
  assert.equal(urlPasswords('https://token@goproxy.corp,http://u:pw1@a.example|http://u2:pw2@b.example'), ['pw1', 'pw2']);
  assert.equal(urlPasswords('http://proxy.corp:3128'), []);
  // Not percent-encoding at all ("%zz"): the raw form alone.
  assert.equal(urlPasswords('http://u:100%zz@proxy:3128'), ['100%zz']);
});

Find('env: whole values of variables named like secrets, and proxy URL passwords of any variable', () => {
  const env = splitEnv(['GITHUB_TOKEN=ghp_abcdef', 'DB_PASSWORD=hunter22', 'NPM_API_KEY=k-123456', 'HTTPS_PROXY=http://bob:pr0xy-pw@proxy:3128', 'GOFLAGS=-mod=mod', 'GOPROXY=https://proxy.golang.org,direct']);
  assert.equal(envSecrets(env), ['ghp_abcdef', 'hunter22', 'k-123456', 'pr0xy-pw']);
});

Find('env: GOAUTH holds a command spec, not a secret (its value "netrc" must stay printable)', () => {
  // SECRET_NAME matches AUTH inside GOAUTH; scrubbing "netrc" would shred every fix line naming ~/.netrc.
  assert.equal(envSecrets(splitEnv(['GOAUTH=netrc'])), []);
});

Find('splitEnv: KEY=VALUE split at the first "=", malformed entries dropped', () => {
  assert.equal(splitEnv(['A=1', 'B=x=y', 'C=', 'NOEQ', '=v']), [
    { name: 'A', value: '1' },
    { name: 'B', value: 'x=y' },
    { name: 'C', value: '' },
  ]);
});

const Scrub = suite('scrub: what the user sees');

Scrub('a secret is replaced wherever it appears', () => {
  assert.is(scrub('git said: fatal: token ghp_abcdef expired; again ghp_abcdef', ['ghp_abcdef']), 'git said: fatal: token *** expired; again ***');
});

Scrub('URL-encoded and JSON-escaped forms are scrubbed too', () => {
  const secret = 'p@ss"w\\rd';
  const json = JSON.stringify({ proxy: `http://u:${encodeURIComponent(secret)}@proxy:3128`, echo: secret });
  const out = scrub(json, [secret]);
  assert.not.match(out, encodeURIComponent(secret));
  assert.not.match(out, JSON.stringify(secret).slice(1, -1));
  assert.is(out, '{"proxy":"http://u:***@proxy:3128","echo":"***"}');
});

Scrub('values shorter than 4 characters are left alone', () => {
  assert.is(scrub('GOFLAGS=-x yes 1', ['yes', '1', '']), 'GOFLAGS=-x yes 1');
  assert.is(scrub('pin 1234', ['1234']), 'pin ***');
});

Scrub('longest first: a secret containing another is replaced whole', () => {
  assert.is(scrub('token=abcd-efgh-ijkl', ['abcd', 'abcd-efgh-ijkl']), 'token=***');
});

Scrub('no secrets: text unchanged', () => {
  assert.is(scrub('nothing to hide', []), 'nothing to hide');
});

Find.run();
Scrub.run();
