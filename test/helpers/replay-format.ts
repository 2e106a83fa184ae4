/**
 * One recorded doctor run (test/fixtures/replay/*.json): everything the pipeline took from
 * the outside, so a replay can run `run(io)` again with no engine. Made by
 * test/replay/record.ts; read by test/helpers/replay-engine.ts.
 */
import type { AgentRunResult, AgentSpec, EngineInfo, ImageConfig, PullProgress } from '../../src/engine/types.js';
import type { CheckResult, EngineEvidence, HostEvidence, PlannedTarget, Report } from '../../src/model.js';

export type RecordedRow = Pick<CheckResult, 'id' | 'target' | 'status' | 'cause' | 'explainedBy'>;

/** A report's rows by code: what a replay is compared with. */
export function rowsOf(report: Pick<Report, 'checks'>): RecordedRow[] {
  return report.checks.map((c) => ({ id: c.id, target: c.target, status: c.status, cause: c.cause, ...(c.explainedBy ? { explainedBy: c.explainedBy } : {}) }));
}

/** An error an engine call threw: replayed as the same DoctorError class. */
export interface RecordedError {
  error: { name: string; message: string; hint?: string };
}

export type Answer<T> = { value: T } | RecordedError;

export interface RecordedAgentRun {
  /** The container the run asked for (the script's and handed files' contents left out). */
  spec: Omit<AgentSpec, 'script' | 'files' | 'labels'> & { files: string[] };
  /**
   * The agent's stdout as it arrived: `ms` after runAgent was called; `afterInput` how many
   * stdin writes (the plan, then `stop` lines) had gone out before this chunk; `hostMs` the
   * host clock then (the facts chunk carries the container's clock, replayed at the same skew).
   */
  stdout: Array<{ ms: number; afterInput: number; hostMs: number; chunk: string }>;
  /** What the host wrote to the agent's stdin: first the plan, then `stop KEY` lines. */
  stdin: Array<{ ms: number; text: string }>;
  result: Answer<AgentRunResult>;
}

export interface Recording {
  /** What this run shows, in a line. */
  scenario: string;
  description: string;
  recordedAt: string;
  /**
   * The doctor's argv. `$FILES/` stands for a directory the replay creates holding `files`
   * (--ca-cert, --env-file, --netrc, a Dockerfile): the recording's temp files are gone.
   */
  argv: string[];
  /** The doctor's environment beyond the replay's fixed base (CI, NO_COLOR, no proxies). */
  env: Record<string, string>;
  files: Record<string, string>;
  engine: {
    info: Answer<EngineInfo>;
    engineFacts: EngineEvidence | null;
    sweep: number;
    localImage: Array<{ ref: string; platform: string | null; answer: Answer<ImageConfig | null> }>;
    ensureImage: Array<{ ref: string; platform: string | null; progress: PullProgress[]; answer: Answer<ImageConfig> }>;
    networkMtu: Array<{ network: string | null; answer: Answer<number | null> }>;
    runAgent: RecordedAgentRun[];
  };
  /** The host side of the comparison: what it was asked about and what it answered. */
  hostProbe: Array<{ input: { targets: PlannedTarget[]; timeoutMs: number; extraCa: boolean; addHosts: string[] }; answer: Answer<Omit<HostEvidence, 'networkMtu' | 'networkName'>> }>;
  /** What the recorded run returned and reported: its rows by code, and the summary (the JSON report, digested). */
  outcome: { exitCode: number; stderr: string; durationMs: number; rows: RecordedRow[]; summary: Report['summary'] | null };
}
