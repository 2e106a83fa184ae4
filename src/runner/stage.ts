/**
 * --dockerfile → the stage the probe stands in for. The docker CLI passes its
 * config.json proxies to `docker build` as build args (not as -e), so in Dockerfile mode
 * they join the build args; the stage's base image becomes the image to probe. Pure.
 */
import { buildPrefix } from '../dockerfile/prefix.js';
import { type DockerfileInput, resolveStage } from '../dockerfile/stage.js';
import { UsageError } from '../errors.js';
import { imageRefProblem } from '../image-ref.js';
import type { DockerfileEvidence } from '../model.js';
import type { DoctorOptions } from '../options.js';
import type { BuildPrefix } from './build-step.js';

export interface ResolvedStage {
  /** The stage as far as the Dockerfile alone says (enough to know the base image). */
  stage: DockerfileEvidence;
  prefix: BuildPrefix;
  /** The same stage with the base image's ENV known (for `$PATH`-style substitutions). */
  withImageEnv(imageEnv: string[]): DockerfileEvidence;
}

export const CONFIG_PROXY_ORIGIN = 'docker config.json proxies (build arg)';

/** Move config.json proxies into the build args (a --build-arg of the same name wins, as in the docker CLI). */
export function configProxiesAsBuildArgs(opts: DoctorOptions): void {
  const df = opts.dockerfile;
  if (!df || opts.dockerConfigEnv.length === 0) return;
  const given = new Set(df.buildArgs.map((b) => b.name));
  for (const entry of opts.dockerConfigEnv) {
    const i = entry.indexOf('=');
    const name = entry.slice(0, i);
    if (!given.has(name)) df.buildArgs.push({ name, value: entry.slice(i + 1), origin: CONFIG_PROXY_ORIGIN });
  }
  opts.dockerConfigEnv = [];
}

/** Resolve the stage and set `opts.image` to its base image. Throws UsageError with one line. */
export function resolveDockerfileStage(opts: DoctorOptions): ResolvedStage {
  const df = opts.dockerfile!;
  const input: DockerfileInput = {
    path: df.path,
    text: df.text,
    target: df.target,
    buildArgs: df.buildArgs,
    dockerignore: df.dockerignore,
    privateModules: opts.privateRepos.length > 0,
  };
  let stage: DockerfileEvidence;
  try {
    stage = resolveStage(input);
  } catch (err) {
    throw new UsageError((err as Error).message, 'see docker build --target, and the FROM lines of the Dockerfile');
  }
  if (stage.baseImage === 'scratch') {
    throw new UsageError(`${df.path}: stage ${stage.stage} starts FROM scratch: there is no shell or go command to probe`, 'pick the stage that runs go mod download with --target STAGE');
  }
  if (imageRefProblem(stage.baseImage)) {
    throw new UsageError(`${df.path}:${stage.stageLine}: FROM resolves to ${JSON.stringify(stage.baseImage)}, which is not an image reference`, 'pass the ARGs its FROM line uses with --build-arg NAME=VALUE');
  }
  opts.image = stage.baseImage;
  return { stage, prefix: buildPrefix(input, stage), withImageEnv: (imageEnv) => resolveStage({ ...input, imageEnv }) };
}
