/**
 * The shared vocabulary of gomod-doctor: what the probe agent measured (evidence),
 * what a check concluded (CheckResult), and the report every renderer reads.
 * This file is the machine contract's leaf module: it imports nothing.
 */

export type Status = 'pass' | 'warn' | 'fail' | 'skip';

/** JSON contract v1: the categories a check can belong to. Compatibility-sensitive. */
export const CATEGORIES = [
  'engine',
  'build',
  'dns',
  'tcp',
  'tls',
  'http',
  'proxy-env',
  'go-env',
  'fs',
  'auth',
  'e2e',
  'host',
] as const;
export type Category = (typeof CATEGORIES)[number];

/**
 * Stable cause codes. Tests and the JSON compare these, never prose.
 * `tool.missing` means the image lacks the tool a probe needs: not a network fault.
 */
export type Cause =
  | 'dns.slow'
  | 'tcp.slow'
  | 'tls.slow'
  | 'http.slow'
  | 'dns.nxdomain'
  | 'dns.servfail'
  | 'dns.timeout'
  | 'dns.no_answer'
  | 'dns.no_resolver'
  | 'dns.stub_resolver'
  | 'tcp.refused'
  | 'tcp.timeout'
  | 'tcp.unreachable'
  | 'tcp.partial'
  | 'tcp.error'
  | 'tls.timeout'
  | 'tls.unknown_ca'
  | 'tls.wrong_name'
  | 'tls.expired'
  | 'tls.not_yet_valid'
  | 'tls.clock_skew'
  | 'tls.error'
  | 'http.timeout'
  | 'http.status'
  | 'http.bad_listing'
  | 'http.proxy_refused'
  | 'http.stopped'
  | 'http.proxy_auth'
  | 'http.error'
  | 'proxy.localhost'
  | 'proxy.bad_url'
  | 'proxy.case_mismatch'
  | 'proxy.all_proxy_only'
  | 'proxy.no_proxy_mismatch'
  | 'proxy.goproxy_excluded'
  | 'proxy.unreachable'
  | 'proxy.auth'
  | 'proxy.connect_failed'
  | 'go.missing'
  | 'go.env_failed'
  | 'go.goproxy_invalid'
  | 'go.goproxy_off'
  | 'go.goproxy_comma'
  | 'go.gosumdb_off'
  | 'go.gosumdb_invalid'
  | 'go.pattern'
  | 'go.private_leak'
  | 'go.nosumdb_gap'
  | 'go.insecure'
  | 'go.goauth'
  | 'go.goflags'
  | 'go.toolchain'
  | 'fs.not_writable'
  | 'fs.read_only'
  | 'fs.not_dir'
  | 'fs.low_space'
  | 'fs.undefined'
  | 'auth.git_missing'
  | 'auth.no_credentials'
  | 'auth.failed'
  | 'auth.publickey'
  | 'auth.host_key'
  | 'auth.not_found'
  | 'auth.network'
  | 'auth.tls'
  | 'auth.timeout'
  | 'auth.discovery'
  | 'auth.error'
  | 'e2e.dns'
  | 'e2e.timeout'
  | 'e2e.refused'
  | 'e2e.proxy'
  | 'e2e.tls_timeout'
  | 'e2e.x509'
  | 'e2e.not_found'
  | 'e2e.server_error'
  | 'e2e.checksum'
  | 'e2e.sumdb'
  | 'e2e.hung'
  | 'e2e.stopped'
  | 'e2e.auth'
  | 'e2e.error'
  | 'e2e.sumdb_off'
  | 'e2e.sumdb_unavailable'
  | 'e2e.sumdb_unreachable'
  | 'e2e.sumdb_status'
  | 'e2e.no_fallthrough'
  | 'e2e.slow'
  | 'e2e.stalled'
  | 'e2e.transfer_failed'
  | 'e2e.faster_proxy'
  | 'host.dns_differs'
  | 'host.tcp_differs'
  | 'host.tls_stalls_in_container'
  | 'host.ca_differs'
  | 'host.proxy_differs'
  | 'host.http_differs'
  | 'host.tls_differs'
  | 'host.dns_answers_differ'
  | 'host.same_failure'
  | 'engine.rootless'
  | 'engine.no_proxy'
  | 'engine.mtu'
  | 'engine.dns'
  | 'engine.pull'
  | 'build.layer_cache'
  | 'build.cache_mount'
  | 'build.user_before_download'
  | 'build.undeclared_arg'
  | 'build.dockerignore'
  | 'build.private_no_secret'
  | 'build.unused_build_arg'
  | 'build.differs'
  | 'build.failed'
  | 'build.buildkit_network'
  | 'tool.missing'
  | 'tool.tls_limited'
  | 'tool.disagrees'
  | 'e2e.pq_middlebox'
  | 'prereq.failed';

