/**
 * The validators behind every flag (and every config-file key): a value in, a checked
 * value out, or a UsageError naming the flag. Pure; files come through `ArgsIo`.
 */
import { isIP } from 'node:net';
import { CHECK_IDS } from '../../checks/index.js';
import { CATEGORIES } from '../model.js';
import { UsageError } from '../errors.js';
import { imageRefProblem, MAX_IMAGE_NAME } from '../image-ref.js';
import { isSafeField } from '../agent/wire.js';
import { type BuildSecret, type PrivateRepo, type SshSource, THROUGHPUT_MODULE, type UserTarget } from '../options.js';
import { redactUrl } from '../secrets.js';

/** What parsing the arguments may read: the environment and files (a fake in tests). */
export interface ArgsIo {
  env: Readonly<Record<string, string | undefined>>;
  readFile(path: string): string;
  /** Where to look for the config file (and whether a path exists); without them, none is read. */
  cwd?: string;
  exists?(path: string): boolean;
}

const HOSTNAME = /^(?=.{1,253}$)[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,62})(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,62}))*\.?$/;

/** --image: a reference by the engine's grammar (src/image-ref.ts). */
export function validateImage(ref: string): string {
  const problem = imageRefProblem(ref);
  if (problem?.kind === 'too-long') {
    throw new UsageError(`--image ${JSON.stringify(ref.slice(0, 40))}… is not a valid image reference: the name is ${problem.nameLength} characters (at most ${MAX_IMAGE_NAME})`);
  }
  if (problem) throw new UsageError(`--image ${JSON.stringify(ref)} is not a valid image reference`, 'expected NAME[:TAG][@DIGEST], e.g. golang:1.23-alpine');
  return ref;
}

function validHost(h: string): boolean {
  return HOSTNAME.test(h) || isIP(h) !== 0;
}

/** A --probe value: HOST[:PORT] (port 443 by default), or an http(s) URL taken as a module proxy. */
export function parseTarget(value: string): UserTarget {
  if (/^https?:\/\//i.test(value)) {
    let u: URL;
    try {
      u = new URL(value);
    } catch {
      throw new UsageError(`--probe ${JSON.stringify(redactUrl(value))} is not a valid URL`);
    }
    const host = u.hostname.replace(/^\[|\]$/g, '');
    if (!validHost(host) || u.username || u.search || u.hash) throw new UsageError(`--probe ${JSON.stringify(redactUrl(value))}: expected https://HOST[:PORT][/PATH]`);
    return { host, port: Number(u.port || (u.protocol === 'http:' ? 80 : 443)), proxyUrl: `${u.protocol}//${u.host}${u.pathname.replace(/\/+$/, '')}` };
  }
  const m = /^(\[[0-9a-fA-F:]+\]|[^:]+)(?::(\d{1,5}))?$/.exec(value);
  const host = m?.[1]?.replace(/^\[|\]$/g, '') ?? '';
  const port = m?.[2] ? Number(m[2]) : 443;
  if (!m || !validHost(host) || port < 1 || port > 65535) {
    throw new UsageError(`--probe ${JSON.stringify(value)} is not HOST[:PORT] or a URL`, 'e.g. --probe goproxy.corp.example:443 or --probe https://goproxy.corp.example/go');
  }
  return { host, port, proxyUrl: null };
}

/** --add-host as docker run takes it. */
export function parseAddHost(value: string): string {
  // docker accepts host:ip and host=ip; the engine wants host:ip.
  const m = /^([^:=]+)[:=](.+)$/.exec(value);
  const host = m?.[1] ?? '';
  const ip = m?.[2]?.replace(/^\[|\]$/g, '') ?? '';
  if (!m || !HOSTNAME.test(host) || (isIP(ip) === 0 && ip !== 'host-gateway')) {
    throw new UsageError(`--add-host ${JSON.stringify(value)} is not HOST:IP`, 'e.g. --add-host proxy.golang.org:10.0.0.5');
  }
  return `${host}:${ip}`;
}

