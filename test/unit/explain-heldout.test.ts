// Held-out accuracy of `explainLog` on real pasted logs it was not built from
// (test/fixtures/logs-heldout/, see its README). Each log carries the family a human gave it from
// /work/shared/docs/domain.md before the classifier was run on it: `# expect: <family>`, or
// `none` where no failure family applies (compile error, test failure, successful build).
// Nothing here is tuned to pass: a miss is a miss, and the run prints the whole table.
import { readdirSync, readFileSync } from 'node:fs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { explainLog } from '../../src/explain/explain.js';
import type { Family } from '../../src/explain/rules/index.js';

const DIR = new URL('../fixtures/logs-heldout/', import.meta.url);
const TRAINING = new URL('../fixtures/logs/', import.meta.url);

/** Accuracy bar for the held-out set, and the tolerated false positives on `none` logs. */
const MIN_ACCURACY = 0.75;
const MAX_NONE_FALSE_POSITIVES = 0;

/** The labels' spelling → the classifier's `Family` (`none` ↔ no primary). Typed, so a renamed family fails tsc. */
const LABELS: Record<string, Family | null> = {
  dns: 'dns',
  tcp: 'tcp',
  'tls-stall': 'tls-stall',
  'tls-trust': 'tls-trust',
  'proxy-env': 'proxy-env',
  goproxy: 'goproxy',
  'private-auth': 'private-auth',
  filesystem: 'filesystem',
  toolchain: 'toolchain',
  'base-image': 'base-image',
  'build-context': 'build-context',
  none: null,
};

interface Sample {
  file: string;
  source: string;
  label: string;
  expected: Family | null;
  body: string;
}

function load(): Sample[] {
  const files = readdirSync(DIR).filter((f) => f.endsWith('.log')).sort();
  return files.map((file) => {
    const text = readFileSync(new URL(file, DIR), 'utf8');
    const [first = '', second = '', ...rest] = text.split('\n');
    const source = /^# source: (\S+)/.exec(first)?.[1];
    const label = /^# expect: (\S+)\s*$/.exec(second)?.[1];
    if (!source || !label) throw new Error(`${file}: needs "# source: <URL>" and "# expect: <family>" as its first two lines`);
    if (!(label in LABELS)) throw new Error(`${file}: unknown label "${label}"`);
    // Both header lines are dropped: the classifier sees only what the user pasted.
    return { file, source, label, expected: LABELS[label] ?? null, body: rest.join('\n') };
  });
}

/** owner/repo/number of a GitHub thread, or the bare URL; how a source is compared across the two sets. */
function threadKey(url: string): string {
  const m = /github\.com\/([^/\s]+)\/([^/\s#?]+)\/(?:issues|pull)\/(\d+)/i.exec(url);
  return m ? `${m[1]}/${m[2]}#${m[3]}`.toLowerCase() : url.toLowerCase().replace(/#.*$/, '').replace(/\/+$/, '');
}

/** Thread keys named on the `# source:` line of each training log; only that line is read. */
function trainingThreads(): Set<string> {
  const keys = new Set<string>();
  for (const f of readdirSync(TRAINING).filter((n) => n.endsWith('.log'))) {
    const first = readFileSync(new URL(f, TRAINING), 'utf8').split('\n', 1)[0] ?? '';
    for (const m of first.matchAll(/https?:\/\/\S+/g)) keys.add(threadKey(m[0]));
    for (const m of first.matchAll(/\b([\w.-]+)\/([\w.-]+)#(\d+)\b/g)) keys.add(`${m[1]}/${m[2]}#${m[3]}`.toLowerCase());
  }
  return keys;
}

const samples = load();
const results = samples.map((s) => {
  const primary = explainLog(s.body).primary;
  const got = primary?.family ?? null;
  return { ...s, got, rule: primary?.id ?? '-', ok: got === s.expected };
});

const Set_ = suite('held-out set');

Set_('is big enough and covers every family at least twice, with at least 3 "none" logs', () => {
  assert.ok(samples.length >= 24, `${samples.length} logs`);
  for (const label of Object.keys(LABELS)) {
    const n = samples.filter((s) => s.label === label).length;
    assert.ok(n >= (label === 'none' ? 3 : 2), `${label}: ${n} logs`);
  }
});

Set_('shares no source thread with the training logs', () => {
  const train = trainingThreads();
  const shared = samples.filter((s) => train.has(threadKey(s.source))).map((s) => s.file);
  assert.equal(shared, [], `held-out logs whose thread is also a training source: ${shared.join(', ')}`);
});

Set_.run();

const Accuracy = suite('explainLog on held-out logs');

Accuracy('per-log table, accuracy and false positives', () => {
  const w = Math.max(...results.map((r) => r.file.length));
  const lines = results.map(
    (r) => `${r.ok ? ' ' : 'x'} ${r.file.padEnd(w)}  expected ${r.label.padEnd(13)} got ${(r.got ?? 'none').padEnd(13)} ${r.rule}`,
  );
  const correct = results.filter((r) => r.ok).length;
  const accuracy = correct / results.length;
  const noneFalsePositives = results.filter((r) => r.expected === null && r.got !== null);
  const perFamily = Object.keys(LABELS).map((label) => {
    const of = results.filter((r) => r.label === label);
    return `${label} ${of.filter((r) => r.ok).length}/${of.length}`;
  });
  console.log(
    [
      '',
      ...lines,
      '',
      `held-out accuracy: ${correct}/${results.length} = ${accuracy.toFixed(3)} (bar ${MIN_ACCURACY})`,
      `per family: ${perFamily.join(', ')}`,
      `false positives on "none" logs: ${noneFalsePositives.length}`,
      '',
    ].join('\n'),
  );
  assert.ok(
    noneFalsePositives.length <= MAX_NONE_FALSE_POSITIVES,
    `"none" logs given a family: ${noneFalsePositives.map((r) => `${r.file} → ${r.got}`).join(', ')}`,
  );
  assert.ok(
    accuracy >= MIN_ACCURACY,
    `accuracy ${accuracy.toFixed(3)} < ${MIN_ACCURACY}; misses: ${results
      .filter((r) => !r.ok)
      .map((r) => `${r.file} (expected ${r.label}, got ${r.got ?? 'none'})`)
      .join('; ')}`,
  );
});

Accuracy.run();
