/**
 * A unix socket in front of the real engine's, for fault tests: it can hold back what the
 * engine sends (latency) and cut every connection at once (an engine gone mid-run). Like
 * many socket proxies it passes no half-close on: a client's FIN closes both ways.
 */
import * as net from 'node:net';

const ENGINE_SOCK = '/var/run/docker.sock';

export interface EngineFront {
  /** DOCKER_HOST for the doctor. */
  dockerHost: string;
  /** Close every connection and accept no more. */
  cut(): void;
  close(): Promise<void>;
}

export async function engineFront(sock: string, opts: { delayMs?: number } = {}): Promise<EngineFront> {
  const open = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(ENGINE_SOCK);
    for (const s of [client, upstream]) {
      open.add(s);
      s.on('error', () => undefined);
      s.on('close', () => open.delete(s));
    }
    client.pipe(upstream);
    const delay = opts.delayMs ?? 0;
    if (delay > 0) {
      // Everything the engine sends arrives DELAY later, in order (timers of one delay fire
      // in the order they were set): each answer, and each chunk of the attach stream.
      upstream.on('data', (chunk: Buffer) => void setTimeout(() => client.destroyed || client.write(chunk), delay));
      upstream.on('end', () => void setTimeout(() => client.end(), delay));
    } else {
      upstream.pipe(client);
    }
    client.on('close', () => upstream.destroy());
  });
  await new Promise<void>((r) => server.listen(sock, () => r()));
  const cut = () => {
    server.close();
    for (const s of open) s.destroy();
  };
  return { dockerHost: `unix://${sock}`, cut, close: async () => cut() };
}
