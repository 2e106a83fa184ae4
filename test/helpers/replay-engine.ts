/**
 * A recorded run played back (test/fixtures/replay/*.json, made by test/replay/record.ts):
 * an Engine that gives the recorded answers and feeds the agent's recorded stdout through
 * the conversation, and the recorded host-probe answer. No engine, no network, no labs:
 * the whole pipeline `run(io)` from argv to the rendered report, in milliseconds.
 */
import { existsSync, mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from '../../src/cli/args.js';
import { VERSION } from '../../src/cli/assets.js';
import { run } from '../../src/cli/main.js';
import { collectEvidence, type RunOutcome } from '../../src/collect/collect.js';
import { resolveOptions } from '../../src/cli/resolve.js';
import { resolveEndpoint, nodeEndpointIo } from '../../src/engine/endpoint.js';
import type { AgentConversation, AgentRunResult, AgentSpec, BuildProbeResult, Engine, EngineInfo, ImageConfig, PullProgress } from '../../src/engine/types.js';
import { EngineUnavailable, ImageMissing, ProbeFailed, UsageError } from '../../src/errors.js';
import type { probeHost } from '../../src/host/probe.js';
import type { EngineEvidence, Report } from '../../src/model.js';
import type { Answer, Recording } from './replay-format.js';

export type { Recording } from './replay-format.js';

const REPLAY_DIR = fileURLToPath(new URL('../fixtures/replay/', import.meta.url));

/** The environment every recorded and replayed run starts from: no colour, no docker config.json, no proxies. */
export const REPLAY_BASE_ENV: Readonly<Record<string, string>> = { CI: 'true', NO_COLOR: '1', DOCKER_CONFIG: '/nonexistent/gomod-doctor-replay' };
/** A replay must never reach an engine: any docker client made from this environment finds no socket. */
export const NO_ENGINE_HOST = 'unix:///nonexistent/gomod-doctor-replay.sock';

export function loadRecording(name: string): Recording {
  return JSON.parse(readFileSync(join(REPLAY_DIR, `${name}.json`), 'utf8')) as Recording;
}

export function recordingNames(): string[] {
  return readdirSync(REPLAY_DIR).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)).sort();
}

/** Write a recording's files into `dir` and put `dir` where `$FILES` stands. */
export function materialize(values: string[], files: Record<string, string>, dir: string): string[] {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return values.map((v) => v.replaceAll('$FILES', dir));
}

/** A stdout/stderr for run(io) that keeps what is written (not a terminal: 80 columns, no colour). */
export function memoryStream(): { stream: NodeJS.WriteStream; text(): string } {
  let text = '';
  const stream = { isTTY: false, columns: 0, write: (chunk: string | Uint8Array) => ((text += String(chunk)), true) } as unknown as NodeJS.WriteStream;
  return { stream, text: () => text };
}

const ERRORS: Record<string, new (message: string, hint?: string) => Error> = { EngineUnavailable, ImageMissing, ProbeFailed, UsageError };

function replayed<T>(answer: Answer<T>): T {
  if ('value' in answer) return answer.value;
  const Kind = ERRORS[answer.error.name];
  throw Kind ? new Kind(answer.error.message, answer.error.hint) : new Error(answer.error.message);
}

/** Wait until `ready()` holds, polling; false after `ms`. */
async function until(ready: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (!ready()) {
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 2));
  }
  return true;
}

const stopLines = (texts: string[]) => texts.join('').split('\n').filter((l) => l.startsWith('stop '));

export class ReplayEngine implements Engine {
  /** What each runAgent call asked for. */
  readonly specs: AgentSpec[] = [];
  /** What the replayed run wrote to each agent's stdin: the plan, then `stop` lines. */
  readonly stdin: string[][] = [];
  /** Recorded stop lines the replayed run did not write before the output that followed them. */
  readonly missingStops: string[] = [];
  /** Engine calls in the order they came, e.g. `ensureImage gomod-doctor-fixture/gobuilder:bookworm`. */
  readonly calls: string[] = [];
  private readonly queues: { localImage: Recording['engine']['localImage']; ensureImage: Recording['engine']['ensureImage']; networkMtu: Recording['engine']['networkMtu']; runAgent: Recording['engine']['runAgent'] };

