/**
 * The builds of --mode build and what they leave: every image a build made (labelled
 * with its run id by the generated Dockerfile) is removed after it, and, for BuildKit,
 * the build cache records the run created are pruned once its builds are over. Records
 * that were there before the run's first build (the user's own cache mounts and layers)
 * are never touched: each record is pruned by its own id (`POST /build/prune` with an
 * `id` filter and `all`), never by a broad filter.
 */
import type Docker from 'dockerode';
import createDebug from 'debug';
import { classicBuild, messageOf } from './build-classic.js';
import { buildkitBuild } from './buildkit.js';
import { type BuildProbeResult, type BuildProbeSpec, LABEL_RUN } from './types.js';

const debug = createDebug('gomod-doctor:engine');

/** An engine call under the engine's deadline (DockerEngine.call). */
export type BuildCall = <T>(what: string, work: (signal: AbortSignal) => Promise<T>, ms?: number) => Promise<T>;

interface CacheRecord {
  ID: string;
  InUse: boolean;
  CreatedAt: string;
}

/** How long a cancelled build may keep its records in use before they are pruned anyway (then left for `docker builder prune`). */
const SETTLE_MS = 20_000;
/** The engine's answer while another disk-usage computation runs, and how long (× 250 ms) to wait it out. */
export const DF_BUSY = /disk usage operation is already running/;
const DF_ATTEMPTS = 60;

export class DockerBuilds {
  /** Builds in flight, by run id: Ctrl-C aborts them and removes what they made. */
  private readonly live = new Map<string, { controller: AbortController; done: Promise<unknown> }>();
  /** Per group: the build cache record ids present before its first BuildKit build. */
  private readonly baselines = new Map<string, Promise<Set<string> | null>>();
  /** Per group: its pruning, once started. */
  private readonly ending = new Map<string, Promise<void>>();

  constructor(
    private readonly docker: Docker,
    private readonly call: BuildCall,
  ) {}

  async probe(spec: BuildProbeSpec): Promise<BuildProbeResult> {
    const controller = new AbortController();
    const work = (async () => {
      try {
        if (spec.builder === 'classic') return await classicBuild(this.docker, spec, this.call, controller.signal);
        if (!this.baselines.has(spec.group)) this.baselines.set(spec.group, this.cacheRecords().then((rs) => new Set(rs.map((r) => r.ID))).catch(() => null));
        if (!(await this.baselines.get(spec.group))) {
          return { builder: 'buildkit' as const, output: '', error: { step: null, message: 'the engine did not list its build cache (GET /system/df): the doctor builds only when it can remove what it makes', outputTail: [] }, timedOut: false, log: [] };
        }
        return await buildkitBuild(this.docker, spec, this.call, controller.signal);
      } finally {
        await this.removeImages(spec.runId);
      }
    })();
    this.live.set(spec.runId, { controller, done: work.catch(() => undefined) });
    try {
      return await work;
    } finally {
      this.live.delete(spec.runId);
    }
  }

  /**
   * Prune the records made since the group's first build; waits (bounded) for a cancelled
   * build to let go of them. Called by the run and by Ctrl-C at once: one pruning, both wait for it.
   */
  end(group: string): Promise<void> {
    let ending = this.ending.get(group);
    if (!ending) {
      ending = this.prune(group);
      this.ending.set(group, ending);
    }
    return ending;
  }

  private async prune(group: string): Promise<void> {
    const before = await this.baselines.get(group);
    if (!before) return;
    const deadline = Date.now() + SETTLE_MS;
    // A parent goes only once its children have: a few passes, children (the newest) first.
    for (let pass = 0; pass < 4; ) {
      const records = await this.cacheRecords().catch((err) => {
        debug('listing build cache failed: %s', messageOf(err));
        return null;
      });
      if (!records) return;
      const made = records.filter((r) => !before.has(r.ID));
      if (made.length === 0) return;
      if (made.some((r) => r.InUse) && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 250));
        continue;
      }
      made.sort((a, b) => Date.parse(b.CreatedAt) - Date.parse(a.CreatedAt));
      for (const r of made) await this.pruneRecord(r.ID);
      pass++;
    }
  }

  async abortAll(): Promise<void> {
    const builds = [...this.live.values()];
    for (const b of builds) b.controller.abort();
    await Promise.all(builds.map((b) => b.done));
    await Promise.all([...new Set([...this.baselines.keys(), ...this.ending.keys()])].map((g) => this.end(g)));
  }

  private async cacheRecords(): Promise<CacheRecord[]> {
    for (let attempt = 1; ; attempt++) {
      try {
        const df = (await this.call('list build cache', (abortSignal) => (this.docker.df as (o: object) => Promise<unknown>).call(this.docker, { abortSignal }))) as { BuildCache?: CacheRecord[] | null };
        return df.BuildCache ?? [];
      } catch (err) {
        // The engine computes one disk usage at a time and refuses a second at once (500): another
        // client's `docker system df`, or one it is still finishing. Wait for it rather than leave records.
        if (attempt >= DF_ATTEMPTS || !DF_BUSY.test(messageOf(err))) throw err;
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  }

  private async pruneRecord(id: string): Promise<void> {
    // One id per call (the engine takes one value per filter key); `all`: shared and internal records too.
    await this.call('prune build cache record', (abortSignal) =>
      new Promise<void>((resolve, reject) =>
        this.docker.modem.dial(
          { path: '/build/prune?', method: 'POST', options: { all: true, filters: JSON.stringify({ id: [id] }) }, abortSignal, statusCodes: { 200: true, 400: 'bad parameter', 500: 'server error' } },
          (err: Error | null) => (err ? reject(err) : resolve()),
        ),
      ),
    ).catch((err) => debug('prune %s failed: %s', id, messageOf(err)));
  }

  /** Remove the images a build of this run made (the final one and, classic, any intermediate ones). */
  private async removeImages(runId: string): Promise<void> {
    try {
      const images = await this.call('list build images', (abortSignal) => this.docker.listImages({ all: true, filters: { label: [`${LABEL_RUN}=${runId}`] }, abortSignal } as object));
      images.sort((a, b) => b.Created - a.Created);
      for (const img of images) {
        await this.call('remove build image', (abortSignal) => this.docker.getImage(img.Id).remove({ force: true, abortSignal } as object)).catch((err) => {
          if ((err as { statusCode?: number }).statusCode !== 404) debug('remove image %s failed: %s', img.Id.slice(7, 19), messageOf(err));
        });
      }
    } catch (err) {
      debug('listing build images failed: %s', messageOf(err));
    }
  }
}
