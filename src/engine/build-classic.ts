/**
 * The classic builder (`POST /build?version=1`, DOCKER_BUILDKIT=0): the build stream is
 * read step by step (`Step N/M : INSTR`, output, ` ---> <id>`), the probe step's output
 * kept apart, the tail of the step that failed kept for the row.
 */
import type Docker from 'dockerode';
import { EngineUnavailable } from '../errors.js';
import { packContext } from './build-context.js';
import type { BuildCall } from './builds.js';
import type { BuildProbeResult, BuildProbeSpec } from './types.js';

interface BuildEvent {
  stream?: string;
  error?: string;
  errorDetail?: { message?: string };
  aux?: { ID?: string };
}

/**
 * The POST /build query both builders share: the generated Dockerfile, the build args, the network,
 * --add-host and --platform. Absent keys, not empty ones: the engine rejects `extrahosts=` as a bad add-host.
 */
export function buildQuery(spec: BuildProbeSpec, dockerfileName: string): Record<string, unknown> {
  return {
    dockerfile: dockerfileName,
    buildargs: spec.buildArgs,
    ...(spec.network ? { networkmode: spec.network } : {}),
    ...(spec.addHosts.length ? { extrahosts: spec.addHosts } : {}),
    ...(spec.platform ? { platform: spec.platform } : {}),
  };
}

export async function classicBuild(docker: Docker, spec: BuildProbeSpec, call: BuildCall, signal: AbortSignal): Promise<BuildProbeResult> {
  const dockerfileName = `.gomod-doctor-${spec.runId}.Dockerfile`;
  const context = packContext(spec.contextDir, spec.dockerignore, [{ name: dockerfileName, content: spec.dockerfile, mode: 0o644 }, ...spec.files]);
  const steps = new BuildStream(spec.probeStep);
  let timer: NodeJS.Timeout | undefined;
  const controller = new AbortController();
  const abort = () => controller.abort();
  signal.addEventListener('abort', abort, { once: true });
  try {
    const stream = await call('start build', async () =>
      (docker.buildImage as (context: unknown, opts: object) => Promise<NodeJS.ReadableStream>).call(docker, context, {
        _query: {
          ...buildQuery(spec, dockerfileName),
          rm: true,
          forcerm: true,
          pull: false,
          version: '1',
        },
        abortSignal: controller.signal,
      }),
    );
    const ended = new Promise<void>((resolve) => {
      docker.modem.followProgress(stream, () => resolve(), (event: BuildEvent) => {
        steps.push(event);
        if (steps.step && steps.started()) spec.onStep?.(steps.step);
      });
    });
    const timedOut = await Promise.race([ended.then(() => false), new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), spec.deadlineMs)))]);
    if (timedOut) controller.abort();
    return { builder: 'classic', output: steps.probeOutput, error: timedOut ? steps.failure('the build did not finish within the deadline') : steps.error, timedOut, log: steps.log };
  } catch (err) {
    if (err instanceof EngineUnavailable) throw err;
    return { builder: 'classic', output: steps.probeOutput, error: steps.failure(messageOf(err)), timedOut: false, log: steps.log };
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', abort);
  }
}

export function messageOf(err: unknown): string {
  if (err && typeof err === 'object') {
    const e = err as { json?: { message?: string }; message?: string };
    const text = e.json?.message ?? e.message ?? String(err);
    return text.replace(/^\(HTTP code \d+\) [^-]*- /, '').trim();
  }
  return String(err);
}

/**
 * The classic builder's progress stream, step by step: `Step N/M : INSTR`, then the
 * step's output, then ` ---> <id>`. Keeps the probe step's output and the tail of the
 * step that failed.
 */
export class BuildStream {
  step: string | null = null;
  probeOutput = '';
  error: BuildProbeResult['error'] = null;
  readonly log: string[] = [];
  private tail: string[] = [];
  private pending = '';
  private inProbe = false;
  private fresh = false;

  constructor(private readonly probeStep: string) {}

  push(event: BuildEvent): void {
    if (event.error || event.errorDetail) {
      this.flush();
      this.error = this.failure(event.errorDetail?.message ?? event.error ?? 'the build failed');
      return;
    }
    if (typeof event.stream !== 'string') return;
    this.pending += event.stream;
    const lines = this.pending.split('\n');
    this.pending = lines.pop() ?? '';
    for (const line of lines) this.line(line);
  }

  /** True once after each new step: the spinner names it. */
  started(): boolean {
    const was = this.fresh;
    this.fresh = false;
    return was;
  }

  failure(message: string): NonNullable<BuildProbeResult['error']> {
    return { step: this.step, message: message.trim(), outputTail: this.tail.slice(-20) };
  }

  private flush(): void {
    if (this.pending) this.line(this.pending);
    this.pending = '';
  }

  private line(line: string): void {
    const step = /^Step \d+\/\d+ : (.*)$/.exec(line);
    if (step) {
      this.step = step[1]!;
      this.fresh = true;
      this.tail = [];
      this.inProbe = this.step.includes(this.probeStep);
      this.keep(line);
      return;
    }
    if (/^ ---> /.test(line)) {
      if (!/^ ---> Running in /.test(line)) this.inProbe = false;
      this.keep(line);
      return;
    }
    if (this.inProbe) {
      this.probeOutput += `${line}\n`;
      return;
    }
    this.keep(line);
    this.tail.push(line.slice(0, 500));
    if (this.tail.length > 200) this.tail.splice(0, this.tail.length - 100);
  }

  private keep(line: string): void {
    if (this.log.length < 400) this.log.push(line.slice(0, 500));
  }
}
