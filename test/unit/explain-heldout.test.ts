// Held-out accuracy of `explainLog` on real pasted logs it was not built from
// (test/fixtures/logs-heldout/, see its README). Each log carries the family a human gave it from
// /work/shared/docs/domain.md before the classifier was run on it: `# expect: <family>`, or
// `none` where no failure family applies (compile error, test failure, successful build).
// Nothing here is tuned to pass: a miss is a miss, and the run prints the whole table.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { assertMeasured, classify, LABELS, loadLabelledLogs, report, sourceThreads, threadKey } from '../helpers/log-sets.js';

const DIR = new URL('../fixtures/logs-heldout/', import.meta.url);
const TRAINING = new URL('../fixtures/logs/', import.meta.url);

/** Accuracy bar for the held-out set, and the tolerated false positives on `none` logs. */
const MIN_ACCURACY = 0.75;
const MAX_NONE_FALSE_POSITIVES = 0;

const samples = loadLabelledLogs(DIR);
const results = classify(samples);

const Set_ = suite('held-out set');

Set_('is big enough and covers every family at least twice, with at least 3 "none" logs', () => {
  assert.ok(samples.length >= 24, `${samples.length} logs`);
  for (const label of Object.keys(LABELS)) {
    const n = samples.filter((s) => s.label === label).length;
    assert.ok(n >= (label === 'none' ? 3 : 2), `${label}: ${n} logs`);
  }
});

Set_('shares no source thread with the training logs', () => {
  const train = sourceThreads(TRAINING);
  const shared = samples.filter((s) => train.has(threadKey(s.source))).map((s) => s.file);
  assert.equal(shared, [], `held-out logs whose thread is also a training source: ${shared.join(', ')}`);
});

Set_.run();

const Accuracy = suite('explainLog on held-out logs');

Accuracy('per-log table, accuracy and false positives', () => assertMeasured('held-out', results, MIN_ACCURACY, MAX_NONE_FALSE_POSITIVES));

Accuracy.run();
