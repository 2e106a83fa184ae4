/**
 * Resolve: the parsed flags (with the config file already applied by args.ts), the docker
 * client's config.json proxies and the Dockerfile stage → the run's options, once. The
 * result is frozen; nothing downstream writes to it. Pure except for the injected reader.
 *
 * What resolving decides:
 * - --only/--skip that leave out a whole probe family skip its probes too (a faster run);
 * - config.json `proxies` are injected as the docker CLI would: as -e for `docker run`, as
 *   build args for `docker build` (Dockerfile mode; a --build-arg of the same name wins);
 * - in Dockerfile mode the image to probe is the stage's base image.
 */
import { configProxyEnv, dockerConfigPath } from '../engine/docker-config.js';
import type { EngineEndpoint } from '../engine/endpoint.js';
import { buildPrefix } from '../dockerfile/prefix.js';
import { type DockerfileInput, resolveStage } from '../dockerfile/stage.js';
import { UsageError } from '../errors.js';
import { imageRefProblem } from '../image-ref.js';
import type { DockerfileEvidence } from '../model.js';
import type { DockerfileOption, DoctorOptions } from '../options.js';
import { urlPasswords } from '../secrets.js';
import type { BuildPrefix } from '../collect/build-step.js';

export interface ResolvedStage {
  /** The stage as far as the Dockerfile alone says (enough to know the base image). */
  stage: DockerfileEvidence;
  prefix: BuildPrefix;
  /** The same stage with the base image's ENV known (for `$PATH`-style substitutions). */
  withImageEnv(imageEnv: readonly string[]): DockerfileEvidence;
}

export interface Resolved {
  options: DoctorOptions;
  /** Dockerfile mode: the probed stage; null with --image. */
  stage: ResolvedStage | null;
}

export interface ResolveIo {
  env: Readonly<Record<string, string | undefined>>;
  /** Reads a file, or throws (config.json that is absent is not an error). */
  readFile(path: string): string;
  /** A warning the docker CLI would print too (a config.json that does not parse). */
  warn(text: string): void;
}

export const CONFIG_PROXY_ORIGIN = 'docker config.json proxies (build arg)';

/** Parsed flags → the run's options, frozen. Throws UsageError with one line. */
export function resolveOptions(parsed: DoctorOptions, endpoint: EngineEndpoint, io: ResolveIo): Resolved {
  const selected = withSelection(parsed);
  const proxied = withDockerConfigProxies(selected, readDockerConfigProxies(endpoint, parsed.env, io));
  const stage = proxied.dockerfile ? resolveDockerfileStage(proxied) : null;
  const options = stage ? { ...proxied, image: stage.stage.baseImage } : proxied;
  return { options: deepFreeze(options), stage };
}

/** --only/--skip that leave out whole probe families skip their probes too. */
export function withSelection(opts: DoctorOptions): DoctorOptions {
  // --only keeps a family's probes when it names the family or one of its checks; --skip drops them only for the whole family.
  const wanted = (category: string) => {
    const match = (sel: string) => sel === category || sel.startsWith(`${category}.`);
    if (opts.only.length && !opts.only.some(match)) return false;
    return !opts.skip.includes(category);
  };
  return { ...opts, fetch: opts.fetch && wanted('e2e'), hostProbes: opts.hostProbes && wanted('host') };
}

export interface ConfigProxies {
  env: string[];
  source: string;
}

/**
 * The proxies the docker CLI would inject from its config.json. A config.json that does
 * not parse is the docker CLI's problem too: warn, as it does, and go on.
 */
export function readDockerConfigProxies(endpoint: EngineEndpoint, flagEnv: readonly string[], io: ResolveIo): ConfigProxies | null {
  const path = dockerConfigPath(io.env);
  let text: string;
  try {
    text = io.readFile(path);
  } catch {
    return null; // No config.json: nothing to inject, as for the docker CLI.
  }
  try {
    const found = configProxyEnv(text, endpoint.endpoint, [...flagEnv]);
    return found ? { env: found.env, source: `${path} (proxies.${found.key})` } : null;
  } catch (err) {
    io.warn(`ignoring ${path}: ${(err as Error).message}`);
    return null;
  }
}

/**
 * config.json proxies as the docker CLI passes them: `docker run` gets them as -e values;
 * `docker build` gets them as build args (a --build-arg of the same name wins).
 */
export function withDockerConfigProxies(opts: DoctorOptions, found: ConfigProxies | null): DoctorOptions {
  if (!found) return opts;
  const secrets = [...opts.secrets, ...found.env.flatMap((e) => urlPasswords(e))];
  const df = opts.dockerfile;
  if (!df) return { ...opts, dockerConfigEnv: found.env, dockerConfigSource: found.source, secrets };
  const given = new Set(df.buildArgs.map((b) => b.name));
  const added = found.env.flatMap((entry) => {
    const i = entry.indexOf('=');
    const name = entry.slice(0, i);
    return given.has(name) ? [] : [{ name, value: entry.slice(i + 1), origin: CONFIG_PROXY_ORIGIN }];
  });
  const dockerfile: DockerfileOption = { ...df, buildArgs: [...df.buildArgs, ...added] };
  return { ...opts, dockerfile, dockerConfigEnv: [], dockerConfigSource: found.source, secrets };
}

/** The probed stage of --dockerfile: its base image is what the run probes. Throws UsageError with one line. */
export function resolveDockerfileStage(opts: DoctorOptions): ResolvedStage {
  const df = opts.dockerfile!;
  const input: DockerfileInput = {
    path: df.path,
    text: df.text,
    target: df.target,
    buildArgs: df.buildArgs.map((b) => ({ ...b })),
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
  return { stage, prefix: buildPrefix(input, stage), withImageEnv: (imageEnv) => resolveStage({ ...input, imageEnv: [...imageEnv] }) };
}

/** Freeze a plain value all the way down (Buffers stay as they are: they cannot be frozen). */
export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Buffer.isBuffer(value) && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
