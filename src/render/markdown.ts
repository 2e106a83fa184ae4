/**
 * The report as Markdown, for a CI step summary (GitHub, GitLab) or a ticket: the verdict
 * and its fix first, the rows that need reading, then every row collapsed. Text that came
 * from a container or a server is escaped so it can neither format nor inject HTML.
 */
import type { CheckResult, Report } from '../model.js';
import { countsLine, overallStatus, probedSubject, STATUS_WORD } from './list.js';
import { sanitizeLine } from './sanitize.js';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Lines of outside text, each without escapes or control characters. */
function safeLines(text: string): string[] {
  return text.replace(LONE_SURROGATE, '').split(/\r\n|\r|\n/).map(sanitizeLine);
}

/**
 * One piece of inline Markdown: HTML-special characters as entities, Markdown punctuation
 * backslash-escaped (`|` for tables, `$` for GitHub math, `#` for headings and issue links).
 * Newlines become `lineBreak` (a space in prose, `<br>` in a table cell).
 */
export function mdInline(text: string, lineBreak = ' '): string {
  const esc = (line: string) =>
    line.replace(/[&<>]/g, (ch) => (ch === '&' ? '&amp;' : ch === '<' ? '&lt;' : '&gt;')).replace(/[\\`*_[\]|~#$!{}]/g, '\\$&');
  return safeLines(text)
    .map(esc)
    .filter((line, i, all) => line !== '' || (i > 0 && i < all.length - 1))
    .join(lineBreak);
}

const cell = (text: string) => mdInline(text, '<br>');

/**
 * A fenced code block that nothing inside can close: the fence is longer than any run of
 * backticks in the text (CommonMark), and nothing inside a fence is HTML or Markdown.
 */
export function mdFence(text: string, lang: string): string {
  const lines = safeLines(text);
  const longest = Math.max(0, ...lines.map((l) => Math.max(0, ...[...l.matchAll(/`+/g)].map((m) => m[0].length))));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return [`${fence}${lang}`, ...lines, fence].join('\n');
}

const DOCKERFILE_LINE = /^(?:FROM|RUN|ENV|ARG|USER|WORKDIR|COPY|ADD|SHELL)\s/;
const SHELL_LINE = /^(?:docker|podman|go|git|export|sudo|mkdir|chown|chmod|apt-get|apk|update-ca-certificates)\s/;

/** The fix: a code block when it starts as a Dockerfile or shell line (a trailing "  (note)" stays prose). */
function fixBlock(fix: string): string {
  const text = sanitizeLine(fix).trim();
  const lang = DOCKERFILE_LINE.test(text) ? 'dockerfile' : SHELL_LINE.test(text) ? 'sh' : null;
  if (!lang) return `**Fix:** ${mdInline(text)}`;
  const m = /^(.*?\S)\s{2,}\(([^()]*)\)$/.exec(text);
  const block = mdFence(m ? m[1]! : text, lang);
  return m ? `**Fix:**\n\n${block}\n\n${mdInline(`(${m[2]!})`)}` : `**Fix:**\n\n${block}`;
}

function table(head: string[], rows: string[][]): string {
  return [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

const fixOf = (c: CheckResult) => (c.status === 'pass' ? '' : cell(c.fix ?? ''));

function allRows(rows: CheckResult[]): string {
  return table(
    ['Status', 'Check', 'Target', 'Result', 'Fix'],
    rows.map((c) => [STATUS_WORD[c.status], cell(c.id), cell(c.target ?? ''), cell(c.summary), fixOf(c)]),
  );
}

/** `<details>` needs a blank line before the table for GitHub to render the Markdown inside. */
const details = (summary: string, body: string) => `<details><summary>${summary}</summary>\n\n${body}\n\n</details>`;

export function renderMarkdown(report: Report): string {
  const s = report.summary;
  const out: string[] = [
    `## gomod-doctor: ${STATUS_WORD[overallStatus(report)]} — ${probedSubject(report, (t) => mdInline(t))} as ${mdInline(report.user)}`,
    // The fix follows as its own block, so the verdict's closing "Fix: ..." is not repeated.
    `**Verdict:** ${mdInline(s.fix && s.verdict.endsWith(` Fix: ${s.fix}`) ? s.verdict.slice(0, -` Fix: ${s.fix}`.length) : s.verdict)}`,
  ];
  if (s.fix) out.push(fixBlock(s.fix));
  const attention = report.checks.filter((c) => c.status === 'fail' || c.status === 'warn');
  out.push(
    attention.length
      ? table(['Check', 'Target', 'Result', 'Fix'], attention.map((c) => [`${STATUS_WORD[c.status]} ${cell(c.id)}`, cell(c.target ?? ''), cell(c.summary), fixOf(c)]))
      : 'No check failed or warned.',
  );
  out.push(details(`All ${report.checks.length} checks`, allRows(report.checks)));
  if (report.buildChecks?.length) out.push(details(`All ${report.buildChecks.length} checks inside the build step`, allRows(report.buildChecks)));
  out.push(`${countsLine(report)} · ${mdInline(report.tool.name)} ${mdInline(report.tool.version)} · started ${mdInline(report.startedAt)}`);
  return `${out.join('\n\n')}\n`;
}
