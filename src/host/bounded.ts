/** Bounded network steps on the host: a deadline per step, and how a step reads its clock and errors. */
import type net from 'node:net';

export const TIMED_OUT = Symbol('timed out');

/** Run `work` bounded by `ms`. Its signal aborts when the step is over either way, so it can drop its sockets. */
export async function within<T>(ms: number, work: (signal: AbortSignal) => Promise<T>): Promise<T | typeof TIMED_OUT> {
  const abort = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const expiry = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), ms);
  });
  try {
    return await Promise.race([work(abort.signal), expiry]);
  } finally {
    clearTimeout(timer);
    abort.abort();
  }
}

export function destroyOnAbort(signal: AbortSignal, socket: net.Socket): void {
  signal.addEventListener('abort', () => socket.destroy(), { once: true });
}

export const since = (t0: number) => Math.round(performance.now() - t0);
export const codeOf = (err: unknown) => String((err as NodeJS.ErrnoException | null)?.code ?? '');
export const textOf = (err: unknown) => (err instanceof Error ? err.message : String(err)).slice(0, 200);
export const bare = (host: string) => host.replace(/^\[(.*)\]$/, '$1');
