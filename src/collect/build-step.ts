/**
 * --mode build: the probe agent as a RUN step of a real build of the user's stage.
 * The engine builds the user's Dockerfile up to the go step, then our step, on the
 * same network, with the same build args and /etc/hosts entries, as the build's user.
 * A build step has no stdin, so it takes two builds: the first prints the facts, the
 * plan made from them goes into the context of the second. The rest is run mode's code.
 */
import { parseFacts } from '../agent/parse-facts.js';
import { type Block, encodePlan, WireReader } from '../agent/wire.js';
import type { Engine, EngineInfo, ImageConfig } from '../engine/types.js';
import { LABEL_HOST, LABEL_PID, LABEL_RUN, LABEL_STARTED, LABEL_TOOL } from '../engine/types.js';
import type { BuildStepEvidence, DockerfileEvidence, ImageFacts } from '../model.js';
import type { DoctorOptions } from '../options.js';
import { planProbes } from '../plan/plan.js';
import { envWithSources, evidenceFromBlocks, stageEnvVars } from '../agent/evidence.js';
import { agentDeadlineMs } from './container.js';

export interface BuildPrefix {
  /** The user's Dockerfile up to the go step of the probed stage, for the classic builder (cache mounts stripped). */
  text: string;
  strippedMounts: string[];
  /** What the classic builder cannot build in that text. */
  unsupported: string[];
  /** The same lines as written, for BuildKit. */
  buildkitText: string;
  /** The go step's `--mount=…` flags: the probe step carries them (BuildKit). */
  goStepMounts: string[];
}

export interface BuildStepDeps {
  engine: Engine;
  agentScript: string;
  runId: string;
  hostname: string;
  pid: number;
  now(): number;
  /** The spinner: the step the build is running. */
  progress?(text: string): void;
}

/** The engine API version BuildKit builds need (the session endpoint and `version=2`). */
const BUILDKIT_MIN_API = [1, 39];

/**
 * Which builder `docker build` would use, as the docker CLI decides: DOCKER_BUILDKIT when
 * set; else BuildKit, unless the engine cannot (a Windows engine, or API older than 1.39). Pure.
 */
export function chooseBuilder(dockerBuildkit: boolean | null, engine: Pick<EngineInfo, 'apiVersion' | 'os'>): { builder: 'classic' | 'buildkit'; why: string } {
  const [major = 0, minor = 0] = engine.apiVersion.split('.').map(Number);
  const oldApi = major < BUILDKIT_MIN_API[0]! || (major === BUILDKIT_MIN_API[0] && minor < BUILDKIT_MIN_API[1]!);
  const cannot = engine.os === 'windows' ? 'a Windows engine has no BuildKit' : oldApi ? `engine API ${engine.apiVersion} is older than 1.39` : null;
  if (dockerBuildkit === false) return { builder: 'classic', why: 'DOCKER_BUILDKIT=0' };
  if (cannot) return { builder: 'classic', why: `${cannot}${dockerBuildkit ? ' (DOCKER_BUILDKIT=1 asked for BuildKit)' : ''}` };
  return { builder: 'buildkit', why: dockerBuildkit ? 'DOCKER_BUILDKIT=1' : "the docker CLI's default (DOCKER_BUILDKIT unset)" };
}

/** How long the first build may take: it may run the user's own uncached steps. */
const FIRST_BUILD_MS = 10 * 60_000;

/**
 * The generated Dockerfile: the user's prefix, a LABEL that marks every image made from
 * here on as ours (so they can be removed), the agent, and the probe step.
 */
export function probeDockerfile(prefix: string, runId: string, deps: Pick<BuildStepDeps, 'hostname' | 'pid' | 'now'>, mounts: readonly string[] = []): { text: string; step: string } {
  const dir = `.gomod-doctor-${runId}`;
  const step = `sh /tmp/${dir}/agent.sh`;
  const labels = [
    [LABEL_TOOL, 'gomod-doctor'],
    [LABEL_RUN, runId],
    [LABEL_PID, String(deps.pid)],
    [LABEL_HOST, deps.hostname],
    [LABEL_STARTED, String(deps.now())],
  ].map(([k, v]) => `${k}=${JSON.stringify(v)}`);
  // stderr is dropped: it would interleave with the protocol lines in the build stream.
  // `; true`: a probe never fails the build, whatever the agent's exit status.
  const run = ['RUN', ...mounts, step].join(' ');
  const text = `${prefix.replace(/\s*$/, '')}\nLABEL ${labels.join(' ')}\nCOPY ${dir}/ /tmp/${dir}/\n${run} </tmp/${dir}/plan 2>/dev/null; true\n`;
  return { text, step };
}

interface BuildOutcome {
  blocks: Map<string, Block>;
  finished: Set<string>;
  ready: boolean;
  error: BuildStepEvidence['error'];
  log: string[];
}

