/**
 * The probe container's conversation: attach before the start, start, hand the files over
 * while the facts run, write the plan and the stops to stdin, read the agent's output until
 * its last word (or the streams end, or the deadline). DockerEngine.runAgent creates the
 * container and removes it afterwards.
 */
import { PassThrough } from 'node:stream';
import createDebug from 'debug';
import type Docker from 'dockerode';
import tar from 'tar-stream';
import { ProbeFailed } from '../errors.js';
import type { AgentConversation, AgentFile, AgentRunResult, AgentSpec } from './types.js';

const debug = createDebug('gomod-doctor:engine');

/** One bounded engine call (DockerEngine.call). */
export type EngineCall = <T>(what: string, work: (signal: AbortSignal) => Promise<T>, ms?: number) => Promise<T>;

const PING_MS = 5_000;

/** The engine's error message, without dockerode's '(HTTP code N) ... -' prefix. */
export function messageOf(err: unknown): string {
  if (err && typeof err === 'object') {
    const e = err as { json?: { message?: string }; reason?: string; message?: string; code?: string };
    const text = e.json?.message ?? e.message ?? String(err);
    return text.replace(/^\(HTTP code \d+\) [^-]*- /, '').trim();
  }
  return String(err);
}

/** Where the handed files go in the probe container ($0's directory for the agent). */
export const AGENT_DIR = '/.gomod-doctor';

/** The agent directory and the handed files as an in-memory tar for putArchive. */
export async function agentArchive(files: AgentFile[]): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  pack.on('data', (c) => chunks.push(c as Buffer));
  const done = new Promise<void>((resolve, reject) => {
    pack.on('end', resolve);
    pack.on('error', reject);
  });
  // World-writable and sticky, like /tmp: the agent runs as the image user, whoever that is.
  const dir = AGENT_DIR.slice(1);
  pack.entry({ name: `${dir}/`, type: 'directory', mode: 0o1777 });
  for (const f of files) pack.entry({ name: `${dir}/${f.name}`, mode: f.mode }, f.content);
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

/** How the conversation ended: `answered` when the agent said its last word (it then exits by itself). */
export interface Conversed {
  result: AgentRunResult;
  answered: boolean;
}

/** Attach, start, converse; the result once the agent answered, its streams ended, or the deadline expired. */
export async function converse(call: EngineCall, container: Docker.Container, spec: AgentSpec, conversation: AgentConversation): Promise<Conversed> {
  const stream = (await call('attach', (abortSignal) =>
    container.attach({ stream: true, stdin: true, stdout: true, stderr: true, hijack: true, abortSignal } as never),
  )) as NodeJS.ReadWriteStream;
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  stdout.setEncoding('utf8');
  let stderrTail = '';
  stdout.on('data', (chunk: string) => conversation.onStdout(chunk));
  stderr.on('data', (chunk: Buffer) => (stderrTail = (stderrTail + chunk.toString('utf8')).slice(-4096)));
  container.modem.demuxStream(stream, stdout, stderr);
  const streamsDone = new Promise<void>((resolve) => {
    const finish = () => {
      stdout.end();
      stderr.end();
      stdout.once('end', resolve);
      stdout.resume();
    };
    stream.once('end', finish);
    stream.once('close', finish);
  });
  try {
    await call('start container', (abortSignal) => container.start({ abortSignal } as object));
  } catch (err) {
    throw startFailure(spec, messageOf(err));
  }
  // The handed files are read only once the plan arrives: the copy runs beside the agent's
  // facts phase instead of before the start (the engine holds the container during a start,
  // so a copy cannot overlap the start itself).
  const copied = spec.files.length
    ? agentArchive(spec.files).then((archive) => call('copy files', (abortSignal) => container.putArchive(archive, { path: '/', abortSignal } as never)))
    : Promise.resolve();
  // The plan ends with its own `go` line: stdin stays open, because a socket proxy that
  // does not pass a half-close on (e.g. one in front of a remote engine) would close the
  // whole attach connection, output included.
  Promise.all([conversation.input, copied]).then(
    ([text]) => {
      stream.write(text);
      conversation.onInputWritten?.((more) => void stream.write(more));
    },
    () => stream.end(),
  );
  await copied;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), spec.deadlineMs)));
  let settled = false;
  const finished = (async () => {
    // The streams end when the agent does, or when the engine drops the connection. In
    // either case the exit status comes at once or not at all: bound the wait, or an
    // engine gone mid-run would leave the doctor waiting for the whole deadline.
    await streamsDone;
    debug('streams ended');
    if (settled) return null;
    // The engine removes an exited container by itself (AutoRemove): one already gone has no status to give.
    const exit = await call('wait for exit', (abortSignal) => container.wait({ abortSignal } as object), PING_MS).catch((err: unknown) => {
      if ((err as { statusCode?: number }).statusCode === 404) return null;
      throw err;
    });
    debug('exited %s', (exit as { StatusCode: number } | null)?.StatusCode ?? '(already removed)');
    return exit as { StatusCode: number } | null;
  })();
  // Once the agent has said its last word the run needs nothing more from the container:
  // the agent exits by itself and the engine removes the container (AutoRemove). Neither
  // is waited for: the exit can take seconds to be reported (the engine tears the network
  // sandbox down first, and a user network's embedded DNS server waits up to 4 s for every
  // query it forwarded to an upstream that never answers; docs/performance.md).
  const answered = conversation.answered?.then(() => 'answered' as const) ?? new Promise<never>(() => undefined);
  try {
    const outcome = await Promise.race([finished, deadline, answered]);
    if (outcome === 'answered') {
      debug('answered');
      return { result: { exitCode: null, stderrTail, timedOut: false, containerId: container.id }, answered: true };
    }
    if (outcome === 'timeout') {
      debug('deadline expired for %s', container.id.slice(0, 12));
      return { result: { exitCode: null, stderrTail, timedOut: true, containerId: container.id }, answered: false };
    }
    return { result: { exitCode: outcome?.StatusCode ?? null, stderrTail, timedOut: false, containerId: container.id }, answered: false };
  } finally {
    settled = true;
    clearTimeout(timer);
    finished.catch(() => undefined);
  }
}

/** Turn the runtime's start error into something a user can act on. */
function startFailure(spec: AgentSpec, message: string): ProbeFailed {
  if (/\/bin\/sh.*no such file|executable file not found/i.test(message)) {
    return new ProbeFailed(
      `image ${spec.image} has no /bin/sh: the probe agent needs a POSIX shell`,
      'distroless and scratch images cannot be probed; point --image at the build stage that runs `go mod download`',
    );
  }
  if (/unable to find user|no matching entries in passwd/i.test(message)) {
    return new ProbeFailed(
      `image ${spec.image} cannot run as user "${spec.user}": ${message}`,
      'the build would fail the same way: create the user in the Dockerfile before USER, or pass --user UID:GID',
    );
  }
  return new ProbeFailed(`the probe container did not start: ${message}`);
}