  constructor(
    private readonly rec: Recording,
    /** How long to wait for the plan, or a stop line, that the recorded run had written before its next output. */
    private readonly stopWaitMs = 2000,
  ) {
    const e = rec.engine;
    this.queues = { localImage: [...e.localImage], ensureImage: [...e.ensureImage], networkMtu: [...e.networkMtu], runAgent: [...e.runAgent] };
  }

  private take<K extends 'localImage' | 'ensureImage' | 'networkMtu'>(kind: K, match: (entry: Recording['engine'][K][number]) => boolean, what: string): Recording['engine'][K][number] {
    this.calls.push(`${kind} ${what}`);
    const queue = this.queues[kind] as Array<Recording['engine'][K][number]>;
    const i = queue.findIndex(match);
    if (i < 0) throw new Error(`replay ${this.rec.scenario}: ${kind}(${what}) was not recorded`);
    return queue.splice(i, 1)[0]!;
  }

  async info(): Promise<EngineInfo> {
    this.calls.push('info');
    return replayed(this.rec.engine.info);
  }

  async engineFacts(): Promise<EngineEvidence | null> {
    this.calls.push('engineFacts');
    return this.rec.engine.engineFacts;
  }

  async localImage(ref: string, platform: string | null): Promise<ImageConfig | null> {
    return replayed(this.take('localImage', (e) => e.ref === ref && e.platform === platform, ref).answer);
  }

  async ensureImage(ref: string, platform: string | null, onProgress: (p: PullProgress) => void): Promise<ImageConfig> {
    const entry = this.take('ensureImage', (e) => e.ref === ref && e.platform === platform, ref);
    for (const p of entry.progress) onProgress(p);
    return replayed(entry.answer);
  }

  async networkMtu(network: string | null): Promise<number | null> {
    return replayed(this.take('networkMtu', (e) => e.network === network, String(network)).answer);
  }

  async sweep(): Promise<number> {
    this.calls.push('sweep');
    return this.rec.engine.sweep;
  }

  async runAgent(spec: AgentSpec, conversation: AgentConversation): Promise<AgentRunResult> {
    this.calls.push(`runAgent ${spec.image}`);
    const recorded = this.queues.runAgent.shift();
    if (!recorded) throw new Error(`replay ${this.rec.scenario}: no recorded agent run left`);
    this.specs.push(spec);
    conversation.onCreated(); // the recorded container was created: the host side starts, as it did
    const written: string[] = [];
    this.stdin.push(written);
    let planFailed = false;
    conversation.input.then(
      (plan) => {
        written.push(plan);
        conversation.onInputWritten?.((more) => void written.push(more));
      },
      () => (planFailed = true),
    );
    for (const out of recorded.stdout) {
      if (out.afterInput > 0 && !(await until(() => written.length > 0 || planFailed, this.stopWaitMs))) break;
      if (planFailed) break;
      if (out.afterInput > 1) {
        // This output came after the recorded run had stopped some jobs: it follows the same stops here.
        const wanted = stopLines(recorded.stdin.slice(1, out.afterInput).map((s) => s.text));
        const have = () => new Set(stopLines(written));
        if (!(await until(() => wanted.every((l) => have().has(l)), this.stopWaitMs))) {
          for (const l of wanted) if (!have().has(l) && !this.missingStops.includes(l)) this.missingStops.push(l);
        }
      }
      await new Promise((r) => setImmediate(r)); // chunks arrive on later turns, as from a socket
      // The container's clock, at the skew it had from the host's when recorded.
      conversation.onStdout(out.chunk.replace(/^@gmd kv clock_ms (\d+)$/m, (_, ms: string) => `@gmd kv clock_ms ${Date.now() + Number(ms) - out.hostMs}`));
    }
    return replayed(recorded.result);
  }

