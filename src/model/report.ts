/** The report: the whole outcome of a run, what every renderer reads. */
import type { Cause } from './causes.js';
import type { RawBlock } from './evidence.js';
import type { Category, CheckResult } from './results.js';

export interface Verdict {
  /** The lowest broken layer, or null when nothing failed. */
  layer: Category | null;
  text: string;
  /** The single most useful fix, or null when nothing failed or no cause stands out. */
  fix: string | null;
  /** Ids (id@target) of the rows the verdict rests on. */
  basedOn: string[];
  /** The cause the verdict names: the host comparison's when it decides, else the failing rows'. */
  cause?: Cause | null;
}

export interface Report {
  schemaVersion: 1;
  tool: { name: 'gomod-doctor'; version: string };
  image: string;
  user: string;
  /** Set when a Dockerfile stage was probed: which one, and from which base image. */
  stage?: { dockerfile: string; name: string; line: number; baseImage: string; chain: string[]; mode: 'run' | 'build' };
  startedAt: string;
  durationMs: number;
  checks: CheckResult[];
  /** --mode build: every check over what the build step measured (the build.step rows in `checks` compare them). */
  buildChecks?: CheckResult[];
  /** -v: the agent's raw output, block by block. */
  raw?: RawBlock[];
  summary: { pass: number; warn: number; fail: number; skip: number; verdict: string; layer: Category | null; fix: string | null; basedOn: string[]; cause?: Cause | null };
}
