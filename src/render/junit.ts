/**
 * The report as JUnit XML, the one test format every CI reads (GitLab, Jenkins, Azure,
 * CircleCI): a testsuite per category, a testcase per row. Data in, string out.
 */
import { CATEGORIES, type Category, type CheckResult, type Report } from '../model.js';
import { sanitizeLine } from './sanitize.js';

export interface JunitOptions {
  /** 'warn': warnings are failures too (as --fail-on warn makes them fail the job). */
  failOn: 'fail' | 'warn';
}

// Everything XML 1.0 forbids: C0 controls but tab/LF/CR, U+FFFE/FFFF and (with /u) lone surrogates.
const ILLEGAL_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** Outside text for XML: terminal escapes and control characters gone, lines kept (xmlEscape strips the rest). */
function clean(text: string, multiline: boolean): string {
  const lines = text.split(/\r\n|\r|\n/).map(sanitizeLine);
  return multiline ? lines.join('\n') : lines.join(' ');
}

/** Escaped for both text and attribute values; `>` too, so `]]>` cannot appear. */
export function xmlEscape(text: string): string {
  return text.replace(ILLEGAL_XML, '').replace(/[&<>"']/g, (ch) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": 'apos' }[ch]};`);
}

const attr = (text: string) => xmlEscape(clean(text, false));
const body = (text: string) => xmlEscape(clean(text, true));
const seconds = (ms: number | null) => ((ms ?? 0) / 1000).toFixed(3);

function testcase(c: CheckResult, opts: JunitOptions): string {
  const name = c.target === null ? c.id : `${c.id} ${c.target}`;
  const open = `    <testcase classname="gomod-doctor.${attr(c.category)}" name="${attr(name)}" time="${seconds(c.ms)}"`;
  const fix = c.fix ? `\nFix: ${c.fix}` : '';
  const failing = c.status === 'fail' || (c.status === 'warn' && opts.failOn === 'warn');
  if (failing) {
    return `${open}>\n      <failure message="${attr(c.summary)}" type="${attr(c.cause ?? c.status)}">${body(c.summary + fix)}</failure>\n    </testcase>`;
  }
  if (c.status === 'skip') return `${open}>\n      <skipped message="${attr(c.summary)}"/>\n    </testcase>`;
  if (c.status === 'warn') return `${open}>\n      <system-out>${body(`warning: ${c.summary}${fix}`)}</system-out>\n    </testcase>`;
  return `${open}/>`;
}

interface Counts {
  tests: number;
  failures: number;
  skipped: number;
  ms: number;
}

function count(rows: CheckResult[], opts: JunitOptions): Counts {
  return {
    tests: rows.length,
    failures: rows.filter((c) => c.status === 'fail' || (c.status === 'warn' && opts.failOn === 'warn')).length,
    skipped: rows.filter((c) => c.status === 'skip').length,
    ms: rows.reduce((sum, c) => sum + (c.ms ?? 0), 0),
  };
}

export function renderJunit(report: Report, opts: JunitOptions): string {
  // Categories in the report's layer order; one the model does not know yet still gets a suite.
  const order = [...CATEGORIES, ...report.checks.map((c) => c.category).filter((c) => !CATEGORIES.includes(c))];
  const categories = [...new Set<Category>(order)].filter((cat) => report.checks.some((c) => c.category === cat));
  const total = count(report.checks, opts);
  const timestamp = attr(report.startedAt.replace(/\.\d+Z$/, 'Z'));
  const suites = categories.map((cat) => {
    const rows = report.checks.filter((c) => c.category === cat);
    const n = count(rows, opts);
    return [
      `  <testsuite name="gomod-doctor.${attr(cat)}" tests="${n.tests}" failures="${n.failures}" errors="0" skipped="${n.skipped}" time="${seconds(n.ms)}" timestamp="${timestamp}">`,
      ...rows.map((c) => testcase(c, opts)),
      '  </testsuite>',
    ].join('\n');
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="gomod-doctor" tests="${total.tests}" failures="${total.failures}" errors="0" skipped="${total.skipped}" time="${seconds(report.durationMs)}">`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n');
}
