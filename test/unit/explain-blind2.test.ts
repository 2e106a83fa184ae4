// Second blind measure of `explainLog` (issue 19): 70 real pasted logs from threads none of the
// rules, training logs or held-out logs came from (test/fixtures/logs-blind2/, see its README).
// Labels were given from /work/shared/docs/domain.md before the classifier ever ran on the set.
// Nothing here is tuned to pass: a miss is a miss, and the run prints the whole table. Blind until
// issue 19's rules session read its misses (2026-12-02); a regression set since.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { assertMeasured, classify, LABELS, loadLabelledLogs, report, sourceThreads, threadKey } from '../helpers/log-sets.js';

const DIR = new URL('../fixtures/logs-blind2/', import.meta.url);
const OTHER_SETS = [new URL('../fixtures/logs/', import.meta.url), new URL('../fixtures/logs-heldout/', import.meta.url)];

/**
 * Bars at what was measured. Before issue 19's rules: 50/70 = 0.714 (blind). After them: 70/70, no
 * longer blind — the rules session read this set's misses — so from here on this is a regression
 * bar, not a measure of generalisation (see the README and docs/explain.md).
 */
const MIN_ACCURACY = 1.0; // measured after issue 19's rules: 70/70 (before: 50/70 = 0.714)
const MAX_NONE_FALSE_POSITIVES = 0; // measured: 0 of 5, before and after

const samples = loadLabelledLogs(DIR);
const results = classify(samples);

const Shape = suite('blind set 2: shape');

Shape('has at least 60 logs, every family at least twice and at least 3 "none" logs', () => {
  assert.ok(samples.length >= 60, `${samples.length} logs`);
  for (const label of Object.keys(LABELS)) {
    const n = samples.filter((s) => s.label === label).length;
    assert.ok(n >= (label === 'none' ? 3 : 2), `${label}: ${n} logs`);
  }
});

Shape('shares no source thread with the training or held-out logs, and names each thread once', () => {
  const others = new Set(OTHER_SETS.flatMap((dir) => [...sourceThreads(dir)]));
  const shared = samples.filter((s) => others.has(threadKey(s.source))).map((s) => s.file);
  assert.equal(shared, [], `blind logs whose thread is also a training or held-out source: ${shared.join(', ')}`);
  const keys = samples.map((s) => threadKey(s.source));
  const repeated = samples.filter((s, i) => keys.indexOf(threadKey(s.source)) !== i).map((s) => s.file);
  assert.equal(repeated, [], `threads used twice: ${repeated.join(', ')}`);
});

Shape.run();

const Accuracy = suite('explainLog on blind set 2');

Accuracy('per-log table, accuracy and false positives', () => assertMeasured('blind set 2', results, MIN_ACCURACY, MAX_NONE_FALSE_POSITIVES));

Accuracy.run();
