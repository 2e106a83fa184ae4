/**
 * Thresholds from the config file: a step that passed but took longer than the team
 * allows (e.g. TLS to the chosen proxy over 300 ms) becomes a warning that says by how
 * much. Pure over rows and the thresholds in the run context.
 */
import type { Category, Cause, CheckResult, RunContext } from '../src/model.js';

type Thresholds = NonNullable<RunContext['thresholds']>;

const LIMITS: Array<{ id: string; key: keyof Thresholds; cause: Cause; step: string }> = [
  { id: 'dns.resolve', key: 'dnsMs', cause: 'dns.slow', step: 'DNS lookup' },
  { id: 'tcp.connect', key: 'tcpMs', cause: 'tcp.slow', step: 'TCP connect' },
  { id: 'tls.handshake', key: 'tlsMs', cause: 'tls.slow', step: 'TLS handshake' },
  { id: 'http.goproxy', key: 'httpMs', cause: 'http.slow', step: 'module proxy request' },
  { id: 'e2e.fetch', key: 'fetchMs', cause: 'e2e.slow', step: 'go mod download' },
];

export function applyThresholds(rows: CheckResult[], thresholds: Thresholds | undefined): CheckResult[] {
  if (!thresholds) return rows;
  return rows.map((r) => {
    const limit = LIMITS.find((l) => l.id === r.id);
    const max = limit ? thresholds[limit.key] : null;
    if (!limit || max === null || r.status !== 'pass' || r.ms === null || r.ms <= max) return r;
    return {
      ...r,
      status: 'warn',
      cause: limit.cause,
      summary: `${r.summary} — over the ${max} ms this repository allows for a ${limit.step} (thresholds.${limit.key})`,
      evidence: { ...r.evidence, thresholdMs: max },
      fix: `${r.category === ('e2e' as Category) || r.id === 'http.goproxy' ? 'use the faster proxy e2e.recommend names, or ' : ''}check the network path to ${r.target ?? 'it'} (VPN, egress proxy, region); or raise thresholds.${limit.key} in the config file`,
    };
  });
}
