// Labelled log sets for measuring `explainLog` (test/fixtures/logs-heldout/, logs-blind2/): each
// `.log` starts with `# source: <URL>` and `# expect: <family>`; the classifier sees only the rest.
import { readdirSync, readFileSync } from 'node:fs';
import * as assert from 'uvu/assert';
import { explainLog } from '../../src/explain/explain.js';
import type { Family } from '../../src/explain/rules/index.js';

/** The labels' spelling → the classifier's `Family` (`none` ↔ no primary). Typed, so a renamed family fails tsc. */
export const LABELS: Record<string, Family | null> = {
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

export interface Sample {
  file: string;
  source: string;
  label: string;
  expected: Family | null;
  body: string;
}

export interface Result extends Sample {
  got: Family | null;
  rule: string;
  ok: boolean;
}

/** Every `.log` of a set, in file order; a missing header or an unknown label throws (the set is malformed). */
export function loadLabelledLogs(dir: URL): Sample[] {
  const files = readdirSync(dir).filter((f) => f.endsWith('.log')).sort();
  return files.map((file) => {
    const text = readFileSync(new URL(file, dir), 'utf8');
    const [first = '', second = '', ...rest] = text.split('\n');
    const source = /^# source: (\S+)/.exec(first)?.[1];
    const label = /^# expect: (\S+)\s*$/.exec(second)?.[1];
    if (!source || !label) throw new Error(`${file}: needs "# source: <URL>" and "# expect: <family>" as its first two lines`);
    if (!(label in LABELS)) throw new Error(`${file}: unknown label "${label}"`);
    // Both header lines are dropped: the classifier sees only what the user pasted.
    return { file, source, label, expected: LABELS[label] ?? null, body: rest.join('\n') };
  });
}

/** owner/repo#number of a GitHub thread, or the bare URL; how a source is compared across sets. */
export function threadKey(url: string): string {
  const m = /github\.com\/([^/\s]+)\/([^/\s#?]+)\/(?:issues|pull)\/(\d+)/i.exec(url);
  return m ? `${m[1]}/${m[2]}#${m[3]}`.toLowerCase() : url.toLowerCase().replace(/#.*$/, '').replace(/\/+$/, '');
}

/** Thread keys named on the `# source:` line of each log in `dir`; only that line is read. */
export function sourceThreads(dir: URL): Set<string> {
  const keys = new Set<string>();
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.log'))) {
    const first = readFileSync(new URL(f, dir), 'utf8').split('\n', 1)[0] ?? '';
    for (const m of first.matchAll(/https?:\/\/\S+/g)) keys.add(threadKey(m[0]));
    for (const m of first.matchAll(/\b([\w.-]+)\/([\w.-]+)#(\d+)\b/g)) keys.add(`${m[1]}/${m[2]}#${m[3]}`.toLowerCase());
  }
  return keys;
}

/** The classifier's primary family and rule for each sample. */
export function classify(samples: Sample[]): Result[] {
  return samples.map((s) => {
    const primary = explainLog(s.body).primary;
    const got = primary?.family ?? null;
    return { ...s, got, rule: primary?.id ?? '-', ok: got === s.expected };
  });
}

/** The per-log table, accuracy, per-family counts and false positives on `none` logs, as printed lines. */
export function report(name: string, results: Result[], minAccuracy: number): { lines: string[]; accuracy: number; noneFalsePositives: Result[] } {
  const w = Math.max(...results.map((r) => r.file.length));
  const correct = results.filter((r) => r.ok).length;
  const accuracy = correct / results.length;
  const noneFalsePositives = results.filter((r) => r.expected === null && r.got !== null);
  const perFamily = Object.keys(LABELS).map((label) => {
    const of = results.filter((r) => r.label === label);
    return `${label} ${of.filter((r) => r.ok).length}/${of.length}`;
  });
  const lines = [
    '',
    ...results.map((r) => `${r.ok ? ' ' : 'x'} ${r.file.padEnd(w)}  expected ${r.label.padEnd(13)} got ${(r.got ?? 'none').padEnd(13)} ${r.rule}`),
    '',
    `${name} accuracy: ${correct}/${results.length} = ${accuracy.toFixed(3)} (bar ${minAccuracy})`,
    `per family: ${perFamily.join(', ')}`,
    `false positives on "none" logs: ${noneFalsePositives.length}`,
    '',
  ];
  return { lines, accuracy, noneFalsePositives };
}

/** Print the set's table, then hold it to its bars: at most `maxNone` "none" logs given a family, accuracy ≥ `minAccuracy`. */
export function assertMeasured(name: string, results: Result[], minAccuracy: number, maxNone: number): void {
  const { lines, accuracy, noneFalsePositives } = report(name, results, minAccuracy);
  console.log(lines.join('\n'));
  assert.ok(noneFalsePositives.length <= maxNone, `"none" logs given a family: ${noneFalsePositives.map((r) => `${r.file} → ${r.got}`).join(', ')}`);
  const misses = results.filter((r) => !r.ok).map((r) => `${r.file} (expected ${r.label}, got ${r.got ?? 'none'})`);
  assert.ok(accuracy >= minAccuracy, `accuracy ${accuracy.toFixed(3)} < ${minAccuracy}; misses: ${misses.join('; ')}`);
}
