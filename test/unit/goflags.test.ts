// src/go/goflags.ts against Go's cmd/go/testdata/script/goflags.txt (the error lines it
// expects), cmd/internal/quoted's Split, and the GOFLAGS mistakes seen in Dockerfiles.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  goflagsFatal,
  isFlagShaped,
  isKnownGoFlag,
  lintGoflags,
  parseGoflagsEntry,
  quotedSplit,
  splitGoflags,
} from '../../src/go/goflags.js';

const Script = suite('goflagsFatal (cmd/go/testdata/script/goflags.txt)');
Script('GOFLAGS sets flags for commands: a valid list is accepted', () => {
  assert.is(goflagsFatal('-e -f={{.Dir}} --test.benchtime=1s -count=10'), null);
  assert.is(goflagsFatal('-race'), null);
  assert.is(goflagsFatal('-tags=magic'), null);
});
// [GOFLAGS, the stderr line the script expects]
const fatal: Array<[string, string]> = [
  ['-typoflag', 'go: parsing $GOFLAGS: unknown flag -typoflag'],
  ['-', 'go: parsing $GOFLAGS: non-flag "-"'],
  ['--', 'go: parsing $GOFLAGS: non-flag "--"'],
  ['---oops', 'go: parsing $GOFLAGS: non-flag "---oops"'],
  ['-=noname', 'go: parsing $GOFLAGS: non-flag "-=noname"'],
];
for (const [value, want] of fatal) Script(`GOFLAGS=${value}`, () => assert.is(goflagsFatal(value), want));
Script('the first offending entry wins, in order', () => {
  assert.is(goflagsFatal('-mod=vendor vendor -typo'), 'go: parsing $GOFLAGS: non-flag "vendor"');
  assert.is(goflagsFatal('-typo vendor'), 'go: parsing $GOFLAGS: unknown flag -typo');
});
Script('issue 51194: -ldflags=\'-s -w\' splits on the space', () => {
  assert.is(goflagsFatal("-ldflags='-s -w'"), `go: parsing $GOFLAGS: unknown flag -w'`);
  // With quoted fields (newer go), the quote at the start of a field is what counts.
  assert.is(goflagsFatal("'-ldflags=-s -w' -trimpath", { mode: 'quoted' }), null);
  assert.is(goflagsFatal('-ldflags="-X=a=b -X=c=d"', { mode: 'quoted' }), 'go: parsing $GOFLAGS: unknown flag -X');
  assert.is(goflagsFatal('"-tags=magic wizardry"', { mode: 'quoted' }), null);
  assert.is(goflagsFatal('"-tags=magic', { mode: 'quoted' }), 'go: parsing $GOFLAGS: unterminated " string');
});

const Split = suite('splitGoflags / quotedSplit / parseGoflagsEntry');
Split('strings.Fields splitting keeps quotes', () => {
  assert.equal(splitGoflags("  -mod=mod\t-ldflags='-s -w'\n").fields, ['-mod=mod', "-ldflags='-s", "-w'"]);
});
Split('quoted.Split: quotes only around a whole field, no escapes', () => {
  assert.equal(quotedSplit(`'-ldflags=-s -w' "-tags=a b" -x`), { fields: ['-ldflags=-s -w', '-tags=a b', '-x'], error: null });
  assert.equal(quotedSplit(`-f="a b"`), { fields: ['-f="a', 'b"'], error: null });
  // No unescaping: a backslash does not protect the closing quote.
  assert.equal(quotedSplit(String.raw`"a\"b"`), { fields: ['a\\', 'b"'], error: null });
  assert.equal(quotedSplit(`'x`), { fields: [], error: "unterminated ' string" });
  assert.equal(quotedSplit(''), { fields: [], error: null });
});
Split('flag shapes and names', () => {
  for (const f of ['-x', '--x', '-x=1', '--mod=vendor']) assert.ok(isFlagShaped(f), f);
  for (const f of ['x', '-', '--', '---x', '-=1', '--=1', 'vendor']) assert.not.ok(isFlagShaped(f), f);
  assert.equal(parseGoflagsEntry('--mod=vendor'), { raw: '--mod=vendor', name: 'mod', value: 'vendor' });
  assert.equal(parseGoflagsEntry('-ldflags=-X=a=b'), { raw: '-ldflags=-X=a=b', name: 'ldflags', value: '-X=a=b' });
  assert.equal(parseGoflagsEntry('-x'), { raw: '-x', name: 'x', value: null });
  assert.equal(parseGoflagsEntry('vendor'), { raw: 'vendor', name: null, value: null });
});
Split('known flags', () => {
  for (const f of ['mod', 'modcacherw', 'x', 'json', 'reuse', 'tags', 'trimpath', 'buildvcs', 'w', 'test.benchtime', 'count']) {
    assert.ok(isKnownGoFlag(f), f);
  }
  assert.not.ok(isKnownGoFlag('typoflag'));
  assert.not.ok(isKnownGoFlag('insecure'));
  assert.ok(isKnownGoFlag('insecure', 'go1.16.15'));
  assert.not.ok(isKnownGoFlag('insecure', 'go1.17'));
});

