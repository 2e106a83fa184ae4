/**
 * The doctor's entry: run(io) → exit code, top to bottom:
 * parse argv → resolve the options (once, frozen) → collect the Evidence (engine, agent,
 * host) → judge (rows, verdict, redaction) → render → exit code. Parse first, then work
 * (never inside a yargs handler, yargs/yargs#2394). Errors become exit codes in one place.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import createDebug from 'debug';
import { runBuildStep } from '../collect/build-step.js';
import { collectEvidence, type RunDeps } from '../collect/collect.js';
import { DockerEngine } from '../engine/docker.js';
import { type EngineEndpoint, nodeEndpointIo, resolveEndpoint } from '../engine/endpoint.js';
import type { Engine } from '../engine/types.js';
import { DoctorError, UsageError } from '../errors.js';
import { exitCodeForError, exitCodeForReport, exitCodeForSignal } from '../exit-code.js';
import { explainLog, explanationJson, renderExplanation } from '../explain/explain.js';
import { judge } from '../judge/judge.js';
import { ExitCode } from '../model.js';
import type { DoctorOptions } from '../options.js';
import { listingPlan } from '../plan/list-probes.js';
import { buildBundle } from '../render/bundle.js';
import { renderProbeList } from '../render/list-probes.js';
import { sanitizeLine } from '../render/sanitize.js';
import { scrub } from '../secrets.js';
import { parseArgs } from './args.js';
import { AGENT_SCRIPT_PATH, VERSION } from './assets.js';
import { useColor, writeReport } from './output.js';
import { type ResolvedStage, resolveOptions } from './resolve.js';
import { startProgress } from './spinner.js';

export interface CliIo {
  argv: string[];
  env: NodeJS.ProcessEnv;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  /** Tests inject a fake engine; the default talks to Docker. */
  engine?: Engine;
  /** Tests inject the host side of the comparison; the default probes from this machine. */
  hostProbe?: RunDeps['hostProbe'];
}

