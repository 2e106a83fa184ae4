/**
 * The Docker implementation of the engine seam (dockerode). Container lifecycle follows
 * testcontainers' order: create (labelled) → attach before start → start → putArchive the
 * handed files → feed stdin (container.ts) → force-remove in `finally`, awaited by close().
 * Every call has a deadline.
 */
import { hostname } from 'node:os';
import createDebug from 'debug';
import Docker from 'dockerode';
import { EngineUnavailable, ImageMissing, withDeadline } from '../errors.js';
import type { EngineEvidence } from '../model.js';
import { DockerBuilds } from './builds.js';
import { converse, messageOf } from './container.js';
import { probeContainerOptions } from './probe-container.js';
import { type DialModem, engineFactsFrom, hostRouteMtu, isRootless, pingBuilderVersion, readDaemonJson } from './daemon-facts.js';
import { describeEngineError, type EndpointIo, type EngineEndpoint } from './endpoint.js';
import {
  type AgentConversation,
  type AgentRunResult,
  type AgentSpec,
  type BuildProbeResult,
  type BuildProbeSpec,
  type Engine,
  type EngineInfo,
  type ImageConfig,
  LABEL_HOST,
  LABEL_PID,
  LABEL_STARTED,
  LABEL_TOOL,
  type PullProgress,
} from './types.js';

const debug = createDebug('gomod-doctor:engine');

/** Bounds on single engine calls: an engine that stops answering must not hang the doctor. */
const CALL_MS = 15_000;
const PING_MS = 5_000;
const PULL_MS = 10 * 60_000;
/** A leftover older than this is removed by any later run, whoever made it. */
const STALE_MS = 60 * 60_000;



function statusOf(err: unknown): number | undefined {
  return (err as { statusCode?: number } | null)?.statusCode;
}

export class DockerEngine implements Engine {
  private readonly docker: Docker;
  private readonly endpoint: string;
  private readonly live = new Map<string, Docker.Container>();
  /** Creates the engine has not answered yet: the container may exist before its id reaches us. */
  private readonly creating = new Set<Promise<Docker.Container>>();
  private infoOnce: Promise<unknown> | null = null;
  private versionOnce: Promise<Docker.DockerVersion> | null = null;
  /** Probe containers being removed (never rejects: see remove). */
  private readonly removals = new Set<Promise<void>>();
  /** Aborted by close(): the calls of a run go out together, and an error ends the run before some return. */
  private readonly closing = new AbortController();
  /** --mode build's builds (build-classic.ts, buildkit.ts) and the removal of what they make. */
  private readonly builds: DockerBuilds;

  constructor(
    private readonly where: EngineEndpoint,
    private readonly io: EndpointIo,
    docker?: Docker,
  ) {
    this.endpoint = where.endpoint;
    this.docker = docker ?? new Docker(where.dockerodeOptions as Docker.DockerOptions);
    this.builds = new DockerBuilds(this.docker, (what, work, ms) => this.call(what, work, ms));
  }

  /** GET /info, asked once per run (the engine facts read it); null when it does not answer. */
  private engineInfo(): Promise<unknown> {
    this.infoOnce ??= this.call('info', (abortSignal) => (this.docker.info as (o: object) => Promise<unknown>).call(this.docker, { abortSignal }), PING_MS).catch(() => null);
    return this.infoOnce;
  }

  /** GET /version, asked once per run (info() and the engine facts both read it). */
  private engineVersion(): Promise<Docker.DockerVersion> {
    this.versionOnce ??= this.call('version', (abortSignal) => (this.docker.version as (o: object) => Promise<Docker.DockerVersion>).call(this.docker, { abortSignal }), PING_MS);
    return this.versionOnce;
  }

  /** The engine's own settings; null when even /info does not answer. Never throws. */
  async engineFacts(): Promise<EngineEvidence | null> {
    const quiet = <T>(what: string, work: (signal: AbortSignal) => Promise<T>) => this.call(what, work, PING_MS).catch(() => null);
    const [info, version, builder, bridge, route] = await Promise.all([
      this.engineInfo(),
      this.engineVersion().catch(() => null),
      pingBuilderVersion(this.docker.modem as unknown as DialModem, PING_MS, this.closing.signal),
      quiet('inspect network bridge', (abortSignal) => (this.docker.getNetwork('bridge').inspect as (o: object) => Promise<unknown>).call(this.docker.getNetwork('bridge'), { abortSignal })),
      hostRouteMtu(),
    ]);
    if (!info) return null;
    const daemonJson = readDaemonJson(this.where, isRootless(info), this.io);
    return engineFactsFrom({ info, version, pingBuilderVersion: builder, bridgeNetwork: bridge, daemonJson, hostRoute: route }, this.where);
  }

