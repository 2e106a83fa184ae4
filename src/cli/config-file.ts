/**
 * The repository config file (.gomod-doctor.json / .yaml / .yml) that CI and developers
 * share: found from the working directory up to the repository root, parsed strictly and
 * validated with the flags' own validators. Every problem is one UsageError line naming
 * the file and the key path; the result is plain data for args.ts to merge under the flags.
 */
import { isIP } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { firstLine, readJson, readYaml } from './config-file-syntax.js';
import { At, bool, describe, isMapping, line, list, matching, oneOf, quote, record, text, usage, validated } from './config-file-values.js';
// validate.ts, not args.ts: args.ts imports this module.
import { closest, parseAddHost, parseBuildArg, parseCanary, parseDuration, parsePrivateRepo, parseTarget, SELECTORS, validateImage } from './validate.js';

export interface ConfigFile {
  path: string;
  config: DoctorConfig;
}

/** Every key optional; each mirrors a flag. Paths come back as written: relative to the file's directory (args.ts resolves them). */
export interface DoctorConfig {
  image?: string; dockerfile?: string; target?: string; context?: string; buildArgs?: Record<string, string>; mode?: 'run' | 'build';
  network?: string; dns?: string[]; addHosts?: string[]; env?: Record<string, string> | string[]; platform?: string; user?: string;
  /** Extra HOST[:PORT] or module proxy URLs, as --probe. */
  probe?: string[];
  defaultTargets?: boolean;
  /** As --private-repo. */
  privateRepos?: string[];
  /** MODULE@VERSION. */
  canary?: string;
  throughput?: string | boolean;
  /** Seconds, or '2500ms' / '5s' as --timeout. */
  timeout?: number | string;
  fetch?: boolean; host?: boolean;
  format?: 'compact' | 'table' | 'list' | 'json' | 'markdown' | 'junit' | 'github';
  failOn?: 'fail' | 'warn';
  /** Check ids or categories. */
  only?: string[]; skip?: string[];
  /** Warn when the step to a target takes longer. */
  thresholds?: { dnsMs?: number; tcpMs?: number; tlsMs?: number; httpMs?: number; fetchMs?: number };
  caCert?: string;
}

export const CONFIG_FILE_NAMES = ['.gomod-doctor.json', '.gomod-doctor.yaml', '.gomod-doctor.yml'] as const;
const MAX_BYTES = 1024 * 1024;
// The rules args.ts applies inline to these flags (not exported there).
const STAGE = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const USER = /^[A-Za-z0-9_][A-Za-z0-9_.-]*(:[A-Za-z0-9_][A-Za-z0-9_.-]*)?$/;
const PLATFORM = /^[a-z0-9]+\/[a-z0-9_]+(\/[a-z0-9]+)?$/;
const NETWORK = /^[A-Za-z0-9][A-Za-z0-9_.:-]*$/;
const FORMATS = ['compact', 'table', 'list', 'json', 'markdown', 'junit', 'github'] as const;
const THRESHOLDS = ['dnsMs', 'tcpMs', 'tlsMs', 'httpMs', 'fetchMs'] as const;
/** Keys people reach for that are deliberately flag-only. */
const FLAG_ONLY: Record<string, string> = {
  netrc: 'credentials stay out of committed files: pass --netrc FILE or GOMOD_DOCTOR_GIT_TOKEN',
  sshkey: 'credentials stay out of committed files: pass --ssh-key FILE or --ssh-agent',
  sshagent: 'pass --ssh-agent',
  token: 'credentials stay out of committed files: set GOMOD_DOCTOR_GIT_TOKEN',
  secret: 'build secrets stay out of committed files: pass --secret id=ID,src=FILE (or env=VAR), as docker build',
  secrets: 'build secrets stay out of committed files: pass --secret id=ID,src=FILE (or env=VAR), as docker build',
  ssh: 'pass --ssh default[=SOCKET|KEY], as docker build',
  json: 'use format: json',
};

