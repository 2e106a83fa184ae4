/**
 * The doctor's entry: run(argv, io) → exit code. Parse first, then work (never
 * inside a yargs handler, yargs/yargs#2394). The one place errors become exit codes.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import createDebug from 'debug';
import { configProxyEnv, dockerConfigPath } from '../engine/docker-config.js';
import { DockerEngine } from '../engine/docker.js';
import { type EngineEndpoint, nodeEndpointIo, resolveEndpoint } from '../engine/endpoint.js';
import type { Engine } from '../engine/types.js';
import { DoctorError, UsageError } from '../errors.js';
import { ExitCode } from '../model.js';
import type { DoctorOptions } from '../options.js';
import { explainLog, explanationJson, renderExplanation } from '../explain/explain.js';
import { sanitizeLine } from '../render/sanitize.js';
import { buildBundle } from '../runner/bundle.js';
import { listProbes } from '../runner/list-probes.js';
import { redactDeep } from '../redact.js';
import { envSecrets, scrub, urlPasswords } from '../secrets.js';
import { buildReport } from '../runner/report.js';
import { runBuildStep } from '../runner/build-step.js';
import { collectEvidence, type RunDeps } from '../runner/run.js';
import { configProxiesAsBuildArgs, resolveDockerfileStage } from '../runner/stage.js';
import { parseArgs } from './args.js';
import { AGENT_SCRIPT_PATH, VERSION } from './assets.js';
import { exitCodeFor, useColor, writeReport } from './output.js';
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
  const onSignal = (signal: NodeJS.Signals) => {
    // Remove what we started, then leave with the conventional code.
    interrupted = (engine?.abortAll() ?? Promise.resolve()).finally(() => process.exit(signal === 'SIGINT' ? ExitCode.Interrupted : ExitCode.Terminated));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const parsed = parseArgs(io.argv, { env: io.env, readFile: (p) => readFileSync(p, 'utf8'), cwd: process.cwd(), exists: existsSync }, VERSION);
    if (parsed.kind === 'exit') {
      io.stdout.write(parsed.output.endsWith('\n') ? parsed.output : `${parsed.output}\n`);
      return ExitCode.Ok;
    }
    if (parsed.kind === 'explain') return await runExplain(parsed.file, parsed.json, io);
    const opts = parsed.options;
    debugMode = opts.debug;
    applySelection(opts);
    // The engine the user's docker CLI talks to: DOCKER_HOST, a context, or the default socket.
    const endpointIo = nodeEndpointIo(io.env);
    const endpoint = resolveEndpoint(endpointIo);
    loadDockerConfigProxies(opts, io, endpoint);
    configProxiesAsBuildArgs(opts);
    const resolved = opts.dockerfile ? resolveDockerfileStage(opts) : null;
    if (opts.debug) createDebug.enable('gomod-doctor:*');
    engine = io.engine ?? new DockerEngine(endpoint, endpointIo);
    if (opts.listProbes) {
      io.stdout.write(scrub(await listProbes(opts, { engine, endpoint, stage: resolved }), opts.secrets));
      return ExitCode.Ok;
    }
    // Spinner only for a person at a terminal of known size: never in CI logs, pipes or a 0×0 pty.
    const spinner = startProgress(io);
    const started = new Date();
    const agentScript = readFileSync(AGENT_SCRIPT_PATH, 'utf8');
    const runId = randomBytes(6).toString('hex');
    const runEngine = engine;
    try {
      const outcome = await collectEvidence(
        opts,
        {
          engine,
          hostEnv: io.env,
          hostProbe: io.hostProbe,
          agentScript,
          progress: (text) => spinner.text(text),
          pending: (names, done, total) => spinner.pending(names, done, total),
          now: () => Date.now(),
          runId,
          buildStep:
            resolved && opts.mode === 'build'
              ? (image, info, stage) => runBuildStep(opts, stage, resolved.prefix, image, info, { engine: runEngine, agentScript, runId, hostname: hostname(), pid: process.pid, now: () => Date.now(), progress: (text) => spinner.text(text) })
              : undefined,
        },
        resolved ? resolved.withImageEnv : null,
      );
      spinner.stop();
      // Checks redact what they know is secret; this catches anything echoed back (a server, a log line).
      const goEnvSecrets = Object.values(outcome.evidence.facts.goEnv ?? {}).flatMap(urlPasswords);
      // The host-side probes used this process's own proxy variables.
      const hostSecrets = Object.values(io.env).flatMap((v) => (v ? urlPasswords(v) : []));
      const known = [...opts.secrets, ...envSecrets(outcome.evidence.env), ...goEnvSecrets, ...hostSecrets];
      // Token shapes, URL passwords and private keys go too, before any renderer sees a string.
      const report = redactDeep(buildReport(outcome.evidence, { version: VERSION, startedAt: started, durationMs: Date.now() - started.getTime() }, opts), known);
      if (parsed.kind === 'report') {
        const bundle = buildBundle(outcome.evidence, report, opts, known, { createdAt: started, version: VERSION, node: process.version, platform: `${process.platform}/${process.arch}`, argv: io.argv });
        const out = parsed.out ?? `gomod-doctor-report-${started.toISOString().replace(/[:.]/g, '-')}.json`;
        const md = out.replace(/\.json$/i, '') + '.md';
        writeFileSync(out, bundle.json, { mode: 0o600 });
        writeFileSync(md, bundle.markdown, { mode: 0o600 });
        io.stdout.write(`wrote ${out} and ${md} (secrets redacted): attach them to the ticket\n`);
      } else {
        writeReport(report, opts, io, (text) => scrub(text, known));
      }
      return exitCodeFor(report, opts.failOn);
    } finally {
      spinner.stop();
    }
  } catch (err) {
    return reportError(err, io.stderr, debugMode);
  } finally {
    // Interrupted: the run may end first (its build or container was cut), but the exit is
    // the handler's, once what we started is removed.
    if (interrupted) await interrupted;
    await engine?.close();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** --only/--skip that leave out whole probe families skip their probes too: a faster run. */
