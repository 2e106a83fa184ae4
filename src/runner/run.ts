/**
 * One doctor run against an engine: image → container → facts → plan → probes →
 * Evidence. All Docker work goes through the injected Engine; the rest is pure calls.
 */
import createDebug from 'debug';
import { parseDns, parseFacts, parseFetch, parseFs, parseHttp, parseRepo, parseTcp, parseTls, parseTransfer } from '../agent/parse.js';
import { probeHost } from '../host/probe.js';
import { type Block, encodePlan, WireReader } from '../agent/wire.js';
import type { Engine, EngineInfo, ImageConfig, PullProgress } from '../engine/types.js';
import { LABEL_RUN, LABEL_TOOL } from '../engine/types.js';
import { ImageMissing, ProbeFailed } from '../errors.js';
import type { BuildStepEvidence, DockerfileEvidence, EngineEvidence, EnvVar, RawBlock, Evidence, FetchEvidence, PullEvidence, FsEvidence, HostEvidence, ImageFacts, ProbePlan, RepoEvidence, StopReason, SumdbGetEvidence, TargetEvidence, TransferEvidence } from '../model.js';
import type { DoctorOptions } from '../options.js';
import { redactUrl } from '../secrets.js';
import { planProbes } from './plan.js';
import { jobsToStop, withStopReasons } from './stop.js';

const debug = createDebug('gomod-doctor:agent');

export interface RunDeps {
  engine: Engine;
  /** The doctor's own environment, for the host-side probes (process.env). */
  hostEnv: Readonly<Record<string, string | undefined>>;
  agentScript: string;
  /** Spinner text: what is happening or still pending. */
  progress(text: string): void;
  /** Called as each probe's output arrives: what the agent is still working on (targets, fetches, repos). */
  pending?(names: string[], done: number, total: number): void;
  now(): number;
  runId: string;
  /** The host side of the comparison (probeHost by default); a replay passes recorded answers. */
  hostProbe?: typeof probeHost;
  /** --mode build: the same probes as a build step, started once the image is known. */
  buildStep?: (image: ImageConfig, engine: EngineInfo, stage: DockerfileEvidence) => Promise<BuildStepEvidence>;
}

export interface RunOutcome {
  evidence: Evidence;
  engine: EngineInfo;
  /** Null when the image could not be had (Dockerfile mode: the report then holds engine rows only). */
  image: ImageConfig | null;
  plan: ProbePlan | null;
}

/** The container's deadline: the facts phase plus the longest chain (4 bounded steps), with slack. */
export function agentDeadlineMs(timeoutMs: number): number {
  return 5 * timeoutMs + 15_000;
}

/**
 * `stageFor`: in Dockerfile mode, the stage resolved against the base image's ENV (its
 * PATH, GOPATH, ... feed the stage's `$VAR` substitutions), once the image is known.
 */
