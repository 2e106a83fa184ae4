// One throwaway container for the lab self-tests and fixture checks: labelled, files copied in
// before start, output demultiplexed, always removed.
import tar from 'tar-stream';
import { docker } from './engine.js';
import { TEST_LABEL } from './lab.js';

export interface ContainerRun {
  dns?: string[];
  network?: string;
  binds?: string[];
  /** Absolute path → content, or [content, mode]; copied in before start. */
  files?: Record<string, string | [string, number]>;
}

export interface ContainerResult {
  code: number;
  /** From start to exit. */
  ms: number;
  stdout: string;
  stderr: string;
}

/** Split docker's multiplexed log stream (8-byte frame headers) into stdout and stderr. */
export function demux(buf: Buffer): { stdout: string; stderr: string } {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  for (let i = 0; i + 8 <= buf.length; ) {
    const len = buf.readUInt32BE(i + 4);
    (buf[i] === 2 ? err : out).push(buf.subarray(i + 8, i + 8 + len));
    i += 8 + len;
  }
  return { stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() };
}

async function tarOf(files: NonNullable<ContainerRun['files']>): Promise<Buffer> {
  const pack = tar.pack();
  for (const [path, entry] of Object.entries(files)) {
    const [content, mode] = typeof entry === 'string' ? [entry, 0o644] : entry;
    pack.entry({ name: path.replace(/^\//, ''), mode }, content);
  }
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of pack) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Run `cmd` in a labelled throwaway container from `image` and collect its output. */
export async function runContainer(image: string, cmd: string[], opts: ContainerRun = {}): Promise<ContainerResult> {
  const container = await docker().createContainer({
    Image: image,
    Cmd: cmd,
    Labels: { [TEST_LABEL]: '1' },
    HostConfig: { Dns: opts.dns ?? [], NetworkMode: opts.network ?? 'bridge', Binds: opts.binds },
  });
  try {
    if (opts.files) await container.putArchive(await tarOf(opts.files), { path: '/' });
    const t0 = Date.now();
    await container.start();
    const { StatusCode } = (await container.wait()) as { StatusCode: number };
    const ms = Date.now() - t0;
    const logs = (await container.logs({ stdout: true, stderr: true, follow: false })) as unknown as Buffer;
    return { code: StatusCode, ms, ...demux(logs) };
  } finally {
    await container.remove({ force: true });
  }
}
