// src/agent/wire.ts: the agent → host block reader and the host → agent plan encoder.
// The transcript fixture is a real run of src/agent/agent.sh (test/fixtures/unit/README.md).
import { readFileSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { type Block, encodePlan, kv, kvAll, kvInt, WireReader, type WireEvent } from '../../src/agent/wire.js';
import type { PlannedTarget, ProbePlan } from '../../src/model.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/unit/${name}`, import.meta.url), 'utf8');

/** Feed `bytes` in pieces cut at `cuts`, decoded the way the runner does (setEncoding('utf8')). */
function feed(bytes: Buffer, cuts: number[]): WireEvent[] {
  const reader = new WireReader();
  const decoder = new StringDecoder('utf8');
  const events: WireEvent[] = [];
  let from = 0;
  for (const to of [...cuts, bytes.length]) {
    events.push(...reader.push(decoder.write(bytes.subarray(from, to))));
    from = to;
  }
  return events;
}
const blocks = (events: WireEvent[]): Block[] => events.flatMap((e) => (e.type === 'block' ? [e.block] : []));
const blockOf = (text: string): Block => {
  const [b] = blocks(new WireReader().push(text));
  if (!b) throw new Error('no block');
  return b;
};

// A recorded transcript plus the cases recorded output lacks: multi-byte text, |body, markers in raw lines.
const EXTRA = [
  '@gmd begin http:t9',
  '@gmd kv tool curl',
  '@gmd kv attempt 0 10.0.0.5 443 0 12 bash ',
  '@gmd kv attempt 1 2001:db8::5 443 124 5003 bash ',
  '| café · 示例 ✓',
  '| @gmd end http:t9',
  '| @gmd done',
  '|body v1.5.2',
  '|body ',
  '@gmd end http:t9',
  '',
].join('\n');
const TRANSCRIPT = Buffer.from(fixture('agent-transcript.txt') + EXTRA, 'utf8');
const WHOLE = feed(TRANSCRIPT, []);

const Reader = suite('WireReader');

Reader('the recorded transcript gives every block, ready and done', () => {
  const summary = WHOLE.map((e) => (e.type === 'block' ? e.block.id : `@${e.type}`));
  assert.equal(summary, [
    'facts', 'file:/etc/resolv.conf', 'file:/etc/hosts', 'goenv', '@ready',
    'dns:t0', 'dns:t1', 'target:t1', 'dns:t2', 'tcp:t0', 'tcp:t2', 'target:t2', 'tls:t0', 'http:t0', 'target:t0', '@done',
    'http:t9',
  ]);
});

Reader('the same events whatever byte the stream is split at', () => {
  const want = JSON.stringify(WHOLE);
  for (let i = 1; i < TRANSCRIPT.length; i++) {
    const got = JSON.stringify(feed(TRANSCRIPT, [i]));
    if (got !== want) assert.unreachable(`split at byte ${i} changed the events`);
  }
});

Reader('the same events one byte at a time, and in three pieces', () => {
  const want = JSON.stringify(WHOLE);
  assert.is(JSON.stringify(feed(TRANSCRIPT, Array.from({ length: TRANSCRIPT.length - 1 }, (_, i) => i + 1))), want);
  for (let i = 1; i < TRANSCRIPT.length; i += 97) {
    for (let j = i + 1; j < TRANSCRIPT.length; j += 89) assert.is(JSON.stringify(feed(TRANSCRIPT, [i, j])), want, `cuts ${i},${j}`);
  }
});

Reader('raw lines keep their content; markers after "| " do not close the block', () => {
  const b = blocks(WHOLE).at(-1)!;
  assert.equal(b.raw, ['café · 示例 ✓', '@gmd end http:t9', '@gmd done']);
  assert.equal(b.body, ['v1.5.2', '']);
  assert.is(WHOLE.filter((e) => e.type === 'done').length, 1, 'only the real @gmd done counts');
});

Reader('kv keys repeat in order; kv, kvAll, kvInt read them', () => {
  const b = blocks(WHOLE).at(-1)!;
  assert.equal(kvAll(b, 'attempt'), ['0 10.0.0.5 443 0 12 bash ', '1 2001:db8::5 443 124 5003 bash ']);
  assert.is(kv(b, 'attempt'), '0 10.0.0.5 443 0 12 bash ');
  assert.is(kv(b, 'missing'), undefined);
  const facts = blocks(WHOLE).find((x) => x.id === 'facts')!;
  assert.is(kvInt(facts, 'uid'), 0);
  assert.is(kvInt(facts, 'user'), null);
  const k = blockOf('@gmd begin k\n@gmd kv empty\n@gmd kv n -42\n@gmd kv s  two  spaces\n@gmd kv truncated 1\n@gmd end k\n');
  assert.equal(k.kv, [['empty', ''], ['n', '-42'], ['s', ' two  spaces']]);
  assert.is(kvInt(k, 'n'), -42);
  assert.is(k.truncated, true);
});

Reader('garbage lines, stray raw lines and unknown markers are ignored', () => {
  const text = [
    'Welcome to the build image! (motd from /etc/profile)',
    '| raw line outside any block',
    '@gmd kv key outside a block',
    '@gmd end nothing-open',
    '@gmd frobnicate now',
    '@gmdbegin x',
    ' @gmd ready',
    '@gmd begin a',
    'garbage inside the block',
    '@gmd whatever inside',
    '|no space after the bar',
    '|',
    '| kept',
    '@gmd end a',
    '@gmd ready',
    '',
  ].join('\n');
  const events = new WireReader().push(text);
  assert.equal(events, [
    { type: 'block', block: { id: 'a', kv: [], raw: ['', 'kept'], body: [], truncated: false } },
    { type: 'ready' },
  ]);
});

Reader('an end with another id drops the block; the next block still parses', () => {
  const r = new WireReader();
  const events = r.push('@gmd begin tls:t0\n| half\n@gmd end tls:t1\n@gmd begin tls:t2\n| whole\n@gmd end tls:t2\n');
  assert.equal(blocks(events).map((b) => [b.id, b.raw]), [['tls:t2', ['whole']]]);
  assert.is(r.unfinished(), null);
});

Reader('a block still open at the end of the stream is unfinished()', () => {
  const r = new WireReader();
  assert.equal(r.push('@gmd begin tls:t0\n| CONNECTED(00000003)\n| partial line without newline'), []);
  assert.equal(r.unfinished()?.raw, ['CONNECTED(00000003)']);
});

Reader('overlong lines are cut; raw lines per block are capped and flagged', () => {
  const long = blockOf(`@gmd begin l\n| ${'x'.repeat(5000)}\n@gmd kv k ${'v'.repeat(5000)}\n@gmd end l\n`);
  assert.ok(long.raw[0]!.length <= 2000 && long.raw[0]!.startsWith('xxx'), `raw ${long.raw[0]!.length}`);
  assert.ok(kv(long, 'k')!.length <= 2000);
  const many = blockOf(`@gmd begin m\n${'| line\n'.repeat(2000)}@gmd end m\n`);
  assert.ok(many.raw.length <= 500, `raw ${many.raw.length}`);
  assert.is(many.truncated, true);
});

Reader('1 MB without a newline does not grow memory, and the next block parses', () => {
  const r = new WireReader();
  const kib = 'G'.repeat(1024);
  for (let i = 0; i < 1024; i++) {
    assert.equal(r.push(kib), []);
    // White-box: the unterminated remainder is what the reader keeps between pushes.
    const pending = (r as unknown as { pending: string }).pending.length;
    if (pending > 65 * 1024) assert.unreachable(`pending grew to ${pending} bytes after ${i + 1} KiB`);
  }
  const events = r.push('\n@gmd begin dns:t0\n@gmd kv rc 0\n| 10.0.0.5 STREAM goproxy.test\n@gmd end dns:t0\n');
  assert.equal(blocks(events).map((b) => [b.id, b.raw]), [['dns:t0', ['10.0.0.5 STREAM goproxy.test']]]);
});

// An overlong line keeps its head (cut to 2000 characters) and drops the rest up to its newline,
// however the stream is chunked: a marker in the dropped tail never closes the block.
const overlong = (n: number, ch = 'A') => `@gmd begin x\n| ${ch.repeat(n)}@gmd end x\n| after\n@gmd end x\n@gmd done\n`;
const HEAD = 'A'.repeat(1998); // 2000 characters with the "| " prefix

Reader('an overlong line split before its marker keeps its head; the tail is dropped', () => {
  const text = overlong(70_000);
  const bytes = Buffer.from(text, 'utf8');
  const want = [{ type: 'block', block: { id: 'x', kv: [], raw: [HEAD, 'after'], body: [], truncated: false } }, { type: 'done' }];
  assert.equal(feed(bytes, []), want);
  assert.equal(feed(bytes, [text.indexOf('@gmd end x')]), want);
});

Reader('an overlong line gives the same events wherever the stream is cut', () => {
  for (const n of [1999, 2000, 2001, 2500, 4100, 70_000]) {
    const text = overlong(n);
    const bytes = Buffer.from(text, 'utf8');
    const want = JSON.stringify(feed(bytes, []));
    const start = text.indexOf('| ');
    const nl = text.indexOf('\n', start);
    const cuts = new Set<number>([1, start, start + 1, start + 2, nl - 1, nl, nl + 1, nl + 2, bytes.length - 1]);
    for (const d of [-2, -1, 0, 1, 2]) {
      for (const k of [1, 2, 3]) cuts.add(start + k * 2000 + d);
      cuts.add(start + 64 * 1024 + d);
    }
    for (let i = start; i < nl; i += 997) cuts.add(i);
    const valid = [...cuts].filter((c) => c > 0 && c < bytes.length).sort((a, b) => a - b);
    for (const c of valid) assert.is(JSON.stringify(feed(bytes, [c])), want, `n ${n}, cut at ${c}`);
    for (const a of valid) for (const b of valid) if (a < b) assert.is(JSON.stringify(feed(bytes, [a, b])), want, `n ${n}, cuts ${a},${b}`);
    // Every 1000 bytes, and for the shorter ones one byte at a time.
    assert.is(JSON.stringify(feed(bytes, Array.from({ length: Math.floor((bytes.length - 1) / 1000) }, (_, i) => (i + 1) * 1000))), want, `n ${n}, 1000-byte chunks`);
    if (n <= 4100) assert.is(JSON.stringify(feed(bytes, Array.from({ length: bytes.length - 1 }, (_, i) => i + 1))), want, `n ${n}, byte by byte`);
    const raw = (JSON.parse(want) as WireEvent[]).flatMap((e) => (e.type === 'block' ? e.block.raw : []));
    assert.equal(raw, [HEAD, 'after'], `n ${n}`);
  }
});

Reader('an overlong line of multi-byte characters: same events, head cut at 2000 characters', () => {
  const text = `@gmd begin x\n| ${'示'.repeat(3000)}\n| after\n@gmd end x\n`;
  const bytes = Buffer.from(text, 'utf8');
  const want = feed(bytes, []);
  assert.equal(blocks(want).map((b) => b.raw), [['示'.repeat(1998), 'after']]);
  for (let i = 1; i < bytes.length; i += 211) assert.is(JSON.stringify(feed(bytes, [i])), JSON.stringify(want), `cut at ${i}`);
  assert.is(JSON.stringify(feed(bytes, Array.from({ length: bytes.length - 1 }, (_, i) => i + 1))), JSON.stringify(want), 'byte by byte');
});

Reader('two overlong lines in a row, and an overlong kv line, keep their heads', () => {
  const text = `@gmd begin y\n| ${'a'.repeat(3000)}\n| ${'b'.repeat(3000)}\n@gmd kv k ${'v'.repeat(3000)}\n@gmd end y\n`;
  const bytes = Buffer.from(text, 'utf8');
  const want = feed(bytes, []);
  const [b] = blocks(want);
  assert.equal(b?.raw, ['a'.repeat(1998), 'b'.repeat(1998)]);
  assert.is(kv(b!, 'k'), 'v'.repeat(2000 - '@gmd kv k '.length));
  for (let i = 1; i < bytes.length; i += 101) assert.is(JSON.stringify(feed(bytes, [i])), JSON.stringify(want), `cut at ${i}`);
  assert.is(JSON.stringify(feed(bytes, Array.from({ length: Math.floor((bytes.length - 1) / 7) }, (_, i) => (i + 1) * 7))), JSON.stringify(want), '7-byte chunks');
});

const Fuzz = suite('WireReader fuzz');

/** mulberry32: a small seeded PRNG, so every run feeds the same chunks. */
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

Fuzz('2000 random chunks of bytes and marker pieces never throw and only make well-formed blocks', () => {
  const rand = prng(0x6d6f64);
  const pieces = ['@gmd begin ', '@gmd end ', '@gmd kv ', '@gmd ready', '@gmd done', '| ', '|body ', '\n', '\n', 't0', 'dns:t1', ' ', '@gmd', '\r\n', '\u0000', '\u001b[31m', '\uFFFD', 'é'];
  const reader = new WireReader();
  let seen = 0;
  for (let i = 0; i < 2000; i++) {
    let chunk = '';
    const n = Math.floor(rand() * 12);
    for (let j = 0; j < n; j++) {
      chunk += rand() < 0.6 ? pieces[Math.floor(rand() * pieces.length)] : String.fromCharCode(Math.floor(rand() * 256));
    }
    if (rand() < 0.01) chunk += 'Z'.repeat(70_000);
    // Now and then a well-formed block, so that garbage around real blocks is exercised too.
    if (rand() < 0.05) chunk += `\n@gmd begin t${i}\n@gmd kv rc ${i}\n| raw ${i}\n@gmd end t${i}\n`;
    let events: WireEvent[] = [];
    try {
      events = reader.push(chunk);
    } catch (err) {
      assert.unreachable(`chunk ${i} threw: ${String(err)}`);
    }
    for (const e of events) {
      if (e.type !== 'block') continue;
      seen++;
      const b = e.block;
      assert.type(b.id, 'string');
      assert.ok(Array.isArray(b.raw) && b.raw.every((l) => typeof l === 'string' && l.length <= 2000));
      assert.ok(b.kv.every(([k, v]) => typeof k === 'string' && typeof v === 'string'));
    }
  }
  assert.ok(seen > 0, 'the fuzz input should produce some blocks');
});

const Plan = suite('encodePlan');

const target = (over: Partial<PlannedTarget> = {}): PlannedTarget => ({
  key: 't0', host: 'proxy.golang.org', port: 443, roles: ['default'], tls: true, httpUrl: 'https://proxy.golang.org/rsc.io/quote/@v/list', httpProxy: null, ...over,
});
const plan = (targets: PlannedTarget[], timeoutMs = 5000): ProbePlan => ({ timeoutMs, targets, paths: [], repos: [], fetches: [], sumdbGets: [], transfers: [], extraCa: false });

Plan('timeout line, one target line per target, then go', () => {
  const text = encodePlan(plan([target(), target({ key: 't1', host: 'git.corp', port: 22, tls: false, httpUrl: null, httpProxy: 'http://proxy.corp:3128' })]));
  assert.is(
    text,
    'timeout 5.0 5 15.0\n' +
      'target t0 proxy.golang.org 443 1 https://proxy.golang.org/rsc.io/quote/@v/list -\n' +
      'target t1 git.corp 22 0 - http://proxy.corp:3128\n' +
      'go\n',
  );
});

Plan('timeouts: seconds with a decimal for timeout(1), whole seconds (at least 1) for -w/-T', () => {
  const first = (ms: number) => encodePlan(plan([], ms)).split('\n')[0];
  assert.equal([first(2500), first(100), first(600_000), first(1000)], ['timeout 2.5 3 7.5', 'timeout 0.1 1 0.3', 'timeout 600.0 600 1800.0', 'timeout 1.0 1 3.0']);
  assert.is(encodePlan(plan([], 5000)), 'timeout 5.0 5 15.0\ngo\n');
});

Plan('a field with whitespace (or empty) is refused, never sent', () => {
  const bad: Array<Partial<PlannedTarget>> = [
    { host: 'proxy golang.org' }, { host: 'a\nb' }, { host: 'a\tb' }, { host: '' }, { key: 't 0' },
    { httpUrl: 'https://a.example/x y' }, { httpProxy: 'http://u:p w@proxy:3128' }, { httpUrl: 'https://a.example/\r' },
  ];
  for (const over of bad) assert.throws(() => encodePlan(plan([target(over)])), /not safe/, JSON.stringify(over));
});

Reader.run();
Fuzz.run();
Plan.run();
