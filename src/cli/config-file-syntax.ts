/**
 * A config file's text → plain data, strictly: JSON with the line:column of a syntax error
 * and of a duplicate key (JSON.parse reports neither), YAML 1.2 (core schema, unique keys,
 * bounded aliases) with the yaml package's positions. Its own file because reading the text
 * is apart from what the keys mean (config-file.ts). Pure.
 */
import { parseDocument } from 'yaml';
import { quote, usage } from './config-file-values.js';

/** yaml's alias budget (expansions weighted by size): a few anchors reused pass, a billion laughs does not. */
const MAX_ALIASES = 100;

/** JSON text → data: a syntax error or a duplicate key is a UsageError at its line:column. */
export function readJson(path: string, text: string): unknown {
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

/** YAML 1.2 text → data: an error, an unresolved tag or too many aliases is a UsageError; an empty file is {}. */
export function readYaml(path: string, text: string): unknown {
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

export function firstLine(s: string): string {
  return s.split('\n', 1)[0] ?? '';
}

/** `LINE:COLUMN` (both 1-based) of offset `at` in `src`. */
function lineCol(src: string, at: number): string {
  const before = src.slice(0, at);
  const nl = before.lastIndexOf('\n');
  return `${before.split('\n').length}:${at - nl}`;
}
