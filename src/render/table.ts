/** The human report: a cli-table3 table, then the verdict. Data in, string out. */
import Table from 'cli-table3';
import type { Report, Status } from '../model.js';
import { sanitizeLine } from './sanitize.js';

export interface TableStyle {
  color: boolean;
  /** Terminal width; the table wraps to fit. */
  width: number;
}

const COLOR: Record<Status, string> = { pass: '\u001b[32m', warn: '\u001b[33m', fail: '\u001b[31m', skip: '\u001b[90m' };
const RESET = '\u001b[0m';

function paint(style: TableStyle, status: Status, text: string): string {
  return style.color ? `${COLOR[status]}${text}${RESET}` : text;
}

export function renderTable(report: Report, style: TableStyle): string {
  const width = Math.max(80, style.width);
  // Fixed columns for id/target/status; the rest shared by result and fix.
  const fixed = [16, 28, 6];
  const rest = width - fixed.reduce((a, b) => a + b, 0) - 16;
  const resultWidth = Math.max(24, Math.floor(rest * 0.55));
  const fixWidth = Math.max(20, rest - resultWidth);
  const table = new Table({
    head: ['Check', 'Target', 'Status', 'Result', 'Fix'],
    colWidths: [...fixed.map((w) => w + 2), resultWidth + 2, fixWidth + 2],
    wordWrap: true,
    wrapOnWordBoundary: false,
    style: { head: style.color ? ['bold'] : [], border: style.color ? ['grey'] : [] },
  });
  for (const c of report.checks) {
    table.push([
      c.id,
      sanitizeLine(c.target ?? ''),
      paint(style, c.status, c.status),
      sanitizeLine(c.summary),
      c.status === 'pass' ? '' : sanitizeLine(c.fix ?? ''),
    ]);
  }
  const s = report.summary;
  const counts = `${s.pass} pass · ${s.warn} warn · ${s.fail} fail · ${s.skip} skip · ${(report.durationMs / 1000).toFixed(1)} s`;
  const verdictStatus: Status = s.fail ? 'fail' : s.warn ? 'warn' : 'pass';
  const st = report.stage;
  const what = st
    ? `stage ${sanitizeLine(st.name)} of ${sanitizeLine(st.dockerfile)} (line ${st.line}, FROM ${sanitizeLine(st.chain.join(' ← '))})${st.mode === 'build' ? ', in a container and as a build step' : ''}`
    : `image ${sanitizeLine(report.image)}`;
  return [
    `gomod-doctor: ${what} as ${sanitizeLine(report.user)}`,
    table.toString(),
    counts,
    paint(style, verdictStatus, `Verdict: ${sanitizeLine(s.verdict)}`),
    '',
  ].join('\n');
}
