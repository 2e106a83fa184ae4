/**
 * The report on its way out: the chosen format, the GitHub step summary, the exit code.
 * Colour only for a terminal (never in CI, never with NO_COLOR or TERM=dumb). Every
 * string passes the secret scrub before it is written anywhere.
 */
import { appendFileSync } from 'node:fs';
import { ExitCode, type Report } from '../model.js';
import type { DoctorOptions } from '../options.js';
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

export function useColor(io: OutputIo): boolean {
  return !!io.stdout.isTTY && !('NO_COLOR' in io.env) && !('CI' in io.env) && io.env.TERM !== 'dumb';
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
    default:
      return { stdout: renderTable(report, { color, width: io.stdout.columns || 160 }) + (opts.verbose ? renderRaw(report.raw) : ''), stepSummary: null };
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
