/**
 * The plain report: one block per row, statuses as words, no box drawing, so a screen
 * reader or a CI log reads it top to bottom. Data in, string out.
 */
import type { CheckResult, Report, Status } from '../model.js';
import { sanitizeLine } from './sanitize.js';

export interface ListStyle {
  color: boolean;
  /** Adds each row's cause code and timing. */
  verbose?: boolean;
}

export const STATUS_WORD: Record<Status, string> = { pass: 'PASS', warn: 'WARN', fail: 'FAIL', skip: 'SKIP' };
const COLOR: Record<Status, string> = { pass: '\u001b[32m', warn: '\u001b[33m', fail: '\u001b[31m', skip: '\u001b[90m' };
const RESET = '\u001b[0m';

/** The report's overall status: fail if any row failed, else warn if any warned, else pass. */
export function overallStatus(report: Report): Status {
  const s = report.summary;
  return s.fail ? 'fail' : s.warn ? 'warn' : 'pass';
}

/**
 * What was probed, worded as table.ts words it (the image, or the stage and its FROM chain).
 * `esc` makes each piece of outside text safe for the output format.
 */
export function probedSubject(report: Report, esc: (text: string) => string = sanitizeLine): string {
  const st = report.stage;
  return st
    ? `stage ${esc(st.name)} of ${esc(st.dockerfile)} (line ${st.line}, FROM ${esc(st.chain.join(' ← '))})${st.mode === 'build' ? ', in a container and as a build step' : ''}`
    : `image ${esc(report.image)}`;
}

/** Row counts and duration, in words a screen reader reads cleanly. */
export function countsLine(report: Report): string {
  const s = report.summary;
  return `${s.pass} pass, ${s.warn} warn, ${s.fail} fail, ${s.skip} skip, ${(report.durationMs / 1000).toFixed(1)} s`;
}

function rowBlock(c: CheckResult, style: ListStyle): string {
  const word = style.color ? `${COLOR[c.status]}${STATUS_WORD[c.status]}${RESET}` : STATUS_WORD[c.status];
  const head = c.target === null ? `${word}  ${sanitizeLine(c.id)}` : `${word}  ${sanitizeLine(c.id)}  ${sanitizeLine(c.target)}`;
  const lines = [head, `  ${sanitizeLine(c.summary)}`];
  if (c.status !== 'pass' && c.fix) lines.push(`  Fix: ${sanitizeLine(c.fix)}`);
  if (style.verbose && (c.cause || c.ms !== null)) {
    lines.push(`  ${[c.cause ? `cause ${c.cause}` : '', c.ms !== null ? `${c.ms} ms` : ''].filter(Boolean).join(', ')}`);
  }
  return lines.join('\n');
}

export function renderList(report: Report, style: ListStyle): string {
  return [
    `gomod-doctor: ${probedSubject(report)} as ${sanitizeLine(report.user)}`,
    '',
    report.checks.map((c) => rowBlock(c, style)).join('\n\n'),
    '',
    countsLine(report),
    `Verdict: ${sanitizeLine(report.summary.verdict)}`,
    '',
  ].join('\n');
}
