// src/go/gomod-file.ts and modfile-parse.ts against golang.org/x/mod/modfile's rules (rule.go add(): the go,
// toolchain and module cases and their messages), cmd/go/internal/toolchain/select.go (the
// GOTOOLCHAIN forms and messages), gover.TooNewError, and error output people have pasted
// from real go commands (quoted in each case).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { goModLookup, parseGotoolchain, toolchainNeed } from '../../src/go/gomod-file.js';
import { parseGoModDirectives } from '../../src/go/modfile-parse.js';

const gomod = (...lines: string[]) => `${lines.join('\n')}\n`;
const MOD_122 = gomod('module example.com/app', '', 'go 1.22.0', '', 'toolchain go1.22.5', '', 'require (', '\tgolang.org/x/mod v0.17.0 // indirect', ')');

const Parse = suite('parseGoModDirectives (modfile rule.go, strict)');
Parse('module, go and toolchain, with comments and a require block', () => {
  const d = parseGoModDirectives(MOD_122);
  assert.equal(d, {
    module: 'example.com/app',
    go: '1.22.0',
    toolchain: 'go1.22.5',
    errors: [],
    moduleLine: 1,
    goLine: 3,
    toolchainLine: 5,
  });
});
Parse('comments, quoted module paths, module blocks and Windows line ends', () => {
  const d = parseGoModDirectives('// Deprecated: use v2\r\nmodule "example.com/q" // trailing\r\n\r\ngo 1.21 // lang\r\n');
  assert.is(d.module, 'example.com/q');
  assert.is(d.go, '1.21');
  assert.equal(d.errors, []);
  assert.is(parseGoModDirectives('module (\n\texample.com/blk\n)\ngo 1.20\n').module, 'example.com/blk');
  assert.is(parseGoModDirectives('require(\n\tx.y/z v1.0.0\n)\nmodule m\n').module, 'm');
  assert.equal(parseGoModDirectives('module m\n').go, null);
});
Parse('the go versions Go 1.21+ accept (GoVersionRE)', () => {
  for (const v of ['1.21', '1.21.0', '1.21rc1', '1.22.10', '1.19', '1.0']) assert.equal(parseGoModDirectives(`module m\ngo ${v}\n`).errors, [], v);
  for (const v of ['1.21.x', 'v1.21', '1', '1.021', '1.21.0-rc1', '"1.22.5"', 'go1.21']) {
    assert.equal(parseGoModDirectives(`module m\ngo ${v}\n`).errors, [`go.mod:2: invalid go version '${v}': must match format 1.23`], v);
  }
});
Parse('rule.go messages for go, toolchain and module lines', () => {
  assert.equal(parseGoModDirectives('module m\ngo 1.21\ngo 1.22\n').errors, ['go.mod:3: repeated go statement']);
  assert.equal(parseGoModDirectives('module m\ngo\n').errors, ['go.mod:2: go directive expects exactly one argument']);
  assert.equal(parseGoModDirectives('module m\ntoolchain go1.22.0\ntoolchain go1.22.1\n').errors, ['go.mod:3: repeated toolchain statement']);
  assert.equal(parseGoModDirectives('module m\ntoolchain 1.22.0\n').errors, ["go.mod:2: invalid toolchain version '1.22.0': must match format go1.23 or local"]);
  assert.equal(parseGoModDirectives('module m\ntoolchain gccgo-go1.22.0\n').errors, []);
  assert.equal(parseGoModDirectives('module m n\n').errors, ['go.mod:1: usage: module module/path']);
  assert.equal(parseGoModDirectives('module `m`\n').errors, ['go.mod:1: invalid quoted string: unquoted string cannot contain quote']);
  assert.equal(parseGoModDirectives('module m\nmodule n\n').errors, ['go.mod:2: repeated module statement']);
  assert.equal(parseGoModDirectives('module m\ngo (\n\t1.21\n)\n').errors, ['go.mod:2: unknown block type: go']);
  assert.equal(parseGoModDirectives('module m\ngodebug default=go1.21\n', { goVersion: 'go1.22.0' }).errors, ['go.mod:2: unknown directive: godebug']);
  assert.equal(parseGoModDirectives('module m\ngodebug default=go1.21\n', { goVersion: 'go1.23.0' }).errors, []);
  assert.equal(parseGoModDirectives('/* no */\nmodule m\n').errors, ['go.mod:1: mod files must use // comments, not /* */ comments']);
  assert.is(parseGoModDirectives('module m\n', { filename: '/src/go.mod' }).errors.length, 0);
  assert.equal(parseGoModDirectives('bogus x\n', { filename: '/src/go.mod' }).errors, ['/src/go.mod:1: unknown directive: bogus']);
});
Parse('Go before 1.21 (golang/go#62278 reports, gost#537): three-part go lines and toolchain lines are errors', () => {
  // "go version go1.20.7 … /home/ec2-user/download/gost/go.mod:5: unknown directive: toolchain"
  const d = parseGoModDirectives(MOD_122, { goVersion: 'go1.20.7', filename: '/app/go.mod' });
  assert.equal(d.errors, [
    "/app/go.mod:3: invalid go version '1.22.0': must match format 1.23",
    '/app/go.mod:5: unknown directive: toolchain',
  ]);
  assert.equal(parseGoModDirectives('module m\ngo 1.22\n', { goVersion: '1.20.14' }).errors, []);
  assert.equal(parseGoModDirectives('module m\ngo 1.21rc1\n', { goVersion: '1.19' }).errors, ["go.mod:2: invalid go version '1.21rc1': must match format 1.23"]);
});
Parse('goModLookup reads the first KEY line without a full parse (gover/mod.go)', () => {
  assert.is(goModLookup(MOD_122, 'go'), '1.22.0');
  assert.is(goModLookup(MOD_122, 'toolchain'), 'go1.22.5');
  assert.is(goModLookup('module m\nrequire go.uber.org/zap v1.0.0\n\tgo 1.21 // x\n', 'go'), '1.21');
  assert.is(goModLookup('module m\n', 'toolchain'), '');
});

