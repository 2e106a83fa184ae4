/**
 * What a person sees in a real terminal: the real bin in tmux at 80 and 120 columns, and
 * under `script` with a 0×0 pseudo-terminal, against the lab (a healthy run of the default
 * targets, and one whose DNS server never answers). Asserted on the screen itself: width,
 * line count, no escape fragments, the verdict and its fix, the spinner naming what is
 * pending, and that the 0×0 run ends like a piped one.
 */
import * as assert from 'uvu/assert';
import { suite } from 'uvu';
import { runCli, runJson } from '../helpers/cli.js';
import { probeContainersLeft } from '../helpers/probe-containers.js';
import { GOBUILDER_TAG } from '../helpers/fixtures.js';
import { type Lab, startLab } from '../helpers/lab.js';
import { runInTmux, runInZeroPty } from '../helpers/terminal.js';
import { loud, withTimeout } from '../helpers/timeout.js';

const test = suite<{ lab: Lab; healthy: string[]; failing: string[] }>('terminal e2e');

test.before(loud('terminal', async (ctx) => {
  ctx.lab = await startLab();
  const base = ['--image', GOBUILDER_TAG, '--ca-cert', ctx.lab.caFile, '-e', `GOSUMDB=${ctx.lab.sumdb.gosumdb}`];
  ctx.healthy = [...base, '--dns', ctx.lab.gateway];
  // --timeout 4: the spinner names what it waits for after 2 s (NAME_PENDING_AFTER_MS), and the
  // dead resolver's steps must still be pending then. At --timeout 2 they ended within a frame or
  // two of it, and a faster agent made the named spinner a matter of luck.
  ctx.failing = [...base, '--dns', ctx.lab.blackhole, '--timeout', '4'];
}));
test.after(async (ctx) => {
  await ctx.lab?.stop();
});
test.after.each(loud('terminal after each', async () => {
  assert.is((await probeContainersLeft()).length, 0, 'a probe container was left behind');
}));

const lines = (screen: string) => screen.split('\n');
const squash = (s: string) => s.replace(/\s+/g, '');
/** Complete escape sequences (CSI, OSC); what is left must hold no ESC and no `[31m`-like piece. */
const ESCAPES = /\u001b\[[0-9;?]*[A-Za-z]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)/g;

function assertClean(screen: string, cols: number, what: string): void {
  for (const line of lines(screen)) assert.ok([...line].length <= cols, `${what}: a line wider than ${cols}: ${JSON.stringify(line)}`);
  const plain = screen.replace(ESCAPES, '');
  assert.not.ok(/\u001b/.test(plain), `${what}: an ESC outside a complete sequence`);
  assert.not.ok(/\[\d+(;\d+)*m/.test(plain), `${what}: an escape fragment on screen`);
}

/** The last screen line starting with `Verdict:` and everything after it. */
const verdictPart = (screen: string) => screen.slice(screen.lastIndexOf('\nVerdict: ') + 1);

for (const cols of [80, 120]) {
  test(`healthy run of the default targets in a ${cols}-column terminal: ≤ 40 lines, none wider, the verdict last`, ({ lab, healthy }) =>
    withTimeout(
      (async () => {
        const r = await runInTmux(healthy, { cols, hostDns: lab.gateway, timeoutMs: 90_000 });
        assert.is(r.code, 0, r.screen);
        assertClean(r.screen, cols, 'healthy');
        assert.ok(lines(r.screen).length <= 40, `${lines(r.screen).length} lines:\n${r.screen}`);
        assert.match(r.screen, /^gomod-doctor: image gomod-doctor-fixture\/gobuilder:bookworm as root$/m);
        assert.match(r.screen, /^│ proxy\.golang\.org +│ ✓ /m, 'the chain table, with marks');
        assert.match(verdictPart(r.screen), /^Verdict: /);
        assert.not.match(r.screen, /^✗ /m, 'nothing failed');
      })(),
      100_000,
      `healthy ${cols}`,
    ));

  test(`failing run (DNS never answers) in a ${cols}-column terminal: ≤ 60 lines, the verdict's fix on screen, exit 1`, ({ lab, failing }) =>
    withTimeout(
      (async () => {
        const r = await runInTmux(failing, { cols, hostDns: lab.gateway, timeoutMs: 90_000 });
        assert.is(r.code, 1, r.screen);
        assertClean(r.screen, cols, 'failing');
        assert.ok(lines(r.screen).length <= 60, `${lines(r.screen).length} lines:\n${r.screen}`);
        const { report } = await runJson(failing, { hostDns: lab.gateway, timeoutMs: 90_000 });
        assert.is(report.summary.layer, 'dns');
        const verdict = verdictPart(r.screen);
        assert.ok(report.summary.fix && squash(verdict).includes(squash(`Fix: ${report.summary.fix}`)), `the verdict's fix, last:\n${verdict}`);
        // The failing resolver is one finding; the rows it explains are folded, not repeated.
        assert.is(r.screen.match(/^✗ dns\.resolve /gm)?.length, 1, r.screen);
        assert.match(r.screen, /↳ explains \d+ more rows: tcp\.connect/);
        assert.not.match(r.screen, /skipped: dns\.resolve failed/);
        // After ~2 s of probing, the spinner named what it still waited for; it is gone at the end.
        assert.ok(r.frames.some((f) => /waiting for .*\(\d+\/\d+ done\)/.test(f)), 'the spinner named the pending probes');
        assert.not.match(r.screen, /waiting for/);
      })(),
      200_000,
      `failing ${cols}`,
    ));
}

test('a 0×0 pseudo-terminal (script, no terminal on stdin): the run ends, no colour, as big as piped output', ({ lab, failing }) =>
  withTimeout(
    (async () => {
      const pty = await runInZeroPty(failing, { hostDns: lab.gateway, timeoutMs: 60_000 });
      assert.is(pty.code, 1, pty.output.slice(0, 2000));
      assert.not.ok(/\u001b/.test(pty.output), 'no escape sequence at all: no spinner, no colour');
      const piped = await runCli(failing, { hostDns: lab.gateway, timeoutMs: 60_000 });
      assert.is(piped.code, 1, piped.stderr);
      const ptyLines = lines(pty.output.replace(/\n$/, ''));
      const pipedLines = lines(piped.stdout.replace(/\n$/, ''));
      for (const line of ptyLines) assert.ok([...line].length <= 80, line);
      // Timings differ between two runs (a line may wrap differently), the layout does not.
      assert.ok(Math.abs(ptyLines.length - pipedLines.length) <= 2, `pty ${ptyLines.length} lines, piped ${pipedLines.length}`);
      assert.ok(pty.output.length < 20_000, `${pty.output.length} bytes`);
      assert.match(pty.output, /^Verdict: /m);
    })(),
    150_000,
    '0×0 pty',
  ));

test.run();
