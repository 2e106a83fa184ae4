/**
 * One root cause, one headline: the go command's and the transfer's rows for a host whose
 * network chain already failed are that failure's collateral (`explainedBy` names the root
 * row), and the image-wide rows measured with a probe tool give way to the go command's
 * own download where it reached the same host. Pure over rows and Evidence.
 */
import type { CheckResult, Evidence } from '../src/model.js';
import { goOverrules } from './tool-limits.js';

const CHAIN = new Set(['dns', 'tcp', 'tls', 'http']);

function hostOfUrl(url: unknown): string | null {
  try {
    return typeof url === 'string' ? new URL(url).hostname : null;
  } catch {
    return null;
  }
}

function hostOfTarget(target: string | null): string {
  return (target ?? '').replace(/^https?:\/\//, '').replace(/[:/].*$/, '');
}

/** The hosts an image-wide e2e row depends on, from its own evidence. */
function hostsOf(r: CheckResult): string[] {
  const e = r.evidence;
  switch (r.id) {
    case 'e2e.throughput':
      return [hostOfUrl((e.transfer as { url?: string } | undefined)?.url)].filter((h): h is string => !!h);
    case 'e2e.sumdb':
      return ((e.gets as Array<{ kind: string; url: string }> | undefined) ?? []).filter((g) => g.kind === 'lookup').map((g) => hostOfUrl(g.url)).filter((h): h is string => !!h);
    case 'e2e.fetch': {
      const f = e.fetch as { kind?: string; goproxy?: string } | undefined;
      if (f?.kind === 'entry') return [hostOfUrl(f.goproxy)].filter((h): h is string => !!h);
      // The configured list: the hosts whose requests got no answer.
      return ((e.requests as Array<{ url: string; status: number | null }> | undefined) ?? []).filter((q) => q.status === null).map((q) => hostOfUrl(q.url)).filter((h): h is string => !!h);
    }
    default:
      return [];
  }
}

/** What index.ts appends to a failure of a target only the built-in list names. */
export const INFORMATIONAL = " (not in this image's GOPROXY/GOSUMDB: a warning only)";

/**
 * A chain row that failed, or failed on an informational target (a warning only). A direct
 * path that fails while the go command goes through a proxy explains nothing it does.
 */
function brokenChainRow(r: CheckResult, informationalWarns: ReadonlySet<CheckResult>): boolean {
  if (!CHAIN.has(r.category) || r.explainedBy || !r.cause) return false;
  return r.status === 'fail' || (r.status === 'warn' && informationalWarns.has(r));
}

/** The probe tool's e2e rows (throughput, checksum lookup) for a host the go command reached. */
export function goOverrulesImageRow(r: CheckResult, ev: Evidence): CheckResult {
  if (r.id !== 'e2e.throughput' && r.id !== 'e2e.sumdb') return r;
  const host = hostsOf(r)[0];
  const tool = r.id === 'e2e.throughput' ? ((r.evidence.tool as string | null | undefined) ?? null) : ev.facts.tools.curl ? 'curl' : 'wget';
  return host ? goOverrules(r, host, tool, ev) : r;
}

/**
 * Mark the go command's and the transfers' failures on a host whose chain already failed.
 * `informationalWarns`: the chain rows whose failure only warns (index.ts decides which).
 */
export function markCollateral(rows: CheckResult[], informationalWarns: ReadonlySet<CheckResult> = new Set()): CheckResult[] {
  const roots = new Map<string, CheckResult>();
  for (const r of rows) {
    const host = hostOfTarget(r.target);
    if (brokenChainRow(r, informationalWarns) && !roots.has(host)) roots.set(host, r);
  }
  return rows.map((r) => {
    if (r.explainedBy || (r.status !== 'fail' && r.status !== 'warn') || !r.id.startsWith('e2e.') || r.cause === 'tool.disagrees') return r;
    const root = hostsOf(r).map((h) => roots.get(h)).find((x) => !!x);
    return root ? { ...r, explainedBy: { id: root.id, target: root.target } } : r;
  });
}