const Gotoolchain = suite('parseGotoolchain (toolchain/select.go)');
Gotoolchain('the valid forms', () => {
  assert.equal(parseGotoolchain('auto'), { ok: true, min: 'local', mode: 'auto', pathOnly: false });
  assert.equal(parseGotoolchain(''), { ok: true, min: 'local', mode: 'auto', pathOnly: false });
  assert.equal(parseGotoolchain('path'), { ok: true, min: 'local', mode: 'path', pathOnly: true });
  assert.equal(parseGotoolchain('local'), { ok: true, min: 'local', mode: '', pathOnly: false });
  assert.equal(parseGotoolchain('local+auto'), { ok: true, min: 'local', mode: 'auto', pathOnly: false });
  assert.equal(parseGotoolchain('go1.22.1'), { ok: true, min: 'go1.22.1', mode: '', pathOnly: false });
  assert.equal(parseGotoolchain('go1.22.1+auto'), { ok: true, min: 'go1.22.1', mode: 'auto', pathOnly: false });
  assert.equal(parseGotoolchain('go1.22.1+path'), { ok: true, min: 'go1.22.1', mode: 'path', pathOnly: true });
  assert.equal(parseGotoolchain('go1.21rc2'), { ok: true, min: 'go1.21rc2', mode: '', pathOnly: false });
});
Gotoolchain('invalid values, with the messages Select prints', () => {
  const bad: Array<[string, string]> = [
    ['bash', 'go: invalid GOTOOLCHAIN "bash"'],
    ['1.22.1', 'go: invalid GOTOOLCHAIN "1.22.1"'],
    ['go1.22.1+ato', 'go: invalid GOTOOLCHAIN "go1.22.1+ato": only version suffixes are +auto and +path'],
    ['1.22+auto', 'go: invalid GOTOOLCHAIN "1.22+auto": invalid minimum toolchain "1.22"'],
    ['auto+path', 'go: invalid GOTOOLCHAIN "auto+path": invalid minimum toolchain "auto"'],
    ['go2.0', 'go: invalid GOTOOLCHAIN "go2.0"'],
  ];
  for (const [v, msg] of bad) assert.equal(parseGotoolchain(v), { ok: false, error: msg }, v);
});

