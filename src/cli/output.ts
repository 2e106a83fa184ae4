/**
 * The report on its way out: the terminal's colour and width, stdout, the GitHub step
 * summary. Colour only for a terminal of known size (never in CI, never with NO_COLOR or
 * TERM=dumb; a 0×0 pseudo-terminal counts as no terminal). Every string passes the secret
 * scrub before it is written anywhere.
 */
import { appendFileSync } from 'node:fs';
import type { Report } from '../model.js';
import type { DoctorOptions } from '../options.js';
import { renderReport, type Terminal } from '../render/report.js';

export interface OutputIo {
  env: Readonly<Record<string, string | undefined>>;
  stdout: NodeJS.WriteStream;
}

/** A terminal that says how wide it is: `script`, `docker exec -t` and some CI runners hand out 0×0 ones. */
export function sizedTerminal(stream: Pick<NodeJS.WriteStream, 'isTTY' | 'columns'>): boolean {
  return !!stream.isTTY && (stream.columns ?? 0) > 0;
}

export function useColor(io: OutputIo): boolean {
  return sizedTerminal(io.stdout) && !('NO_COLOR' in io.env) && !('CI' in io.env) && io.env.TERM !== 'dumb';
}

/** The width the human report is laid out for: the terminal's, else 80 (a pipe, a log, a 0×0 terminal). */
export function outputWidth(stdout: Pick<NodeJS.WriteStream, 'isTTY' | 'columns'>): number {
  return sizedTerminal(stdout) ? stdout.columns : 80;
}

export function terminalOf(io: OutputIo): Terminal {
  return { color: useColor(io), width: outputWidth(io.stdout), tableWidth: io.stdout.columns || 160 };
}

/** Write the report; the step summary is appended to $GITHUB_STEP_SUMMARY when GitHub Actions gives one. */
export function writeReport(report: Report, opts: Pick<DoctorOptions, 'format' | 'failOn' | 'verbose'>, io: OutputIo, clean: (text: string) => string): void {
  const out = renderReport(report, opts, terminalOf(io));
  io.stdout.write(clean(out.stdout));
  const summaryFile = io.env.GITHUB_STEP_SUMMARY;
  if (out.stepSummary && summaryFile) appendFileSync(summaryFile, `${clean(out.stepSummary)}\n`);
}
