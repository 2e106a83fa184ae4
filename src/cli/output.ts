/**
 * The report on its way out: the chosen format, the GitHub step summary, the exit code.
 * Colour only for a terminal of known size (never in CI, never with NO_COLOR or TERM=dumb;
 * a 0×0 pseudo-terminal counts as no terminal). Every string passes the secret scrub
 * before it is written anywhere.
 */
import { appendFileSync } from 'node:fs';
import { ExitCode, type Report } from '../model.js';
import type { DoctorOptions } from '../options.js';
import { renderCompact } from '../render/compact.js';
import { renderGithub } from '../render/github.js';
import { renderJson } from '../render/json.js';
import { renderJunit } from '../render/junit.js';
import { renderList } from '../render/list.js';
import { renderMarkdown } from '../render/markdown.js';
import { renderRaw } from '../render/raw.js';
import { renderTable } from '../render/table.js';

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

/** What goes to stdout for the chosen format, and what (if anything) goes to GitHub's step summary. */
export function renderReport(report: Report, opts: Pick<DoctorOptions, 'format' | 'failOn' | 'verbose'>, io: OutputIo): { stdout: string; stepSummary: string | null } {
  const color = useColor(io);
  switch (opts.format) {
    case 'json':
      return { stdout: renderJson(report), stepSummary: null };
    case 'list':
      return { stdout: renderList(report, { color }) + (opts.verbose ? renderRaw(report.raw) : ''), stepSummary: null };
    case 'markdown':
      return { stdout: renderMarkdown(report), stepSummary: null };
    case 'junit':
      return { stdout: renderJunit(report, { failOn: opts.failOn }), stepSummary: null };
    case 'github': {
      const gh = renderGithub(report, { failOn: opts.failOn });
      return { stdout: gh.stdout, stepSummary: gh.stepSummary };
    }
    case 'table':
      return { stdout: renderTable(report, { color, width: io.stdout.columns || 160 }) + (opts.verbose ? renderRaw(report.raw) : ''), stepSummary: null };
    default:
      // -v asks for every row: the full table, then the raw evidence.
      if (opts.verbose) return renderReport(report, { ...opts, format: 'table' }, io);
      return { stdout: renderCompact(report, { color, width: outputWidth(io.stdout) }), stepSummary: null };
  }
}

/** Write the report; the step summary is appended to $GITHUB_STEP_SUMMARY when GitHub Actions gives one. */
export function writeReport(report: Report, opts: Pick<DoctorOptions, 'format' | 'failOn' | 'verbose'>, io: OutputIo, clean: (text: string) => string): void {
  const out = renderReport(report, opts, io);
  io.stdout.write(clean(out.stdout));
  const summaryFile = io.env.GITHUB_STEP_SUMMARY;
  if (out.stepSummary && summaryFile) appendFileSync(summaryFile, `${clean(out.stepSummary)}\n`);
}

/** 1 when a row fails, or warns under --fail-on warn; else 0. */
export function exitCodeFor(report: Report, failOn: DoctorOptions['failOn']): ExitCode {
  const s = report.summary;
  return s.fail > 0 || (failOn === 'warn' && s.warn > 0) ? ExitCode.CheckFailed : ExitCode.Ok;
}
