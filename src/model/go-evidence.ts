/**
 * What the go command's own steps met in the container: the directories it writes, private
 * repositories, downloads through GOPROXY, the checksum database and module zips. Serialisable.
 */
import type { HttpEvidence } from './network.js';
import type { PlannedFetch, PlannedPath, PlannedRepo, PlannedSumdbGet, PlannedTransfer } from './plan.js';

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
