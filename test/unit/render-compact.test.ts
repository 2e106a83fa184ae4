/**
 * The compact report (the default human output) on recorded reports: what fits at 80 and 120
 * columns, that colour never changes the layout or leaves a fragment, that each finding is
 * listed once with collateral rows folded under their root, and that the verdict's fix is
 * on screen. Plus the pieces: wrapping, terminal detection, the spinner's pending text.
 */
import { readFileSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import * as assert from 'uvu/assert';
import { suite } from 'uvu';
import type { CheckResult, Report, Status } from '../../src/model.js';
import { outputWidth, sizedTerminal, terminalOf, useColor } from '../../src/cli/output.js';
import { renderReport } from '../../src/render/report.js';
import { pendingText, spinnerWanted, startProgress } from '../../src/cli/spinner.js';
import { renderCompact } from '../../src/render/compact.js';
import { compactModel, hostLabel } from '../../src/render/compact-model.js';
import { textWidth, truncate, wrap, wrapAtMost } from '../../src/render/width.js';

const load = (name: string): Report => JSON.parse(readFileSync(new URL(`../fixtures/reports/${name}.json`, import.meta.url), 'utf8')) as Report;
const FAILING = ['default-dns-silent', 'dns-only-host-resolves', 'mtu-black-hole', 'goproxy-502-comma', 'zip-hangs'];
const ALL = ['default-healthy', 'healthy', ...FAILING];

/** Complete SGR sequences, as the renderer writes them. */
const SGR = /\u001b\[[0-9;]*m/g;
const lines = (out: string) => out.replace(/\n$/, '').split('\n');
const squash = (s: string) => s.replace(/\s+/g, '');

function withSummary(report: Report, checks: CheckResult[]): Report {
  const n = (s: Status) => checks.filter((c) => c.status === s).length;
  return { ...report, checks, summary: { ...report.summary, pass: n('pass'), warn: n('warn'), fail: n('fail'), skip: n('skip') } };
}

const fits = suite('renderCompact: fits the terminal');

for (const name of ALL) {
  for (const width of [80, 120]) {
    fits(`${name} at ${width} columns: no line wider, the verdict's fix on screen`, () => {
      const out = renderCompact(load(name), { color: false, width });
      for (const line of lines(out)) assert.ok(textWidth(line) <= width, `${textWidth(line)} > ${width}: ${line}`);
      const fix = load(name).summary.fix;
      if (fix) assert.ok(squash(out).includes(squash(fix)), 'the verdict fix is printed whole');
      assert.match(out, /^Verdict: /m);
      // The verdict and its fix are last: nothing but the fix follows the verdict.
      const tail = out.slice(out.lastIndexOf('Verdict: '));
      assert.not.match(tail, /Needs action|^[✗!] /m);
    });
  }
}

fits('a healthy run of the five default targets: at most 40 lines at 80 columns', () => {
  const n = lines(renderCompact(load('default-healthy'), { color: false, width: 80 })).length;
  assert.ok(n <= 40, `${n} lines`);
});

fits('failing runs: at most 60 lines at 80 columns', () => {
  for (const name of FAILING) {
    const n = lines(renderCompact(load(name), { color: false, width: 80 })).length;
    assert.ok(n <= 60, `${name}: ${n} lines`);
  }
});

fits('a narrow terminal gets the narrowest layout, 61 columns', () => {
  const out = renderCompact(load('default-dns-silent'), { color: false, width: 20 });
  for (const line of lines(out)) assert.ok(textWidth(line) <= 61, line);
});

fits('a report with no target (the base image could not be pulled) or no rows at all still reads', () => {
  const base = load('default-dns-silent');
  const engineOnly = withSummary(base, base.checks.filter((c) => c.category === 'engine').map((c) => (c.id === 'engine.pull' ? { ...c, status: 'fail' as const, cause: 'engine.pull' as const, fix: 'log in' } : c)));
  const out = renderCompact(engineOnly, { color: false, width: 80 });
  assert.not.match(out, /┌/, 'no empty chain table');
  assert.match(out, /^✗ engine\.pull /m);
  const empty = renderCompact(withSummary(base, []), { color: false, width: 80 });
  assert.match(empty, /^private repos +– none probed$/m);
  assert.match(empty, /Verdict: /);
});

fits('a skip with a cause of its own (tool.missing) is a finding; a plain "not measured" skip is only counted', () => {
  const base = load('healthy');
  const checks = base.checks.map((c) => (c.id === 'e2e.recommend' ? { ...c, status: 'skip' as const, cause: 'tool.missing' as const, fix: null, summary: 'no go command in the image' } : c));
  const model = compactModel(withSummary(base, [...checks, { ...checks[0]!, id: 'tcp.connect', status: 'skip', cause: null, summary: 'not measured' }]));
  assert.ok(model.findings.some((f) => f.id === 'e2e.recommend' && f.status === 'skip'));
  assert.equal(model.quietSkips.map((c) => c.id), ['tcp.connect']);
});

const color = suite('renderCompact: colour');

color('colour adds only whole SGR sequences: stripped, the text is the plain rendering', () => {
  for (const name of ALL) {
    const plain = renderCompact(load(name), { color: false, width: 80 });
    const painted = renderCompact(load(name), { color: true, width: 80 });
    assert.ok(SGR.test(painted), `${name}: no colour at all`);
    const stripped = painted.replace(SGR, '');
    assert.is(stripped, plain, name);
    assert.not.ok(/\u001b/.test(stripped), 'an ESC outside a complete sequence');
    assert.not.ok(/\[\d+(;\d+)*m/.test(stripped), 'an escape fragment');
  }
});

color('no colour at all without it', () => {
  assert.not.ok(/\u001b/.test(renderCompact(load('default-dns-silent'), { color: false, width: 80 })));
});

const fold = suite('renderCompact: each finding once, collateral folded');

fold('rows explained by a root are folded under it, not listed', () => {
  const report = load('default-dns-silent');
  const model = compactModel(report);
  const listed = model.findings.flatMap((f) => f.rows);
  assert.not.ok(listed.some((r) => r.explainedBy), 'a collateral row is a finding of its own');
  const dns = model.findings.find((f) => f.id === 'dns.resolve' && f.status === 'fail')!;
  assert.equal(dns.rows.map((r) => r.target), ['proxy.golang.org', 'sum.lab.test']);
  // Each collateral row folds under the finding that holds the row explaining it.
  const failed = new Set(dns.rows.map((r) => r.target));
  const explained = report.checks.filter((c) => c.explainedBy?.id === 'dns.resolve');
  assert.is(dns.collateral.length, explained.filter((c) => failed.has(c.explainedBy!.target ?? '')).length);
  const everyDns = model.findings.filter((f) => f.id === 'dns.resolve').flatMap((f) => f.collateral);
  assert.is(everyDns.length, explained.length, 'every row dns.resolve explains is folded somewhere');
  const out = renderCompact(report, { color: false, width: 80 });
  assert.is(out.match(/^✗ dns\.resolve /gm)?.length, 1, 'the failing resolver is one finding');
  assert.match(out, `↳ explains ${dns.collateral.length} more rows: tcp.connect, tls.handshake, http.goproxy`);
  assert.not.match(out, /skipped: dns\.resolve failed/, 'no repeated skip rows');
});

fold('a failing row another row explains (not only skips) folds too, and is not counted as a finding', () => {
  const base = load('default-dns-silent');
  const checks = base.checks.map((c) => (c.id === 'e2e.fetch' ? { ...c, explainedBy: { id: 'dns.resolve', target: 'proxy.golang.org' } } : c));
  const model = compactModel(withSummary(base, checks));
  assert.not.ok(model.findings.some((f) => f.id === 'e2e.fetch'));
  const dns = model.findings.find((f) => f.id === 'dns.resolve' && f.status === 'fail')!;
  assert.ok(dns.collateral.some((c) => c.id === 'e2e.fetch'));
});

fold('a collateral row whose root is not in the report stands on its own', () => {
  const base = load('goproxy-502-comma');
  const checks = base.checks.map((c) => (c.id === 'e2e.sumdb' ? { ...c, explainedBy: { id: 'no.such', target: null } } : c));
  assert.ok(compactModel(withSummary(base, checks)).findings.some((f) => f.id === 'e2e.sumdb'));
});

fold('the chain table: a row per target with its steps, the fetch through the same proxy in its go fetch column', () => {
  const model = compactModel(load('default-healthy'));
  assert.equal(model.chains.map((c) => c.label), ['proxy.golang.org', 'goproxy.cn', 'goproxy.io', 'github.com', 'sum.golang.org', 'sum.lab.test', 'direct', 'GOPROXY as set']);
  const proxy = model.chains[0]!;
  assert.equal(Object.keys(proxy.cells), ['dns', 'tcp', 'tls', 'http', 'fetch']);
  assert.is(proxy.cells.fetch?.target, 'https://proxy.golang.org alone');
  assert.equal(model.areas.map((a) => a.label), ['engine', 'proxy env', 'Go env', 'caches', 'private repos', 'go fetch', 'host vs container']);
  assert.is(hostLabel('https://goproxy.corp:8443/go'), 'goproxy.corp:8443');
  assert.is(hostLabel('proxy.golang.org:443'), 'proxy.golang.org');
});

fold('the header names the image, the user, the engine and its builder; a stage when there is one', () => {
  const report = load('default-healthy');
  const out = lines(renderCompact(report, { color: false, width: 80 }));
  assert.is(out[0], 'gomod-doctor: image gomod-doctor-fixture/gobuilder:bookworm as root');
  assert.match(out[1]!, /^engine Docker Engine 20\.10\.24\+dfsg1 \(API 1\.41\) · builder /);
  const staged = { ...report, stage: { dockerfile: 'Dockerfile', name: 'builder', line: 3, baseImage: 'golang:1.22', chain: ['builder', 'golang:1.22'], mode: 'build' as const } };
  const head = lines(renderCompact(staged, { color: false, width: 80 }));
  assert.match(head.slice(0, 2).join(' '), 'stage builder of Dockerfile (line 3, FROM builder ← golang:1.22)');
  assert.ok(head.some((l) => l.includes('builder classic (build step)')));
});

fold('text from a container or a server cannot reach the terminal as control characters', () => {
  const base = load('goproxy-502-comma');
  const evil = '\u001b[31mred\u001b[0m \u001b]8;;https://evil.example\u0007link\u001b]8;;\u0007 \r\n\u0008x';
  const checks = base.checks.map((c, i) => (i % 3 ? c : { ...c, target: `${c.target}${evil}`, summary: `${c.summary}${evil}`, fix: c.fix && `${c.fix}${evil}` }));
  checks.push({ ...checks[0]!, id: `long.${'x'.repeat(200)}`, status: 'fail', target: 'y'.repeat(300), summary: 'z'.repeat(300), fix: 'w'.repeat(300) });
  const report = withSummary({ ...base, image: `img${evil}`, user: `u${evil}`, summary: { ...base.summary, verdict: `v${evil}`, fix: `f${evil}` } }, checks);
  for (const width of [80, 120]) {
    const out = renderCompact(report, { color: true, width }).replace(SGR, '');
    assert.not.ok(/[\u0000-\u0009\u000b-\u001f\u007f]/.test(out), 'a control character');
    for (const line of lines(out)) assert.ok(textWidth(line) <= width, line);
  }
});

const outputs = suite('output: format choice, width and colour');
const tty = (columns: number) => ({ isTTY: true, columns }) as unknown as NodeJS.WriteStream;
const pipe = { isTTY: false } as unknown as NodeJS.WriteStream;

outputs('the default is compact; -v and --format table print every row', () => {
  const report = load('default-dns-silent');
  const io = { env: {}, stdout: pipe };
  const compact = renderReport(report, { format: 'compact', failOn: 'fail', verbose: false }, terminalOf(io)).stdout;
  assert.match(compact, /^Needs action/m);
  assert.not.match(compact, /skipped: dns\.resolve failed/);
  for (const opts of [{ format: 'compact' as const, verbose: true }, { format: 'table' as const, verbose: false }]) {
    const full = renderReport(report, { ...opts, failOn: 'fail' }, terminalOf(io)).stdout;
    assert.is(full.match(/skipped: dns\.resolve failed/g)?.length, 5, 'every row');
  }
});

outputs('a 0×0 terminal is no terminal: 80 columns, no colour, no spinner', () => {
  assert.is(outputWidth(tty(0)), 80);
  assert.is(outputWidth(pipe), 80);
  assert.is(outputWidth(tty(132)), 132);
  assert.not.ok(sizedTerminal(tty(0)));
  assert.not.ok(useColor({ env: {}, stdout: tty(0) }));
  assert.ok(useColor({ env: {}, stdout: tty(80) }));
  for (const env of [{ NO_COLOR: '' }, { TERM: 'dumb' }, { CI: 'true' }]) assert.not.ok(useColor({ env, stdout: tty(80) }), JSON.stringify(env));
  assert.not.ok(spinnerWanted({ stderr: tty(0), env: {} }));
  assert.not.ok(spinnerWanted({ stderr: pipe, env: {} }));
  assert.not.ok(spinnerWanted({ stderr: tty(80), env: { CI: '1' } }));
  assert.not.ok(spinnerWanted({ stderr: tty(80), env: { TERM: 'dumb' } }));
  assert.ok(spinnerWanted({ stderr: tty(80), env: { TERM: 'xterm' } }));
});

outputs('the pending text names what fits, counts the rest', () => {
  assert.is(pendingText(['a.example', 'b.example'], 3, 5, 80), 'a.example, b.example (3/5 done)');
  const t = pendingText(['proxy.golang.org', 'goproxy.cn', 'goproxy.io', 'go mod download via GOPROXY'], 2, 6, 40);
  assert.ok(t.length <= 40, t);
  assert.match(t, /^proxy\.golang\.org.* \(\+\d\) \(2\/6 done\)$/);
});

/** A fake terminal on stderr: what the spinner wrote to it. */
function fakeTerminal(columns: number): { stream: NodeJS.WriteStream; written: () => string } {
  const stream = Object.assign(new PassThrough(), { isTTY: true, columns, rows: 24, cursorTo: () => true, clearLine: () => true, moveCursor: () => true });
  let out = '';
  stream.on('data', (c: Buffer) => (out += c.toString()));
  return { stream: stream as unknown as NodeJS.WriteStream, written: () => out };
}

outputs('the spinner: silent on a 0×0 terminal; on a sized one it names what is pending after 2 s', async () => {
  const zero = fakeTerminal(0);
  const silent = startProgress({ stderr: zero.stream, env: {} });
  silent.text('connecting');
  silent.pending(['proxy.golang.org'], 0, 1);
  silent.stop();
  assert.is(zero.written(), '', 'nothing written to a 0×0 terminal');

  const term = fakeTerminal(80);
  let clock = 0;
  const p = startProgress({ stderr: term.stream, env: { TERM: 'xterm' } }, () => clock);
  p.pending(['proxy.golang.org', 'go mod download via GOPROXY'], 3, 5);
  await new Promise((r) => setTimeout(r, 200));
  assert.not.match(term.written(), 'waiting for', 'not before 2 s');
  clock = 2500;
  p.text('probing');
  await new Promise((r) => setTimeout(r, 200));
  p.stop();
  assert.match(term.written(), 'waiting for proxy.golang.org, go mod download via GOPROXY (3/5 done)');
});

const text = suite('width: wrap and cut plain text');

text('wrap keeps every word, never exceeds the width, splits only words longer than a line', () => {
  const s = 'give the container the host\'s resolver: "dns": ["192.168.48.1"] in /etc/docker/daemon.json https://example.com/a/very/long/path/that/does/not/fit/on/one/line/at/all';
  for (const width of [10, 20, 37, 80]) {
    const out = wrap(s, width, '  ');
    for (const l of out) assert.ok(textWidth(l) <= width, `${width}: ${l}`);
    assert.is(squash(out.join('')), squash(s));
  }
  assert.equal(wrap('', 10), ['']);
  assert.equal(wrapAtMost('one two three four five six', 9, 2), ['one two', 'three fo…']);
  assert.is(truncate('abcdef', 4), 'abc…');
  assert.is(truncate('abc', 4), 'abc');
  assert.is(textWidth('✓ ✗ – ↳ ·'), 9);
});

fits.run();
color.run();
fold.run();
outputs.run();
text.run();
