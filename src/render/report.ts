/** The report in the chosen format: what goes to stdout, and to GitHub's step summary. Pure. */
import type { Report } from '../model.js';
import type { DoctorOptions } from '../options.js';
import { renderCompact } from './compact.js';
import { renderGithub } from './github.js';
import { renderJson } from './json.js';
import { renderJunit } from './junit.js';
import { renderList } from './list.js';
import { renderMarkdown } from './markdown.js';
import { renderRaw } from './raw.js';
import { renderTable } from './table.js';

/** What the terminal allows: colour, and the width the human report is laid out for. */
export interface Terminal {
  color: boolean;
  /** The compact report's width (80 when unknown). */
  width: number;
  /** The full table's width: the terminal's columns, else 160. */
  tableWidth: number;
}

export function renderReport(report: Report, opts: Pick<DoctorOptions, 'format' | 'failOn' | 'verbose'>, term: Terminal): { stdout: string; stepSummary: string | null } {
  const { color } = term;
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
      return { stdout: renderTable(report, { color, width: term.tableWidth }) + (opts.verbose ? renderRaw(report.raw) : ''), stepSummary: null };
    default:
      // -v asks for every row: the full table, then the raw evidence.
      if (opts.verbose) return renderReport(report, { ...opts, format: 'table' }, term);
      return { stdout: renderCompact(report, { color, width: term.width }), stepSummary: null };
  }
}
