/**
 * What the CLI hands the run: flags parsed, files read, values validated, the docker client's
 * config and the Dockerfile stage applied (src/cli/resolve.ts). Read-only from then on:
 * the resolver freezes it, and nothing downstream writes to it.
 */

/** A `--target HOST[:PORT]` or `--target URL` (a module proxy base URL). */
export interface UserTarget {
  readonly host: string;
  readonly port: number;
  /** Set when the target was given as a URL: it is then probed as a module proxy. */
  readonly proxyUrl: string | null;
}

/** A `--private-repo`: a git URL (https, ssh, scp-like) or a module path to discover. */
export interface PrivateRepo {
  readonly input: string;
  readonly kind: 'https' | 'ssh' | 'module';
  /** The git URL, or the import path for `module`. */
  readonly url: string;
  readonly host: string;
}

/** --dockerfile: the build whose stage the probe stands in for. */
export interface DockerfileOption {
  /** As the user named it (used in origins: `Dockerfile:12 ENV`). */
  readonly path: string;
  readonly text: string;
  /** The build context directory (--context, else the current directory, as `docker build .`). */
  readonly contextDir: string;
  /** .dockerignore of the context, or null. */
  readonly dockerignore: string | null;
  /** --target STAGE, as docker build --target. */
  readonly target: string | null;
  /** --build-arg values in order, then the docker config.json proxies the docker CLI adds as build args. */
  readonly buildArgs: ReadonlyArray<{ readonly name: string; readonly value: string; readonly origin: string }>;
}

/** --secret id=ID[,src=FILE|,env=VAR]: a value served to the build's `RUN --mount=type=secret` through the BuildKit session. */
export interface BuildSecret {
  readonly id: string;
  readonly value: Buffer;
}

/** --ssh ID[=SOCKET|KEY,…]: an agent socket, or private keys an in-process agent holds. */
export interface SshSource {
  readonly id: string;
  readonly socket: string | null;
  readonly keys: readonly Buffer[];
}

export interface DoctorOptions {
  /** --image, or the base image of the Dockerfile stage once resolved. */
  readonly image: string;
  /** Set when probing a Dockerfile's stage (--dockerfile, or ./Dockerfile without --image). */
  readonly dockerfile: DockerfileOption | null;
  /** `run`: a container from the image; `build`: also the same probes as a RUN step of a real build. */
  readonly mode: 'run' | 'build';
  /** --user; null means the image's own USER. */
  readonly user: string | null;
  readonly network: string | null;
  readonly dns: readonly string[];
  readonly addHosts: readonly string[];
  /** KEY=VALUE from --env-file then -e, in docker's order (later wins). */
  readonly env: readonly string[];
  readonly platform: string | null;
  readonly targets: readonly UserTarget[];
  /** Probe proxy.golang.org, goproxy.cn, goproxy.io, github.com, sum.golang.org. */
  readonly defaultTargets: boolean;
  /** Bound on each network step inside the container. */
  readonly timeoutMs: number;
  /** --ca-cert: an extra CA the probes trust (PEM). */
  readonly caCertPem: string | null;
  readonly format: OutputFormat;
  /** Exit 1 on `fail` rows (default), or on `warn` rows too (--fail-on warn, --strict). */
  readonly failOn: 'fail' | 'warn';
  /** --only/--skip: check ids or categories. */
  readonly only: readonly string[];
  readonly skip: readonly string[];
  /** From the config file: warn when a step to a target takes longer than this (ms). */
  readonly thresholds: Thresholds;
  /** -v: print each probe's raw evidence. */
  readonly verbose: boolean;
  /** --list-probes: print what the run would touch, run nothing. */
  readonly listProbes: boolean;
  /** The config file the settings came from, for the report. */
  readonly configFile: string | null;
  readonly debug: boolean;
  /** -v SRC:DST[:ro], as docker run: the only host paths the probe sees. */
  readonly volumes: readonly string[];
  readonly privateRepos: readonly PrivateRepo[];
  /** --netrc, plus machine lines made from GOMOD_DOCTOR_GIT_TOKEN: shipped into the container, never into an image. */
  readonly netrcText: string | null;
  /** GOMOD_DOCTOR_GIT_TOKEN/_USER: also offered to git for hosts a private module's discovery names. */
  readonly gitToken: { readonly user: string; readonly token: string } | null;
  /** --ssh-key: a private key for ssh git URLs, shipped like the netrc. */
  readonly sshKeyText: string | null;
  /** --ssh-agent: the host's SSH_AUTH_SOCK, mounted into the container. */
  readonly sshAgentSocket: string | null;
  /** --gomod: the go.mod the build uses. */
  readonly gomod: { readonly path: string; readonly text: string; readonly vendor: boolean } | null;
  /** Proxy variables the docker CLI would inject from its config.json (`proxies`), as KEY=VALUE. */
  readonly dockerConfigEnv: readonly string[];
  /** Which config.json and key they came from, for the report. */
  readonly dockerConfigSource: string | null;
  /** Run `go mod download` of the canary through each GOPROXY entry (needs go in the image); --no-fetch: false. */
  readonly fetch: boolean;
  /** --canary MODULE@VERSION, the module the fetch downloads. */
  readonly canary: string;
  /** --throughput: a larger MODULE@VERSION whose zip is timed from each proxy, or null. */
  readonly throughput: string | null;
  /** Whether to run the same network probes from the host (--no-host: false). */
  readonly hostProbes: boolean;
  /** --mode build: --secret values, served to the build only (BuildKit), never to the container. */
  readonly buildSecrets: readonly BuildSecret[];
  /** --mode build: --ssh sources, forwarded to the build only (BuildKit). */
  readonly buildSsh: readonly SshSource[];
  /** DOCKER_BUILDKIT as the docker CLI reads it: true/false when set, null to let the engine decide. */
  readonly dockerBuildkit: boolean | null;
  /** Every secret value the user handed in, scrubbed from all output as a last line of defence. */
  readonly secrets: readonly string[];
}

/** `compact`: the one-screen human report (the default); `table`: every row. */
export type OutputFormat = 'compact' | 'table' | 'list' | 'json' | 'markdown' | 'junit' | 'github';

export interface Thresholds {
  readonly dnsMs: number | null;
  readonly tcpMs: number | null;
  readonly tlsMs: number | null;
  readonly httpMs: number | null;
  readonly fetchMs: number | null;
}

/** The module whose zip --throughput times: large enough (several MB) to measure a rate. */
export const THROUGHPUT_MODULE = 'golang.org/x/text@v0.21.0';
