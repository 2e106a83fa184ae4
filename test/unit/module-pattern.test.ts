// src/go/module-pattern.ts and path-match.ts against Go's src/path/match_test.go (matchTests, golang/go at
// 1b54bfd) and golang.org/x/mod module/module_test.go (TestMatchPrefixPatterns), plus the
// GOPRIVATE mistakes the field guide sees.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { lintPrivatePatterns, matchingPrefixPattern, matchPrefixPatterns, splitPrefixPatterns } from '../../src/go/module-pattern.js';
import { ERR_BAD_PATTERN, isBadPattern, pathMatch } from '../../src/go/path-match.js';

const Match = suite('pathMatch (path/match_test.go matchTests)');
const B = ERR_BAD_PATTERN;
// [pattern, name, match, err]
const matchTests: Array<[string, string, boolean, string | null]> = [
  ['abc', 'abc', true, null],
  ['*', 'abc', true, null],
  ['*c', 'abc', true, null],
  ['a*', 'a', true, null],
  ['a*', 'abc', true, null],
  ['a*', 'ab/c', false, null],
  ['a*/b', 'abc/b', true, null],
  ['a*/b', 'a/c/b', false, null],
  ['a*b*c*d*e*/f', 'axbxcxdxe/f', true, null],
  ['a*b*c*d*e*/f', 'axbxcxdxexxx/f', true, null],
  ['a*b*c*d*e*/f', 'axbxcxdxe/xxx/f', false, null],
  ['a*b*c*d*e*/f', 'axbxcxdxexxx/fff', false, null],
  ['a*b?c*x', 'abxbbxdbxebxczzx', true, null],
  ['a*b?c*x', 'abxbbxdbxebxczzy', false, null],
  ['ab[c]', 'abc', true, null],
  ['ab[b-d]', 'abc', true, null],
  ['ab[e-g]', 'abc', false, null],
  ['ab[^c]', 'abc', false, null],
  ['ab[^b-d]', 'abc', false, null],
  ['ab[^e-g]', 'abc', true, null],
  ['a\\*b', 'a*b', true, null],
  ['a\\*b', 'ab', false, null],
  ['a?b', 'a☺b', true, null],
  ['a[^a]b', 'a☺b', true, null],
  ['a???b', 'a☺b', false, null],
  ['a[^a][^a][^a]b', 'a☺b', false, null],
  ['[a-ζ]*', 'α', true, null],
  ['*[a-ζ]', 'A', false, null],
  ['a?b', 'a/b', false, null],
  ['a*b', 'a/b', false, null],
  ['[\\]a]', ']', true, null],
  ['[\\-]', '-', true, null],
  ['[x\\-]', 'x', true, null],
  ['[x\\-]', '-', true, null],
  ['[x\\-]', 'z', false, null],
  ['[\\-x]', 'x', true, null],
  ['[\\-x]', '-', true, null],
  ['[\\-x]', 'a', false, null],
  ['[]a]', ']', false, B],
  ['[-]', '-', false, B],
  ['[x-]', 'x', false, B],
  ['[x-]', '-', false, B],
  ['[x-]', 'z', false, B],
  ['[-x]', 'x', false, B],
  ['[-x]', '-', false, B],
  ['[-x]', 'a', false, B],
  ['\\', 'a', false, B],
  ['[a-b-c]', 'a', false, B],
  ['[', 'a', false, B],
  ['[^', 'a', false, B],
  ['[^bc', 'a', false, B],
  ['a[', 'a', false, B],
  ['a[', 'ab', false, B],
  ['a[', 'x', false, B],
  ['a/b[', 'x', false, B],
  ['*x', 'xxx', true, null],
];
for (const [pattern, name, matched, error] of matchTests) {
  Match(`Match(${JSON.stringify(pattern)}, ${JSON.stringify(name)})`, () => {
    assert.equal(pathMatch(pattern, name), { matched, error });
  });
}
Match('isBadPattern agrees with every matchTests row', () => {
  for (const [pattern, , , error] of matchTests) assert.is(isBadPattern(pattern), error !== null, pattern);
});

