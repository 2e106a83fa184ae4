/**
 * The engine endpoint, chosen exactly as the docker CLI chooses it, so the doctor talks to
 * the engine the user's `docker build` talks to. Pure over injected io.
 *
 * Rules, from docker/cli:
 * - cli/command/cli.go resolveContextName: DOCKER_HOST (non-empty) selects the `default`
 *   context, before DOCKER_CONTEXT and before config.json `currentContext`; else DOCKER_CONTEXT;
 *   else `currentContext`; else `default`. So DOCKER_HOST wins over DOCKER_CONTEXT.
 * - resolveDefaultDockerEndpoint + opts/hosts.go ParseHost: the default context's host is
 *   DOCKER_HOST, else unix:///var/run/docker.sock, or tcp://localhost:2376 when TLS is on.
 *   parseDockerDaemonHost: no scheme means tcp; ParseTCPAddr fills a missing host/port from
 *   tcp://localhost:2375 (2375 even with TLS: only an empty DOCKER_HOST defaults to 2376).
 * - cli/flags/options.go: TLS is on when DOCKER_TLS_VERIFY or DOCKER_TLS is non-empty (any
 *   value, "0" too); verification only with DOCKER_TLS_VERIFY. Files come from DOCKER_CERT_PATH,
 *   default the config dir ($DOCKER_CONFIG or ~/.docker); ca.pem must be readable, a missing
 *   cert.pem/key.pem just means no client certificate.
 * - cli/context/store: a context lives in contexts/meta/<sha256 hex of the name>/meta.json and
 *   its TLS files in contexts/tls/<same>/docker/{ca,cert,key}.pem (contextdirOf = digest.FromString).
 * - cli/context/docker/load.go: TLS applies to non-socket hosts only, when the context has TLS
 *   files or SkipTLSVerify.
 * Beyond the CLI: when /var/run/docker.sock is absent but a Podman socket exists, use it.
 */
import { createHash } from 'node:crypto';
import { readFileSync, existsSync } from 'node:fs';
import https from 'node:https';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../errors.js';

export interface EndpointIo {
  env: Readonly<Record<string, string | undefined>>;
  /** Throws when the file cannot be read. */
  readFile(path: string): string;
  exists(path: string): boolean;
  homedir: string;
}

export interface EngineEndpoint {
  /** unix:///var/run/docker.sock, tcp://host:2376, ssh://user@host */
  endpoint: string;
  source: 'DOCKER_HOST' | 'DOCKER_CONTEXT' | 'config.json currentContext' | 'default' | 'podman';
  context: string | null;
  tls: boolean;
  /** Where the TLS files came from (DOCKER_CERT_PATH or the context's tls dir), for error hints; null without TLS. */
  tlsDir: string | null;
  /** What `new Docker(opts)` needs. Every key the modem would otherwise take from process.env is set. */
  dockerodeOptions: Record<string, unknown>;
}

/** The real filesystem and home directory; `env` is passed in (only src/cli reads process). */
export function nodeEndpointIo(env: Readonly<Record<string, string | undefined>>): EndpointIo {
  return { env, readFile: (p) => readFileSync(p, 'utf8'), exists: (p) => existsSync(p), homedir: homedir() };
}

const DEFAULT_SOCKET = '/var/run/docker.sock';

/** The docker CLI's config directory: $DOCKER_CONFIG, else ~/.docker. */
export function dockerConfigDir(io: EndpointIo): string {
  return io.env.DOCKER_CONFIG || join(io.homedir, '.docker');
}

/** The context store's directory name for a context (cli/context/store contextdirOf). */
export function contextDirName(name: string): string {
  return createHash('sha256').update(name).digest('hex');
}

type Parsed =
  | { kind: 'unix' | 'npipe'; endpoint: string; path: string }
  | { kind: 'tcp'; endpoint: string; host: string; port: number }
  | { kind: 'ssh'; endpoint: string; host: string; port: number | undefined; user: string | undefined };

function bad(value: string, why: string): UsageError {
  return new UsageError(`${why}: ${value}`, 'use unix:///path/to/docker.sock, tcp://HOST:PORT or ssh://USER@HOST');
}

