/**
 * --list-probes: the plan a run would make, from what is known before a container runs:
 * the image's ENV (when the image is already on the engine; nothing is pulled), the
 * Dockerfile stage, the flags. `go env` inside the image may add to it. Pure.
 */
import { parseFacts } from '../agent/parse-facts.js';
import { envWithSources, stageEnvVars } from '../agent/evidence.js';
import type { DockerfileEvidence } from '../model.js';
import type { DoctorOptions } from '../options.js';
import type { ProbeListing } from '../render/list-probes.js';
import { planProbes } from './plan.js';

/** `image`: the image's ENV and USER when it is on the engine, else null. `stageFor`: the Dockerfile stage with that ENV. */
export function listingPlan(opts: DoctorOptions, image: { env: readonly string[]; user: string } | null, stageFor: ((imageEnv: readonly string[]) => DockerfileEvidence) | null, now: number): ProbeListing {
  const stage = stageFor ? stageFor(image?.env ?? []) : null;
  const envVars = envWithSources(image?.env ?? [], opts.dockerConfigEnv, opts.env, stageEnvVars(stage));
  const env = Object.fromEntries(envVars.map((v) => [v.name, v.value]));
  const plan = planProbes(opts, parseFacts(new Map(), now), env);
  const user = opts.user ?? stage?.user?.value ?? image?.user ?? '';
  return { plan, stage, envVars, user, imageLocal: image !== null };
}
