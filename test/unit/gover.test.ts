// src/go/gover.ts against Go's own tables in src/internal/gover/gover_test.go (compareTests,
// parseTests, langTests, isLangTests, isValidTests, at golang/go fc1cdc3) and the examples in
// cmd/go/internal/gover/toolchain.go and go.dev/doc/toolchain.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  compareGo,
  fromToolchain,
  isLangGo,
  isPrereleaseGo,
  isValidGo,
  langOf,
  localGoVersion,
  maxGo,
  parseGo,
  stripGoPrefix,
} from '../../src/go/gover.js';

const Compare = suite('compareGo (gover_test.go compareTests)');
const compareTests: Array<[string, string, number]> = [
  ['', '', 0],
  ['x', 'x', 0],
  ['', 'x', 0],
  ['1', '1.1', -1],
  ['1.5', '1.6', -1],
  ['1.5', '1.10', -1],
  ['1.6', '1.6.1', -1],
  ['1.19', '1.19.0', 0],
  ['1.19rc1', '1.19', -1],
  ['1.20', '1.20.0', 0],
  ['1.20rc1', '1.20', -1],
  ['1.21', '1.21.0', -1],
  ['1.21', '1.21rc1', -1],
  ['1.21rc1', '1.21.0', -1],
  ['1.6', '1.19', -1],
  ['1.19', '1.19.1', -1],
  ['1.19rc1', '1.19', -1],
  ['1.19rc1', '1.19.1', -1],
  ['1.19rc1', '1.19rc2', -1],
  ['1.19.0', '1.19.1', -1],
  ['1.19rc1', '1.19.0', -1],
  ['1.19alpha3', '1.19beta2', -1],
  ['1.19beta2', '1.19rc1', -1],
  ['1.9.2rc2', '1.9.2', -1],
  ['1.9.2rc2', '1.9.2rc3', -1],
  ['1.9.2beta2', '1.9.2rc3', -1],
  ['1.9.2alpha1', '1.9.2beta2', -1],
  ['1.1', '1.99999999999999998', -1],
  ['1.99999999999999998', '1.99999999999999999', -1],
];
for (const [a, b, want] of compareTests) {
  Compare(`${JSON.stringify(a)} vs ${JSON.stringify(b)} → ${want}`, () => {
    assert.is(compareGo(a, b), want);
    // Go's tests are one-sided; Compare is antisymmetric.
    assert.is(compareGo(b, a), -want || 0);
  });
}
Compare('the go prefix from `go env GOVERSION` is accepted', () => {
  assert.is(compareGo('go1.19.8', '1.21'), -1);
  assert.is(compareGo('go1.21.0', 'go1.21'), 1);
  assert.is(compareGo('go1.22.1', '1.22.1'), 0);
  assert.is(stripGoPrefix('go1.21'), '1.21');
  assert.is(stripGoPrefix('gopher'), 'gopher');
});
Compare('go.dev/doc/toolchain orderings', () => {
  // 1.21 < 1.21rc1 < 1.21rc2 < 1.21.0 < 1.21.1 < 1.21.2
  const a = ['1.21', '1.21rc1', '1.21rc2', '1.21.0', '1.21.1', '1.21.2'];
  for (let i = 1; i < a.length; i++) assert.is(compareGo(a[i - 1]!, a[i]!), -1, `${a[i - 1]} < ${a[i]}`);
  // 1.20rc1 < 1.20rc2 < 1.20rc3 < 1.20 < 1.20.1 ; 1.18beta1 < 1.18beta2 < 1.18rc1 < 1.18 < 1.18.1
  const b = ['1.20rc1', '1.20rc2', '1.20rc3', '1.20', '1.20.1'];
  for (let i = 1; i < b.length; i++) assert.is(compareGo(b[i - 1]!, b[i]!), -1, `${b[i - 1]} < ${b[i]}`);
  const c = ['1.18beta1', '1.18beta2', '1.18rc1', '1.18', '1.18.1'];
  for (let i = 1; i < c.length; i++) assert.is(compareGo(c[i - 1]!, c[i]!), -1, `${c[i - 1]} < ${c[i]}`);
  // 1.21.9 < 1.22
  assert.is(compareGo('1.21.9', '1.22'), -1);
});
Compare('maxGo returns the first argument on ties (gover.Max)', () => {
  assert.is(maxGo('1.21', '1.21.0'), '1.21.0');
  assert.is(maxGo('1.20', '1.20.0'), '1.20');
  assert.is(maxGo('1.22rc1', '1.21.9'), '1.22rc1');
});

