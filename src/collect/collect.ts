/**
 * Collect: one run's Evidence, read top to bottom. The engine's facts and the image, then
 * the probe container (facts → plan → probes, src/collect/container.ts), the host side and
 * the build step beside it, then the Evidence the checks judge. All Docker work goes
 * through the injected Engine; the host side through an injected prober.
 */
import { parseFacts } from '../agent/parse-facts.js';
import { envWithSources, stageEnvVars } from '../agent/evidence.js';
import type { Engine, EngineInfo, ImageConfig, PullProgress } from '../engine/types.js';
import { ImageMissing } from '../errors.js';
import type { BuildStepEvidence, DockerfileEvidence, EngineEvidence, Evidence, ProbePlan, PullEvidence } from '../model.js';
import type { DoctorOptions } from '../options.js';
import { probeInContainer } from './container.js';
import { earlyHostPlan, type HostProber, startHostProbes } from './host.js';

export interface RunDeps {
  engine: Engine;
  /** The doctor's own environment, for the host-side probes (process.env). */
  hostEnv: Readonly<Record<string, string | undefined>>;
  /** The host side of the comparison (probeHost by default); a replay passes recorded answers. */
  hostProbe?: HostProber;
  agentScript: string;
  /** Spinner text: what is happening or still pending. */
  progress(text: string): void;
  /** Called as each probe's output arrives: what the agent is still working on (targets, fetches, repos). */
  pending?(names: string[], done: number, total: number): void;
  now(): number;
  runId: string;
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

/**
 * `stageFor`: in Dockerfile mode, the stage resolved against the base image's ENV (its
 * PATH, GOPATH, ... feed the stage's `$VAR` substitutions), once the image is known.
 */
export async function collectEvidence(opts: DoctorOptions, deps: RunDeps, stageFor: ((imageEnv: readonly string[]) => DockerfileEvidence) | null = null): Promise<RunOutcome> {
  const { engine } = deps;
  // 1. The engine and the image. Everything before the create goes out at once, with the
  // version call: the engine's facts, the sweep of killed runs' leftovers (never fails the
  // run), the image. An engine that does not answer is reported by the version call.
  deps.progress('connecting to the Docker engine');
  const answered = engine.info();
  const engineFacts = engine.engineFacts();
  const swept = engine.sweep().catch(() => 0);
  const pullStarted = deps.now();
  let pulled = false;
  const imageLookup = engine.ensureImage(opts.image, opts.platform, (p: PullProgress) => {
    pulled = true;
    deps.progress(`pulling ${opts.image}: ${p.status}${p.id ? ` ${p.id}` : ''}`);
  });
  // The container need not wait for /version (the engine runs runc and docker-init to
  // answer it, 25 ms and more): the image's answer starts it. An engine that does not
  // answer is still reported by the version call, whose error comes first.
  imageLookup.catch(() => undefined);
  answered.catch(() => undefined);
  deps.progress(`looking for image ${opts.image}`);
  // A version call that fails (PING_MS) ends the wait: the image's own deadline is longer.
  const engineDown = answered.then(() => new Promise<never>(() => undefined));
  let image: ImageConfig;
  try {
    image = await Promise.race([imageLookup, engineDown]);
  } catch (err) {
    const engineInfo = await answered;
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

  // 2. The build step (--mode build) beside the container probe: a run costs the slower of the two.
  const { buildStep: runBuildStep } = deps;
  const buildStepRun: Promise<BuildStepEvidence | null> = runBuildStep && stage
    ? answered.then((engineInfo) => runBuildStep(image, engineInfo, stage)).catch((err: Error) => ({ builder: 'classic' as const, evidence: null, error: { step: null, message: err.message, outputTail: [] }, ms: 0 }))
    : Promise.resolve(null);

  // 3. The container's environment as the docker CLI would send it: the stage's ENV/ARGs
  // (what the build's RUN step sees), config.json proxies, then -e.
  const stageVars = stageEnvVars(stage);
  const envVars = envWithSources(image.env, opts.dockerConfigEnv, opts.env, stageVars);
  const user = opts.user ?? stage?.user?.value ?? image.user;

  // 4. The probe container: facts → plan → probes. The host side starts once the engine has
  // created the container, on the targets the options and the image's ENV name: it runs while
  // the engine starts the container (a start leaves a CPU idle; the create, on a busy CPU, took
  // 70 ms longer). The plan then adds the targets the image's go env adds.
  const env = Object.fromEntries(envVars.map((v) => [v.name, v.value]));
  let finishHost: ((plan: ProbePlan) => Promise<Evidence['host']>) | null = null;
  const startHost = () => {
    if (opts.hostProbes && !finishHost) finishHost = startHostProbes(opts, earlyHostPlan(opts, env, deps.now()), deps);
  };
  let hostRun: Promise<Evidence['host']> = Promise.resolve(null);
  const probed = await probeInContainer(opts, deps, {
    user,
    containerEnv: [...stageVars.map((v) => `${v.name}=${v.value}`), ...opts.dockerConfigEnv, ...opts.env],
    env,
    workingDir: stage?.workdir?.value ?? null,
    onCreated: startHost,
    onPlan: (plan) => {
      if (finishHost) hostRun = finishHost(plan);
    },
  });

  // 5. What came back, as Evidence.
  const engineInfo = await answered;
  const host = await hostRun;
  if (deps.buildStep) deps.progress('waiting for the build step');
  const buildStep = await buildStepRun;
  // The sweep runs beside the run, not before the create: a finished run's container may be
  // in its teardown (up to 4 s), which a force-remove waits out.
  await swept;
  return {
    engine: engineInfo,
    image,
    plan: probed.plan,
    evidence: {
      image: opts.image,
      engine: { endpoint: engineInfo.endpoint, version: engineInfo.version, apiVersion: engineInfo.apiVersion },
      user: user || 'root',
      facts: probed.facts,
      ...probed.measured,
      host,
      build: stage,
      pull,
      buildStep,
      engineFacts: await engineFacts,
      env: envVars,
      context: { ...runContext(opts), thresholds: opts.thresholds },
      raw: probed.raw,
    },
  };
}

/** The flags that shaped the run, as the report repeats them. */
function runContext(opts: DoctorOptions): Evidence['context'] {
  return {
    network: opts.network,
    dns: [...opts.dns],
    addHosts: [...opts.addHosts],
    extraCa: opts.caCertPem !== null,
    timeoutMs: opts.timeoutMs,
    gomod: opts.gomod,
    privateRepos: opts.privateRepos.map((r) => r.input),
    dockerConfig: opts.dockerConfigSource,
    canary: opts.canary,
  };
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
    context: runContext(opts),
    build: stage,
    pull,
    engineFacts,
    buildStep: null,
  };
}