/** opts/hosts.go parseDockerDaemonHost, as the docker CLI normalises a host. */
export function parseDaemonHost(value: string, what = 'DOCKER_HOST'): Parsed {
  const raw = value.trim();
  const cut = raw.indexOf('://');
  const proto = cut < 0 ? 'tcp' : raw.slice(0, cut);
  const rest = cut < 0 ? raw : raw.slice(cut + 3);
  if (proto === 'unix' || proto === 'npipe') {
    if (rest.includes('://')) throw bad(raw, `${what} is malformed`);
    const path = rest || (proto === 'unix' ? DEFAULT_SOCKET : '//./pipe/docker_engine');
    return { kind: proto, endpoint: `${proto}://${path}`, path };
  }
  if (proto === 'tcp') {
    if (rest.includes('://')) throw bad(raw, `${what} is malformed`);
    let url: URL;
    try {
      // ParseTCPAddr: an empty host is localhost (`tcp://:2376`), an empty address the whole default.
      url = new URL(`tcp://${rest.startsWith(':') ? `localhost${rest}` : rest || 'localhost:2375'}`);
    } catch {
      throw bad(raw, `${what} is not a valid address`);
    }
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1') || 'localhost';
    const port = url.port ? Number(url.port) : 2375;
    if (!Number.isInteger(port) || port <= 0 || port > 65535) throw bad(raw, `${what} has an invalid port`);
    const shown = host.includes(':') ? `[${host}]` : host;
    return { kind: 'tcp', endpoint: `tcp://${shown}:${port}`, host, port };
  }
  if (proto === 'ssh') {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw bad(raw, `${what} is not a valid ssh URL`);
    }
    // cli/connhelper/ssh ParseURL: no password, a host, nothing after it.
    if (url.password) throw bad(raw.replace(/:[^:@/]*@/, ':***@'), `${what} has a password in it, which the docker CLI refuses`);
    if (!url.hostname) throw bad(raw, `${what} names no host`);
    if (url.search || url.hash) throw bad(raw, `${what} has text after the host`);
    const user = url.username ? decodeURIComponent(url.username) : undefined;
    return { kind: 'ssh', endpoint: raw, host: url.hostname, port: url.port ? Number(url.port) : undefined, user };
  }
  if (proto === 'fd') throw bad(raw, `${what} is a file descriptor (fd://), which only dockerd listens on`);
  throw bad(raw, `${what} has an unknown scheme "${proto}"`);
}

interface TlsFiles {
  ca?: string;
  cert?: string;
  key?: string;
}

function readTls(io: EndpointIo, file: string, required: boolean, why: string): string | undefined {
  if (!required && !io.exists(file)) return undefined;
  try {
    return io.readFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException | null)?.code ?? (err instanceof Error ? err.message : String(err));
    throw new UsageError(`${why}, but ${file} cannot be read (${code})`, 'point DOCKER_CERT_PATH (or the context) at a directory holding ca.pem, cert.pem and key.pem');
  }
}

function options(p: Parsed, tls: { files: TlsFiles; verify: boolean } | null, io: EndpointIo): Record<string, unknown> {
  if ('path' in p) {
    // host/port undefined and protocol http: docker-modem would otherwise take them from process.env.DOCKER_HOST.
    return { socketPath: p.path, host: undefined, port: undefined, protocol: 'http' };
  }
  if (p.kind === 'ssh') {
    // docker-modem runs `docker system dial-stdio` over ssh2 (lib/ssh.js); ssh2 needs a user name.
    const username = p.user ?? io.env.USER ?? io.env.LOGNAME;
    return { protocol: 'ssh', host: p.host, port: p.port, username, sshOptions: io.env.SSH_AUTH_SOCK ? { agent: io.env.SSH_AUTH_SOCK } : {} };
  }
  const base: Record<string, unknown> = { host: p.host, port: p.port, protocol: tls ? 'https' : 'http', socketPath: undefined };
  if (!tls) return base;
  const f = tls.files;
  const material = {
    ...(f.ca !== undefined ? { ca: Buffer.from(f.ca) } : {}),
    ...(f.cert !== undefined && f.key !== undefined ? { cert: Buffer.from(f.cert), key: Buffer.from(f.key) } : {}),
  };
  // Without verification (DOCKER_TLS alone, SkipTLSVerify) Go skips the chain check; the modem only passes that through an agent.
  return { ...base, ca: undefined, cert: undefined, key: undefined, ...material, ...(tls.verify ? {} : { agent: new https.Agent({ ...material, rejectUnauthorized: false }) }) };
}

function fromDockerHost(io: EndpointIo, value: string): EngineEndpoint {
  const parsed = parseDaemonHost(value);
  const tls = tlsFromEnv(io);
  const on = tls !== null && parsed.kind === 'tcp';
  return { endpoint: parsed.endpoint, source: 'DOCKER_HOST', context: null, tls: on, tlsDir: on && tls ? tls.dir : null, dockerodeOptions: options(parsed, on ? tls : null, io) };
}

