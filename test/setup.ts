// Prepare this machine for the e2e tests: `node --import tsx test/setup.ts`.
// Engine up, fixture images built (cached by tag), leftovers of killed runs swept.
import { ensureEngine } from './helpers/engine.js';
import { ensureFixtureImages, ensureHostTools } from './helpers/fixtures.js';
import { sweepLabLeftovers } from './helpers/lab.js';
import { sweepMtuLeftovers } from './helpers/lab-mtu.js';

const step = async <T>(label: string, fn: () => Promise<T>, show: (v: T) => string): Promise<void> => {
  const t0 = Date.now();
  const v = await fn();
  process.stderr.write(`setup: ${label}: ${show(v)} (${((Date.now() - t0) / 1000).toFixed(1)} s)\n`);
};

try {
  await step('docker engine', ensureEngine, () => 'ok');
  await step('host tools', async () => ensureHostTools(), (t) => t);
  await step('fixture images', ensureFixtureImages, (i) => `${i.busybox}, ${i.gobuilder}`);
  await step('sweep', sweepLabLeftovers, (s) => `${s.containers} containers, ${s.networks} networks, ${s.rules} rules removed`);
  await step('sweep mtu', sweepMtuLeftovers, (s) => `${s.namespaces} namespaces, ${s.links} links removed`);
} catch (err) {
  process.stderr.write(`setup failed: ${(err instanceof Error ? err.message : String(err)).split('\n')[0]}\n`);
  process.exitCode = 1;
}