const Prefix = suite('matchPrefixPatterns (x/mod TestMatchPrefixPatterns)');
const prefixTests: Array<[string, string, boolean]> = [
  ['', 'rsc.io/quote', false],
  ['/', 'rsc.io/quote', false],
  ['*/quote', 'rsc.io/quote', true],
  ['*/quo', 'rsc.io/quote', false],
  ['*/quo??', 'rsc.io/quote', true],
  ['*/quo*', 'rsc.io/quote', true],
  ['*quo*', 'rsc.io/quote', false],
  ['rsc.io', 'rsc.io/quote', true],
  ['*.io', 'rsc.io/quote', true],
  ['rsc.io/', 'rsc.io/quote', true],
  ['rsc', 'rsc.io/quote', false],
  ['rsc*', 'rsc.io/quote', true],

  ['rsc.io', 'rsc.io/quote/v3', true],
  ['*/quote', 'rsc.io/quote/v3', true],
  ['*/quote/', 'rsc.io/quote/v3', true],
  ['*/quote/*', 'rsc.io/quote/v3', true],
  ['*/quote/*/', 'rsc.io/quote/v3', true],
  ['*/v3', 'rsc.io/quote/v3', false],
  ['*/*/v3', 'rsc.io/quote/v3', true],
  ['*/*/*', 'rsc.io/quote/v3', true],
  ['*/*/*/', 'rsc.io/quote/v3', true],
  ['*/*/*', 'rsc.io/quote', false],
  ['*/*/*/', 'rsc.io/quote', false],

  ['*/*/*,,', 'rsc.io/quote', false],
  ['*/*/*,,*/quote', 'rsc.io/quote', true],
  [',,*/quote', 'rsc.io/quote', true],
];
for (const [globs, target, want] of prefixTests) {
  Prefix(`${JSON.stringify(globs)} ~ ${target} → ${want}`, () => assert.is(matchPrefixPatterns(globs, target), want));
}
Prefix('the go help module-private examples', () => {
  const g = '*.corp.example.com,rsc.io/private';
  assert.ok(matchPrefixPatterns(g, 'git.corp.example.com/xyzzy'));
  assert.ok(matchPrefixPatterns(g, 'rsc.io/private'));
  assert.ok(matchPrefixPatterns(g, 'rsc.io/private/quux'));
  assert.not.ok(matchPrefixPatterns(g, 'rsc.io/privateer'));
  assert.not.ok(matchPrefixPatterns(g, 'corp.example.com/xyzzy'));
});
Prefix('malformed patterns are skipped, not fatal; spaces are not trimmed', () => {
  assert.not.ok(matchPrefixPatterns('[', 'github.com/corp/svc'));
  assert.ok(matchPrefixPatterns('[,github.com/corp', 'github.com/corp/svc'));
  assert.not.ok(matchPrefixPatterns('github.com/a, github.com/corp', 'github.com/corp/svc'));
  assert.not.ok(matchPrefixPatterns('https://github.com/corp', 'github.com/corp/svc'));
  assert.is(matchingPrefixPattern('example.com/a,github.com/corp/*', 'github.com/corp/x/y'), 'github.com/corp/*');
  assert.equal(splitPrefixPatterns(' a.example/,,b.example//'), [' a.example', 'b.example/']);
});
Prefix('matching is case-sensitive, as module paths are', () => {
  assert.not.ok(matchPrefixPatterns('github.com/azure', 'github.com/Azure/azure-sdk-for-go'));
});

const Lint = suite('lintPrivatePatterns');
const problemsFor = (v: string) => lintPrivatePatterns(v).map((p) => [p.pattern, p.severity, p.fix]);
Lint('clean values have no problems', () => {
  assert.equal(lintPrivatePatterns(''), []);
  assert.equal(lintPrivatePatterns('*.corp.example,github.com/acme,gitlab.com/acme/*'), []);
  assert.equal(lintPrivatePatterns('github.com/acme,,'), []);
});
Lint('a scheme never matches', () => {
  assert.equal(problemsFor('https://github.com/acme'), [['https://github.com/acme', 'error', 'github.com/acme']]);
  assert.ok(lintPrivatePatterns('https://github.com/acme/')[0]?.problem.includes('no scheme'));
  assert.not.ok(matchPrefixPatterns('https://github.com/acme', 'github.com/acme/x'));
});
Lint('spaces after commas become part of the pattern', () => {
  assert.equal(problemsFor('github.com/a, github.com/b'), [[' github.com/b', 'error', 'github.com/b']]);
  assert.not.ok(matchPrefixPatterns('github.com/a, github.com/b', 'github.com/b/x'));
  assert.equal(problemsFor('github.com/a github.com/b'), [['github.com/a github.com/b', 'error', 'github.com/a,github.com/b']]);
  assert.equal(problemsFor('github.com/a;github.com/b'), [['github.com/a;github.com/b', 'error', 'github.com/a,github.com/b']]);
});
Lint('bad glob syntax is reported as never matching', () => {
  const [p] = lintPrivatePatterns('github.com/acme/[');
  assert.is(p?.severity, 'error');
  assert.match(p?.problem ?? '', /never matches/);
  assert.not.ok(matchPrefixPatterns('github.com/acme/[', 'github.com/acme/['));
});
Lint('.git suffixes, git remotes, ports, quotes and double slashes', () => {
  assert.equal(problemsFor('github.com/acme/repo.git'), [['github.com/acme/repo.git', 'warning', 'github.com/acme/repo']]);
  assert.not.ok(matchPrefixPatterns('github.com/acme/repo.git', 'github.com/acme/repo'));
  assert.equal(problemsFor('git@github.com:acme/repo.git'), [['git@github.com:acme/repo.git', 'error', 'github.com/acme/repo']]);
  assert.equal(problemsFor('git.corp:8443/team'), [['git.corp:8443/team', 'error', 'git.corp/team']]);
  assert.equal(problemsFor('"github.com/acme"'), [['"github.com/acme"', 'error', 'github.com/acme']]);
  assert.equal(problemsFor('github.com/acme//'), [['github.com/acme//', 'error', 'github.com/acme']]);
  assert.not.ok(matchPrefixPatterns('github.com/acme//', 'github.com/acme/x/y'));
  assert.equal(problemsFor('/'), [['/', 'warning', 'remove it']]);
});
Lint('one trailing slash works today, with a note', () => {
  assert.ok(matchPrefixPatterns('github.com/acme/', 'github.com/acme/x'));
  assert.equal(problemsFor('github.com/acme/'), [['github.com/acme/', 'warning', 'github.com/acme']]);
});
Lint('* alone matches everything', () => {
  const [p] = lintPrivatePatterns('*', 'GONOSUMDB');
  assert.is(p?.severity, 'warning');
  assert.match(p?.problem ?? '', /GONOSUMDB=\*/);
  assert.ok(matchPrefixPatterns('*', 'golang.org/x/mod'));
  assert.equal(problemsFor('*/*'), [['*/*', 'warning', 'list only private hosts or paths, e.g. *.corp.example,github.com/acme']]);
});

Match.run();
Prefix.run();
Lint.run();