const REPO_HINT =
  'e.g. --private-repo https://git.corp.example/acme/lib.git, ssh://git@git.corp.example/acme/lib.git, git@git.corp.example:acme/lib.git or git.corp.example/acme/lib';

/** A --private-repo: an https or ssh git URL, scp-like `user@host:path`, or a module path. */
export function parsePrivateRepo(value: string): PrivateRepo {
  const bad = (why: string) => new UsageError(`--private-repo ${JSON.stringify(redactUrl(value))}: ${why}`, REPO_HINT);
  if (!isSafeField(value)) throw bad('unexpected characters');
  if (/^(https?|ssh):\/\//i.test(value)) {
    let u: URL;
    try {
      u = new URL(value);
    } catch {
      throw bad('not a valid URL');
    }
    const host = u.hostname.replace(/^\[|\]$/g, '');
    if (!validHost(host) || u.pathname.length < 2) throw bad('expected SCHEME://HOST[:PORT]/PATH');
    if (u.password || (u.username && u.protocol !== 'ssh:')) {
      throw bad('credentials do not belong in the URL (they would be printed and logged): use --netrc FILE or GOMOD_DOCTOR_GIT_TOKEN');
    }
    return { input: value, kind: u.protocol === 'ssh:' ? 'ssh' : 'https', url: value, host };
  }
  const scp = /^(?:[A-Za-z0-9._-]+@)?([A-Za-z0-9.-]+):(?!\/\/)([^:].*)$/.exec(value);
  if (scp && validHost(scp[1]!)) return { input: value, kind: 'ssh', url: value, host: scp[1]! };
  const mod = /^([a-z0-9][a-z0-9-]*(?:\.[a-z0-9][a-z0-9-]*)+)(\/[A-Za-z0-9._~+-]+)+$/.exec(value);
  if (mod) return { input: value, kind: 'module', url: value, host: mod[1]! };
  throw bad('not a git URL or a module path');
}

/** docker run -v SRC:DST[:OPTS]: a named volume or host path, an absolute container path. */
export function parseVolume(value: string): string {
  const m = /^([^:]+):(\/[^:]*)(?::([a-zA-Z,]+))?$/.exec(value);
  const opts = m?.[3]?.split(',') ?? [];
  if (!m || !opts.every((o) => ['ro', 'rw', 'z', 'Z', 'nocopy', 'cached', 'delegated', 'consistent'].includes(o))) {
    throw new UsageError(`--volume ${JSON.stringify(value)} is not SRC:DST[:ro]`, 'e.g. -v gomodcache:/go/pkg/mod:ro, as docker run -v');
  }
  return value;
}

/** Netrc lines for GOMOD_DOCTOR_GIT_TOKEN: one per https private-repo host. */
export function tokenNetrc(repos: PrivateRepo[], token: string, user: string): string {
  const hosts = [...new Set(repos.filter((r) => r.kind !== 'ssh').map((r) => r.host))];
  return hosts.map((h) => `machine ${h} login ${user} password ${token}\n`).join('');
}

/** --canary MODULE@VERSION: a module path and a semantic version, as `go mod download` takes them. */
export function parseCanary(value: string, flag = 'canary'): string {
  if (!/^[a-z0-9][a-z0-9.-]*\.[a-z]{2,}(\/[A-Za-z0-9._~+-]+)*@v\d+\.\d+\.\d+[A-Za-z0-9.+-]*$/.test(value)) {
    throw new UsageError(`--${flag} ${JSON.stringify(value)} is not MODULE@VERSION`, `e.g. --${flag} ${flag === 'canary' ? 'rsc.io/quote@v1.5.2' : THROUGHPUT_MODULE}`);
  }
  return value;
}