  private unavailable(err: unknown): EngineUnavailable {
    return new EngineUnavailable(
      `no Docker engine answered at ${this.endpoint}: ${describeEngineError(this.where, err)}`,
      'start the engine (dockerd, Docker Desktop, or `sudo systemctl start docker`), or point DOCKER_HOST at it',
    );
  }

  private call<T>(what: string, work: (signal: AbortSignal) => Promise<T>, ms = CALL_MS): Promise<T> {
    debug('%s', what);
    return withDeadline(
      ms,
      (signal) => work(AbortSignal.any([signal, this.closing.signal])),
      () => new EngineUnavailable(`the Docker engine at ${this.endpoint} did not answer ${what} within ${ms / 1000} s`),
    );
  }

  async close(): Promise<void> {
    await Promise.all(this.removals);
    this.closing.abort();
  }

  async networkMtu(network: string | null): Promise<number | null> {
    const name = network ?? 'bridge';
    if (name === 'host' || name === 'none' || name.startsWith('container:')) return null;
    try {
      const info = (await this.call(`inspect network ${name}`, (abortSignal) => (this.docker.getNetwork(name).inspect as (o: object) => Promise<unknown>).call(this.docker.getNetwork(name), { abortSignal }))) as { Options?: Record<string, string> };
      const mtu = Number(info.Options?.['com.docker.network.driver.mtu'] ?? 1500);
      return Number.isFinite(mtu) && mtu > 0 ? mtu : null;
    } catch {
      return null; // the run itself reports a missing network
    }
  }

  async info(): Promise<EngineInfo> {
    try {
      const v = await this.engineVersion();
      return { endpoint: this.endpoint, version: v.Version, apiVersion: v.ApiVersion, os: v.Os, arch: v.Arch };
    } catch (err) {
      throw err instanceof EngineUnavailable ? err : this.unavailable(err);
    }
  }

  async ensureImage(ref: string, platform: string | null, onProgress: (p: PullProgress) => void): Promise<ImageConfig> {
    const inspect = () => this.call(`inspect image ${ref}`, (abortSignal) => this.docker.getImage(ref).inspect({ abortSignal } as object));
    let img: Docker.ImageInspectInfo;
    try {
      img = await inspect();
    } catch (err) {
      // 400: the engine answered, and rejects the reference itself.
      if (statusOf(err) === 400) throw new ImageMissing(`image ${ref}: the engine rejects the reference: ${messageOf(err)}`, 'check the image name and tag');
      if (statusOf(err) !== 404) throw err instanceof EngineUnavailable ? err : this.unavailable(err);
      await this.pull(ref, platform, onProgress);
      img = await inspect();
    }
    return imageConfig(img);
  }

  async localImage(ref: string): Promise<ImageConfig | null> {
    try {
      return imageConfig(await this.call(`inspect image ${ref}`, (abortSignal) => this.docker.getImage(ref).inspect({ abortSignal } as object)));
    } catch (err) {
      if (statusOf(err) === 404) return null;
      throw err instanceof EngineUnavailable ? err : this.unavailable(err);
    }
  }

  private async pull(ref: string, platform: string | null, onProgress: (p: PullProgress) => void): Promise<void> {
    const hint = 'check the name and tag, `docker login` for a private registry, or configure a registry mirror';
    try {
      await this.call(
        `pull ${ref}`,
        async (abortSignal) => {
          const stream = await this.docker.pull(ref, { ...(platform ? { platform } : {}), abortSignal });
          // followProgress surfaces errors carried inside the progress stream (apocas/dockerode#647).
          await new Promise<void>((resolve, reject) => {
            this.docker.modem.followProgress(
              stream,
              (err: Error | null) => (err ? reject(err) : resolve()),
              (event: PullProgress) => onProgress(event),
            );
          });
        },
        PULL_MS,
      );
    } catch (err) {
      if (err instanceof EngineUnavailable && !/did not answer/.test(err.message)) throw err;
      throw new ImageMissing(`image ${ref} is not on this engine and could not be pulled: ${messageOf(err)}`, hint);
    }
  }