type Field = (v: unknown, at: At) => unknown;

const FIELDS: Record<keyof DoctorConfig, Field> = {
  image: (v, at) => at.via(line(v, at), validateImage),
  dockerfile: (v, at) => filePath(v, at),
  target: (v, at) => matching(v, at, STAGE, 'a stage name'),
  context: (v, at) => filePath(v, at),
  buildArgs: (v, at) => record(v, at, (name, val, a) => {
    if (name.includes('=') || !isBuildArgName(name)) a.fail(`: ${quote(name)} is not a build arg name`);
    return text(val, a.child(name));
  }),
  mode: (v, at) => oneOf(v, at, ['run', 'build']),
  network: (v, at) => matching(v, at, NETWORK, 'a network name'),
  dns: (v, at) => list(v, at, (x, a) => {
    const ip = line(x, a);
    return isIP(ip) ? ip : a.fail(`: ${quote(ip)} is not an IP address`);
  }),
  addHosts: (v, at) => list(v, at, (x, a) => a.via(line(x, a), parseAddHost)),
  env: (v, at) =>
    isMapping(v)
      ? record(v, at, (name, val, a) => (/^[^=\s]+$/.test(name) ? text(val, a.child(name)) : a.fail(`: ${quote(name)} is not a variable name`)))
      : list(v, at, (x, a) => {
          const kv = text(x, a);
          return /^[^=\s]+(=|$)/.test(kv) ? kv : a.fail(`: ${quote(kv)} is not KEY=VALUE`);
        }),
  platform: (v, at) => matching(v, at, PLATFORM, 'OS/ARCH[/VARIANT]'),
  user: (v, at) => matching(v, at, USER, 'NAME|UID[:GROUP|GID]'),
  probe: (v, at) => list(v, at, (x, a) => validated(line(x, a), a, parseTarget)),
  defaultTargets: bool,
  privateRepos: (v, at) => list(v, at, (x, a) => validated(line(x, a), a, parsePrivateRepo)),
  canary: (v, at) => at.via(line(v, at), (s) => parseCanary(s)),
  throughput: (v, at) => (typeof v === 'boolean' ? v : at.via(line(v, at, 'true, false or MODULE@VERSION'), (s) => parseCanary(s, 'throughput'))),
  timeout,
  fetch: bool,
  host: bool,
  format: (v, at) => oneOf(v, at, FORMATS),
  failOn: (v, at) => oneOf(v, at, ['fail', 'warn']),
  only: (v, at) => list(v, at, checkRef),
  skip: (v, at) => list(v, at, checkRef),
  thresholds,
  caCert: (v, at) => filePath(v, at),
};
const KEYS = Object.keys(FIELDS);

