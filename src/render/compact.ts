/**
 * The default human report, made to be read on one screen: a header, each target's chain
 * in a cli-table3 table, one line per environment area, then only what needs action (each
 * finding once, with its fix, and the rows it explains folded under it), the verdict last.
 * Laid out for `width` columns: plain text is wrapped or cut first, colour added after
 * (whole pieces on one line), so no escape sequence is ever split. Data in, string out.
 */
import Table from 'cli-table3';
import type { CheckResult, Report, Status } from '../model.js';
import { type Area, type ChainRow, type CompactModel, compactModel, type Finding, type Step, STEPS, worst } from './compact-model.js';
import { probedSubject } from './list.js';
import { sanitizeLine } from './sanitize.js';
import { textWidth, truncate, wrap, wrapAtMost } from './width.js';

export interface CompactStyle {
  color: boolean;
  /** Terminal columns: 80 when unknown. Nothing printed is wider. */
  width: number;
}

/** The line budget a failing run's report keeps to (80 columns); warnings past it are named, not shown. */
export const MAX_LINES = 58;
/** Below this the layout cannot fit; a narrower terminal wraps it. */
const MIN_WIDTH = 61;

const MARK: Record<Status, string> = { pass: '✓', warn: '!', fail: '✗', skip: '–' };
const SGR: Record<Status, string> = { pass: '32', warn: '33', fail: '31', skip: '90' };
const HEAD: Record<Step, string> = { dns: 'DNS', tcp: 'TCP', tls: 'TLS', http: 'HTTP', fetch: 'go fetch' };
/** Widest cell text per step column: a mark, a space and `999ms` / `9.9s` (the header for go fetch). */
const STEP_WIDTH: Record<Step, number> = { dns: 7, tcp: 7, tls: 7, http: 7, fetch: 8 };

type Paint = (sgr: string, text: string) => string;

const duration = (ms: number): string => (ms < 1000 ? `${ms}ms` : ms < 10_000 ? `${(ms / 1000).toFixed(1)}s` : `${Math.round(ms / 1000)}s`);

function cellText(c: CheckResult | undefined): string {
  if (!c) return '';
  return c.ms !== null && c.status !== 'skip' ? `${MARK[c.status]} ${duration(c.ms)}` : MARK[c.status];
}

/** Image and user, then the engine and its builder, from the engine.endpoint row's evidence. */
function header(report: Report, width: number): string[] {
  const lines = wrap(`gomod-doctor: ${probedSubject(report)} as ${sanitizeLine(report.user)}`, width, '  ');
  const ep = report.checks.find((c) => c.id === 'engine.endpoint')?.evidence as
    | { engine?: { version?: string; apiVersion?: string }; product?: string | null; builderVersion?: string | null }
    | undefined;
  if (ep?.engine) {
    const builder = report.stage?.mode === 'build' ? 'classic (build step)' : ep.builderVersion === '2' ? 'BuildKit' : ep.builderVersion === '1' ? 'classic' : 'BuildKit (CLI default)';
    const engine = `${ep.product ?? 'engine'} ${ep.engine.version ?? '?'} (API ${ep.engine.apiVersion ?? '?'})`;
    lines.push(truncate(sanitizeLine(`engine ${engine} · builder ${builder}`), width));
  }
  return lines;
}

function chainTable(chains: ChainRow[], width: number, color: boolean, paint: Paint): string[] {
  // Each step column: its text, padding and the border on its right; the label column: padding and two borders.
  const chrome = STEPS.reduce((n, s) => n + STEP_WIDTH[s] + 3, 0) + 4;
  const widest = Math.max(textWidth('Target'), ...chains.map((c) => textWidth(sanitizeLine(c.label))));
  const labelWidth = Math.max(6, Math.min(widest, width - chrome));
  const table = new Table({
    head: ['Target', ...STEPS.map((s) => HEAD[s])],
    colWidths: [labelWidth + 2, ...STEPS.map((s) => STEP_WIDTH[s] + 2)],
    wordWrap: false,
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
    style: { head: color ? ['bold'] : [], border: color ? ['grey'] : [], 'padding-left': 1, 'padding-right': 1 },
  });
  for (const chain of chains) {
    const label = wrap(sanitizeLine(chain.label), labelWidth).join('\n');
    table.push([label, ...STEPS.map((s) => { const c = chain.cells[s]; return c ? paint(SGR[c.status], cellText(c)) : ''; })]);
  }
  return table.toString().split('\n');
}

/** `engine        ! 1 warn, 5 pass: the first row that is not a pass, else the first row`. */
function areaLines(areas: Area[], width: number, paint: Paint): string[] {
  const labelWidth = Math.max(...areas.map((a) => textWidth(a.label)));
  return areas.map((a) => {
    const pad = a.label + ' '.repeat(labelWidth - textWidth(a.label));
    if (!a.rows.length) return `${pad}  ${paint(SGR.skip, MARK.skip)} ${truncate('none probed', width - labelWidth - 4)}`;
    const status = worst(a.rows);
    const counts = (['fail', 'warn', 'skip', 'pass'] as Status[]).map((s) => [s, a.rows.filter((r) => r.status === s).length] as const).filter(([, n]) => n > 0);
    const lead = a.rows.find((r) => r.status === status) ?? a.rows[0]!;
    const tally = a.rows.length > 1 ? `${counts.map(([s, n]) => `${n} ${s}`).join(', ')}: ` : '';
    const text = truncate(`${tally}${sanitizeLine(lead.summary)}`, width - labelWidth - 4);
    return `${pad}  ${paint(SGR[status], MARK[status])} ${text}`;
  });
}