  async runAgent(spec: AgentSpec, conversation: AgentConversation): Promise<AgentRunResult> {
    const labels = { [LABEL_HOST]: hostname(), [LABEL_PID]: String(process.pid), [LABEL_STARTED]: String(Date.now()) };
    const creating = this.call('create container', (abortSignal) => this.docker.createContainer({ ...probeContainerOptions(spec, labels), abortSignal } as Docker.ContainerCreateOptions));
    this.creating.add(creating);
    const container = await creating.finally(() => this.creating.delete(creating));
    this.live.set(container.id, container);
    debug('created %s', container.id.slice(0, 12));
    conversation.onCreated();
    let answered = false;
    try {
      const conversed = await converse((what, work, ms) => this.call(what, work, ms), container, spec, conversation);
      answered = conversed.answered;
      return conversed.result;
    } finally {
      // An agent that said its last word exits by itself, and the engine then removes the
      // container (AutoRemove): the answer does not wait for the sandbox's teardown (0.2 s,
      // 4 s after a DNS upstream that never answered). Any other ending (deadline, error,
      // streams cut) force-removes, and close() waits for that before the process exits.
      if (!answered) this.removals.add(this.remove(container));
    }
  }

  /** Force-remove; `waitIfRemoving`: when the engine is already removing it, wait until it is gone. */
  private async remove(container: Docker.Container, waitIfRemoving = true): Promise<void> {
    try {
      await this.call('remove container', (abortSignal) => container.remove({ force: true, v: true, abortSignal } as object));
      debug('removed %s', container.id.slice(0, 12));
    } catch (err) {
      // Already being removed (the engine's AutoRemove, or a concurrent abortAll): wait until
      // it is gone, so that an interrupted run still exits with nothing left. Already gone is
      // fine; anything else is left for the next sweep.
      if (statusOf(err) === 409 && /already in progress/.test(messageOf(err))) {
        if (!waitIfRemoving) return;
        await this.call('wait for removal', (abortSignal) => container.wait({ condition: 'removed', abortSignal } as object)).catch(() => undefined);
      } else if (statusOf(err) !== 404) debug('remove %s failed: %s', container.id.slice(0, 12), messageOf(err));
    } finally {
      this.live.delete(container.id);
    }
  }

  buildProbe(spec: BuildProbeSpec): Promise<BuildProbeResult> {
    return this.builds.probe(spec);
  }

  endBuilds(group: string): Promise<void> {
    return this.builds.end(group);
  }

  async abortAll(): Promise<void> {
    // A container listed by the engine may still be on its way to us (Ctrl-C between the
    // engine's create and its answer): wait for those creates and remove what they made.
    const answered = [...this.creating].map((c) => c.then((container) => this.remove(container), () => undefined));
    await Promise.all([...[...this.live.values()].map((c) => this.remove(c)), ...answered, this.builds.abortAll()]);
  }

  async sweep(): Promise<number> {
    const list = await this.call('list leftovers', (abortSignal) =>
      this.docker.listContainers({ all: true, filters: { label: [`${LABEL_TOOL}=gomod-doctor`] }, abortSignal } as object),
    );
    const me = hostname();
    const stale = list.filter((c) => {
      // Being removed already: a finished run's container, which the engine removes by itself.
      if (this.live.has(c.Id) || c.State === 'removing') return false;
      const started = Number(c.Labels[LABEL_STARTED] ?? 0);
      const pid = Number(c.Labels[LABEL_PID] ?? 0);
      if (c.Labels[LABEL_HOST] === me && pid > 0 && !processAlive(pid)) return true;
      return Date.now() - started > STALE_MS;
    });
    // Not waited for when the engine is removing it meanwhile: the run waits for the sweep before it returns.
    await Promise.all(stale.map((c) => this.remove(this.docker.getContainer(c.Id), false)));
    return stale.length;
  }
}

function imageConfig(img: Docker.ImageInspectInfo): ImageConfig {
  return { id: img.Id, user: img.Config?.User ?? '', env: img.Config?.Env ?? [], workingDir: img.Config?.WorkingDir ?? '', os: img.Os, arch: img.Architecture };
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

