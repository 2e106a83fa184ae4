/**
 * Judge: Evidence → the report every renderer reads, redacted. The rows and the verdict
 * come from the checks (src/judge/report.ts); then every secret the run knows of, and
 * anything shaped like one, is redacted before a renderer sees a string. Pure.
 */
import type { Evidence, Report } from '../model.js';
import type { DoctorOptions } from '../options.js';
import { redactDeep } from '../redact.js';
import { envSecrets, urlPasswords } from '../secrets.js';
import { buildReport } from './report.js';

export interface Judged {
  report: Report;
  /** Every secret value known to this run: the last-line scrub of all output uses them. */
  secrets: string[];
}

export interface JudgeMeta {
  version: string;
  startedAt: Date;
  durationMs: number;
}

/** `hostEnv`: the doctor's own environment; the host-side probes used its proxy variables. */
export function judge(evidence: Evidence, opts: DoctorOptions, meta: JudgeMeta, hostEnv: Readonly<Record<string, string | undefined>>): Judged {
  const secrets = knownSecrets(evidence, opts, hostEnv);
  // Checks redact what they know is secret; this catches anything echoed back (a server, a log line).
  return { report: redactDeep(buildReport(evidence, meta, opts), secrets), secrets };
}

/** Handed in, in the container's environment, in its go env, in this process's proxy variables. */
export function knownSecrets(evidence: Evidence, opts: Pick<DoctorOptions, 'secrets'>, hostEnv: Readonly<Record<string, string | undefined>>): string[] {
  const goEnv = Object.values(evidence.facts.goEnv ?? {}).flatMap(urlPasswords);
  const host = Object.values(hostEnv).flatMap((v) => (v ? urlPasswords(v) : []));
  return [...opts.secrets, ...envSecrets(evidence.env), ...goEnv, ...host];
}
