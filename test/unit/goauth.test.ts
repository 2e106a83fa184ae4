// src/go/goauth.ts against Go's cmd/go/internal/auth/auth.go (runGoAuth's fatal messages,
// golang/go at 7632c6e), userauth.go (buildCommand uses quoted.Split), cfg.go's default
// ("netrc") and `go help goauth`'s forms: off, netrc, git DIR, command.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { DEFAULT_GOAUTH, goVersionKnowsGoauth, lintGoauth, parseGoauth } from '../../src/go/goauth.js';

const Parse = suite('parseGoauth (auth.go runGoAuth)');
Parse('unset or empty means the default, netrc', () => {
  assert.is(DEFAULT_GOAUTH, 'netrc');
  for (const v of [undefined, '']) {
    const p = parseGoauth(v);
    assert.equal(p.entries, [{ kind: 'netrc', raw: 'netrc' }]);
    assert.is(p.error, null);
    assert.ok(p.readsNetrc);
  }
});
Parse('the documented forms', () => {
  assert.equal(parseGoauth('off').entries, [{ kind: 'off', raw: 'off' }]);
  assert.is(parseGoauth('off').readsNetrc, false);
  assert.equal(parseGoauth('git /src/app').entries, [{ kind: 'git', raw: 'git /src/app', dir: '/src/app' }]);
  assert.equal(parseGoauth('netrc; git /src ;/usr/bin/go-auth --token-file "/run/secrets/tok"').entries, [
    { kind: 'netrc', raw: 'netrc' },
    { kind: 'git', raw: 'git /src', dir: '/src' },
    { kind: 'command', raw: '/usr/bin/go-auth --token-file "/run/secrets/tok"', argv: ['/usr/bin/go-auth', '--token-file', '/run/secrets/tok'] },
  ]);
  assert.is(parseGoauth('netrc;git /src').error, null);
});
// [GOAUTH, the fatal line runGoAuth prints]
const fatal: Array<[string, string]> = [
  ['netrc;', 'go: GOAUTH encountered an empty command (GOAUTH=netrc;)'],
  ['  ', 'go: GOAUTH encountered an empty command (GOAUTH=  )'],
  [';netrc', 'go: GOAUTH encountered an empty command (GOAUTH=;netrc)'],
  ['off;netrc', 'go: GOAUTH=off cannot be combined with other authentication commands (GOAUTH=off;netrc)'],
  ['git', 'go: GOAUTH=git dir method requires an absolute path to the git working directory'],
  ['git /a /b', 'go: GOAUTH=git dir method requires an absolute path to the git working directory'],
  ['git src/app', 'go: GOAUTH=git dir method requires an absolute path to the git working directory, dir is not absolute'],
];
for (const [value, want] of fatal) Parse(`GOAUTH=${JSON.stringify(value)}`, () => assert.is(parseGoauth(value).error, want));
Parse('commands run last-to-first, so the last bad entry is the one reported', () => {
  assert.is(parseGoauth('git rel;;netrc').error, 'go: GOAUTH encountered an empty command (GOAUTH=git rel;;netrc)');
  assert.is(
    parseGoauth(';git rel').error,
    'go: GOAUTH=git dir method requires an absolute path to the git working directory, dir is not absolute',
  );
});
Parse('a bad user command is not fatal: it is logged and the next entry is tried', () => {
  const p = parseGoauth(`netrc;my-helper 'unterminated`);
  assert.is(p.error, null);
  assert.equal(p.warnings, [`GOAUTH=my-helper 'unterminated: cannot parse GOAUTH command my-helper 'unterminated: unterminated ' string`]);
});

const Version = suite('GOAUTH and the go version');
Version('Go 1.24 introduced GOAUTH', () => {
  assert.ok(goVersionKnowsGoauth('go1.24.0'));
  assert.ok(goVersionKnowsGoauth('1.25'));
  assert.ok(goVersionKnowsGoauth('go1.24rc1'));
  assert.not.ok(goVersionKnowsGoauth('go1.23.6'));
  assert.not.ok(goVersionKnowsGoauth('1.22'));
});
Version('older go commands ignore GOAUTH and always read ~/.netrc', () => {
  const p = parseGoauth('off;netrc', 'go1.23.4');
  assert.is(p.error, null);
  assert.ok(p.readsNetrc);
  assert.match(p.warnings[0] ?? '', /ignores GOAUTH/);
  const l = lintGoauth('git /src', 'go1.22.5');
  assert.is(l.length, 1);
  assert.is(l[0]?.severity, 'warning');
});

const Lint = suite('lintGoauth');
Lint('the default has nothing to say', () => {
  assert.equal(lintGoauth(undefined, 'go1.24.1'), []);
  assert.equal(lintGoauth('netrc'), []);
});
Lint('a fatal value', () => {
  const [p] = lintGoauth('off;netrc');
  assert.is(p?.severity, 'fatal');
  assert.match(p?.problem ?? '', /cannot be combined/);
});
Lint('leaving netrc out stops ~/.netrc being read', () => {
  const problems = lintGoauth('git /src');
  const n = problems.find((p) => /netrc/.test(p.problem));
  assert.is(n?.severity, 'warning');
  assert.is(n?.fix, "add it: GOAUTH='netrc;git /src'");
  assert.ok(problems.some((p) => /git credential fill/.test(p.problem)));
});
Lint('off sends no credentials', () => {
  const problems = lintGoauth('off');
  assert.is(problems.length, 1);
  assert.match(problems[0]?.problem ?? '', /no credentials/);
});

Parse.run();
Version.run();
Lint.run();