export async function collectEvidence(opts: DoctorOptions, deps: RunDeps, stageFor: ((imageEnv: string[]) => DockerfileEvidence) | null = null): Promise<RunOutcome> {
  const { engine } = deps;
  deps.progress('connecting to the Docker engine');
  // Everything before the create goes out at once, with the version call: the engine's
  // facts, the sweep of killed runs' leftovers (never fails the run), the image. An engine
  // that does not answer is reported by the version call.
  const answered = engine.info();
  const engineFacts = engine.engineFacts();
  const swept = engine.sweep().catch(() => 0);
  const pullStarted = deps.now();
  let pulled = false;
  const imageLookup = engine.ensureImage(opts.image, opts.platform, (p: PullProgress) => {
    pulled = true;
    deps.progress(`pulling ${opts.image}: ${p.status}${p.id ? ` ${p.id}` : ''}`);
  });
  imageLookup.catch(() => undefined); // awaited below, once the engine has answered
  const engineInfo = await answered;
  deps.progress(`looking for image ${opts.image}`);
  let image: ImageConfig;
  try {
    image = await imageLookup;
  } catch (err) {
    // A Dockerfile's base image that cannot be pulled fails the build before Go is
    // involved: that is a finding (engine.pull), not a reason to stop.
    if (!(err instanceof ImageMissing) || !stageFor) throw err;
    await swept;
    const error = err.message.replace(/^.*could not be pulled: /, '');
    const pull: PullEvidence = { image: opts.image, outcome: 'failed', ms: deps.now() - pullStarted, error };
    return { engine: engineInfo, image: null, plan: null, evidence: unprobed(opts, engineInfo, stageFor([]), pull, await engineFacts, deps.now()) };
  }
  const pull: PullEvidence = { image: opts.image, outcome: pulled ? 'pulled' : 'present', ms: deps.now() - pullStarted, error: null };
  const stage = stageFor ? stageFor(image.env) : null;
  await swept;
  // The build step runs beside the container probe: a run costs the slower of the two.
  const buildStepRun: Promise<BuildStepEvidence | null> = deps.buildStep && stage
    ? deps.buildStep(image, engineInfo, stage).catch((err: Error) => ({ builder: 'classic' as const, evidence: null, error: { step: null, message: err.message, outputTail: [] }, ms: 0 }))
    : Promise.resolve(null);

  // The container's Env as the docker CLI would send it: the stage's ENV/ARGs (what the
  // build's RUN step sees), config.json proxies, then -e.
  const stageVars = stageEnvVars(stage);
  const containerEnv = [...stageVars.map((v) => `${v.name}=${v.value}`), ...opts.dockerConfigEnv, ...opts.env];
  const envVars = envWithSources(image.env, opts.dockerConfigEnv, opts.env, stageVars);
  const env = Object.fromEntries(envVars.map((v) => [v.name, v.value]));
  const user = opts.user ?? stage?.user?.value ?? image.user;
  const sshAgentMount = '/run/gomod-doctor/ssh-agent.sock';
  const reader = new WireReader();
  const blocks = new Map<string, Block>();
  // Assigned inside the stdout callback; the holder keeps TypeScript's narrowing honest.
  const got: { facts: ImageFacts | null; plan: ProbePlan | null; done: boolean } = { facts: null, plan: null, done: false };
  const finished = new Set<string>();
  let hostRun: Promise<HostEvidence | null> = Promise.resolve(null);
  let resolveInput!: (text: string) => void;
  let rejectInput!: (err: Error) => void;
  const input = new Promise<string>((res, rej) => ((resolveInput = res), (rejectInput = rej)));
  let agentAnswered!: () => void;
  const lastWord = new Promise<void>((res) => (agentAnswered = res));

  // Jobs a lower layer has decided: told to stop as soon as the deciding block is in.
  const stops = new Map<string, StopReason>();
  const ended = new Set<string>();
  const toAgent: { write: ((text: string) => void) | null; queued: string } = { write: null, queued: '' };
  const sendStops = () => {
    const plan = got.plan;
    if (!plan) return;
    const targets = targetsFromBlocks(plan, blocks, finished);
    const decided = jobsToStop({ plan, env, targets, ended, stopped: new Set(stops.keys()) });
    if (!decided.size) return;
    let lines = '';
    for (const [key, why] of decided) {
      debug('stop %s: %s (%s %s)', key, why.what, why.id, why.target);
      stops.set(key, why);
      lines += `stop ${key}\n`;
    }
    if (toAgent.write) toAgent.write(lines);
    else toAgent.queued += lines;
  };

  const reportPending = () => {
    const plan = got.plan;
    if (!plan) return;
    const pending = plan.targets.filter((t) => !finished.has(t.key)).map((t) => t.host);
    deps.progress(`probing ${pending.join(', ')} (${finished.size}/${plan.targets.length} done)`);
    if (!deps.pending) return;
    const waits = [
      ...plan.targets.map((t) => ({ name: t.host, done: finished.has(t.key) })),
      ...plan.fetches.map((f) => ({ name: `go mod download via ${f.kind === 'configured' ? 'GOPROXY' : redactUrl(f.goproxy)}`, done: blocks.has(`fetch:${f.key}`) })),
      ...plan.repos.map((r) => ({ name: `git ls-remote ${r.host}`, done: blocks.has(`repo:${r.key}`) })),
    ];
    deps.pending(waits.filter((w) => !w.done).map((w) => w.name), waits.filter((w) => w.done).length, waits.length);
  };

  deps.progress(`starting a probe container from ${opts.image} as ${user || 'root'}`);
  const result = await engine.runAgent(
    {
      image: opts.image,
      user,
      env: opts.sshAgentSocket ? [...containerEnv, `SSH_AUTH_SOCK=${sshAgentMount}`] : containerEnv,
      workingDir: stage?.workdir?.value ?? null,
      network: opts.network,
      dns: opts.dns,
      addHosts: opts.addHosts,
      platform: opts.platform,
      binds: [...opts.volumes, ...(opts.sshAgentSocket ? [`${opts.sshAgentSocket}:${sshAgentMount}`] : [])],
      // Secrets live in the throwaway container's agent directory, never in an image layer
      // or the container's command; the agent copies them to 0600 files owned by the image user.
      script: deps.agentScript,
      files: [
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
      answered: lastWord,
      onInputWritten(write) {
        toAgent.write = write;
        if (toAgent.queued) write(toAgent.queued);
        toAgent.queued = '';
      },
      onStdout(chunk) {
        for (const ev of reader.push(chunk)) {
          if (ev.type === 'block') {
            blocks.set(ev.block.id, ev.block);
            debug('block %s', ev.block.id);
            const [kind, key] = ev.block.id.split(':') as [string, string | undefined];
            if ((kind === 'fetch' || kind === 'xfer') && key) ended.add(key);
            if (['dns', 'tcp', 'tls', 'http'].includes(kind)) sendStops();
            if (ev.block.id.startsWith('target:')) {
              finished.add(ev.block.id.slice('target:'.length));
              reportPending();
            } else if (/^(fetch|repo):/.test(ev.block.id)) reportPending();
          } else if (ev.type === 'done') {
            debug('agent done');
            got.done = true;
            agentAnswered();
          } else if (ev.type === 'ready' && !got.facts) {
            debug('facts ready');
            const parsed = parseFacts(blocks, deps.now());
            got.facts = { ...parsed, credentials: { ...parsed.credentials, handedNetrc: opts.netrcText !== null, handedSshKey: opts.sshKeyText !== null } };
            try {
              got.plan = planProbes(opts, got.facts, env);
              resolveInput(encodePlan(got.plan));
              debug('plan sent: %d targets', got.plan.targets.length);
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
    const tail = lastWords(result.stderrTail);
    throw new ProbeFailed(`the probe agent ${why}${tail ? `: ${tail}` : ''}`);
  }
  // Output that ends before `@gmd done`, with no deadline expired: the agent was killed
  // (out of memory, a signal) or the engine cut the stream. Unmeasured rows would read as
  // a clean bill of health; say what happened instead.
  if (!got.done && !result.timedOut) {
    const tail = lastWords(result.stderrTail);
    const how = result.exitCode === 137 ? 'was killed (exit 137: out of memory, or a kill)' : result.exitCode === 0 ? "'s output was cut off by the engine" : `exited (code ${result.exitCode})`;
    throw new ProbeFailed(`the probe agent ${how} before it finished probing${tail ? `: ${tail}` : ''}`, 'run it again; if it repeats, run with --debug and look at the engine (docker events, dockerd logs)');
  }
  const donePlan: ProbePlan = plan;
  const measured = withStopReasons(evidenceFromBlocks(donePlan, blocks, finished), stops);
  const host = await hostRun;
  if (deps.buildStep) deps.progress('waiting for the build step');
  const buildStep = await buildStepRun;
  return {
    engine: engineInfo,
    image,
    plan: donePlan,
    evidence: {
      image: opts.image,
      engine: { endpoint: engineInfo.endpoint, version: engineInfo.version, apiVersion: engineInfo.apiVersion },
      user: user || 'root',
      facts,
      ...measured,
      host,
      build: stage,
      pull,
      buildStep,
      engineFacts: await engineFacts,
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
        thresholds: opts.thresholds,
      },
      raw: rawBlocks(blocks),
    },
  };
}

/** The agent's last two stderr lines, for an error message. */
function lastWords(stderrTail: string): string {
  return stderrTail.trim().split('\n').slice(-2).join(' ').slice(0, 300);
}

/** The agent's blocks as they came, for -v and the report bundle (bounded: the wire reader caps lines). */
export function rawBlocks(blocks: Map<string, Block>): RawBlock[] {
  return [...blocks.values()].filter((b) => !b.id.startsWith('target:')).map((b) => ({ id: b.id, kv: b.kv, lines: [...b.raw, ...b.body] }));
}

/** Evidence for a run that never started a container: the engine's and the Dockerfile's rows only. */
function unprobed(opts: DoctorOptions, info: EngineInfo, stage: DockerfileEvidence, pull: PullEvidence, engineFacts: EngineEvidence | null, now: number): Evidence {
  return {
    image: opts.image,
    engine: { endpoint: info.endpoint, version: info.version, apiVersion: info.apiVersion },
    user: opts.user ?? stage.user?.value ?? 'root',
    facts: parseFacts(new Map(), now),
    targets: [],
    paths: [],
    repos: [],
    fetches: [],
    sumdb: [],
    transfers: [],
    host: null,
    env: envWithSources([], opts.dockerConfigEnv, opts.env, stageEnvVars(stage)),
    context: { network: opts.network, dns: opts.dns, addHosts: opts.addHosts, extraCa: opts.caCertPem !== null, timeoutMs: opts.timeoutMs, gomod: opts.gomod, privateRepos: opts.privateRepos.map((r) => r.input), dockerConfig: opts.dockerConfigSource, canary: opts.canary },
    build: stage,
    pull,
    engineFacts,
    buildStep: null,
  };
}

/** What the agent's blocks say about each planned target's chain so far. Pure. */
export function targetsFromBlocks(plan: ProbePlan, blocks: Map<string, Block>, finished: Set<string>): TargetEvidence[] {
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

/** What the agent's blocks say about each planned probe. Pure. */
export function evidenceFromBlocks(plan: ProbePlan, blocks: Map<string, Block>, finished: Set<string>): Pick<Evidence, 'targets' | 'paths' | 'repos' | 'fetches' | 'sumdb' | 'transfers'> {
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

/** A variable the Dockerfile stage sets, as an EnvVar: ENV/ARG lines are `dockerfile`, build args `build-arg`. */
export function stageEnvVars(stage: DockerfileEvidence | null): EnvVar[] {
  return (stage?.vars ?? []).map((v) => ({ name: v.name, value: v.value, source: /^--build-arg|\(build arg\)/.test(v.origin) ? 'build-arg' : 'dockerfile', origin: v.origin }));
}

/**
 * The container's environment with where each variable came from (later sources win, as
 * in docker): the image's ENV, then the Dockerfile stage's ENV/ARGs (as the build's RUN
 * step sees them), then docker config.json proxies, then -e/--env-file.
 */
export function envWithSources(imageEnv: string[], configEnv: string[], flagEnv: string[], stageVars: EnvVar[] = []): EnvVar[] {
  const vars = new Map<string, EnvVar>();
  const layer = (entries: string[], source: EnvVar['source']) => {
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

/** The same network probes from this machine, plus the MTU of the container's network. Never throws. */
async function runHostProbes(opts: DoctorOptions, plan: ProbePlan, deps: RunDeps): Promise<HostEvidence | null> {
  try {
    const [probed, networkMtu] = await Promise.all([
      (deps.hostProbe ?? probeHost)({ targets: plan.targets, env: deps.hostEnv, timeoutMs: opts.timeoutMs, extraCaPem: opts.caCertPem, addHosts: opts.addHosts }),
      deps.engine.networkMtu(opts.network),
    ]);
    debug('host probes done');
    return { ...probed, networkMtu, networkName: opts.network ?? 'bridge' };
  } catch {
    return null; // the host side is a comparison: its own failure never fails the run
  }
}
