// The conversation with the agent as promises (src/collect/agent-session.ts): facts, plan,
// stop lines, blocks, done. Fed the wire by hand; no engine.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { AgentSession } from '../../src/collect/agent-session.js';

const test = suite('agent session');

const block = (id: string, kv: string[] = []) => `@gmd begin ${id}\n${kv.map((l) => `@gmd kv ${l}\n`).join('')}@gmd end ${id}\n`;

test('facts, then the plan on stdin, stop lines after it, blocks as they come, then done', async () => {
  const s = new AgentSession();
  const written: string[] = [];
  s.conversation.onStdout(block('id', ['uid 1000']));
  s.conversation.onStdout('@gmd ready\n');
  assert.is(await s.ready, true);
  s.tell('stop f0\n'); // before the plan is written: queued
  s.sendPlan('plan\ngo\n');
  assert.is(await s.conversation.input, 'plan\ngo\n');
  s.conversation.onInputWritten!((t) => written.push(t));
  assert.equal(written, ['stop f0\n']);
  const seen: string[] = [];
  s.onBlock = (id) => seen.push(id);
  s.conversation.onStdout(block('dns:t0') + block('target:t0') + block('fetch:f0'));
  assert.equal(seen, ['dns:t0', 'target:t0', 'fetch:f0']);
  assert.ok(s.finished.has('t0'));
  assert.ok(s.ended.has('f0'));
  assert.is(s.done, false);
  s.conversation.onStdout('@gmd done\n');
  assert.is(s.done, true);
});

test('an agent that ends before its facts: ready is false, and the unread input is no unhandled rejection', async () => {
  const rejections: unknown[] = [];
  const onRejection = (r: unknown) => rejections.push(r);
  process.on('unhandledRejection', onRejection);
  const s = new AgentSession();
  s.agentEnded();
  assert.is(await s.ready, false);
  await new Promise((r) => setTimeout(r, 10));
  process.off('unhandledRejection', onRejection);
  assert.equal(rejections, []);
});

test.run();