/** The targets of a finding, as many as fit on the line, then how many more. */
function targetList(rows: CheckResult[], room: number): string {
  const names = rows.map((r) => sanitizeLine(r.target ?? '')).filter(Boolean);
  let shown = '';
  for (let i = 0; i < names.length; i++) {
    const next = shown ? `${shown}, ${names[i]}` : names[i]!;
    const more = names.length - i - 1;
    if (textWidth(next) + (more ? textWidth(` (+${more})`) : 0) > room) {
      return shown ? `${shown} (+${names.length - i})` : truncate(next, room);
    }
    shown = next;
  }
  return shown;
}

function findingLines(f: Finding, width: number, paint: Paint, fixSeen: Map<string, string>, verdictFix: string | null): string[] {
  const first = f.rows[0]!;
  const head = `${MARK[f.status]} ${truncate(sanitizeLine(f.id), Math.floor(width / 2))}`;
  const lines = [`${paint(SGR[f.status], head)}  ${targetList(f.rows, width - textWidth(head) - 2)}`.trimEnd()];
  lines.push(...wrapAtMost(sanitizeLine(first.summary), width - 2, f.status === 'fail' ? 2 : 1).map((l) => `  ${l}`));
  if (first.fix) {
    const fix = sanitizeLine(first.fix);
    const seen = fixSeen.get(fix);
    const text = verdictFix && fix === verdictFix ? "Fix: the verdict's, below" : seen ? `Fix: as for ${seen} above` : `Fix: ${fix}`;
    lines.push(...wrapAtMost(text, width - 2, 4, '    ').map((l) => `  ${l}`));
    if (!seen) fixSeen.set(fix, f.id);
  }
  if (f.collateral.length) {
    const ids = [...new Set(f.collateral.map((c) => c.id))].join(', ');
    lines.push(`  ${truncate(`↳ explains ${f.collateral.length} more row${f.collateral.length === 1 ? '' : 's'}: ${sanitizeLine(ids)}`, width - 2)}`);
  }
  return lines;
}

/** `tcp.connect ×4, e2e.recommend`: the skips nobody has to act on, counted by check. */
function skipLine(skips: CheckResult[], width: number): string[] {
  if (!skips.length) return [];
  const counts = new Map<string, number>();
  for (const s of skips) counts.set(s.id, (counts.get(s.id) ?? 0) + 1);
  const ids = [...counts].map(([id, n]) => (n > 1 ? `${sanitizeLine(id)} ×${n}` : sanitizeLine(id))).join(', ');
  return wrapAtMost(`Skipped (not measured, or nothing to do; -v says why): ${ids}`, width, 2, '  ');
}

function verdictLines(report: Report, width: number, paint: Paint): string[] {
  const s = report.summary;
  const status: Status = s.fail ? 'fail' : s.warn ? 'warn' : 'pass';
  const fix = s.fix ? sanitizeLine(s.fix) : null;
  let text = sanitizeLine(s.verdict);
  if (fix && text.endsWith(`Fix: ${fix}`)) text = text.slice(0, -`Fix: ${fix}`.length).trimEnd();
  const counts = `${s.pass} pass · ${s.warn} warn · ${s.fail} fail · ${s.skip} skip · ${(report.durationMs / 1000).toFixed(1)} s · -v shows every row`;
  const verdict = wrap(`Verdict: ${text}`, width);
  verdict[0] = verdict[0]!.replace(/^Verdict:/, paint(`1;${SGR[status]}`, 'Verdict:'));
  const lines = [truncate(counts, width), ...verdict];
  if (fix) {
    const fixLines = wrap(`Fix: ${fix}`, width, '     ');
    fixLines[0] = fixLines[0]!.replace(/^Fix:/, paint('1', 'Fix:'));
    lines.push(...fixLines);
  }
  return lines;
}

/** The findings that fit the line budget: every failure, then warnings while there is room. */
function findingsSection(model: CompactModel, budget: number, width: number, paint: Paint, verdictFix: string | null): string[] {
  if (!model.findings.length) return [];
  const out = [`Needs action (${model.findings.length}):`];
  const fixSeen = new Map<string, string>();
  const left: Finding[] = [];
  for (const f of model.findings) {
    if (left.length) {
      left.push(f);
      continue;
    }
    const lines = findingLines(f, width, paint, fixSeen, verdictFix);
    if (f.status !== 'fail' && out.length + lines.length + 1 > budget) {
      left.push(f);
      continue;
    }
    out.push(...lines);
  }
  if (left.length) {
    const ids = [...new Set(left.map((f) => sanitizeLine(f.id)))].join(', ');
    out.push(...wrapAtMost(`…and ${left.length} more (${ids}): -v shows them`, width, 2, '  '));
  }
  return out;
}

export function renderCompact(report: Report, style: CompactStyle): string {
  const width = Math.max(MIN_WIDTH, style.width);
  const paint: Paint = style.color ? (sgr, text) => `\u001b[${sgr}m${text}\u001b[0m` : (_sgr, text) => text;
  const model = compactModel(report);
  const verdictFix = report.summary.fix ? sanitizeLine(report.summary.fix) : null;
  const top = [...header(report, width), ...(model.chains.length ? chainTable(model.chains, width, style.color, paint) : []), ...areaLines(model.areas, width, paint)];
  const skips = skipLine(model.quietSkips, width);
  const bottom = verdictLines(report, width, paint);
  const budget = MAX_LINES - top.length - skips.length - bottom.length - 2;
  const findings = findingsSection(model, budget, width, paint, verdictFix);
  return [...top, '', ...findings, ...skips, ...(findings.length || skips.length ? [''] : []), ...bottom, ''].join('\n');
}