/** One row of the report: JSON contract v1 (`docs/json.md`). */
export interface CheckResult {
  id: string;
  category: Category;
  /** The host (or host:port, path, repo) the check is about; null for image-wide checks. */
  target: string | null;
  status: Status;
  /** Time the measured step took inside the container, when there is one. */
  ms: number | null;
  summary: string;
  cause: Cause | null;
  evidence: Record<string, unknown>;
  fix: string | null;
  /**
   * Set when this row is collateral: another row (the root cause) explains it, so it is
   * not a problem of its own. Renderers fold it under that row; the verdict does not count it.
   */
  explainedBy?: { id: string; target: string | null };
}

/** Exit codes: 0 nothing failed, 1 a check failed, 2 bad usage or input, 3 probes could not run, 130/143 interrupted (SIGINT/SIGTERM). */
export const ExitCode = { Ok: 0, CheckFailed: 1, Usage: 2, CannotProbe: 3, Interrupted: 130, Terminated: 143 } as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

// ---------------------------------------------------------------------------
// Plan: what the host asks the agent to probe.

/** Why a host is probed: it decides whether the HTTP step runs and what it fetches. */
export type TargetRole = 'default' | 'goproxy' | 'gosumdb' | 'user' | 'proxy' | 'private';

export interface PlannedTarget {
  /** Short key used on the agent wire (t0, t1, ...). */
  key: string;
  host: string;
  port: number;
  roles: TargetRole[];
  /** Whether a TLS handshake belongs to this target (https proxies, :443). */
  tls: boolean;
  /** The module-proxy protocol URL to GET, for module proxies only. */
  httpUrl: string | null;
  /** The proxy the go command would use for httpUrl (Go's rules), or null for direct. */
  httpProxy: string | null;
}

/** A directory the go command writes, checked as the image user. */
export interface PlannedPath {
  key: string;
  /** The setting that names it: GOMODCACHE, GOCACHE, GOPATH, HOME, TMPDIR, XDG_CACHE_HOME. */
  variable: string;
  /** Null when the go command would find it undefined; `note` then says why. */
  path: string | null;
  note: string | null;
}

/** A private repository to `git ls-remote`, or a module path to discover (`?go-get=1`) first. */
export interface PlannedRepo {
  key: string;
  /** What the user gave (--private-repo) or the GOPRIVATE pattern it came from. */
  input: string;
  kind: 'https' | 'ssh' | 'module';
  /** The git URL, or for `module` the import path to discover. */
  url: string;
  host: string;
}

/** A `go mod download` of the canary through one GOPROXY value, with a throwaway cache. */
export interface PlannedFetch {
  key: string;
  /** The GOPROXY value this fetch runs with. */
  goproxy: string;
  /**
   * `configured`: the image's GOPROXY as is; `entry`: one entry of it on its own;
   * `private`: a private module, direct, with the handed git credentials.
   */
  kind: 'configured' | 'entry' | 'private';
  /** MODULE@VERSION (the canary, or a private module @latest). */
  canary: string;
}

/**
 * A checksum-database request as the go command would make it: `supported` asks a proxy
 * whether it carries the database (`<proxy>/sumdb/<name>/supported`); `lookup` fetches the
 * canary's record, through a proxy or from GOSUMDB directly.
 */
export interface PlannedSumdbGet {
  key: string;
  kind: 'supported' | 'lookup';
  /** The GOPROXY entry it goes through, or `direct` for the GOSUMDB URL itself. */
  via: string;
  url: string;
  /** The HTTP proxy the go command would use for url, or null. */
  httpProxy: string | null;
}

/** One module zip downloaded from one proxy, timed by bytes (slow vs hung). */
export interface PlannedTransfer {
  key: string;
  /** The GOPROXY entry it comes from. */
  goproxy: string;
  /** MODULE@VERSION. */
  module: string;
  /** `canary`: the canary's zip; `throughput`: the larger --throughput file. */
  purpose: 'canary' | 'throughput';
  url: string;
  httpProxy: string | null;
}

export interface ProbePlan {
  /** Bound on every single network step, in milliseconds. */
  timeoutMs: number;
  targets: PlannedTarget[];
  paths: PlannedPath[];
  repos: PlannedRepo[];
  fetches: PlannedFetch[];
  sumdbGets: PlannedSumdbGet[];
  transfers: PlannedTransfer[];
  /** Whether an extra CA (--ca-cert) was shipped with the agent. */
  extraCa: boolean;
}

// ---------------------------------------------------------------------------
// Evidence: what the agent measured, parsed from its output. Serialisable.

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

export type DnsOutcome = 'resolved' | 'nxdomain' | 'servfail' | 'timeout' | 'no_answer' | 'error' | 'no_tool';

