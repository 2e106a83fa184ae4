/**
 * The value shapes a config-file key can take (a one-line string, a list, a mapping, a
 * boolean, one of a few words) and where a value sits (`At`: `probe[2]`, `thresholds.tlsMs`),
 * with the one-line UsageError every problem becomes. Its own file because these rules are
 * the same for every key: config-file.ts names the keys and which shape each takes.
 * Pure.
 */
import { UsageError } from '../errors.js';
import { redactUrl } from '../secrets.js';

/** Host, URL, path and id values: one short line, nothing a terminal or the agent's `read` would misread. */
const MAX_LINE = 2048;
const MAX_MESSAGE = 600;
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]/;

/** Where a value sits, for messages: `probe[2]`, `thresholds.tlsMs`. */
export class At {
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

// ---- value shapes -------------------------------------------------------------------

export function isMapping(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** Any string value: no NUL (it cannot reach a process), bounded. */
export function text(v: unknown, at: At, what = 'a string'): string {
  if (typeof v !== 'string') at.expected(what, v);
  if (v.includes('\0')) at.fail('has a NUL character');
  if (v.length > 65_536) at.fail(`is too long (${v.length} characters)`);
  return v;
}

/** A host, URL, path or name: one line, no control or invisible characters. */
export function line(v: unknown, at: At, what = 'a string'): string {
  const s = text(v, at, what);
  if (CONTROL.test(s)) at.fail(`has a control character or line break (got ${quote(redactUrl(s))})`);
  if (s.length > MAX_LINE) at.fail(`is too long (${s.length} characters)`);
  if (!s.trim()) at.fail('is empty');
  return s;
}

export function matching(v: unknown, at: At, re: RegExp, what: string): string {
  const s = line(v, at);
  return re.test(s) ? s : at.fail(`: ${quote(s)} is not ${what}`);
}


export function bool(v: unknown, at: At): boolean {
  return typeof v === 'boolean' ? v : at.expected('true or false', v);
}

export function oneOf<T extends string>(v: unknown, at: At, choices: readonly T[]): T {
  return (choices as readonly unknown[]).includes(v) ? (v as T) : at.expected(`one of ${choices.join(', ')}`, v);
}

/** A list, or one scalar string taken as a one-element list (`dns: 10.0.0.2`). */
export function list<T>(v: unknown, at: At, item: (x: unknown, a: At) => T): T[] {
  if (typeof v === 'string') return [item(v, at)];
  if (!Array.isArray(v)) at.expected('a list of strings (or one string)', v);
  return v.map((x, i) => item(x, at.child(i)));
}

export function record(v: unknown, at: At, entry: (k: string, v: unknown, a: At) => string): Record<string, string> {
  if (!isMapping(v)) at.expected('a mapping of NAME: value', v);
  // fromEntries defines own properties: a `__proto__` key stays a key.
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, entry(k, x, at)]));
}

/** Validate with a flag's parser but keep the text as written: args.ts parses the merged value again. */
export function validated(s: string, at: At, parse: (s: string) => unknown): string {
  at.via(s, parse);
  return s;
}

// ---- messages -----------------------------------------------------------------------

export function describe(v: unknown): string {
  if (typeof v === 'string') return quote(v);
  if (Array.isArray(v)) return 'a list';
  if (isMapping(v)) return 'a mapping';
  return v === undefined ? 'nothing' : typeof v === 'object' && v !== null ? 'an object' : String(v);
}

export function quote(s: string): string {
  return JSON.stringify(s.length > 60 ? `${s.slice(0, 60)}…` : s);
}

/** One short line whatever the input held: controls, line breaks and bidi/invisible characters are escaped. */
export function usage(message: string, hint?: string): UsageError {
  const esc = (s: string) => {
    const one = s.replace(new RegExp(CONTROL.source, 'g'), (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
    return one.length > MAX_MESSAGE ? `${one.slice(0, MAX_MESSAGE - 1)}…` : one;
  };
  return new UsageError(esc(message), hint === undefined ? undefined : esc(hint));
}
