/**
 * A BuildKit build through the engine API, as `docker build` does it without buildx:
 * a session (secrets, SSH) opened first, then `POST /build?version=2&session=ID`, whose
 * stream carries the build status as `moby.buildkit.trace` protobuf (buildkit-status.ts).
 * The probe step's output is its vertex's stdout.
 */
import { randomBytes } from 'node:crypto';
import type Docker from 'dockerode';
import createDebug from 'debug';
import { EngineUnavailable } from '../errors.js';
import { packContext } from './build-context.js';
import { buildQuery, messageOf } from './build-classic.js';
import type { BuildCall } from './builds.js';
import { BuildkitProgress, loadStatusDecoder } from './buildkit-status.js';
import { type BuildSession, openSession, type SessionModem } from './buildkit-session.js';
import type { BuildProbeResult, BuildProbeSpec } from './types.js';

const debug = createDebug('gomod-doctor:buildkit');

interface StreamEvent {
  id?: string;
  aux?: unknown;
  stream?: string;
  error?: string;
  errorDetail?: { message?: string };
}

export async function buildkitBuild(docker: Docker, spec: BuildProbeSpec, call: BuildCall, signal: AbortSignal): Promise<BuildProbeResult> {
  const dockerfileName = `.gomod-doctor-${spec.runId}.Dockerfile`;
  const context = packContext(spec.contextDir, spec.dockerignore, [{ name: dockerfileName, content: spec.dockerfile, mode: 0o644 }, ...spec.files]);
  const decode = await loadStatusDecoder();
  const progress = new BuildkitProgress(spec.probeStep, spec.onStep);
  const buildId = `gomod-doctor-${spec.runId}-${randomBytes(4).toString('hex')}`;
  const controller = new AbortController();
  const abort = () => controller.abort();
  signal.addEventListener('abort', abort, { once: true });
  let session: BuildSession | null = null;
  let timer: NodeJS.Timeout | undefined;
  let failure: string | null = null;
  const result = (error: BuildProbeResult['error'], timedOut: boolean): BuildProbeResult => ({ builder: 'buildkit', output: progress.probeOutput, error, timedOut, log: progress.log });
  try {
    session = await call('open BuildKit session', (s) => openSession(docker.modem as unknown as SessionModem, spec.secrets, spec.ssh, AbortSignal.any([s, controller.signal])));
    const stream = await call('start build', () =>
      (docker.buildImage as (context: unknown, opts: object) => Promise<NodeJS.ReadableStream>).call(docker, context, {
        _query: {
          ...buildQuery(spec, dockerfileName),
          version: '2',
          session: session!.id,
          buildid: buildId,
        },
        abortSignal: controller.signal,
      }),
    );
    const ended = new Promise<void>((resolve) => {
      let pending = '';
      const onEvent = (ev: StreamEvent) => {
        if (ev.id === 'moby.buildkit.trace' && typeof ev.aux === 'string') progress.push(decode(ev.aux));
        else if (ev.error || ev.errorDetail) failure = ev.errorDetail?.message ?? ev.error ?? 'the build failed';
      };
      stream.on('data', (chunk: Buffer) => {
        const lines = (pending + chunk.toString('utf8')).split('\n');
        pending = lines.pop() ?? '';
        for (const line of lines) {
          if (!line.trim()) continue;
          try {
            onEvent(JSON.parse(line) as StreamEvent);
          } catch (err) {
            debug('unreadable build event: %s', (err as Error).message);
          }
        }
      });
      stream.on('end', resolve);
      stream.on('close', resolve);
      stream.on('error', (err: Error) => {
        failure ??= err.message;
        resolve();
      });
    });
    const timedOut = await Promise.race([ended.then(() => false), new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), spec.deadlineMs)))]);
    if (timedOut || signal.aborted) await cancelBuild(docker, buildId, call);
    if (timedOut) return result(progress.failure('the build did not finish within the deadline'), true);
    if (failure) return result(progress.failure(failure), false);
    if (/\[output clipped, log limit/.test(progress.probeOutput)) return result(progress.failure('BuildKit clipped the probe step\'s output (its log limit)'), false);
    return result(null, false);
  } catch (err) {
    if (controller.signal.aborted) await cancelBuild(docker, buildId, call);
    if (err instanceof EngineUnavailable) throw err;
    return result(progress.failure(messageOf(err)), false);
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', abort);
    controller.abort();
    session?.close();
  }
}

/** POST /build/cancel: dropping the connection cancels too, but this says so at once. */
async function cancelBuild(docker: Docker, buildId: string, call: BuildCall): Promise<void> {
  await call('cancel build', (abortSignal) =>
    new Promise<void>((resolve) =>
      docker.modem.dial({ path: '/build/cancel?', method: 'POST', options: { id: buildId }, abortSignal, statusCodes: { 200: true, 404: true, 500: 'server error' } }, () => resolve()),
    ),
  ).catch(() => undefined);
}