export interface DnsEvidence {
  host: string;
  tool: string | null;
  outcome: DnsOutcome;
  v4: string[];
  v6: string[];
  /** Addresses that came from /etc/hosts (or --add-host). */
  fromHostsFile: boolean;
  ms: number | null;
  message: string;
}

export type TcpOutcome = 'connected' | 'refused' | 'timeout' | 'unreachable' | 'error' | 'no_tool';

export interface TcpAttempt {
  address: string;
  port: number;
  outcome: TcpOutcome;
  ms: number | null;
  message: string;
}

export interface TcpEvidence {
  host: string;
  tool: string | null;
  attempts: TcpAttempt[];
}

export type TlsOutcome = 'ok' | 'timeout' | 'error' | 'no_tool';

export interface TlsEvidence {
  host: string;
  address: string | null;
  port: number;
  tool: string | null;
  outcome: TlsOutcome;
  /** Whether the tool could verify the chain at all (busybox's TLS cannot). */
  verifiable: boolean;
  verifyCode: number | null;
  verifyMessage: string | null;
  protocol: string | null;
  subject: string | null;
  issuer: string | null;
  notBefore: string | null;
  notAfter: string | null;
  ms: number | null;
  message: string;
}

export type HttpOutcome = 'response' | 'timeout' | 'proxy_refused' | 'proxy_auth' | 'tls_error' | 'error' | 'no_tool' | 'stopped';

export interface HttpEvidence {
  url: string;
  proxy: string | null;
  tool: string | null;
  outcome: HttpOutcome;
  status: number | null;
  /** Time to first byte as the tool reports it (curl), else the whole request. */
  ttfbMs: number | null;
  ms: number | null;
  /** The first lines of the body, for a module proxy `@v/list`. */
  bodyHead: string;
  message: string;
  /** Set when the outcome is `stopped`: the row that decided the request through a dead proxy. */
  stoppedBy?: StopReason;
}

/** What the agent found at a directory the go command writes. */
export interface FsEvidence {
  path: PlannedPath;
  exists: boolean;
  isDir: boolean;
  /** The nearest existing ancestor (the path itself when it exists): what the go command would create under. */
  probedAt: string;
  ownerUid: number | null;
  ownerGid: number | null;
  /** Octal permission bits, e.g. "755". */
  mode: string | null;
  /** Whether a file could be created and removed in a fresh sub-directory there. */
  writable: boolean;
  writeError: string;
  /** Mount options of the filesystem holding it (ro, rw, ...), when /proc/mounts says. */
  mountPoint: string | null;
  readOnlyMount: boolean;
  freeKb: number | null;
}

export type GitOutcome = 'ok' | 'no_credentials' | 'auth_failed' | 'publickey' | 'host_key' | 'not_found' | 'network' | 'tls' | 'timeout' | 'no_git' | 'error';

/** A non-interactive `git ls-remote`, and for module paths the `?go-get=1` discovery before it. */
export interface RepoEvidence {
  repo: PlannedRepo;
  /** For module paths: the go-import meta found (`prefix vcs url`), or null when discovery failed. */
  discovery: { status: number | null; goImport: string | null; message: string } | null;
  /** The repository URL ls-remote was run on (masked). */
  url: string | null;
  outcome: GitOutcome;
  rc: number | null;
  ms: number | null;
  /** Which credentials apply to this host. */
  knownHost: boolean | null;
  /** The last lines git printed (credentials masked). */
  message: string;
}

/** One HTTP request the go command reported with -x (`# get URL: 200 OK (0.012s)`). */
export interface GoRequest {
  url: string;
  /** Null when the request never got an answer. */
  status: number | null;
  statusText: string;
  ms: number | null;
}

export type FetchOutcome = 'ok' | 'dns' | 'timeout' | 'refused' | 'proxy' | 'tls_timeout' | 'x509' | 'auth' | 'not_found' | 'server_error' | 'checksum' | 'sumdb' | 'hung' | 'stopped' | 'no_go' | 'error';

/**
 * Why the host stopped a probe before its bound (`stopped`): a lower layer's row already
 * decides its answer. `id`/`target` name that row, as `checks[].explainedBy` does.
 */
export interface StopReason {
  id: string;
  target: string | null;
  /** What that row found, in a few words ("tcp timeout", "dns timeout"). */
  what: string;
}

export interface FetchEvidence {
  fetch: PlannedFetch;
  outcome: FetchOutcome;
  rc: number | null;
  ms: number | null;
  requests: GoRequest[];
  /** The go command's own error line (credentials masked). */
  error: string;
  /** Size of the module zip it downloaded, when it got that far. */
  zipBytes: number | null;
  /** Set when the outcome is `stopped`. */
  stoppedBy?: StopReason;
  /**
   * Go 1.24+ whose fetch stalled in the TLS handshake: the same fetch again with
   * GODEBUG=tlsmlkem=0 (no post-quantum key share, a ClientHello that fits one packet).
   */
  pqRetry?: { outcome: FetchOutcome; ms: number | null; error: string } | null;
}

