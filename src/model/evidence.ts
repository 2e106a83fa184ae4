/** Evidence: everything one run measured, parsed from the agent's output (plus the host's and the engine's). Serialisable. */
import type { BuildStepEvidence, DockerfileEvidence, EngineEvidence, PullEvidence } from './build.js';
import type { FetchEvidence, FsEvidence, RepoEvidence, SumdbGetEvidence, TransferEvidence } from './go-evidence.js';
import type { HostEvidence } from './host.js';
import type { DnsEvidence, HttpEvidence, TcpEvidence, TlsEvidence } from './network.js';
import type { PlannedTarget } from './plan.js';

export type ToolName =
  | 'bash'
  | 'getent'
  | 'nslookup'
  | 'nc'
  | 'curl'
  | 'wget'
  | 'openssl'
  | 'timeout'
  | 'go'
  | 'git'
  | 'ssh';

export interface ImageFacts {
  uid: number | null;
  gid: number | null;
  userName: string | null;
  home: string | null;
  /** Container clock when the agent started, epoch ms (compared with the host's for TLS dates). */
  clockMs: number | null;
  /** Host clock when the facts arrived, epoch ms. */
  hostClockMs: number | null;
  tools: Partial<Record<ToolName, string>>;
  clockSource: string | null;
  /** ID from /etc/os-release (debian, alpine, ...), to word fixes for the image's package manager. */
  os: string | null;
  /** The image's CA bundle path, null when it has none (alpine without ca-certificates, scratch). */
  caBundle: string | null;
  resolvConf: ResolvConf;
  hostsFile: string;
  goEnv: Record<string, string> | null;
  goEnvError: string | null;
  /** What git and ssh credentials the user has in the container: presence only, never contents. */
  credentials: CredentialFacts;
}

export interface CredentialFacts {
  /** Hosts named by `machine` lines of $HOME/.netrc (null: no .netrc), plus whether a `default` entry exists. */
  netrcMachines: string[] | null;
  netrcDefault: boolean;
  /** git's credential.helper values; inline shell helpers are reported as "(inline command)". */
  credentialHelpers: string[];
  /** `url.<base>.insteadOf <prefix>` rules, credentials in them masked. */
  insteadOf: Array<{ base: string; prefix: string }>;
  /** Private key files in ~/.ssh (names only). */
  sshKeys: string[];
  knownHostsFile: boolean;
  sshAgent: boolean;
  /** Whether the probe was handed --netrc / a token / --ssh-key (they live in the agent dir, not the image). */
  handedNetrc: boolean;
  handedSshKey: boolean;
}

export interface ResolvConf {
  nameservers: string[];
  search: string[];
  options: string[];
  /** False when /etc/resolv.conf could not be read at all. */
  present: boolean;
}

/** Everything measured for one target. A missing step was not run (a prerequisite failed). */
export interface TargetEvidence {
  target: PlannedTarget;
  /** False when the agent was stopped (deadline) before this target's chain ended. */
  finished: boolean;
  dns: DnsEvidence | null;
  tcp: TcpEvidence | null;
  tls: TlsEvidence | null;
  http: HttpEvidence | null;
}

export interface Evidence {
  image: string;
  engine: { endpoint: string; version: string; apiVersion: string };
  /** The user the probe ran as: `--user`, else the image's USER, else root. */
  user: string;
  facts: ImageFacts;
  targets: TargetEvidence[];
  paths: FsEvidence[];
  repos: RepoEvidence[];
  fetches: FetchEvidence[];
  sumdb: SumdbGetEvidence[];
  transfers: TransferEvidence[];
  /** The same network probes from the host; null when --no-host. */
  host: HostEvidence | null;
  /** The container's environment as Docker builds it (image ENV, docker config.json proxies, -e), with where each came from. */
  env: EnvVar[];
  /** Options that checks need to word their fixes (flags the user gave). */
  context: RunContext;
  /** The Dockerfile stage this run stands in for; null when probing --image. */
  build?: DockerfileEvidence | null;
  /** The engine's own settings; null when they could not be read. */
  engineFacts?: EngineEvidence | null;
  pull?: PullEvidence | null;
  /** --mode build: the same probes as a RUN step of a real build. */
  buildStep?: BuildStepEvidence | null;
  /** What the agent printed, block by block (the commands it ran and their output), for -v and the report bundle. */
  raw?: RawBlock[];
}

/** One block of the agent's output as it came: what was run (kv) and what it printed. */
export interface RawBlock {
  id: string;
  kv: Array<[string, string]>;
  lines: string[];
}

/**
 * `dockerfile`: an ENV or ARG of the probed stage (EnvVar.origin names the line);
 * `build-arg`: --build-arg (or docker config.json proxies, which the docker CLI passes as build args).
 */
export type EnvSource = 'image' | 'docker-config' | 'flag' | 'dockerfile' | 'build-arg';

export interface EnvVar {
  name: string;
  value: string;
  source: EnvSource;
  /** Where exactly, when the source has a place: `Dockerfile:12 ENV`, `Dockerfile:3 ARG default`. */
  origin?: string;
}

export interface RunContext {
  network: string | null;
  dns: string[];
  addHosts: string[];
  extraCa: boolean;
  timeoutMs: number;
  /** --gomod: the go.mod the build uses, for the toolchain check. */
  gomod: { path: string; text: string; vendor: boolean } | null;
  /** --private-repo values as given. */
  privateRepos: string[];
  /** Where docker config.json proxies came from, when any were injected. */
  dockerConfig: string | null;
  /** --canary MODULE@VERSION. */
  canary: string;
  /** Config-file thresholds: a step slower than this warns (ms; null: no threshold). */
  thresholds?: { dnsMs: number | null; tcpMs: number | null; tlsMs: number | null; httpMs: number | null; fetchMs: number | null };
}