  async buildProbe(): Promise<BuildProbeResult> {
    throw new Error(`replay ${this.rec.scenario}: --mode build is not recorded`);
  }

  async endBuilds(): Promise<void> {}

  async abortAll(): Promise<void> {}

  async close(): Promise<void> {}
}

/** The recorded host-side answers, in order; `asked` keeps the targets each call got. */
export function replayHostProbe(rec: Recording): { probe: typeof probeHost; asked: Array<Parameters<typeof probeHost>[0]> } {
  const queue = [...rec.hostProbe];
  const asked: Array<Parameters<typeof probeHost>[0]> = [];
  const probe: typeof probeHost = async (input) => {
    asked.push(input);
    const next = queue.shift();
    if (!next) throw new Error(`replay ${rec.scenario}: no recorded host probe left`);
    return replayed(next.answer);
  };
  return { probe, asked };
}

export interface Replay {
  exitCode: number;
  stdout: string;
  stderr: string;
  engine: ReplayEngine;
  hostAsked: Array<Parameters<typeof probeHost>[0]>;
  /** The parsed report when the run printed JSON. */
  report: Report | null;
}

/** Run the whole pipeline, `run(io)`, over a recording. `argv` rewrites the recorded argv (e.g. another --format). */
export async function replayRun(rec: Recording, opts: { argv?: (argv: string[]) => string[] } = {}): Promise<Replay> {
  const dir = mkdtempSync(join(tmpdir(), 'gmd-replay-'));
  try {
    const argv = materialize(opts.argv ? opts.argv(rec.argv) : rec.argv, rec.files, dir);
    const env = Object.fromEntries(Object.entries(rec.env).map(([k, v]) => [k, v.replaceAll('$FILES', dir)]));
    const engine = new ReplayEngine(rec);
    const host = replayHostProbe(rec);
    const stdout = memoryStream();
    const stderr = memoryStream();
    const exitCode = await run({ argv, env: { ...REPLAY_BASE_ENV, DOCKER_HOST: NO_ENGINE_HOST, HOME: dir, PATH: process.env.PATH, ...env }, stdout: stdout.stream, stderr: stderr.stream, engine, hostProbe: host.probe });
    let report: Report | null = null;
    try {
      report = JSON.parse(stdout.text()) as Report;
    } catch {
      report = null;
    }
    return { exitCode, stdout: stdout.text(), stderr: stderr.text(), engine, hostAsked: host.asked, report };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The Evidence a recording gives, through collectEvidence over the replay engine (argv →
 * options as the CLI parses and resolves them, Dockerfile stage included).
 */
export async function replayEvidence(rec: Recording): Promise<RunOutcome & { replay: ReplayEngine }> {
  const dir = mkdtempSync(join(tmpdir(), 'gmd-replay-'));
  try {
    const argv = materialize(rec.argv, rec.files, dir);
    const env = { ...REPLAY_BASE_ENV, DOCKER_HOST: NO_ENGINE_HOST, HOME: dir, ...Object.fromEntries(Object.entries(rec.env).map(([k, v]) => [k, v.replaceAll('$FILES', dir)])) };
    const parsed = parseArgs(argv, { env, readFile: (p) => readFileSync(p, 'utf8'), cwd: process.cwd(), exists: existsSync }, VERSION);
    if (parsed.kind !== 'run') throw new Error(`replayEvidence: ${rec.scenario} is not a run (${parsed.kind})`);
    const endpoint = resolveEndpoint(nodeEndpointIo(env));
    const { options, stage } = resolveOptions(parsed.options, endpoint, { env, readFile: (p) => readFileSync(p, 'utf8'), warn: () => undefined });
    const engine = new ReplayEngine(rec);
    const deps = { engine, hostEnv: env, hostProbe: replayHostProbe(rec).probe, agentScript: '', progress: () => undefined, now: () => Date.now(), runId: 'replay' };
    return { ...(await collectEvidence(options, deps, stage ? stage.withImageEnv : null)), replay: engine };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