async function buildOnce(opts: DoctorOptions, builder: 'classic' | 'buildkit', prefix: BuildPrefix, plan: string, deadlineMs: number, deps: BuildStepDeps, round: number): Promise<BuildOutcome> {
  const runId = `${deps.runId}-${round}`;
  const { text, step } = builder === 'buildkit' ? probeDockerfile(prefix.buildkitText, runId, deps, prefix.goStepMounts) : probeDockerfile(prefix.text, runId, deps);
  const dir = `.gomod-doctor-${runId}`;
  const result = await deps.engine.buildProbe({
    builder,
    group: deps.runId,
    secrets: [...opts.buildSecrets],
    ssh: [...opts.buildSsh],
    onStep: (name) => deps.progress?.(`build step (${builder}): ${name}`),
    contextDir: opts.dockerfile!.contextDir,
    dockerignore: opts.dockerfile!.dockerignore,
    dockerfile: text,
    files: [
      { name: `${dir}/`, content: '', mode: 0o1777 },
      { name: `${dir}/agent.sh`, content: deps.agentScript, mode: 0o755 },
      { name: `${dir}/plan`, content: plan, mode: 0o644 },
    ],
    buildArgs: Object.fromEntries(opts.dockerfile!.buildArgs.map((b) => [b.name, b.value])),
    network: opts.network,
    addHosts: [...opts.addHosts],
    platform: opts.platform,
    runId,
    probeStep: step,
    deadlineMs,
  });
  const reader = new WireReader();
  const blocks = new Map<string, Block>();
  const finished = new Set<string>();
  let ready = false;
  for (const ev of reader.push(`${result.output}\n`)) {
    if (ev.type === 'ready') ready = true;
    if (ev.type !== 'block') continue;
    blocks.set(ev.block.id, ev.block);
    if (ev.block.id.startsWith('target:')) finished.add(ev.block.id.slice('target:'.length));
  }
  const error = result.error ?? (ready ? null : { step: `RUN ${step}`, message: 'the probe step printed no report', outputTail: result.output.split('\n').slice(-10) });
  return { blocks, finished, ready, error, log: result.log };
}

/** The options a build step really has: build args and the network, none of docker run's -e, --dns or the credentials handed to the doctor. */
export function buildStepOptions(opts: DoctorOptions): DoctorOptions {
  return { ...opts, env: [], dns: [], dockerConfigEnv: [], caCertPem: null, netrcText: null, gitToken: null, sshKeyText: null, sshAgentSocket: null, volumes: [], user: null };
}

export async function runBuildStep(
  opts: DoctorOptions,
  stage: DockerfileEvidence,
  prefix: BuildPrefix,
  image: ImageConfig,
  engineInfo: EngineInfo,
  deps: BuildStepDeps,
): Promise<BuildStepEvidence> {
  try {
    return await buildAndProbe(opts, stage, prefix, image, engineInfo, deps);
  } finally {
    await deps.engine.endBuilds(deps.runId);
  }
}

async function buildAndProbe(
  opts: DoctorOptions,
  stage: DockerfileEvidence,
  prefix: BuildPrefix,
  image: ImageConfig,
  engineInfo: EngineInfo,
  deps: BuildStepDeps,
): Promise<BuildStepEvidence> {
  const started = deps.now();
  const { builder, why } = chooseBuilder(opts.dockerBuildkit, engineInfo);
  const logs: string[] = [];
  const done = (partial: Pick<BuildStepEvidence, 'evidence' | 'error'>): BuildStepEvidence => ({ builder, why, log: logs, ms: deps.now() - started, ...partial });
  const cannot = (message: string) => done({ evidence: null, error: { step: null, message, outputTail: [] } });
  if (builder === 'classic' && prefix.unsupported.length) return cannot(`the classic builder cannot build this stage: ${prefix.unsupported.join('; ')}`);
  if (builder === 'classic' && (opts.buildSecrets.length || opts.buildSsh.length)) {
    return cannot(`the classic builder cannot build this stage: it takes no ${opts.buildSecrets.length ? '--secret' : '--ssh'} (docker build needs BuildKit for it)`);
  }
  const first = await buildOnce(opts, builder, prefix, '', FIRST_BUILD_MS, deps, 1);
  logs.push('(first build: the facts)', ...first.log);
  if (first.error) return done({ evidence: null, error: first.error });
  const facts: ImageFacts = parseFacts(first.blocks, deps.now());
  const buildOpts = buildStepOptions(opts);
  const envVars = envWithSources(image.env, [], [], stageEnvVars(stage));
  const plan = planProbes(buildOpts, facts, Object.fromEntries(envVars.map((v) => [v.name, v.value])));
  const second = await buildOnce(opts, builder, prefix, encodePlan(plan), agentDeadlineMs(opts.timeoutMs) + 60_000, deps, 2);
  logs.push('(second build: the probes)', ...second.log);
  if (second.error && !second.ready) return done({ evidence: null, error: second.error });
  return done({
    error: second.error,
    evidence: {
      image: opts.image,
      engine: { endpoint: engineInfo.endpoint, version: engineInfo.version, apiVersion: engineInfo.apiVersion },
      user: stage.user?.value || image.user || 'root',
      facts: parseFacts(second.blocks, deps.now()),
      ...evidenceFromBlocks(plan, second.blocks, second.finished),
      env: envVars,
      context: {
        network: opts.network,
        dns: [],
        addHosts: [...opts.addHosts],
        extraCa: false,
        timeoutMs: opts.timeoutMs,
        gomod: opts.gomod,
        privateRepos: opts.privateRepos.map((r) => r.input),
        dockerConfig: opts.dockerConfigSource,
        canary: opts.canary,
      },
    },
  });
}
