/**
 * The repository config file (.gomod-doctor.json / .yaml / .yml) that CI and developers
 * share: found from the working directory up to the repository root, parsed strictly and
 * validated with the flags' own validators. Every problem is one UsageError line naming
 * the file and the key path; the result is plain data for args.ts to merge under the flags.
 */
import { isIP } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { CHECK_IDS } from '../../checks/index.js';
import { UsageError } from '../errors.js';
import { CATEGORIES } from '../model.js';
import { redactUrl } from '../secrets.js';
// validate.ts, not args.ts: args.ts imports this module.
import { closest, parseAddHost, parseBuildArg, parseCanary, parseDuration, parsePrivateRepo, parseTarget, validateImage } from './validate.js';

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
/** yaml's alias budget (expansions weighted by size): a few anchors reused pass, a billion laughs does not. */
const MAX_ALIASES = 100;
/** Host, URL, path and id values: one short line, nothing a terminal or the agent's `read` would misread. */
const MAX_LINE = 2048;
const MAX_MESSAGE = 600;
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]/;
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

/** Where a value sits, for messages: `probe[2]`, `thresholds.tlsMs`. */
class At {
  constructor(readonly file: string, readonly key: string) {}
  child(k: string | number): At {
    return new At(this.file, typeof k === 'number' ? `${this.key}[${k}]` : this.key ? `${this.key}.${k}` : k);
  }
  fail(what: string, hint?: string): never {
    throw usage(`${this.file}: ${this.key}${what.startsWith(':') ? '' : ' '}${what}`, hint);
  }
  expected(what: string, v: unknown): never {
    const quoteIt = typeof v === 'number' || typeof v === 'boolean' ? ': quote the value' : '';
    this.fail(`must be ${what} (got ${describe(v)}${what.includes('string') ? quoteIt : ''})`);
  }
  /** Run a flag validator on `s`; its `--flag VALUE ...` message becomes `key: VALUE ...`. */
  via<T>(s: string, parse: (s: string) => T): T {
    try {
      return parse(s);
    } catch (err) {
      if (!(err instanceof UsageError)) throw err;
      return this.fail(`: ${err.message.replace(/^--[a-z-]+ /, '')}`, err.hint);
    }
  }
}

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

function readJson(path: string, text: string): unknown {
  const src = text.replace(/^\ufeff/, '');
  try {
    const value: unknown = JSON.parse(src);
    const dup = duplicateJsonKey(src);
    if (dup) throw usage(`${path}:${lineCol(src, dup.at)}: duplicate key ${quote(dup.key)}`);
    return value;
  } catch (err) {
    if (!(err instanceof SyntaxError)) throw err;
    const m = /at position (\d+)/.exec(err.message);
    const at = m ? Number(m[1]) : /end of JSON input/.test(err.message) ? src.length : jsonErrorOffset(src);
    const what = err.message.replace(/ (in JSON )?at position \d+.*$/s, '').replace(/, (\.\.\.)?".*$/s, '');
    throw usage(`${path}:${lineCol(src, at)}: ${what}`);
  }
}

/** V8 gives "Unexpected token" without an offset: the longest prefix that fails only at its end ends there. */
function jsonErrorOffset(src: string): number {
  const fineSoFar = (n: number): boolean => {
    try {
      JSON.parse(src.slice(0, n));
      return true;
    } catch (err) {
      const m = /at position (\d+)/.exec((err as Error).message);
      return /end of JSON input/.test((err as Error).message) || (m !== null && Number(m[1]) >= n);
    }
  };
  let lo = 0;
  let hi = src.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (fineSoFar(mid)) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** JSON.parse keeps the last of duplicate keys silently; scan the (valid) text for them. Iterative: nesting is unbounded. */
function duplicateJsonKey(src: string): { key: string; at: number } | null {
  const stack: Array<Set<string> | null> = [];
  let prev = '';
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c === '"') {
      let j = i + 1;
      while (src[j] !== '"') j += src[j] === '\\' ? 2 : 1;
      const keys = stack[stack.length - 1];
      if (keys && (prev === '{' || prev === ',')) {
        const key = JSON.parse(src.slice(i, j + 1)) as string;
        if (keys.has(key)) return { key, at: i };
        keys.add(key);
      }
      prev = '"';
      i = j;
    } else if (c === '{' || c === '[') {
      stack.push(c === '{' ? new Set() : null);
      prev = c;
    } else if (c === '}' || c === ']') {
      stack.pop();
      prev = c;
    } else if (!/\s/.test(c)) prev = c;
  }
  return null;
}

function readYaml(path: string, text: string): unknown {
  const doc = parseDocument(text, { version: '1.2', schema: 'core', merge: true, uniqueKeys: true, resolveKnownTags: false, logLevel: 'error' });
  // Warnings are unresolved tags (`!foo`, `!!binary`): a value read as something else is an error here.
  const problem = doc.errors[0] ?? doc.warnings[0];
  if (problem) {
    const pos = problem.linePos?.[0];
    throw usage(`${path}${pos ? `:${pos.line}:${pos.col}` : ''}: ${firstLine(problem.message).replace(/ at line \d+, column \d+:?$/, '')}`);
  }
  try {
    return doc.toJS({ maxAliasCount: MAX_ALIASES }) ?? {}; // an empty or comments-only file sets nothing
  } catch (err) {
    if (/Excessive alias count/.test((err as Error).message)) throw usage(`${path}: too many alias expansions (more than ${MAX_ALIASES}): is it a billion laughs?`);
    throw err;
  }
}

