/**
 * The replay engine itself (test/helpers/replay-engine.ts), driven directly with a recorded
 * run: output before the plan, output after the plan only once it is written, output that
 * followed a `stop` only once the replayed run wrote that stop, the container clock at its
 * recorded skew, and the recorded errors as the same error classes.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { AgentConversation, AgentSpec } from '../../src/engine/types.js';
import { ImageMissing } from '../../src/errors.js';
import { loadRecording, ReplayEngine } from '../helpers/replay-engine.js';

const test = suite('replay engine');

const SPEC = { image: 'x' } as AgentSpec;
const rec = loadRecording('blackholed');
const agent = rec.engine.runAgent[0]!;
const plan = agent.stdin[0]!.text;
const recordedStops = agent.stdin.slice(1).flatMap((s) => s.text.split('\n').filter(Boolean));

/** A conversation that answers with the recorded plan and writes `stops` when `when` says so. */
function conversation(opts: { planAfterMs?: number; stopsAfterMs?: number | null } = {}) {
  const chunks: string[] = [];
  const log: string[] = [];
  let write: ((text: string) => void) | null = null;
  const conv: AgentConversation = {
    input: new Promise((resolve) => setTimeout(() => (log.push(`plan after ${chunks.length} chunks`), resolve(plan)), opts.planAfterMs ?? 0)),
    onInputWritten: (w) => {
      write = w;
      if (opts.stopsAfterMs === null) return;
      setTimeout(() => {
        log.push(`stops after ${chunks.length} chunks`);
        write!(recordedStops.map((l) => `${l}\n`).join(''));
      }, opts.stopsAfterMs ?? 0);
    },
    onStdout: (c) => chunks.push(c),
    onCreated: () => undefined,
  };
  return { conv, chunks, log };
}

test('the recorded run has stops to wait for (blackholed)', () => {
  assert.ok(recordedStops.length > 0);
  assert.ok(agent.stdout.some((c) => c.afterInput > 1));
});

test('facts first; nothing after the plan until the plan is written; nothing after a stop until it is written', async () => {
  const engine = new ReplayEngine(rec);
  const { conv, chunks, log } = conversation({ planAfterMs: 30, stopsAfterMs: 60 });
  const result = await engine.runAgent(SPEC, conv);
  const beforePlan = agent.stdout.filter((c) => c.afterInput === 0).length;
  const beforeFirstStop = agent.stdout.filter((c) => c.afterInput <= 1).length;
  assert.equal(log, [`plan after ${beforePlan} chunks`, `stops after ${beforeFirstStop} chunks`]);
  assert.is(chunks.length, agent.stdout.length);
  assert.equal(engine.missingStops, []);
  assert.equal(engine.stdin[0]![0], plan);
  assert.equal(result, 'value' in agent.result ? agent.result.value : null);
});

test('stops the replayed run never writes: the output goes on after the bound, and they are listed', async () => {
  const engine = new ReplayEngine(rec, 20);
  const { conv, chunks } = conversation({ stopsAfterMs: null });
  await engine.runAgent(SPEC, conv);
  assert.is(chunks.length, agent.stdout.length);
  assert.equal([...engine.missingStops].sort(), [...recordedStops].sort());
});

test("the container's clock keeps its recorded skew from the host's", async () => {
  const engine = new ReplayEngine(rec);
  const { conv, chunks } = conversation();
  const t0 = Date.now();
  await engine.runAgent(SPEC, conv);
  const recordedFacts = agent.stdout.find((c) => /^@gmd kv clock_ms /m.test(c.chunk))!;
  const skew = Number(/^@gmd kv clock_ms (\d+)$/m.exec(recordedFacts.chunk)![1]) - recordedFacts.hostMs;
  const replayed = Number(/^@gmd kv clock_ms (\d+)$/m.exec(chunks.join(''))![1]);
  assert.ok(replayed - skew >= t0 && replayed - skew <= Date.now(), `replayed ${replayed}, skew ${skew}`);
});

test('recorded errors come back as the same error class; calls not recorded are an error naming them', async () => {
  const engine = new ReplayEngine({ ...rec, engine: { ...rec.engine, ensureImage: [{ ref: 'gone:1', platform: null, progress: [], answer: { error: { name: 'ImageMissing', message: 'image gone:1 could not be pulled: denied', hint: 'log in' } } }] } });
  const err = await engine.ensureImage('gone:1', null, () => undefined).catch((e: Error) => e);
  assert.instance(err, ImageMissing);
  assert.is((err as ImageMissing).hint, 'log in');
  const missing = await engine.ensureImage('other:1', null, () => undefined).catch((e: Error) => e);
  assert.match((missing as Error).message, 'ensureImage(other:1) was not recorded');
});

test.run();
