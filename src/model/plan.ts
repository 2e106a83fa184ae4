/** The plan: what the host asks the agent to probe. */

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
