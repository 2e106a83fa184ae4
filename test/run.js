// The one test command (README, .ci/run): build, bring up the engine and fixture
// images when e2e tests run, run uvu, and end with `N passed, N failed`.
// Usage: node test/run.js [unit|e2e] [uvu pattern]
import { spawnSync } from 'node:child_process';

const which = process.argv[2] ?? 'all';
const pattern = process.argv[3];
const suites = which === 'all' ? ['unit', 'e2e'] : [which];

function step(cmd, args) {
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  if (r.status !== 0) {
    console.log(`${cmd} ${args.join(' ')} failed`);
    console.log('0 passed, 1 failed');
    process.exit(1);
  }
}

step('npm', ['run', '--silent', 'build']);
if (suites.includes('e2e')) step(process.execPath, ['--import', 'tsx', 'test/setup.ts']);

let passed = 0;
let failed = 0;
for (const suite of suites) {
  const args = ['--import', 'tsx', 'node_modules/uvu/bin.js', `test/${suite}`, ...(pattern ? [pattern] : [])];
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 256 * 1024 * 1024 });
  process.stdout.write(r.stdout);
  // uvu ends with "Total: N / Passed: N / Skipped: N"; no summary means it crashed.
  const plain = r.stdout.replace(/\u001b\[[0-9;]*m/g, '');
  const total = Number(/Total:\s+(\d+)/.exec(plain)?.[1] ?? NaN);
  const ok = Number(/Passed:\s+(\d+)/.exec(plain)?.[1] ?? NaN);
  if (Number.isNaN(total) || Number.isNaN(ok)) {
    console.log(`uvu ${suite} ended without a summary (exit ${r.status})`);
    failed += 1;
    continue;
  }
  passed += ok;
  failed += total - ok;
  if (r.status !== 0 && total === ok) failed += 1;
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