/** --timeout: seconds, or a number with `ms` or `s`, from 100ms to 600s; returned in milliseconds. */
export function parseDuration(flag: string, value: string | number): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s)?$/.exec(String(value).trim());
  const ms = m ? Number(m[1]) * (m[2] === 'ms' ? 1 : 1000) : NaN;
  if (!Number.isFinite(ms) || ms < 100 || ms > 600_000) {
    throw new UsageError(`--${flag} ${JSON.stringify(String(value))} is not a duration between 100ms and 600s`, 'e.g. --timeout 5 or --timeout 2500ms');
  }
  return Math.round(ms);
}

/**
 * docker's --env-file rules: KEY=VALUE taken literally (no quotes, no expansion),
 * a bare KEY copies the variable from this shell when set, # starts a comment.
 */
export function parseEnvFile(text: string, path: string, env: ArgsIo['env']): string[] {
  const out: string[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    const l = line.replace(/^\s+/, '');
    if (!l || l.startsWith('#')) return;
    out.push(...envEntry(l, `${path}:${i + 1}`, env));
  });
  return out;
}

/** One -e or --env-file entry: KEY=VALUE as written, or a bare KEY copied from this shell (dropped when unset). */
export function envEntry(entry: string, where: string, env: ArgsIo['env']): string[] {
  const eq = entry.indexOf('=');
  const key = eq < 0 ? entry : entry.slice(0, eq);
  if (!key || /\s/.test(key)) throw new UsageError(`${where}: ${JSON.stringify(entry)} is not KEY=VALUE`);
  if (eq >= 0) return [entry];
  const fromShell = env[key];
  return fromShell === undefined ? [] : [`${key}=${fromShell}`];
}

/** --build-arg K=V, or a bare K copied from this shell as docker build does (dropped when unset). */
export function parseBuildArg(value: string, env: ArgsIo['env']): { name: string; value: string; origin: string } | null {
  const eq = value.indexOf('=');
  const name = eq < 0 ? value : value.slice(0, eq);
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    throw new UsageError(`--build-arg ${JSON.stringify(value)} is not NAME=VALUE`, 'e.g. --build-arg GO_VERSION=1.22, as docker build');
  }
  if (eq >= 0) return { name, value: value.slice(eq + 1), origin: '--build-arg' };
  const fromShell = env[name];
  return fromShell === undefined ? null : { name, value: fromShell, origin: '--build-arg (from this shell)' };
}

/** Whether the file can be read (the Dockerfile and .dockerignore that are looked for, not named). */
export function readable(io: ArgsIo, path: string): boolean {
  try {
    io.readFile(path);
    return true;
  } catch {
    return false;
  }
}