export interface SumdbGetEvidence {
  get: PlannedSumdbGet;
  http: HttpEvidence;
}

export interface TransferEvidence {
  transfer: PlannedTransfer;
  /** The tool that downloaded (curl, wget), null when none. */
  tool?: string | null;
  outcome: 'complete' | 'timeout' | 'error' | 'no_tool' | 'stopped';
  /** Set when the outcome is `stopped`. */
  stoppedBy?: StopReason;
  status: number | null;
  /** Content-Length the server announced. */
  length: number | null;
  /** Bytes that arrived (all of them, or what arrived before the deadline). */
  bytes: number;
  ms: number | null;
  message: string;
}

// ---------------------------------------------------------------------------
// Host evidence: the same network steps measured from the machine running the doctor
// (Node), for the host-vs-container comparison. A null step did not run.

export interface HostDnsEvidence {
  outcome: 'resolved' | 'nxdomain' | 'timeout' | 'error';
  addresses: string[];
  ms: number | null;
  message: string;
}

export interface HostTcpEvidence {
  /** The address dialled: the host's own answer, else the --add-host entry for the name. */
  address: string;
  /** Where `address` came from. */
  addressFrom: 'host' | 'add-host';
  outcome: 'connected' | 'refused' | 'timeout' | 'unreachable' | 'error';
  ms: number | null;
  message: string;
}

export interface HostTlsEvidence {
  outcome: 'ok' | 'timeout' | 'error';
  /** Whether the chain verified against the host's roots (Go's: SSL_CERT_FILE/DIR or the system bundle, plus --ca-cert). */
  verified: boolean;
  /** Node's verification error code (UNABLE_TO_GET_ISSUER_CERT_LOCALLY, CERT_HAS_EXPIRED, ...), when not verified. */
  verifyError: string | null;
  issuer: string | null;
  ms: number | null;
  message: string;
}

export interface HostHttpEvidence {
  url: string;
  /** The proxy the go command on the host would use for url (host environment, Go's NO_PROXY rules), redacted. */
  proxy: string | null;
  outcome: 'response' | 'timeout' | 'proxy_refused' | 'proxy_auth' | 'tls_error' | 'error';
  status: number | null;
  ms: number | null;
  message: string;
}

/** The host's route towards an address: the interface and its MTU (Linux), for the MTU comparison. */
export interface HostRoute {
  address: string;
  device: string | null;
  mtu: number | null;
  /** True when the address is one of the host's own (the route is loopback: no MTU to compare). */
  local: boolean;
}

export interface HostTargetEvidence {
  /** The PlannedTarget key this row mirrors. */
  key: string;
  dns: HostDnsEvidence | null;
  tcp: HostTcpEvidence | null;
  tls: HostTlsEvidence | null;
  http: HostHttpEvidence | null;
  route: HostRoute | null;
}

export interface HostEvidence {
  /** Proxy variables set in the host's environment (the doctor's own process), values redacted. */
  proxyEnv: Record<string, string>;
  /** The resolvers the host uses (/etc/resolv.conf), for fix lines. */
  nameservers: string[];
  /** MTU of the Docker network the probe container used, from the engine. */
  networkMtu: number | null;
  /** Name of that network (bridge, a user network, host). */
  networkName: string;
  targets: HostTargetEvidence[];
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

// ---------------------------------------------------------------------------
// The build: the Dockerfile stage the probe stands in for, and the engine that builds it.

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

// ---------------------------------------------------------------------------
// Report: the whole outcome, what renderers print.

export interface Verdict {
  /** The lowest broken layer, or null when nothing failed. */
  layer: Category | null;
  text: string;
  /** The single most useful fix, or null when nothing failed or no cause stands out. */
  fix: string | null;
  /** Ids (id@target) of the rows the verdict rests on. */
  basedOn: string[];
  /** The cause the verdict names: the host comparison's when it decides, else the failing rows'. */
  cause?: Cause | null;
}

export interface Report {
  schemaVersion: 1;
  tool: { name: 'gomod-doctor'; version: string };
  image: string;
  user: string;
  /** Set when a Dockerfile stage was probed: which one, and from which base image. */
  stage?: { dockerfile: string; name: string; line: number; baseImage: string; chain: string[]; mode: 'run' | 'build' };
  startedAt: string;
  durationMs: number;
  checks: CheckResult[];
  /** --mode build: every check over what the build step measured (the build.step rows in `checks` compare them). */
  buildChecks?: CheckResult[];
  /** -v: the agent's raw output, block by block. */
  raw?: RawBlock[];
  summary: { pass: number; warn: number; fail: number; skip: number; verdict: string; layer: Category | null; fix: string | null; basedOn: string[]; cause?: Cause | null };
}