const Lint = suite('lintGoflags');
const find = (value: string, flag: string, goVersion?: string) => lintGoflags(value, goVersion).find((p) => p.flag === flag);
Lint('empty and clean values', () => {
  assert.equal(lintGoflags(''), []);
  assert.equal(lintGoflags('-modcacherw -x'), []);
});
Lint('a non-flag entry is fatal for every go command', () => {
  const p = find('-mod vendor', 'vendor');
  assert.is(p?.severity, 'fatal');
  assert.is(p?.message, 'go: parsing $GOFLAGS: non-flag "vendor"');
  assert.match(p?.fix ?? '', /-mod=vendor/);
  assert.is(find('-mod vendor', '-mod')?.message, 'go: flag needs an argument: -mod (from $GOFLAGS)');
});
Lint('-mod=vendor: go mod download ignores it, the build needs vendor/', () => {
  const p = find('-mod=vendor', '-mod=vendor');
  assert.is(p?.severity, 'warning');
  assert.match(p?.problem ?? '', /vendor\//);
  assert.match(p?.problem ?? '', /inconsistent vendoring/);
});
Lint('-mod=readonly and -mod=mod are informational; other values fail build commands', () => {
  assert.is(find('-mod=readonly', '-mod=readonly')?.severity, 'info');
  assert.is(find('-mod=mod', '-mod=mod')?.severity, 'info');
  const bad = find('-mod=vendored', '-mod=vendored');
  assert.is(bad?.severity, 'error');
  assert.is(bad?.message, "go: -mod=vendored not supported (can be '', 'mod', 'readonly', or 'vendor')");
});
Lint('-insecure: removed in Go 1.17, ignored before', () => {
  const now = find('-insecure', '-insecure', 'go1.22.1');
  assert.is(now?.severity, 'fatal');
  assert.is(now?.message, 'go: parsing $GOFLAGS: unknown flag -insecure');
  assert.match(now?.fix ?? '', /GOINSECURE/);
  assert.is(find('-insecure', '-insecure')?.severity, 'fatal');
  const old = find('-insecure', '-insecure', 'go1.16.15');
  assert.is(old?.severity, 'warning');
  assert.match(old?.problem ?? '', /ignore/);
});
Lint('-modcacherw is fine; flags go mod download does not define are ignored by it', () => {
  assert.is(find('-modcacherw', '-modcacherw'), undefined);
  const p = find('-trimpath', '-trimpath');
  assert.is(p?.severity, 'info');
  assert.match(p?.problem ?? '', /silently ignores/);
  assert.is(find('-tags=netgo', '-tags=netgo')?.severity, 'info');
});
Lint('unknown flags and bad boolean values', () => {
  const p = find('-ldflags=-s -w2', '-w2');
  assert.is(p?.severity, 'fatal');
  assert.is(p?.message, 'go: parsing $GOFLAGS: unknown flag -w2');
  // -w exists (go env -w), so 'GOFLAGS=-ldflags=-s -w' is not rejected: -w is silently dropped.
  assert.is(find('-ldflags=-s -w', '-w')?.severity, 'info');
  const b = find('-e=asdf', '-e=asdf');
  assert.is(b?.severity, 'error');
  assert.is(b?.message, 'go: invalid boolean value "asdf" for flag -e (from $GOFLAGS)');
  assert.is(find('-f', '-f')?.message, 'go: flag needs an argument: -f (from $GOFLAGS)');
});
Lint('a quoted field is a non-flag only for white-space splitting', () => {
  const p = find("'-ldflags=-s -w' -trimpath", "'-ldflags=-s");
  assert.is(p?.severity, 'fatal');
  assert.is(p?.message, `go: parsing $GOFLAGS: non-flag "'-ldflags=-s"`);
  assert.match(p?.problem ?? '', /quoted fields accept it/);
  assert.not.match(find('-mod vendor', 'vendor')?.problem ?? '', /quoted fields/);
});
Lint('quotes are flagged as release-dependent', () => {
  const problems = lintGoflags("-ldflags='-s -w' -trimpath");
  const q = problems.find((p) => p.flag === "-ldflags='-s -w' -trimpath");
  assert.is(q?.severity, 'warning');
  assert.match(q?.problem ?? '', /depends on the Go release/);
});

Script.run();
Split.run();
Lint.run();
