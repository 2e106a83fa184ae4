/**
 * The agent's blocks → Evidence: which block answers which planned probe, the container's
 * environment with where each variable came from, and the raw blocks for -v. Pure: the
 * collector (src/collect) calls these as blocks arrive and once the agent is done.
 */
import type { DockerfileEvidence, EnvVar, Evidence, FetchEvidence, FsEvidence, ProbePlan, RawBlock, RepoEvidence, SumdbGetEvidence, TargetEvidence, TransferEvidence } from '../model.js';
import { parseDns, parseHttp, parseTcp, parseTls } from './parse-network.js';
import { parseFetch, parseFs, parseRepo, parseTransfer } from './parse.js';
import type { Block } from './wire.js';

/** The probes a plan names, as measured. */
export type MeasuredEvidence = Pick<Evidence, 'targets' | 'paths' | 'repos' | 'fetches' | 'sumdb' | 'transfers'>;

/** What the agent's blocks say about each planned target's chain so far. */
export function targetsFromBlocks(plan: ProbePlan, blocks: ReadonlyMap<string, Block>, finished: ReadonlySet<string>): TargetEvidence[] {
  return plan.targets.map((t) => {
    const get = (kind: string) => blocks.get(`${kind}:${t.key}`);
    const dns = get('dns');
    const tcp = get('tcp');
    const tls = get('tls');
    const http = get('http');
    return {
      target: t,
      finished: finished.has(t.key),
      dns: dns ? parseDns(dns, t.host) : null,
      tcp: tcp ? parseTcp(tcp, t.host) : null,
      tls: tls ? parseTls(tls, t.host, t.port) : null,
      http: http && t.httpUrl ? parseHttp(http, t.httpUrl, t.httpProxy) : null,
    };
  });
}

/** What the agent's blocks say about each planned probe. A probe with no block was not measured (no row, or a cache dir that does not exist). */
export function evidenceFromBlocks(plan: ProbePlan, blocks: ReadonlyMap<string, Block>, finished: ReadonlySet<string>): MeasuredEvidence {
  const targets = targetsFromBlocks(plan, blocks, finished);
  const paths: FsEvidence[] = plan.paths.map((p) => {
    const block = blocks.get(`fs:${p.key}`);
    if (block) return parseFs(block, p);
    return { path: p, exists: false, isDir: false, probedAt: '', ownerUid: null, ownerGid: null, mode: null, writable: false, writeError: '', mountPoint: null, readOnlyMount: false, freeKb: null };
  });
  const repos: RepoEvidence[] = plan.repos.flatMap((r) => {
    const block = blocks.get(`repo:${r.key}`);
    return block ? [parseRepo(block, r)] : [];
  });
  const fetches: FetchEvidence[] = plan.fetches.flatMap((f) => {
    const block = blocks.get(`fetch:${f.key}`);
    return block ? [parseFetch(block, f)] : [];
  });
  const sumdb: SumdbGetEvidence[] = plan.sumdbGets.flatMap((g) => {
    const block = blocks.get(`http:${g.key}`);
    return block ? [{ get: g, http: parseHttp(block, g.url, g.httpProxy) }] : [];
  });
  const transfers: TransferEvidence[] = plan.transfers.flatMap((x) => {
    const block = blocks.get(`xfer:${x.key}`);
    return block ? [parseTransfer(block, x)] : [];
  });
  return { targets, paths, repos, fetches, sumdb, transfers };
}

/** The agent's blocks as they came, for -v and the report bundle (bounded: the wire reader caps lines). */
export function rawBlocks(blocks: ReadonlyMap<string, Block>): RawBlock[] {
  return [...blocks.values()].filter((b) => !b.id.startsWith('target:')).map((b) => ({ id: b.id, kv: b.kv, lines: [...b.raw, ...b.body] }));
}

/** A variable the Dockerfile stage sets, as an EnvVar: ENV/ARG lines are `dockerfile`, build args `build-arg`. */
export function stageEnvVars(stage: DockerfileEvidence | null): EnvVar[] {
  return (stage?.vars ?? []).map((v) => ({ name: v.name, value: v.value, source: /^--build-arg|\(build arg\)/.test(v.origin) ? 'build-arg' : 'dockerfile', origin: v.origin }));
}

/**
 * The container's environment with where each variable came from (later sources win, as
 * in docker): the image's ENV, then the Dockerfile stage's ENV/ARGs (as the build's RUN
 * step sees them), then docker config.json proxies, then -e/--env-file.
 */
export function envWithSources(imageEnv: readonly string[], configEnv: readonly string[], flagEnv: readonly string[], stageVars: readonly EnvVar[] = []): EnvVar[] {
  const vars = new Map<string, EnvVar>();
  const layer = (entries: readonly string[], source: EnvVar['source']) => {
    for (const e of entries) {
      const i = e.indexOf('=');
      if (i > 0) vars.set(e.slice(0, i), { name: e.slice(0, i), value: e.slice(i + 1), source });
    }
  };
  layer(imageEnv, 'image');
  for (const v of stageVars) {
    vars.delete(v.name); // re-inserted: the map's order is the order of application
    vars.set(v.name, v);
  }
  layer(configEnv, 'docker-config');
  layer(flagEnv, 'flag');
  return [...vars.values()];
}