/** DOCKER_TLS_VERIFY / DOCKER_TLS and the files the CLI reads for them (they are read even for a socket host, as the CLI does). */
function tlsFromEnv(io: EndpointIo): { files: TlsFiles; verify: boolean; dir: string } | null {
  const verify = !!io.env.DOCKER_TLS_VERIFY;
  if (!verify && !io.env.DOCKER_TLS) return null;
  const dir = io.env.DOCKER_CERT_PATH || dockerConfigDir(io);
  const why = verify ? 'DOCKER_TLS_VERIFY is set' : 'DOCKER_TLS is set';
  return {
    verify,
    dir,
    files: { ca: readTls(io, join(dir, 'ca.pem'), true, why), cert: readTls(io, join(dir, 'cert.pem'), false, why), key: readTls(io, join(dir, 'key.pem'), false, why) },
  };
}

function defaultEndpoint(io: EndpointIo): EngineEndpoint {
  const tls = tlsFromEnv(io);
  if (tls) {
    const parsed = parseDaemonHost('tcp://localhost:2376');
    return { endpoint: parsed.endpoint, source: 'default', context: null, tls: true, tlsDir: tls.dir, dockerodeOptions: options(parsed, tls, io) };
  }
  if (!io.exists(DEFAULT_SOCKET)) {
    const runtime = io.env.XDG_RUNTIME_DIR;
    const podman = [...(runtime ? [join(runtime, 'podman/podman.sock')] : []), '/run/podman/podman.sock'].find((p) => io.exists(p));
    if (podman) return { endpoint: `unix://${podman}`, source: 'podman', context: null, tls: false, tlsDir: null, dockerodeOptions: options(parseDaemonHost(`unix://${podman}`), null, io) };
  }
  return { endpoint: `unix://${DEFAULT_SOCKET}`, source: 'default', context: null, tls: false, tlsDir: null, dockerodeOptions: options(parseDaemonHost(`unix://${DEFAULT_SOCKET}`), null, io) };
}

/** A JSON object's field, matched case-insensitively as Go's encoding/json does. */
function field(obj: unknown, name: string): unknown {
  if (!obj || typeof obj !== 'object' || Array.isArray(obj)) return undefined;
  const record = obj as Record<string, unknown>;
  if (name in record) return record[name];
  const key = Object.keys(record).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : record[key];
}

function fromContext(io: EndpointIo, name: string, source: 'DOCKER_CONTEXT' | 'config.json currentContext'): EngineEndpoint {
  const store = join(dockerConfigDir(io), 'contexts');
  const id = contextDirName(name);
  const metaPath = join(store, 'meta', id, 'meta.json');
  const hint = 'list the contexts with `docker context ls`; `docker context use default` goes back to the local engine';
  if (!io.exists(metaPath)) throw new UsageError(`docker context "${name}" (from ${source}) does not exist: no ${metaPath}`, hint);
  let meta: unknown;
  try {
    meta = JSON.parse(io.readFile(metaPath));
  } catch (err) {
    throw new UsageError(`docker context "${name}" (from ${source}) cannot be read: ${metaPath}: ${err instanceof Error ? err.message : String(err)}`, hint);
  }
  const docker = field(field(meta, 'Endpoints'), 'docker');
  if (!docker || typeof docker !== 'object') throw new UsageError(`docker context "${name}" (from ${source}) has no docker endpoint in ${metaPath}`, hint);
  const host = field(docker, 'Host');
  const skipVerify = field(docker, 'SkipTLSVerify') === true;
  // An empty Host means the client's default socket (the moby client's DefaultDockerHost).
  const parsed = parseDaemonHost(typeof host === 'string' && host.trim() ? host : `unix://${DEFAULT_SOCKET}`, `the host of docker context "${name}"`);
  const tlsDir = join(store, 'tls', id, 'docker');
  const why = `docker context "${name}" has TLS files`;
  const files: TlsFiles = { ca: readTls(io, join(tlsDir, 'ca.pem'), false, why), cert: readTls(io, join(tlsDir, 'cert.pem'), false, why), key: readTls(io, join(tlsDir, 'key.pem'), false, why) };
  const hasFiles = files.ca !== undefined || files.cert !== undefined || files.key !== undefined;
  const tls = parsed.kind === 'tcp' && (hasFiles || skipVerify) ? { files, verify: !skipVerify } : null;
  return { endpoint: parsed.endpoint, source, context: name, tls: tls !== null, tlsDir: tls ? tlsDir : null, dockerodeOptions: options(parsed, tls, io) };
}

