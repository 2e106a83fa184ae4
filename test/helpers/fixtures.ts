// Fixture images for the e2e tests, built locally (there is no registry to pull from), cached by tag.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import tar from 'tar-stream';
import { docker } from './engine.js';

export const BUSYBOX_TAG = 'gomod-doctor-fixture/busybox:1';
export const GOBUILDER_TAG = 'gomod-doctor-fixture/gobuilder:bookworm';
const FIXTURE_LABEL = 'org.gomod-doctor.fixture';
const MIRROR = 'http://deb.debian.org/debian';

const log = (msg: string): void => void process.stderr.write(`${msg}\n`);

async function hasImage(tag: string): Promise<boolean> {
  try {
    await docker().getImage(tag).inspect();
    return true;
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode === 404) return false;
    throw err;
  }
}

export function aptInstall(pkg: string): void {
  log(`installing ${pkg} ...`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update'], ['install', '-y', pkg]]) {
    const r = spawnSync('apt-get', args, { stdio: ['ignore', 'ignore', 'inherit'], env });
    if (r.status !== 0) throw new Error(`apt-get ${args.join(' ')} failed (exit ${r.status ?? r.signal})`);
  }
}

/** Path of a statically linked busybox on the host, installing busybox-static when needed. */
export function staticBusybox(): string {
  const isStatic = (p: string): boolean => {
    const r = spawnSync('ldd', [p], { encoding: 'utf8' });
    // ldd says "not a dynamic executable" (exit 1) for static binaries, and fails outright for missing files.
    return r.error === undefined && /not a dynamic executable|statically linked/.test(`${r.stdout}${r.stderr}`);
  };
  for (const p of ['/bin/busybox', '/usr/bin/busybox']) if (isStatic(p)) return p;
  aptInstall('busybox-static');
  if (isStatic('/bin/busybox')) return '/bin/busybox';
  throw new Error('busybox-static installed but /bin/busybox is not a static binary');
}

/** Follow a build/import progress stream; errors reported inside the stream reject (apocas/dockerode#647). */
function followProgress(stream: NodeJS.ReadableStream): Promise<void> {
  return new Promise((resolve, reject) => {
    docker().modem.followProgress(
      stream,
      (err: Error | null, out: Array<{ error?: string; errorDetail?: { message?: string } }>) => {
        const bad = out?.find((o) => o.error || o.errorDetail);
        if (err) reject(err);
        else if (bad) reject(new Error(bad.errorDetail?.message ?? bad.error));
        else resolve();
      },
    );
  });
}

const BUSYBOX_DOCKERFILE = `FROM scratch
COPY busybox /bin/busybox
RUN ["/bin/busybox", "--install", "-s", "/bin"]
COPY passwd group /etc/
RUN mkdir -p /root /home/app /tmp && chmod 700 /root && chown 1000:1000 /home/app && chmod 1777 /tmp
LABEL ${FIXTURE_LABEL}=1
CMD ["sh"]
`;

/** Build `tag` from a Dockerfile and context files through the engine's build API. */
async function buildFromDockerfile(tag: string, dockerfile: string, files: Record<string, { content: string | Buffer; mode?: number }> = {}): Promise<void> {
  const pack = tar.pack();
  pack.entry({ name: 'Dockerfile' }, dockerfile);
  for (const [name, f] of Object.entries(files)) pack.entry({ name, mode: f.mode ?? 0o644 }, f.content);
  pack.finalize();
  // tar-stream packs are streamx streams; a Buffer-backed node Readable satisfies dockerode's types.
  const chunks: Buffer[] = [];
  for await (const chunk of pack) chunks.push(chunk as Buffer);
  const context = Readable.from([Buffer.concat(chunks)]);
  const stream = await docker().buildImage(context, { t: tag, rm: true, forcerm: true });
  await followProgress(stream);
}

async function buildBusybox(): Promise<void> {
  await buildFromDockerfile(BUSYBOX_TAG, BUSYBOX_DOCKERFILE, {
    busybox: { content: readFileSync(staticBusybox()), mode: 0o755 },
    passwd: { content: 'root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000:app:/home/app:/bin/sh\n' },
    group: { content: 'root:x:0:\napp:x:1000:\n' },
  });
}

/**
 * A scenario image derived from the fixtures (`FROM` one of them), built once and
 * reused by tag: e.g. a USER switch, a root-owned /go, HOME unset.
 */
export async function ensureDerivedImage(tag: string, dockerfile: string): Promise<string> {
  const exists = await docker()
    .getImage(tag)
    .inspect()
    .then(() => true, () => false);
  if (!exists) await buildFromDockerfile(tag, `${dockerfile.trim()}\nLABEL ${FIXTURE_LABEL}=1\n`);
  return tag;
}

const GOBUILDER_PACKAGES = 'golang-go,git,curl,ca-certificates,openssl,openssh-client,netbase,dnsutils';
const GOBUILDER_CHANGES = [
  'ENV PATH=/usr/local/go/bin:/usr/lib/go/bin:/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
  'ENV GOPATH=/go',
  `LABEL ${FIXTURE_LABEL}=1`,
  'WORKDIR /',
  'CMD ["bash"]',
];

async function buildGobuilder(): Promise<void> {
  if (spawnSync('sh', ['-c', 'command -v mmdebstrap'], { stdio: 'ignore' }).status !== 0) aptInstall('mmdebstrap');
  const mm = spawn(
    'mmdebstrap',
    [
      '--variant=apt',
      `--include=${GOBUILDER_PACKAGES}`,
      // Like the official golang image: a world-writable GOPATH.
      '--customize-hook=mkdir -p "$1/go/bin" "$1/go/src" && chmod -R 0777 "$1/go"',
      '--format=tar',
      'bookworm',
      '-',
      MIRROR,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  mm.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const exited = new Promise<number>((resolve) => mm.on('close', (code) => resolve(code ?? -1)));
  const [repo, tag] = GOBUILDER_TAG.split(':') as [string, string];
  // `changes` is repeated in the query string; dockerode passes arrays through querystring as such.
  const stream = await docker().importImage(mm.stdout, { repo, tag, changes: GOBUILDER_CHANGES } as object);
  const imported = followProgress(stream);
  const code = await exited;
  if (code !== 0) {
    await imported.catch(() => undefined);
    throw new Error(`mmdebstrap exited ${code}: ${stderr.trim().split('\n').slice(-3).join(' | ')}`);
  }
  await imported;
}

async function ensure(tag: string, build: () => Promise<void>): Promise<void> {
  if (await hasImage(tag)) return;
  log(`building fixture image ${tag} ...`);
  const t0 = Date.now();
  await build();
  if (!(await hasImage(tag))) throw new Error(`built ${tag} but the engine does not list it`);
  log(`built ${tag} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

/** Build (once, cached by tag) the fixture images the e2e tests run; returns their tags. */
export async function ensureFixtureImages(): Promise<{ busybox: string; gobuilder: string }> {
  await ensure(BUSYBOX_TAG, buildBusybox);
  await ensure(GOBUILDER_TAG, buildGobuilder);
  return { busybox: BUSYBOX_TAG, gobuilder: GOBUILDER_TAG };
}

/** The host tools the lab self-tests use (git's ssh transport): installed when missing, as root. */
export function ensureHostTools(): string {
  if (spawnSync('ssh', ['-V'], { stdio: 'ignore' }).status !== 0) aptInstall('openssh-client');
  return 'ssh';
}