/** Look in `cwd`, then each parent up to the repository root (a directory with .git) or `/`. */
export function findConfigFile(cwd: string, io: { exists(p: string): boolean; readFile(p: string): string }): ConfigFile | null {
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    const here = CONFIG_FILE_NAMES.filter((n) => io.exists(join(dir, n)));
    if (here.length > 1) throw usage(`${dir}: more than one config file (${here.join(', ')}): keep one`);
    if (here[0] !== undefined) {
      const path = join(dir, here[0]);
      let text: string;
      try {
        text = io.readFile(path);
      } catch (err) {
        throw usage(`${path}: cannot read it (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
      }
      return { path, config: parseConfigFile(path, text) };
    }
    if (io.exists(join(dir, '.git')) || dirname(dir) === dir) return null;
  }
}

/** Parse and validate one file's text; `path` names it in messages and anchors its relative paths. */
export function parseConfigFile(path: string, text: string): DoctorConfig {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_BYTES) throw usage(`${path}: ${bytes} bytes is too big for a config file (at most 1 MiB)`);
  const kind = /\.json$/i.test(path) ? 'json' : /\.ya?ml$/i.test(path) ? 'yaml' : null;
  if (!kind) throw usage(`${path}: a config file is .json, .yaml or .yml`);
  let data: unknown;
  try {
    data = kind === 'json' ? readJson(path, text) : readYaml(path, text);
  } catch (err) {
    if (err instanceof UsageError) throw err;
    // Only the parsers run in here: a too-deep document overflows the stack.
    if (err instanceof RangeError) throw usage(`${path}: the document is nested too deeply`);
    throw usage(`${path}: ${firstLine((err as Error).message)}`);
  }
  return validate(path, data);
}

function validate(path: string, data: unknown): DoctorConfig {
  const root = new At(path, '');
  if (!isMapping(data)) throw usage(`${path}: the top level must be a mapping of keys (got ${describe(data)})`);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(data)) {
    // `x-*` keys hold YAML anchors or notes (as in compose files); `$schema` is for editors.
    if (k.startsWith('x-') || k === '$schema') continue;
    if (!Object.hasOwn(FIELDS, k)) unknownKey(root, k, KEYS);
    out[k] = FIELDS[k as keyof DoctorConfig](v, root.child(k));
  }
  const config = out as DoctorConfig;
  if (config.image !== undefined) {
    const clash = (['dockerfile', 'target', 'buildArgs', 'context'] as const).find((k) => config[k] !== undefined);
    if (clash) throw usage(`${path}: image and ${clash} exclude each other (image names the image; ${clash} is for a Dockerfile build)`);
    if (config.mode === 'build') throw usage(`${path}: mode build needs a Dockerfile, not image`);
  }
  return config;
}

function unknownKey(at: At, key: string, known: readonly string[]): never {
  const norm = (s: string) => s.toLowerCase().replace(/[-_]/g, '');
  const why = FLAG_ONLY[norm(key)];
  const near = known.find((k) => norm(k) === norm(key)) ?? closest(key, known);
  const prefix = at.key ? `${at.file}: ${at.key}:` : `${at.file}:`;
  throw usage(`${prefix} unknown key ${quote(key)}${why ? ` (${why})` : near ? ` (did you mean ${quote(near)}?)` : ''}`);
}

function filePath(v: unknown, at: At): string {
  return line(v, at, 'a path (a string)');
}

/** Seconds (a number) or a duration string, as --timeout; kept as written. */
function timeout(v: unknown, at: At): number | string {
  if (typeof v !== 'number' && typeof v !== 'string') return at.expected('seconds or a duration such as "2500ms"', v);
  if (typeof v === 'string') line(v, at);
  at.via(String(v), (s) => parseDuration('timeout', s));
  return v;
}

function thresholds(v: unknown, at: At): NonNullable<DoctorConfig['thresholds']> {
  if (!isMapping(v)) return at.expected('a mapping of dnsMs, tcpMs, tlsMs, httpMs, fetchMs', v);
  const out: Record<string, number> = {};
  for (const [k, ms] of Object.entries(v)) {
    if (!(THRESHOLDS as readonly string[]).includes(k)) unknownKey(at, k, THRESHOLDS);
    const a = at.child(k);
    if (typeof ms !== 'number' || !Number.isFinite(ms)) return a.expected('a number of milliseconds', ms);
    if (ms <= 0 || ms > 600_000) a.fail(`must be between 1 and 600000 milliseconds (got ${ms})`);
    out[k] = ms;
  }
  return out;
}

/** --build-arg's own name rule (a bare NAME parses as "copy from the shell"). */
function isBuildArgName(name: string): boolean {
  try {
    parseBuildArg(name, {});
    return true;
  } catch {
    return false;
  }
}

/** only/skip: what --only/--skip accept (validate.ts SELECTORS), with the config file's wording. */
function checkRef(v: unknown, at: At): string {
  const s = line(v, at);
  if (SELECTORS.includes(s)) return s;
  const near = SELECTORS.find((k) => k.toLowerCase() === s.toLowerCase()) ?? closest(s, SELECTORS);
  return at.fail(`: ${quote(s)} is not a check id or category${near ? ` (did you mean ${quote(near)}?)` : ''}`);
}
