/** Evidence → rows → verdict → Report. Pure. */
import { runChecks } from '../../checks/index.js';
import { verdict } from '../../checks/verdict.js';
import type { Evidence, Report } from '../model.js';

export function buildReport(ev: Evidence, meta: { version: string; startedAt: Date; durationMs: number }): Report {
  const checks = runChecks(ev);
  const v = verdict(checks, ev);
  const count = (s: string) => checks.filter((c) => c.status === s).length;
  return {
    schemaVersion: 1,
    tool: { name: 'gomod-doctor', version: meta.version },
    image: ev.image,
    user: ev.user,
    startedAt: meta.startedAt.toISOString(),
    durationMs: meta.durationMs,
    checks,
    summary: { pass: count('pass'), warn: count('warn'), fail: count('fail'), skip: count('skip'), verdict: v.text, layer: v.layer, fix: v.fix, basedOn: v.basedOn },
  };
}
