/**
 * The compact report's content, before any layout: each target's chain (DNS → TCP → TLS →
 * HTTP → the go command's fetch through it), one line per environment area, and the
 * findings that need action, each once. Rows a root cause explains (`explainedBy`) are
 * folded under that root, never listed again. Pure: a Report in, plain data out.
 */
import type { Category, CheckResult, Report, Status } from '../model.js';

export type Step = 'dns' | 'tcp' | 'tls' | 'http' | 'fetch';
export const STEPS: Step[] = ['dns', 'tcp', 'tls', 'http', 'fetch'];

/** The chain checks, by id: one column each. */
const STEP_OF: Record<string, Step> = { 'dns.resolve': 'dns', 'tcp.connect': 'tcp', 'tls.handshake': 'tls', 'http.goproxy': 'http' };

export interface ChainRow {
  label: string;
  cells: Partial<Record<Step, CheckResult>>;
}

export interface Area {
  label: string;
  rows: CheckResult[];
  /** Shown even without rows (the areas every run has an answer for). */
  always: boolean;
}

/** One problem, once: rows with the same check, status, cause and fix, their targets listed together. */
export interface Finding {
  status: Status;
  id: string;
  rows: CheckResult[];
  /** Rows whose explainedBy names one of `rows`. */
  collateral: CheckResult[];
}

export interface CompactModel {
  chains: ChainRow[];
  areas: Area[];
  findings: Finding[];
  /** Skips that are nobody's finding: not measured, nothing to do (and the rows they explain). */
  quietSkips: CheckResult[];
}

const AREAS: Array<{ label: string; categories: Category[]; always: boolean }> = [
  { label: 'engine', categories: ['engine', 'dns', 'tcp', 'tls', 'http'], always: true },
  { label: 'Dockerfile', categories: ['build'], always: false },
  { label: 'proxy env', categories: ['proxy-env'], always: true },
  { label: 'Go env', categories: ['go-env'], always: true },
  { label: 'caches', categories: ['fs'], always: true },
  { label: 'private repos', categories: ['auth'], always: true },
  { label: 'go fetch', categories: ['e2e'], always: false },
  { label: 'host vs container', categories: ['host'], always: false },
];

const RANK: Record<Status, number> = { fail: 0, warn: 1, skip: 2, pass: 3 };

/** The worst status among rows (pass for none). */
export function worst(rows: CheckResult[]): Status {
  return rows.reduce<Status>((w, r) => (RANK[r.status] < RANK[w] ? r.status : w), 'pass');
}

/** `host`, or `host:port` when the port is not 443, from a host, host:port or URL target. */
export function hostLabel(target: string): string {
  const m = /^(?:[a-z][a-z0-9+.-]*:\/\/)?(?:[^@/]*@)?([^/?#]+)/i.exec(target);
  return (m?.[1] ?? target).replace(/:443$/, '');
}

const key = (id: string, target: string | null) => `${id}@${target ?? ''}`;

/** Which go fetch row a target's chain gets: the entry tried on its own through that host. */
function fetchHost(row: CheckResult): string | null {
  const fetch = (row.evidence as { fetch?: { kind?: string; goproxy?: string } }).fetch;
  const kind = fetch?.kind ?? (/ alone$/.test(row.target ?? '') ? 'entry' : null);
  const goproxy = fetch?.goproxy ?? (row.target ?? '').replace(/ alone$/, '');
  return kind === 'entry' && /^https?:\/\//.test(goproxy) ? hostLabel(goproxy) : null;
}

/** A fetch row no target carries: `direct`, the configured list, a private module. */
function fetchLabel(row: CheckResult): string {
  const t = row.target ?? '';
  if (/^GOPROXY=/.test(t)) return 'GOPROXY as set';
  return t.replace(/ alone$/, '');
}

function buildChains(checks: CheckResult[]): { chains: ChainRow[]; used: Set<CheckResult> } {
  const chains: ChainRow[] = [];
  const used = new Set<CheckResult>();
  let current: ChainRow | null = null;
  for (const c of checks) {
    const step = STEP_OF[c.id];
    if (!step) {
      if (c.category !== 'dns' && c.category !== 'tcp' && c.category !== 'tls' && c.category !== 'http') current = null;
      continue;
    }
    // Rows come target by target (dns → tcp → tls → http): a dns row, or a step seen twice, starts the next.
    if (!current || step === 'dns' || current.cells[step]) {
      current = { label: hostLabel(c.target ?? '?'), cells: {} };
      chains.push(current);
    }
    if (step === 'tcp' && c.target) current.label = hostLabel(c.target);
    current.cells[step] = c;
    used.add(c);
  }
  for (const c of checks.filter((r) => r.id === 'e2e.fetch')) {
    const host = fetchHost(c);
    const chain = host ? chains.find((ch) => ch.label === host && !ch.cells.fetch) : undefined;
    if (chain) chain.cells.fetch = c;
    else chains.push({ label: fetchLabel(c), cells: { fetch: c } });
    used.add(c);
  }
  return { chains, used };
}

function buildFindings(checks: CheckResult[], basedOn: string[]): { findings: Finding[]; quietSkips: CheckResult[] } {
  const byKey = new Map(checks.map((c) => [key(c.id, c.target), c]));
  // A collateral row whose root is in the report folds under it; any other row stands alone.
  const isCollateral = (c: CheckResult) => !!c.explainedBy && byKey.has(key(c.explainedBy.id, c.explainedBy.target)) && byKey.get(key(c.explainedBy.id, c.explainedBy.target)) !== c;
  const findings: Finding[] = [];
  const findingOf = new Map<CheckResult, Finding>();
  const quietSkips: CheckResult[] = [];
  for (const c of checks) {
    if (c.status === 'pass' || isCollateral(c)) continue;
    // A skip with a cause of its own (a tool the image lacks) is a finding; one without is not.
    if (c.status === 'skip' && !c.fix && (!c.cause || c.cause === 'prereq.failed')) {
      quietSkips.push(c);
      continue;
    }
    const same = findings.find((f) => f.id === c.id && f.status === c.status && f.rows[0]!.cause === c.cause && f.rows[0]!.fix === c.fix);
    const f = same ?? { status: c.status, id: c.id, rows: [], collateral: [] };
    if (!same) findings.push(f);
    f.rows.push(c);
    findingOf.set(c, f);
  }
  for (const c of checks) {
    if (!isCollateral(c)) continue;
    const f = findingOf.get(byKey.get(key(c.explainedBy!.id, c.explainedBy!.target))!);
    if (f) f.collateral.push(c);
    else quietSkips.push(c); // its root is itself a quiet skip (not measured)
  }
  // Failures first, then the warnings the verdict rests on, then the rest (a stable sort keeps the stack order).
  const weight = (f: Finding) => RANK[f.status] * 2 + (f.status === 'fail' || f.rows.some((r) => basedOn.includes(key(r.id, r.target))) ? 0 : 1);
  findings.sort((a, b) => weight(a) - weight(b));
  return { findings, quietSkips };
}

export function compactModel(report: Report): CompactModel {
  const { chains, used } = buildChains(report.checks);
  const rest = report.checks.filter((c) => !used.has(c));
  const placed = new Set<CheckResult>();
  const areas: Area[] = AREAS.map((a) => {
    const rows = rest.filter((c) => a.categories.includes(c.category) && !placed.has(c));
    for (const r of rows) placed.add(r);
    return { label: a.label, rows, always: a.always };
  }).filter((a) => a.always || a.rows.length);
  const { findings, quietSkips } = buildFindings(report.checks, report.summary.basedOn ?? []);
  return { chains, areas, findings, quietSkips };
}