/** A file a flag names: its text, or a UsageError naming the flag and why. */
export function readOrFail(io: ArgsIo, path: string, flag: string): string {
  try {
    return io.readFile(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(`${flag} ${path}: ${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : 'cannot read it'}`);
  }
}

/** The known word within two edits of `word`, if any (for "did you mean"). */
export function closest(word: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = 3;
  for (const k of known) {
    const d = distance(word, k);
    if (d < bestD) [best, bestD] = [k, d];
  }
  return best;
}

/** Optimal string alignment distance (Levenshtein plus adjacent swaps: "uesr" → "user" is 1). */
function distance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3;
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

/** Ids and categories --only/--skip (and the config file's only/skip) accept. */
export const SELECTORS: readonly string[] = [...CATEGORIES, ...CHECK_IDS, 'build.step'];

/** An --only/--skip value: a check id or category, with a "did you mean" when it is near one. */
export function validateSelector(flag: string, value: string): string {
  if (SELECTORS.includes(value)) return value;
  const near = SELECTORS.find((k) => k.toLowerCase() === value.toLowerCase()) ?? closest(value, SELECTORS);
  throw new UsageError(`${flag} ${JSON.stringify(value)} is not a check id or category${near ? ` (did you mean ${near}?)` : ''}`, `categories: ${CATEGORIES.join(', ')}; ids: docs/checks.md`);
}

/**
 * --secret as docker build (buildx's parser): `id=ID[,src=FILE|,source=FILE|,env=VAR][,type=file|env]`.
 * Neither src nor env: the variable named ID when it is set, else the file named ID (BuildKit's store).
 */
export function parseSecret(value: string, io: ArgsIo): BuildSecret {
  const bad = (why: string) => new UsageError(`--secret ${JSON.stringify(value)}: ${why}`, 'e.g. --secret id=netrc,src=$HOME/.netrc or --secret id=token,env=GIT_TOKEN');
  let id = '';
  let src: string | null = null;
  let envName: string | null = null;
  let type: string | null = null;
  for (const field of value.split(',')) {
    const eq = field.indexOf('=');
    if (eq < 0) throw bad(`'${field}' is not a key=value pair`);
    const key = field.slice(0, eq).toLowerCase();
    const v = field.slice(eq + 1);
    if (key === 'id') id = v;
    else if (key === 'src' || key === 'source') src = v;
    else if (key === 'env') envName = v;
    else if (key === 'type') {
      if (v !== 'file' && v !== 'env') throw bad(`unsupported secret type "${v}"`);
      type = v;
    } else throw bad(`unexpected key '${key}'`);
  }
  if (type === 'env' && envName === null) [envName, src] = [src, null];
  if (!/^[A-Za-z0-9_.-]+$/.test(id)) throw bad('needs id=ID (letters, digits, _ . -)');
  if (src === null && envName === null) {
    if (io.env[id] !== undefined) envName = id;
    else src = id;
  }
  if (envName !== null) {
    const v = io.env[envName];
    if (v === undefined) throw bad(`the variable ${envName} is not set in this shell`);
    return { id, value: Buffer.from(v) };
  }
  return { id, value: Buffer.from(readOrFail(io, src!, `--secret id=${id}: src`)) };
}

/**
 * --ssh as docker build: `default` (this shell's SSH_AUTH_SOCK), or `ID=PATH[,PATH…]` where a
 * path is an agent socket or a private key file (keys are held by an in-process agent).
 */
export function parseSsh(value: string, io: ArgsIo): SshSource {
  const eq = value.indexOf('=');
  const id = eq < 0 ? value : value.slice(0, eq);
  if (!/^[A-Za-z0-9_.-]+$/.test(id)) throw new UsageError(`--ssh ${JSON.stringify(value)}: needs an id (default, or letters, digits, _ . -)`, 'e.g. --ssh default, or --ssh default=$HOME/.ssh/id_ed25519');
  const paths = eq < 0 ? [] : value.slice(eq + 1).split(',').filter(Boolean);
  if (paths.length === 0) {
    const sock = io.env.SSH_AUTH_SOCK;
    if (!sock) throw new UsageError(`--ssh ${id}: SSH_AUTH_SOCK is not set in this shell`, 'start an agent (eval "$(ssh-agent)" && ssh-add), or name a key: --ssh default=$HOME/.ssh/id_ed25519');
    return { id, socket: sock, keys: [] };
  }
  const keys: Buffer[] = [];
  let socket: string | null = null;
  for (const p of paths) {
    let text: string | null = null;
    try {
      text = io.readFile(p);
    } catch (err) {
      // A socket cannot be read as a file; anything else missing is a usage error.
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'EACCES' || (io.exists && !io.exists(p))) throw new UsageError(`--ssh ${id}: ${p}: ${code === 'EACCES' ? 'permission denied' : 'no such file or socket'}`);
    }
    if (text === null) {
      if (socket !== null || keys.length) throw new UsageError(`--ssh ${id}: one agent socket, or key files, not both`);
      socket = p;
    } else if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(text)) {
      if (socket !== null) throw new UsageError(`--ssh ${id}: one agent socket, or key files, not both`);
      keys.push(Buffer.from(text.endsWith('\n') ? text : `${text}\n`));
    } else {
      throw new UsageError(`--ssh ${id}: ${p} is neither an agent socket nor a private key`);
    }
  }
  return { id, socket, keys };
}
