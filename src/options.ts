/** What the CLI hands the runner: flags parsed, files read, values validated. */

/** A `--target HOST[:PORT]` or `--target URL` (a module proxy base URL). */
export interface UserTarget {
  host: string;
  port: number;
  /** Set when the target was given as a URL: it is then probed as a module proxy. */
  proxyUrl: string | null;
}

/** A `--private-repo`: a git URL (https, ssh, scp-like) or a module path to discover. */
export interface PrivateRepo {
  input: string;
  kind: 'https' | 'ssh' | 'module';
  /** The git URL, or the import path for `module`. */
  url: string;
  host: string;
}

/** --dockerfile: the build whose stage the probe stands in for. */
export interface DockerfileOption {
  /** As the user named it (used in origins: `Dockerfile:12 ENV`). */
  path: string;
  text: string;
  /** The build context directory (--context, else the current directory, as `docker build .`). */
  contextDir: string;
  /** .dockerignore of the context, or null. */
  dockerignore: string | null;
  /** --target STAGE, as docker build --target. */
  target: string | null;
  /** --build-arg values in order, then the docker config.json proxies the docker CLI adds as build args. */
  buildArgs: Array<{ name: string; value: string; origin: string }>;
}

/** --secret id=ID[,src=FILE|,env=VAR]: a value served to the build's `RUN --mount=type=secret` through the BuildKit session. */
export interface BuildSecret {
  id: string;
  value: Buffer;
}

/** --ssh ID[=SOCKET|KEY,…]: an agent socket, or private keys an in-process agent holds. */
export interface SshSource {
  id: string;
  socket: string | null;
  keys: Buffer[];
}

export interface DoctorOptions {
  /** --image, or the base image of the Dockerfile stage once resolved. */
  image: string;
  /** Set when probing a Dockerfile's stage (--dockerfile, or ./Dockerfile without --image). */
  dockerfile: DockerfileOption | null;
  /** `run`: a container from the image; `build`: also the same probes as a RUN step of a real build. */
  mode: 'run' | 'build';
  /** --user; null means the image's own USER. */
  user: string | null;
  network: string | null;
  dns: string[];
  addHosts: string[];
  /** KEY=VALUE from --env-file then -e, in docker's order (later wins). */
  env: string[];
  platform: string | null;
  targets: UserTarget[];
  /** Probe proxy.golang.org, goproxy.cn, goproxy.io, github.com, sum.golang.org. */
  defaultTargets: boolean;
  /** Bound on each network step inside the container. */
  timeoutMs: number;
  /** --ca-cert: an extra CA the probes trust (PEM). */
  caCertPem: string | null;
  format: OutputFormat;
  /** Exit 1 on `fail` rows (default), or on `warn` rows too (--fail-on warn, --strict). */
  failOn: 'fail' | 'warn';
  /** --only/--skip: check ids or categories. */
  only: string[];
  skip: string[];
  /** From the config file: warn when a step to a target takes longer than this (ms). */
  thresholds: Thresholds;
  /** -v: print each probe's raw evidence. */
  verbose: boolean;
  /** --list-probes: print what the run would touch, run nothing. */
  listProbes: boolean;
  /** The config file the settings came from, for the report. */
  configFile: string | null;
  debug: boolean;
  /** -v SRC:DST[:ro], as docker run: the only host paths the probe sees. */
  volumes: string[];
  privateRepos: PrivateRepo[];
  /** --netrc, plus machine lines made from GOMOD_DOCTOR_GIT_TOKEN: shipped into the container, never into an image. */
  netrcText: string | null;
  /** GOMOD_DOCTOR_GIT_TOKEN/_USER: also offered to git for hosts a private module's discovery names. */
  gitToken: { user: string; token: string } | null;
  /** --ssh-key: a private key for ssh git URLs, shipped like the netrc. */
  sshKeyText: string | null;
  /** --ssh-agent: the host's SSH_AUTH_SOCK, mounted into the container. */
  sshAgentSocket: string | null;
  /** --gomod: the go.mod the build uses. */
  gomod: { path: string; text: string; vendor: boolean } | null;
  /** Proxy variables the docker CLI would inject from its config.json (`proxies`), as KEY=VALUE. */
  dockerConfigEnv: string[];
  /** Which config.json and key they came from, for the report. */
  dockerConfigSource: string | null;
  /** Run `go mod download` of the canary through each GOPROXY entry (needs go in the image); --no-fetch: false. */
  fetch: boolean;
  /** --canary MODULE@VERSION, the module the fetch downloads. */
  canary: string;
  /** --throughput: a larger MODULE@VERSION whose zip is timed from each proxy, or null. */
  throughput: string | null;
  /** Whether to run the same network probes from the host (--no-host: false). */
  hostProbes: boolean;
  /** --mode build: --secret values, served to the build only (BuildKit), never to the container. */
  buildSecrets: BuildSecret[];
  /** --mode build: --ssh sources, forwarded to the build only (BuildKit). */
  buildSsh: SshSource[];
  /** DOCKER_BUILDKIT as the docker CLI reads it: true/false when set, null to let the engine decide. */
  dockerBuildkit: boolean | null;
  /** Every secret value the user handed in, scrubbed from all output as a last line of defence. */
  secrets: string[];
}

/** `compact`: the one-screen human report (the default); `table`: every row. */
export type OutputFormat = 'compact' | 'table' | 'list' | 'json' | 'markdown' | 'junit' | 'github';

export interface Thresholds {
  dnsMs: number | null;
  tcpMs: number | null;
  tlsMs: number | null;
  httpMs: number | null;
  fetchMs: number | null;
}

/** The module whose zip --throughput times: large enough (several MB) to measure a rate. */
export const THROUGHPUT_MODULE = 'golang.org/x/text@v0.21.0';
