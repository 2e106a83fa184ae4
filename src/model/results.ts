/** One row of the report: its status, its category and the row itself (JSON contract v1). */
import type { Cause } from './causes.js';

export type Status = 'pass' | 'warn' | 'fail' | 'skip';

/** JSON contract v1: the categories a check can belong to. Compatibility-sensitive. */
export const CATEGORIES = [
  'engine',
  'build',
  'dns',
  'tcp',
  'tls',
  'http',
  'proxy-env',
  'go-env',
  'fs',
  'auth',
  'e2e',
  'host',
] as const;

export type Category = (typeof CATEGORIES)[number];

/** One row of the report: JSON contract v1 (`docs/json.md`). */
export interface CheckResult {
  id: string;
  category: Category;
  /** The host (or host:port, path, repo) the check is about; null for image-wide checks. */
  target: string | null;
  status: Status;
  /** Time the measured step took inside the container, when there is one. */
  ms: number | null;
  summary: string;
  cause: Cause | null;
  evidence: Record<string, unknown>;
  fix: string | null;
  /**
   * Set when this row is collateral: another row (the root cause) explains it, so it is
   * not a problem of its own. Renderers fold it under that row; the verdict does not count it.
   */
  explainedBy?: { id: string; target: string | null };
}
