/** The build: the Dockerfile stage the probe stands in for, the engine that builds it, and the pull of its image. */
import type { Cause } from './causes.js';
import type { Evidence } from './evidence.js';

/** A variable the probed stage sets before its go step, in build order (later wins). */
export interface StageVar {
  name: string;
  value: string;
  /** `ENV`: in the image and every later RUN; `ARG`: in the stage's RUN steps only. */
  kind: 'ENV' | 'ARG';
  /** `Dockerfile:12 ENV`, `Dockerfile:3 ARG default`, `--build-arg`, `docker config.json proxies (build arg)`. */
  origin: string;
}

/** A Dockerfile lint: a pattern the field guide names, found in the text (pure, no probing). */
export interface DockerfileFinding {
  cause: Cause;
  /** 1-based line in the Dockerfile, or null for findings about other files (.dockerignore). */
  line: number | null;
  summary: string;
  fix: string;
  /** Structured detail for the JSON (e.g. the USER line and the GOPATH it cannot write). */
  detail: Record<string, unknown>;
}

/** The stage the probe stands in for, resolved as the builder would. */
export interface DockerfileEvidence {
  path: string;
  /** The stage's name (`AS builder`) or `#N` (0-based, as docker names unnamed stages). */
  stage: string;
  stageLine: number;
  /** Why this stage: `--target`, the stage that runs the go command, or the last stage. */
  chosenBy: 'target' | 'go-command' | 'last';
  /** From the probed stage down to the external image: ['builder', 'base', 'golang:1.22-alpine']. */
  chain: string[];
  /** The external image the chain starts from, ARGs substituted (`scratch` possible). */
  baseImage: string;
  /** The RUN that runs the go command (go mod download, go build, ...), or null. */
  goStep: { line: number; command: string } | null;
  /** ENV and ARG values in effect at the go step, in the order the build applies them. */
  vars: StageVar[];
  /** USER and WORKDIR in effect at the go step (from the chain), ARGs substituted. */
  user: { value: string; line: number } | null;
  workdir: { value: string; line: number } | null;
  /** --build-arg names no ARG consumes (docker warns "were not consumed"); predefined proxy args count as consumed. */
  unusedBuildArgs: string[];
  findings: DockerfileFinding[];
}

/** What the engine says of itself and what the doctor read of the client's own files. */
export interface EngineEvidence {
  /** How the endpoint was chosen, as the docker CLI would: DOCKER_HOST, DOCKER_CONTEXT, config.json currentContext, default, podman. */
  endpointSource: string;
  /** The docker context name, when one was used. */
  context: string | null;
  /** TLS to the engine (tcp:// with DOCKER_TLS_VERIFY or a context's TLS material). */
  tls: boolean;
  /** `Docker Engine`, `Podman Engine`, ... from /version Components, when known. */
  product: string | null;
  rootless: boolean;
  /** The engine's own proxy settings (for pulls), passwords redacted; '' when unset. */
  proxies: { http: string; https: string; no: string };
  registryMirrors: string[];
  /** MTU of the default bridge network, and of this machine's route to the internet. */
  bridgeMtu: number | null;
  hostRouteMtu: number | null;
  hostRouteDevice: string | null;
  /** `dns` from the daemon's daemon.json when readable (local engines only), else null. */
  daemonDns: string[] | null;
  daemonConfigPath: string | null;
  /** Default builder the engine advertises on /_ping (`Builder-Version`: 1 classic, 2 BuildKit). */
  builderVersion: string | null;
}

/** Whether the image the probe needs was there, pulled, or could not be had. */
export interface PullEvidence {
  image: string;
  outcome: 'present' | 'pulled' | 'failed';
  ms: number;
  /** The engine's own words when the pull failed. */
  error: string | null;
}

/** The probe run as a RUN step of a generated build on the user's stage (--mode build). */
export interface BuildStepEvidence {
  builder: 'classic' | 'buildkit';
  /** Why that builder, as the docker CLI decides (DOCKER_BUILDKIT, the engine's API version and OS). */
  why?: string;
  /** The builds' own output (steps and what they printed, not the probe step's): -v shows it. */
  log?: string[];
  /** Everything the run-mode probe measures, measured inside the build step; null when the build did not reach the step. */
  evidence: Omit<Evidence, 'build' | 'buildStep' | 'host' | 'engineFacts' | 'pull'> | null;
  /** When the build failed before or at the probe step: the engine's message and the step. */
  error: { step: string | null; message: string; outputTail: string[] } | null;
  ms: number;
}