function unknownKey(at: At, key: string, known: readonly string[]): never {
  const norm = (s: string) => s.toLowerCase().replace(/[-_]/g, '');
  const why = FLAG_ONLY[norm(key)];
  const near = known.find((k) => norm(k) === norm(key)) ?? closest(key, known);
  const prefix = at.key ? `${at.file}: ${at.key}:` : `${at.file}:`;
  throw usage(`${prefix} unknown key ${quote(key)}${why ? ` (${why})` : near ? ` (did you mean ${quote(near)}?)` : ''}`);
}

// ---- value shapes -------------------------------------------------------------------

function isMapping(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** Any string value: no NUL (it cannot reach a process), bounded. */
function text(v: unknown, at: At, what = 'a string'): string {
  if (typeof v !== 'string') at.expected(what, v);
  if (v.includes('\0')) at.fail('has a NUL character');
  if (v.length > 65_536) at.fail(`is too long (${v.length} characters)`);
  return v;
}

/** A host, URL, path or name: one line, no control or invisible characters. */
function line(v: unknown, at: At, what = 'a string'): string {
  const s = text(v, at, what);
  if (CONTROL.test(s)) at.fail(`has a control character or line break (got ${quote(redactUrl(s))})`);
  if (s.length > MAX_LINE) at.fail(`is too long (${s.length} characters)`);
  if (!s.trim()) at.fail('is empty');
  return s;
}

function matching(v: unknown, at: At, re: RegExp, what: string): string {
  const s = line(v, at);
  return re.test(s) ? s : at.fail(`: ${quote(s)} is not ${what}`);
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

function bool(v: unknown, at: At): boolean {
  return typeof v === 'boolean' ? v : at.expected('true or false', v);
}

function oneOf<T extends string>(v: unknown, at: At, choices: readonly T[]): T {
  return (choices as readonly unknown[]).includes(v) ? (v as T) : at.expected(`one of ${choices.join(', ')}`, v);
}

/** A list, or one scalar string taken as a one-element list (`dns: 10.0.0.2`). */
function list<T>(v: unknown, at: At, item: (x: unknown, a: At) => T): T[] {
  if (typeof v === 'string') return [item(v, at)];
  if (!Array.isArray(v)) at.expected('a list of strings (or one string)', v);
  return v.map((x, i) => item(x, at.child(i)));
}

function record(v: unknown, at: At, entry: (k: string, v: unknown, a: At) => string): Record<string, string> {
  if (!isMapping(v)) at.expected('a mapping of NAME: value', v);
  // fromEntries defines own properties: a `__proto__` key stays a key.
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, entry(k, x, at)]));
}

/** Validate with a flag's parser but keep the text as written: args.ts parses the merged value again. */
function validated(s: string, at: At, parse: (s: string) => unknown): string {
  at.via(s, parse);
  return s;
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

/** What --only/--skip accept (args.ts validateSelector): categories, CHECK_IDS, and build.step (added by the build pass). */
const KNOWN_CHECKS: readonly string[] = [...CATEGORIES, ...CHECK_IDS, 'build.step'];

function checkRef(v: unknown, at: At): string {
  const s = line(v, at);
  if (KNOWN_CHECKS.includes(s)) return s;
  const near = KNOWN_CHECKS.find((k) => k.toLowerCase() === s.toLowerCase()) ?? closest(s, KNOWN_CHECKS);
  return at.fail(`: ${quote(s)} is not a check id or category${near ? ` (did you mean ${quote(near)}?)` : ''}`);
}

// ---- messages -----------------------------------------------------------------------

function describe(v: unknown): string {
  if (typeof v === 'string') return quote(v);
  if (Array.isArray(v)) return 'a list';
  if (isMapping(v)) return 'a mapping';
  return v === undefined ? 'nothing' : typeof v === 'object' && v !== null ? 'an object' : String(v);
}

function quote(s: string): string {
  return JSON.stringify(s.length > 60 ? `${s.slice(0, 60)}…` : s);
}

function firstLine(s: string): string {
  return s.split('\n', 1)[0] ?? '';
}

function lineCol(src: string, at: number): string {
  const before = src.slice(0, at);
  const nl = before.lastIndexOf('\n');
  return `${before.split('\n').length}:${at - nl}`;
}

/** One short line whatever the input held: controls, line breaks and bidi/invisible characters are escaped. */
function usage(message: string, hint?: string): UsageError {
  const esc = (s: string) => {
    const one = s.replace(new RegExp(CONTROL.source, 'g'), (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
    return one.length > MAX_MESSAGE ? `${one.slice(0, MAX_MESSAGE - 1)}…` : one;
  };
  return new UsageError(esc(message), hint === undefined ? undefined : esc(hint));
}