export async function run(io: CliIo): Promise<ExitCode> {
  let debugMode = io.argv.includes('--debug');
  let engine: Engine | undefined;
  let interrupted: Promise<void> | null = null;
  const onSignal = (signal: 'SIGINT' | 'SIGTERM') => {
    // Remove what we started, then leave with the conventional code.
    interrupted = (engine?.abortAll() ?? Promise.resolve()).finally(() => process.exit(exitCodeForSignal(signal)));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    // 1. Parse.
    const parsed = parseArgs(io.argv, { env: io.env, readFile: (p) => readFileSync(p, 'utf8'), cwd: process.cwd(), exists: existsSync }, VERSION);
    if (parsed.kind === 'exit') {
      io.stdout.write(parsed.output.endsWith('\n') ? parsed.output : `${parsed.output}\n`);
      return ExitCode.Ok;
    }
    if (parsed.kind === 'explain') return await runExplain(parsed.file, parsed.json, io);
    debugMode = parsed.options.debug;
    if (debugMode) createDebug.enable('gomod-doctor:*');

    // 2. Resolve: the engine the user's docker CLI talks to (DOCKER_HOST, a context, or the
    // default socket), its config.json proxies, the Dockerfile stage. Options are frozen from here.
    const endpointIo = nodeEndpointIo(io.env);
    const endpoint = resolveEndpoint(endpointIo);
    const resolveIo = { env: io.env, readFile: (p: string) => readFileSync(p, 'utf8'), warn: (text: string) => io.stderr.write(`gomod-doctor: warning: ${sanitizeLine(text)}\n`) };
    const { options: opts, stage } = resolveOptions(parsed.options, endpoint, resolveIo);
    engine = io.engine ?? new DockerEngine(endpoint, endpointIo);
    if (opts.listProbes) return await listProbes(opts, stage, engine, endpoint, io);

    // 3. Collect.
    const spinner = startProgress(io); // only for a person at a terminal of known size
    const started = new Date();
    try {
      const outcome = await collectEvidence(opts, runDeps(opts, stage, engine, io, spinner), stage ? stage.withImageEnv : null);
      spinner.stop();
      // 4. Judge.
      const { report, secrets } = judge(outcome.evidence, opts, { version: VERSION, startedAt: started, durationMs: Date.now() - started.getTime() }, io.env);
      // 5. Render.
      if (parsed.kind === 'report') {
        const bundle = buildBundle(outcome.evidence, report, opts, secrets, { createdAt: started, version: VERSION, node: process.version, platform: `${process.platform}/${process.arch}`, argv: io.argv });
        const out = parsed.out ?? `gomod-doctor-report-${started.toISOString().replace(/[:.]/g, '-')}.json`;
        const md = out.replace(/\.json$/i, '') + '.md';
        writeFileSync(out, bundle.json, { mode: 0o600 });
        writeFileSync(md, bundle.markdown, { mode: 0o600 });
        io.stdout.write(`wrote ${out} and ${md} (secrets redacted): attach them to the ticket\n`);
      } else {
        writeReport(report, opts, io, (text) => scrub(text, secrets));
      }
      // 6. Exit code.
      return exitCodeForReport(report, opts.failOn);
    } finally {
      spinner.stop();
    }
  } catch (err) {
    reportError(err, io.stderr, debugMode);
    return exitCodeForError(err);
  } finally {
    // Interrupted: the run may end first (its build or container was cut), but the exit is
    // the handler's, once what we started is removed.
    if (interrupted) await interrupted;
    await engine?.close();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** What collecting needs from the outside world: the engine, the host, the clock, the spinner. */
function runDeps(opts: DoctorOptions, stage: ResolvedStage | null, engine: Engine, io: CliIo, spinner: ReturnType<typeof startProgress>): RunDeps {
  const agentScript = readFileSync(AGENT_SCRIPT_PATH, 'utf8');
  const runId = randomBytes(6).toString('hex');
  const now = () => Date.now();
  const progress = (text: string) => spinner.text(text);
  return {
    engine,
    hostEnv: io.env,
    hostProbe: io.hostProbe,
    agentScript,
    progress,
    pending: (names, done, total) => spinner.pending(names, done, total),
    now,
    runId,
    buildStep:
      stage && opts.mode === 'build'
        ? (image, info, probed) => runBuildStep(opts, probed, stage.prefix, image, info, { engine, agentScript, runId, hostname: hostname(), pid: process.pid, now, progress })
        : undefined,
  };
}

/** --list-probes: the plan a run would make, as text; nothing is started or pulled. */
async function listProbes(opts: DoctorOptions, stage: ResolvedStage | null, engine: Engine, endpoint: EngineEndpoint, io: CliIo): Promise<ExitCode> {
  const image = await engine.localImage(opts.image, opts.platform).catch(() => null);
  const listing = listingPlan(opts, image, stage ? stage.withImageEnv : null, Date.now());
  io.stdout.write(scrub(renderProbeList(opts, listing, endpoint, stage ? stage.prefix : null), opts.secrets));
  return ExitCode.Ok;
}

/** explain FILE|-: name the failure in a pasted log. Reads at most the last 64 MiB. */
async function runExplain(file: string, json: boolean, io: CliIo): Promise<ExitCode> {
  let text: string;
  try {
    text = file === '-' ? await readStdin() : readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(`explain ${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : 'cannot read it'}`);
  }
  const e = explainLog(text);
  io.stdout.write(json ? explanationJson(e) : renderExplanation(e, { color: useColor(io) }));
  return ExitCode.Ok;
}

function readStdin(): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    process.stdin.on('data', (c: Buffer) => {
      chunks.push(c);
      size += c.length;
      // Keep the tail: the failure is at the end of a log.
      while (size > 64 * 1024 * 1024 && chunks.length > 1) size -= chunks.shift()!.length;
    });
    process.stdin.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    process.stdin.on('error', reject);
  });
}

/** An error, as the user sees it: one line (and a hint), the stack only with --debug. */
export function reportError(err: unknown, stderr: NodeJS.WritableStream, debugMode: boolean): void {
  if (err instanceof DoctorError) {
    stderr.write(`gomod-doctor: ${sanitizeLine(err.message)}\n`);
    if (err.hint) stderr.write(`  ${sanitizeLine(err.hint)}\n`);
    if (debugMode && err.stack) stderr.write(`${err.stack}\n`);
    return;
  }
  const e = err as Error;
  stderr.write(`gomod-doctor: internal error: ${sanitizeLine(e?.message ?? String(err))}\n`);
  stderr.write(debugMode && e?.stack ? `${e.stack}\n` : '  run again with --debug for details, and report it with that output\n');
}
