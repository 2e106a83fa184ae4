/**
 * One doctor run against an engine: image → container → facts → plan → probes →
 * Evidence. All Docker work goes through the injected Engine; the rest is pure calls.
 */
import { parseDns, parseFacts, parseFetch, parseFs, parseHttp, parseRepo, parseTcp, parseTls, parseTransfer } from '../agent/parse.js';
import { probeHost } from '../host/probe.js';
import { type Block, encodePlan, WireReader } from '../agent/wire.js';
import type { Engine, EngineInfo, ImageConfig, PullProgress } from '../engine/types.js';
import { LABEL_RUN, LABEL_TOOL } from '../engine/types.js';
import { ProbeFailed } from '../errors.js';
import type { EnvVar, Evidence, FetchEvidence, FsEvidence, HostEvidence, ImageFacts, ProbePlan, RepoEvidence, SumdbGetEvidence, TargetEvidence, TransferEvidence } from '../model.js';
import type { DoctorOptions } from '../options.js';
import { planProbes } from './plan.js';

export interface RunDeps {
  engine: Engine;
  /** The doctor's own environment, for the host-side probes (process.env). */
  hostEnv: Readonly<Record<string, string | undefined>>;
  agentScript: string;
  /** Spinner text: what is happening or still pending. */
  progress(text: string): void;
  now(): number;
  runId: string;
}

export interface RunOutcome {
  evidence: Evidence;
  engine: EngineInfo;
  image: ImageConfig;
  plan: ProbePlan | null;
}

/** The container's deadline: the facts phase plus the longest chain (4 bounded steps), with slack. */
export function agentDeadlineMs(timeoutMs: number): number {
  return 5 * timeoutMs + 15_000;
}