/** config.json `currentContext`, or '' (a missing or unreadable config.json is the CLI's empty config). */
function currentContext(io: EndpointIo): string {
  const path = join(dockerConfigDir(io), 'config.json');
  if (!io.exists(path)) return '';
  try {
    const value = field(JSON.parse(io.readFile(path)), 'currentContext');
    return typeof value === 'string' ? value : '';
  } catch {
    return ''; // the CLI warns and carries on with defaults
  }
}

/** The endpoint the docker CLI would use. Throws UsageError (one line) for a missing context, unreadable TLS files, a malformed host. */
export function resolveEndpoint(io: EndpointIo): EngineEndpoint {
  const host = io.env.DOCKER_HOST;
  // Any non-empty DOCKER_HOST selects the default context; blank after trimming is the default host (ParseHost).
  if (host) return host.trim() ? fromDockerHost(io, host) : { ...defaultEndpoint(io), source: 'DOCKER_HOST' };
  const fromEnv = io.env.DOCKER_CONTEXT;
  const name = fromEnv || currentContext(io);
  if (!name || name === 'default') return defaultEndpoint(io);
  return fromContext(io, name, fromEnv ? 'DOCKER_CONTEXT' : 'config.json currentContext');
}

// ---------------------------------------------------------------------------

/** How the endpoint was chosen, in the user's words. */
export function endpointOrigin(e: EngineEndpoint): string {
  if (e.context) return `docker context ${e.context}, from ${e.source}`;
  if (e.source === 'podman') return "Podman's socket: /var/run/docker.sock does not exist";
  return e.source === 'default' ? 'the default endpoint' : e.source;
}

const CERT_CODES = /^(UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN|DEPTH_ZERO_SELF_SIGNED_CERT|UNABLE_TO_GET_ISSUER_CERT(_LOCALLY)?|CERT_HAS_EXPIRED|CERT_NOT_YET_VALID|ERR_TLS_CERT_ALTNAME_INVALID)$/;

/**
 * One line saying why the engine at `e` did not answer, and what to change: for the
 * EngineUnavailable message. The raw errors (ECONNRESET, "socket hang up") say too little.
 */
export function describeEngineError(e: EngineEndpoint, err: unknown): string {
  const code = String((err as { code?: unknown } | null)?.code ?? '');
  const message = err instanceof Error ? err.message : String(err);
  const at = `${e.endpoint} (${endpointOrigin(e)})`;
  const path = e.endpoint.startsWith('unix://') ? e.endpoint.slice(7) : null;
  if (e.tls && CERT_CODES.test(code)) {
    return code === 'ERR_TLS_CERT_ALTNAME_INVALID'
      ? `the engine's TLS certificate does not name the host in ${at}: ${message}`
      : `the engine's TLS certificate is not trusted by ${e.tlsDir ?? 'the'}/ca.pem (${code}): ${at}`;
  }
  if (e.tls && (code === 'ECONNRESET' || code === 'EPROTO' || /socket hang up|before secure TLS|alert/i.test(message))) {
    return `the engine at ${at} ended the TLS handshake: it does not accept the client certificate ${e.tlsDir ?? '(none)'}/cert.pem (signed by a CA it does not trust, expired, or missing)`;
  }
  if (!e.tls && e.endpoint.startsWith('tcp://') && /HTTPS server|wrong version number|EPROTO/i.test(`${code} ${message}`)) {
    return `the engine at ${at} speaks TLS: set DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH (or use a context with TLS)`;
  }
  if (path && code === 'ENOENT') return `no engine socket at ${path} (${endpointOrigin(e)}): is the engine running (systemctl status docker)?`;
  if (path && code === 'EACCES') return `permission denied on ${path}: add your user to the docker group (sudo usermod -aG docker $USER, then log in again) or run as root`;
  if (code === 'ECONNREFUSED') return `nothing accepts connections at ${at}: is the engine running there?`;
  if (/ETIMEDOUT|EHOSTUNREACH|ENETUNREACH/.test(code)) return `no answer from ${at} (${code})`;
  if (e.endpoint.startsWith('ssh://') && /authentication/i.test(message)) {
    return `ssh to ${e.endpoint} failed to authenticate: add your key to the ssh agent (ssh-add); the doctor uses SSH_AUTH_SOCK, not ~/.ssh/config`;
  }
  return `the engine at ${at} did not answer: ${message}`;
}