function applySelection(opts: DoctorOptions): void {
  const wanted = (category: string, id?: string) => {
    const match = (sel: string) => sel === category || (id !== undefined && sel.startsWith(`${category}.`));
    if (opts.only.length && !opts.only.some(match)) return false;
    return !opts.skip.includes(category);
  };
  if (!wanted('e2e', 'e2e.fetch')) opts.fetch = false;
  if (!wanted('host', 'host.compare')) opts.hostProbes = false;
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

/**
 * Add the proxies the docker CLI would inject from its config.json. A config.json
 * that does not parse is the docker CLI's problem too: warn, as it does, and go on.
 */
function loadDockerConfigProxies(opts: DoctorOptions, io: CliIo, endpoint: EngineEndpoint): void {
  const path = dockerConfigPath(io.env);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return; // No config.json: nothing to inject, as for the docker CLI.
  }
  try {
    const found = configProxyEnv(text, endpoint.endpoint, opts.env);
    if (!found) return;
    opts.dockerConfigEnv = found.env;
    opts.dockerConfigSource = `${path} (proxies.${found.key})`;
    opts.secrets.push(...found.env.flatMap((e) => urlPasswords(e)));
  } catch (err) {
    io.stderr.write(`gomod-doctor: warning: ignoring ${sanitizeLine(path)}: ${sanitizeLine((err as Error).message)}\n`);
  }
}

/** The one error → exit code mapper: one line (and a hint), the stack only with --debug. */
export function reportError(err: unknown, stderr: NodeJS.WritableStream, debugMode: boolean): ExitCode {
  if (err instanceof DoctorError) {
    stderr.write(`gomod-doctor: ${sanitizeLine(err.message)}\n`);
    if (err.hint) stderr.write(`  ${sanitizeLine(err.hint)}\n`);
    if (debugMode && err.stack) stderr.write(`${err.stack}\n`);
    return err.exitCode;
  }
  const e = err as Error;
  stderr.write(`gomod-doctor: internal error: ${sanitizeLine(e?.message ?? String(err))}\n`);
  stderr.write(debugMode && e?.stack ? `${e.stack}\n` : '  run again with --debug for details, and report it with that output\n');
  return ExitCode.CannotProbe;
}