export async function collectEvidence(opts: DoctorOptions, deps: RunDeps): Promise<RunOutcome> {
  const { engine } = deps;
  deps.progress('connecting to the Docker engine');
  const engineInfo = await engine.info();
  // Leftovers of killed runs go while we look at the image; failures here never fail the run.
  const swept = engine.sweep().catch(() => 0);
  deps.progress(`looking for image ${opts.image}`);
  const image = await engine.ensureImage(opts.image, opts.platform, (p: PullProgress) =>
    deps.progress(`pulling ${opts.image}: ${p.status}${p.id ? ` ${p.id}` : ''}`),
  );
  await swept;

  // The container's Env as the docker CLI would send it: config.json proxies first, then -e.
  const containerEnv = [...opts.dockerConfigEnv, ...opts.env];
  const envVars = envWithSources(image.env, opts.dockerConfigEnv, opts.env);
  const env = Object.fromEntries(envVars.map((v) => [v.name, v.value]));
  const user = opts.user ?? image.user;
  const sshAgentMount = '/run/gomod-doctor/ssh-agent.sock';
  const reader = new WireReader();
  const blocks = new Map<string, Block>();
  // Assigned inside the stdout callback; the holder keeps TypeScript's narrowing honest.
  const got: { facts: ImageFacts | null; plan: ProbePlan | null } = { facts: null, plan: null };
  const finished = new Set<string>();
  let hostRun: Promise<HostEvidence | null> = Promise.resolve(null);
  let resolveInput!: (text: string) => void;
  let rejectInput!: (err: Error) => void;
  const input = new Promise<string>((res, rej) => ((resolveInput = res), (rejectInput = rej)));

  const reportPending = () => {
    const plan = got.plan;
    if (!plan) return;
    const pending = plan.targets.filter((t) => !finished.has(t.key)).map((t) => t.host);
    deps.progress(`probing ${pending.join(', ')} (${finished.size}/${plan.targets.length} done)`);
  };

  deps.progress(`starting a probe container from ${opts.image} as ${user || 'root'}`);
  const result = await engine.runAgent(
    {
      image: opts.image,
      user,
      env: opts.sshAgentSocket ? [...containerEnv, `SSH_AUTH_SOCK=${sshAgentMount}`] : containerEnv,
      network: opts.network,
      dns: opts.dns,
      addHosts: opts.addHosts,
      platform: opts.platform,
      binds: [...opts.volumes, ...(opts.sshAgentSocket ? [`${opts.sshAgentSocket}:${sshAgentMount}`] : [])],
      // Secrets live in the throwaway container's agent directory, never in an image layer;
      // the agent copies them to 0600 files owned by the image user.
      files: [
        { name: 'agent.sh', content: deps.agentScript, mode: 0o755 },
        ...(opts.caCertPem ? [{ name: 'extra-ca.pem', content: opts.caCertPem, mode: 0o644 }] : []),
        ...(opts.netrcText ? [{ name: 'netrc', content: opts.netrcText, mode: 0o644 }] : []),
        ...(opts.netrcText && opts.gitToken ? [{ name: 'git-token', content: `${opts.gitToken.user} ${opts.gitToken.token}\n`, mode: 0o644 }] : []),
        ...(opts.sshKeyText ? [{ name: 'ssh-key', content: opts.sshKeyText, mode: 0o644 }] : []),
      ],
      labels: { [LABEL_TOOL]: 'gomod-doctor', [LABEL_RUN]: deps.runId },
      deadlineMs: agentDeadlineMs(opts.timeoutMs),
    },
    {
      input,
      onStdout(chunk) {
        for (const ev of reader.push(chunk)) {
          if (ev.type === 'block') {
            blocks.set(ev.block.id, ev.block);
            if (ev.block.id.startsWith('target:')) {
              finished.add(ev.block.id.slice('target:'.length));
              reportPending();
            }
          } else if (ev.type === 'ready' && !got.facts) {
            got.facts = parseFacts(blocks, deps.now());
            try {
              got.plan = planProbes(opts, got.facts, env);
              resolveInput(encodePlan(got.plan));
              // The host's side of the comparison runs while the container probes.
              if (opts.hostProbes) hostRun = runHostProbes(opts, got.plan, deps);
              reportPending();
            } catch (err) {
              rejectInput(err as Error);
            }
          }
        }
      },
    },
  );
  rejectInput(new Error('agent ended'));
  const { facts, plan } = got;
  if (!facts || !plan) {
    const why = result.timedOut ? 'did not report within the deadline' : `exited (code ${result.exitCode}) before reporting`;
    const tail = result.stderrTail.trim().split('\n').slice(-2).join(' ').slice(0, 300);
    throw new ProbeFailed(`the probe agent ${why}${tail ? `: ${tail}` : ''}`);
  }
  const donePlan: ProbePlan = plan;
  const targets: TargetEvidence[] = donePlan.targets.map((t) => {
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
  const paths: FsEvidence[] = donePlan.paths.map((p) => {
    const block = blocks.get(`fs:${p.key}`);
    if (block) return parseFs(block, p);
    return { path: p, exists: false, isDir: false, probedAt: '', ownerUid: null, ownerGid: null, mode: null, writable: false, writeError: '', mountPoint: null, readOnlyMount: false, freeKb: null };
  });
  const repos: RepoEvidence[] = donePlan.repos.flatMap((r) => {
    const block = blocks.get(`repo:${r.key}`);
    return block ? [parseRepo(block, r)] : [];
  });
  const fetches: FetchEvidence[] = donePlan.fetches.flatMap((f) => {
    const block = blocks.get(`fetch:${f.key}`);
    return block ? [parseFetch(block, f)] : [];
  });
  const sumdb: SumdbGetEvidence[] = donePlan.sumdbGets.flatMap((g) => {
    const block = blocks.get(`http:${g.key}`);
    return block ? [{ get: g, http: parseHttp(block, g.url, g.httpProxy) }] : [];
  });
  const transfers: TransferEvidence[] = donePlan.transfers.flatMap((x) => {
    const block = blocks.get(`xfer:${x.key}`);
    return block ? [parseTransfer(block, x)] : [];
  });
  const host = await hostRun;
  return {
    engine: engineInfo,
    image,
    plan: donePlan,
    evidence: {
      image: opts.image,
      engine: { endpoint: engineInfo.endpoint, version: engineInfo.version, apiVersion: engineInfo.apiVersion },
      user: user || 'root',
      facts,
      targets,
      paths,
      repos,
      fetches,
      sumdb,
      transfers,
      host,
      env: envVars,
      context: {
        network: opts.network,
        dns: opts.dns,
        addHosts: opts.addHosts,
        extraCa: opts.caCertPem !== null,
        timeoutMs: opts.timeoutMs,
        gomod: opts.gomod,
        privateRepos: opts.privateRepos.map((r) => r.input),
        dockerConfig: opts.dockerConfigSource,
        canary: opts.canary,
      },
    },
  };
}

/** The container's environment with where each variable came from (later sources win, as in docker). */
export function envWithSources(imageEnv: string[], configEnv: string[], flagEnv: string[]): EnvVar[] {
  const vars = new Map<string, EnvVar>();
  const layer = (entries: string[], source: EnvVar['source']) => {
    for (const e of entries) {
      const i = e.indexOf('=');
      if (i > 0) vars.set(e.slice(0, i), { name: e.slice(0, i), value: e.slice(i + 1), source });
    }
  };
  layer(imageEnv, 'image');
  layer(configEnv, 'docker-config');
  layer(flagEnv, 'flag');
  return [...vars.values()];
}

/** The same network probes from this machine, plus the MTU of the container's network. Never throws. */
async function runHostProbes(opts: DoctorOptions, plan: ProbePlan, deps: RunDeps): Promise<HostEvidence | null> {
  try {
    const [probed, networkMtu] = await Promise.all([
      probeHost({ targets: plan.targets, env: deps.hostEnv, timeoutMs: opts.timeoutMs, extraCaPem: opts.caCertPem, addHosts: opts.addHosts }),
      deps.engine.networkMtu(opts.network),
    ]);
    return { ...probed, networkMtu, networkName: opts.network ?? 'bridge' };
  } catch {
    return null; // the host side is a comparison: its own failure never fails the run
  }
}