const Parse = suite('parseGo (gover_test.go parseTests)');
const parseTests: Array<[string, [string, string, string, string, string]]> = [
  ['1', ['1', '0', '0', '', '']],
  ['1.2', ['1', '2', '0', '', '']],
  ['1.2.3', ['1', '2', '3', '', '']],
  ['1.2rc3', ['1', '2', '', 'rc', '3']],
  ['1.20', ['1', '20', '0', '', '']],
  ['1.21', ['1', '21', '', '', '']],
  ['1.21rc3', ['1', '21', '', 'rc', '3']],
  ['1.21.0', ['1', '21', '0', '', '']],
  ['1.24', ['1', '24', '', '', '']],
  ['1.24rc3', ['1', '24', '', 'rc', '3']],
  ['1.24.0', ['1', '24', '0', '', '']],
  ['1.9.2rc2', ['1', '9', '2', 'rc', '2']],
  ['1.8.5rc4', ['1', '8', '5', 'rc', '4']],
  ['1.8.2beta2', ['1', '8', '2', 'beta', '2']],
  ['1.999testmod', ['1', '999', '', 'testmod', '']],
  ['1.99999999999999999', ['1', '99999999999999999', '', '', '']],
];
for (const [x, [major, minor, patch, kind, pre]] of parseTests) {
  Parse(x, () => assert.equal(parseGo(x), { major, minor, patch, kind, pre }));
}
Parse('malformed versions parse to null (Go: the zero Version)', () => {
  for (const x of ['', 'x', '1.', '.1', '1.021', '01.2', '1.2.', '1.21.0-bigcorp', '1.21RC1', '1.21rc01', '1.600+auto', 'devel']) {
    assert.is(parseGo(x), null, x);
  }
});
Parse('a kind without a number is valid ("1.9.2alpha" in isValidTests)', () => {
  assert.equal(parseGo('1.9.2alpha'), { major: '1', minor: '9', patch: '2', kind: 'alpha', pre: '' });
  assert.equal(parseGo('1.2rc'), { major: '1', minor: '2', patch: '', kind: 'rc', pre: '' });
});

const Lang = suite('langOf / isLangGo / isValidGo (gover_test.go)');
const langTests: Array<[string, string]> = [
  ['1.2rc3', '1.2'],
  ['1.2.3', '1.2'],
  ['1.2', '1.2'],
  ['1', '1'],
  ['1.9.2rc2', '1.9'],
  ['1.8.5rc4', '1.8'],
  ['1.999testmod', '1.999'],
];
for (const [x, want] of langTests) Lang(`langOf(${x}) = ${want}`, () => assert.is(langOf(x), want));
Lang('langOf of the brief\'s example and prefixed input', () => {
  assert.is(langOf('1.21.3'), '1.21');
  assert.is(langOf('go1.22.1'), '1.22');
  assert.is(langOf('garbage'), '');
});
const isLangTests: Array<[string, boolean]> = [
  ['1.2rc3', false],
  ['1.2.3', false],
  ['1.9.2rc2', false],
  ['1.8.5rc5', false],
  ['1.999testmod', false],
  ['1.22', true],
  ['1.21', true],
  ['1.20', false], // == 1.20.0
  ['1.19', false], // == 1.20.0
  ['1.3', false], // == 1.3.0
  ['1.2', false], // == 1.2.0
  ['1', false], // == 1.0.0
];
for (const [x, want] of isLangTests) Lang(`isLangGo(${x}) = ${want}`, () => assert.is(isLangGo(x), want));
const isValidTests: Array<[string, boolean]> = [
  ['1.2rc3', true],
  ['1.2.3', true],
  ['1.999testmod', true],
  ['1.600+auto', false],
  ['1.22', true],
  ['1.21.0', true],
  ['1.21rc2', true],
  ['1.21', true],
  ['1.20.0', true],
  ['1.20', true],
  ['1.19', true],
  ['1.8.5rc5', true],
  ['1.9.2rc2', true],
  ['1.9.2beta1', true],
  ['1.9.2alpha', true],
  ['1.3', true],
  ['1.2', true],
  ['1', true],
];
for (const [x, want] of isValidTests) Lang(`isValidGo(${x}) = ${want}`, () => assert.is(isValidGo(x), want));
Lang('isPrereleaseGo', () => {
  assert.ok(isPrereleaseGo('1.21rc1'));
  assert.ok(isPrereleaseGo('1.18beta2'));
  assert.not.ok(isPrereleaseGo('1.21.0'));
});

const Toolchain = suite('fromToolchain / localGoVersion (cmd/go/internal/gover)');
Toolchain('FromToolchain examples from toolchain.go', () => {
  assert.is(fromToolchain('go1.2.3'), '1.2.3');
  assert.is(fromToolchain('go1.2.3-bigcorp'), '1.2.3');
  assert.is(fromToolchain('invalid'), '');
  assert.is(fromToolchain('go1.21rc1'), '1.21rc1');
  assert.is(fromToolchain('go1.22'), '1.22');
  assert.is(fromToolchain('1.22.0'), '');
  assert.is(fromToolchain('gccgo-go1.21.0'), '');
  assert.is(fromToolchain('go1.22.1+auto'), '');
});
Toolchain('the local version as `go env GOVERSION` / `go version` print it', () => {
  assert.equal(localGoVersion('go1.19.8'), { version: '1.19.8', toolchain: 'go1.19.8', devel: false });
  assert.equal(localGoVersion('go version go1.21.3 linux/amd64\n'), { version: '1.21.3', toolchain: 'go1.21.3', devel: false });
  assert.equal(localGoVersion('1.22.0'), { version: '1.22.0', toolchain: 'go1.22.0', devel: false });
  assert.equal(localGoVersion('go1.21.0-bigcorp'), { version: '1.21.0', toolchain: 'go1.21.0-bigcorp', devel: false });
  assert.equal(localGoVersion('devel go1.23-4f2b1a9 Tue Mar 5 10:00:00 2024 +0000'), { version: '1.23', toolchain: 'go1.23', devel: true });
  assert.equal(localGoVersion('go version devel go1.24-abcdef Tue Mar 5 linux/amd64'), { version: '1.24', toolchain: 'go1.24', devel: true });
  assert.is(localGoVersion('not go'), null);
});

Compare.run();
Parse.run();
Lang.run();
Toolchain.run();
