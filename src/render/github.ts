/**
 * GitHub Actions: an annotation per row that needs reading, the plain list for the job
 * log, and the Markdown step summary. Data in, strings out; src/cli writes them.
 */
import { createHash } from 'node:crypto';
import type { CheckResult, Report } from '../model.js';
import { renderList } from './list.js';
import { renderMarkdown } from './markdown.js';
import { sanitizeLine } from './sanitize.js';

export interface GithubOptions {
  /** 'warn': warnings are annotated as errors (they fail the job). */
  failOn: 'fail' | 'warn';
}

export interface GithubOutput {
  /** Workflow commands, then the plain list: for stdout. */
  stdout: string;
  /** Markdown for $GITHUB_STEP_SUMMARY (append to it, it is shared by the job's steps). */
  stepSummary: string;
}

// Escaping exactly as actions/toolkit packages/core/src/command.ts (escapeData, escapeProperty),
// which the runner undoes (ActionCommand.UnescapeData / UnescapeProperty).
export function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

export function escapeProperty(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A').replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** `::name key=value,...::message`, one line whatever the text holds. */
export function workflowCommand(name: string, properties: Record<string, string>, message: string): string {
  const props = Object.entries(properties)
    .filter(([, v]) => v)
    .map(([k, v]) => `${k}=${escapeProperty(v)}`)
    .join(',');
  return `::${name}${props ? ` ${props}` : ''}::${escapeData(message)}`;
}

/** Outside text without terminal escapes or control characters; line breaks kept (escaped later). */
function clean(text: string): string {
  return text.split(/\r\n|\r|\n/).map(sanitizeLine).join('\n');
}

function annotation(c: CheckResult, level: 'error' | 'warning'): string {
  const title = sanitizeLine(c.target === null ? c.id : `${c.id} ${c.target}`);
  const message = c.fix ? `${clean(c.summary)} — Fix: ${clean(c.fix)}` : clean(c.summary);
  return workflowCommand(level, { title }, message);
}

/**
 * The runner reads a command from any log line that starts with `::` once trimmed, or that
 * holds `##[` anywhere, so the list (text from containers and servers) goes between
 * `::stop-commands::` and its resume token. The token is a hash of the text it guards: text
 * cannot contain the hash of itself, so it cannot resume command processing early.
 */
export function inertBlock(text: string): string {
  const token = `gomod-doctor-${createHash('sha256').update(text).digest('hex').slice(0, 32)}`;
  return `::stop-commands::${token}\n${text.endsWith('\n') ? text : `${text}\n`}::${token}::\n`;
}

export function renderGithub(report: Report, opts: GithubOptions): GithubOutput {
  const failing = (c: CheckResult) => c.status === 'fail' || (c.status === 'warn' && opts.failOn === 'warn');
  const lines: string[] = [];
  for (const c of report.checks) {
    if (failing(c)) lines.push(annotation(c, 'error'));
    else if (c.status === 'warn') lines.push(annotation(c, 'warning'));
  }
  if (!report.checks.some(failing)) lines.push(workflowCommand('notice', { title: 'gomod-doctor' }, clean(report.summary.verdict)));
  const stdout = `${lines.join('\n')}\n${inertBlock(renderList(report, { color: false }))}`;
  return { stdout, stepSummary: renderMarkdown(report) };
}