const Need = suite('toolchainNeed');
Need('the local go is new enough', () => {
  const n = toolchainNeed('go1.22.5', MOD_122, 'auto');
  assert.is(n.action, 'ok');
  assert.is(n.toolchain, 'go1.22.5');
  assert.is(n.message, null);
});
Need('GOTOOLCHAIN=auto: download the go line\'s toolchain', () => {
  const n = toolchainNeed('go1.21.3', gomod('module m', 'go 1.22.1'), 'auto');
  assert.is(n.action, 'switch');
  assert.is(n.toolchain, 'go1.22.1');
  assert.is(n.via, 'download');
  assert.is(n.message, 'go: downloading go1.22.1 (linux/amd64)');
  assert.match(n.notes.join('\n'), /golang\.org\/toolchain@v0\.0\.1-go1\.22\.1\.linux-amd64/);
});
Need('a toolchain line newer than the go line wins', () => {
  const n = toolchainNeed('go1.22.0', MOD_122, '');
  assert.is(n.action, 'switch');
  assert.is(n.toolchain, 'go1.22.5');
});
Need('toolchain found in PATH is used without a download', () => {
  const n = toolchainNeed('go1.21.0', MOD_122, 'auto', { inPath: ['go1.22.5'] });
  assert.equal([n.action, n.via, n.message], ['switch', 'path', null]);
});
Need('GOTOOLCHAIN=local with a newer go line: TooNewError', () => {
  // "go: go.mod requires go >= 1.22.0 (running go 1.21.5; GOTOOLCHAIN=local)"
  const n = toolchainNeed('go1.21.5', gomod('module m', 'go 1.22.0'), 'local');
  assert.is(n.action, 'fail');
  assert.is(n.message, 'go: go.mod requires go >= 1.22.0 (running go 1.21.5; GOTOOLCHAIN=local)');
});
Need('GOTOOLCHAIN=path cannot download', () => {
  const n = toolchainNeed('go1.21.5', gomod('module m', 'go 1.22.0'), 'path');
  assert.is(n.action, 'fail');
  assert.is(n.message, 'go: cannot find "go1.22.0" in PATH');
  assert.is(toolchainNeed('go1.21.5', gomod('module m', 'go 1.22.0'), 'go1.21.5+path', { inPath: ['go1.22.0'] }).action, 'switch');
});
Need('GOTOOLCHAIN=goX always runs goX, which may itself be too old', () => {
  const n = toolchainNeed('go1.22.0', gomod('module m', 'go 1.22.0'), 'go1.21.9');
  assert.is(n.action, 'fail');
  assert.is(n.message, 'go: downloading go1.21.9 (linux/amd64)\ngo: go.mod requires go >= 1.22.0 (running go 1.21.9; GOTOOLCHAIN=go1.21.9)');
  const ok = toolchainNeed('go1.22.0', gomod('module m', 'go 1.21'), 'go1.22.3');
  assert.equal([ok.action, ok.toolchain], ['switch', 'go1.22.3']);
  assert.is(toolchainNeed('go1.22.3', gomod('module m', 'go 1.21'), 'go1.22.3').action, 'ok');
});
Need('GOTOOLCHAIN=goX+auto raises the minimum, go.mod can still raise it further', () => {
  assert.equal(toolchainNeed('go1.21.0', gomod('module m', 'go 1.21'), 'go1.22.1+auto').toolchain, 'go1.22.1');
  assert.equal(toolchainNeed('go1.21.0', gomod('module m', 'go 1.23.2'), 'go1.22.1+auto').toolchain, 'go1.23.2');
});
Need('toolchain default keeps the default toolchain (and current x/mod rejects the word)', () => {
  const n = toolchainNeed('go1.21.0', gomod('module m', 'go 1.22.0', 'toolchain default'), 'auto');
  assert.is(n.action, 'fail');
  // Select does not switch; the local go then parses go.mod with ToolchainRE = ^local$|(^|-)go1.
  assert.is(n.message, "go: errors parsing go.mod:\ngo.mod:3: invalid toolchain version 'default': must match format go1.23 or local");
  const d = parseGoModDirectives(gomod('module m', 'go 1.22.0'));
  const t = toolchainNeed('go1.21.0', { ...d, toolchain: null }, 'local');
  assert.is(t.message, 'go: go.mod requires go >= 1.22.0 (running go 1.21.0; GOTOOLCHAIN=local)');
});
Need('a language-only go line: go1.21/go1.22 ask for "go1.22" (golang/go#62278, #65580), newer add .0', () => {
  // "go: downloading go1.22 (linux/amd64)\ngo: download go1.22 for linux/amd64: toolchain not available"
  const old = toolchainNeed('go1.21.5', gomod('module m', 'go 1.22'), 'auto');
  assert.is(old.action, 'fail');
  assert.is(old.message, 'go: downloading go1.22 (linux/amd64)\ngo: download go1.22 for linux/amd64: toolchain not available');
  const now = toolchainNeed('go1.23.4', gomod('module m', 'go 1.24'), 'auto', { goos: 'linux', goarch: 'arm64' });
  assert.equal([now.action, now.toolchain, now.message], ['switch', 'go1.24.0', 'go: downloading go1.24.0 (linux/arm64)']);
  const tc = toolchainNeed('go1.23.4', gomod('module m', 'go 1.23', 'toolchain go1.24'), 'auto');
  assert.is(tc.message, 'go: downloading go1.24 (linux/amd64)\ngo: invalid toolchain: go1.24 is a language version but not a toolchain version (go1.24.x)');
});
Need('invalid toolchain names and GOTOOLCHAIN values', () => {
  assert.is(toolchainNeed('go1.22.0', gomod('module m', 'go 1.21', 'toolchain local'), 'auto').message, 'go: invalid toolchain "local" in go.mod');
  assert.is(toolchainNeed('go1.22.0', gomod('module m'), 'go1.22+ato').message, 'go: invalid GOTOOLCHAIN "go1.22+ato": only version suffixes are +auto and +path');
});
Need('Go before 1.21 refuses three-part go lines and toolchain lines', () => {
  // "go: errors parsing go.mod:\n/app/go.mod:3: invalid go version '1.22.6': must match format 1.23"
  const n = toolchainNeed('go1.18.10', gomod('module m', '', 'go 1.22.6'), 'auto', { filename: '/app/go.mod' });
  assert.is(n.action, 'fail');
  assert.is(n.message, "go: errors parsing go.mod:\n/app/go.mod:3: invalid go version '1.22.6': must match format 1.23");
  assert.match(n.notes.join(), /ignores GOTOOLCHAIN/);
  const t = toolchainNeed('go1.20.7', MOD_122, '');
  assert.is(t.message, "go: errors parsing go.mod:\ngo.mod:3: invalid go version '1.22.0': must match format 1.23\ngo.mod:5: unknown directive: toolchain");
});
Need('Go before 1.21 with a newer two-part go line: downloads work (build notes differ by patch release)', () => {
  const n = toolchainNeed('go1.20.12', gomod('module m', 'go 1.22'), '');
  assert.is(n.action, 'ok');
  assert.match(n.notes.join(), /cannot compile Go 1\.22 code/);
  const m = toolchainNeed('go1.20.5', gomod('module m', 'go 1.22'), '');
  assert.match(m.notes.join(), /note: module requires Go 1\.22/);
});
Need('directives instead of text', () => {
  const d = parseGoModDirectives(MOD_122);
  assert.is(toolchainNeed('go1.20.7', d).message, "go: errors parsing go.mod:\ngo.mod:3: invalid go version '1.22.0': must match format 1.23\ngo.mod:5: unknown directive: toolchain");
  assert.is(toolchainNeed('go1.21.0', d, 'local').message, 'go: go.mod requires go >= 1.22.0 (running go 1.21.0; GOTOOLCHAIN=local)');
});
Need('a devel go reports its language version', () => {
  assert.is(toolchainNeed('devel go1.23-abcdef Tue Jan 1 00:00:00 2024 +0000', gomod('module m', 'go 1.23'), 'local').action, 'ok');
});

Parse.run();
Gotoolchain.run();
Need.run();
