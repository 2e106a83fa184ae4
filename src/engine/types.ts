/**
 * The engine seam: everything the doctor asks of Docker. One implementation
 * (docker.ts, the only dockerode importer); the runner takes it as a parameter so
 * tests can hand it a fake that replays recorded agent output.
 */

export interface EngineInfo {
  /** Where the engine was found, as the user would name it (unix:///var/run/docker.sock). */
  endpoint: string;
  version: string;
  apiVersion: string;
  os: string;
  arch: string;
}

export interface ImageConfig {
  id: string;
  /** The image's USER, '' for root. */
  user: string;
  env: string[];
  workingDir: string;
  os: string;
  arch: string;
}

export interface AgentFile {
  name: string;
  content: string | Buffer;
  mode: number;
}

export interface AgentSpec {
  image: string;
  /** --user, else the image's USER ('' for root): the build's user. */
  user: string;
  /** -e/--env-file values only; the engine merges the image's ENV itself, as docker run does. */
  env: string[];
  /** The stage's WORKDIR, or null for the image's own. */
  workingDir: string | null;
  network: string | null;
  dns: string[];
  addHosts: string[];
  platform: string | null;
  /** Binds as docker run -v: what the user asked for (-v, --ssh-agent), nothing else. */
  binds: string[];
  /** The agent script: the container's command (`sh -c SCRIPT /.gomod-doctor/agent.sh`). */
  script: string;
  /** Files handed to the agent (CA, credentials): copied into /.gomod-doctor once it runs. */
  files: AgentFile[];
  labels: Record<string, string>;
  /** Hard bound on the whole container lifetime. */
  deadlineMs: number;
}

/** One conversation with the agent: stdout arrives in chunks; stdin is written once. */
export interface AgentConversation {
  onStdout(chunk: string): void;
  /** Called once the engine has created the container, before its start: work that would compete with the create for the CPU begins here. */
  onCreated(): void;
  /** Resolves with the text to write to the agent's stdin (the plan). */
  input: Promise<string>;
  /** Called once the plan is written: later lines (`stop KEY`) go to the agent through `write`. */
  onInputWritten?(write: (text: string) => void): void;
  /**
   * Resolves once the agent's output holds every answer (its last word). The run goes on
   * from there: the container's exit status adds nothing, and the engine may take seconds
   * to report it (it first tears down the network sandbox; see runAgent). The container
   * is removed all the same before the process exits.
   */
  answered?: Promise<void>;
}

export interface AgentRunResult {
  /** Null when the deadline expired, or when the agent answered before its exit was reported. */
  exitCode: number | null;
  /** The last few KiB of the agent's stderr, for --debug and errors. */
  stderrTail: string;
  /** True when the deadline expired and the container was killed. */
  timedOut: boolean;
  containerId: string;
}

import type { BuildSecret, SshSource } from '../options.js';

export type { BuildSecret, SshSource } from '../options.js';

/** A build of a generated Dockerfile whose last step runs the probe agent (--mode build). */
export interface BuildProbeSpec {
  builder: 'classic' | 'buildkit';
  /** Builds of one doctor run share it: endBuilds(group) removes the build cache records they made. */
  group: string;
  contextDir: string;
  /** .dockerignore text, applied as the docker CLI applies it before sending the context. */
  dockerignore: string | null;
  /** The generated Dockerfile's text and the extra files (agent, plan) added to the context. */
  dockerfile: string;
  files: AgentFile[];
  buildArgs: Record<string, string>;
  network: string | null;
  addHosts: string[];
  platform: string | null;
  /** The run id: the generated Dockerfile labels every image it makes with it, for removal. */
  runId: string;
  /** The instruction text of the probe step, to pick its output out of the build stream. */
  probeStep: string;
  deadlineMs: number;
  /** BuildKit only: served through the session. */
  secrets: BuildSecret[];
  ssh: SshSource[];
  /** The step being run, as it starts (BuildKit: the vertex name without its `[stage 1/5]`). */
  onStep?: (step: string) => void;
}

export interface BuildProbeResult {
  builder: 'classic' | 'buildkit';
  /** The probe step's output, as the agent printed it. */
  output: string;
  /** Set when the build failed: the step it failed at and the engine's words. */
  error: { step: string | null; message: string; outputTail: string[] } | null;
  timedOut: boolean;
  /** The build's own output lines (steps and what they printed; not the probe step's), for -v. */
  log: string[];
}

export interface PullProgress {
  status: string;
  id?: string;
}

export interface Engine {
  info(): Promise<EngineInfo>;
  /** The engine's own settings (proxies, mirrors, MTU, DNS, builder); null when unreadable. Never throws. */
  engineFacts(): Promise<import('../model.js').EngineEvidence | null>;
  /** The image's config when it is already on the engine (no pull), else null. */
  localImage(ref: string, platform: string | null): Promise<ImageConfig | null>;
  /** Inspect the image; pull it when absent. Throws ImageMissing when it cannot. */
  ensureImage(ref: string, platform: string | null, onProgress: (p: PullProgress) => void): Promise<ImageConfig>;
  runAgent(spec: AgentSpec, conversation: AgentConversation): Promise<AgentRunResult>;
  /** Build `spec.dockerfile` on the engine and return the probe step's output; every image it made is removed. */
  buildProbe(spec: BuildProbeSpec): Promise<BuildProbeResult>;
  /** The run's builds are over: remove the build cache records they made (records that were there before stay). */
  endBuilds(group: string): Promise<void>;
  /** Remove containers of killed earlier runs (by label). Returns how many. */
  sweep(): Promise<number>;
  /**
   * The MTU a container on this network gets (the driver's mtu option, else Docker's
   * default 1500); null for `host`/`container:` networks or when it cannot be read.
   */
  networkMtu(network: string | null): Promise<number | null>;
  /** Force-remove every container this process still has (Ctrl-C). */
  abortAll(): Promise<void>;
  /**
   * The run is over: wait until the probe containers are removed, then cancel calls still
   * out (an engine that stopped answering must not hold the process).
   */
  close(): Promise<void>;
}

/** Labels on every container the doctor creates, so a sweep can find leftovers. */
export const LABEL_TOOL = 'org.gomod-doctor.tool';
export const LABEL_RUN = 'org.gomod-doctor.run';
export const LABEL_PID = 'org.gomod-doctor.pid';
export const LABEL_HOST = 'org.gomod-doctor.host';
export const LABEL_STARTED = 'org.gomod-doctor.started';
