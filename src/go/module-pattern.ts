/**
 * GOPRIVATE, GONOPROXY, GONOSUMDB and GOINSECURE patterns as the go command reads them:
 * a port of Go's path.Match (src/path/match.go, golang/go at 1b54bfd, including the Go 1.16+
 * rule that a bad pattern is reported even when the match fails early) and of
 * golang.org/x/mod/module.MatchPrefixPatterns (module/module.go, which cmd/go calls for all
 * four variables). npm glob libraries (minimatch, picomatch) differ: they have brace
 * expansion, `**` and different escaping, and none matches path *prefixes*. Pure.
 */

export const ERR_BAD_PATTERN = 'syntax error in pattern';

export interface MatchResult {
  matched: boolean;
  /** Go's path.ErrBadPattern text when the pattern is malformed, else null. */
  error: string | null;
}

class BadPattern extends Error {}

/** Go's scanChunk over code points: an optional run of '*', then a chunk up to the next '*' outside [...]. */
function scanChunk(p: string[]): { star: boolean; chunk: string[]; rest: string[] } {
  let i = 0;
  let star = false;
  while (i < p.length && p[i] === '*') {
    i++;
    star = true;
  }
  p = p.slice(i);
  let inrange = false;
  for (let j = 0; j < p.length; j++) {
    switch (p[j]) {
      case '\\':
        // error check handled in matchChunk: bad pattern.
        if (j + 1 < p.length) j++;
        break;
      case '[':
        inrange = true;
        break;
      case ']':
        inrange = false;
        break;
      case '*':
        if (!inrange) return { star, chunk: p.slice(0, j), rest: p.slice(j) };
        break;
    }
  }
  return { star, chunk: p, rest: [] };
}

/** Go's getEsc: a possibly escaped character inside a character class. */
function getEsc(chunk: string[]): { r: string; rest: string[] } {
  if (chunk.length === 0 || chunk[0] === '-' || chunk[0] === ']') throw new BadPattern();
  if (chunk[0] === '\\') {
    chunk = chunk.slice(1);
    if (chunk.length === 0) throw new BadPattern();
  }
  const r = chunk[0]!;
  // utf8.RuneError with n == 1: in a JS string, a lone surrogate.
  if (r.length === 1 && r >= '\ud800' && r <= '\udfff') throw new BadPattern();
  const rest = chunk.slice(1);
  if (rest.length === 0) throw new BadPattern();
  return { r, rest };
}

/**
 * Go's matchChunk: whether chunk matches the start of s; returns the rest of s or null.
 * After a mismatch it keeps scanning the chunk only to report a malformed pattern.
 */
function matchChunk(chunk: string[], s: string[]): string[] | null {
  let failed = false;
  while (chunk.length > 0) {
    if (!failed && s.length === 0) failed = true;
    switch (chunk[0]) {
      case '[': {
        let r = '';
        if (!failed) {
          r = s[0]!;
          s = s.slice(1);
        }
        chunk = chunk.slice(1);
        let negated = false;
        if (chunk.length > 0 && chunk[0] === '^') {
          negated = true;
          chunk = chunk.slice(1);
        }
        let match = false;
        let nrange = 0;
        for (;;) {
          if (chunk.length > 0 && chunk[0] === ']' && nrange > 0) {
            chunk = chunk.slice(1);
            break;
          }
          const lo = getEsc(chunk);
          chunk = lo.rest;
          let hi = lo.r;
          if (chunk[0] === '-') {
            const h = getEsc(chunk.slice(1));
            hi = h.r;
            chunk = h.rest;
          }
          const cp = r.codePointAt(0) ?? -1;
          if (lo.r.codePointAt(0)! <= cp && cp <= hi.codePointAt(0)!) match = true;
          nrange++;
        }
        if (match === negated) failed = true;
        break;
      }
      case '?':
        if (!failed) {
          if (s[0] === '/') failed = true;
          s = s.slice(1);
        }
        chunk = chunk.slice(1);
        break;
      default:
        // '\\' c matches c (Go: chunk = chunk[1:], then fallthrough to the literal case).
        if (chunk[0] === '\\') {
          chunk = chunk.slice(1);
          if (chunk.length === 0) throw new BadPattern();
        }
        if (!failed) {
          if (chunk[0] !== s[0]) failed = true;
          s = s.slice(1);
        }
        chunk = chunk.slice(1);
    }
  }
  return failed ? null : s;
}

function matchCodePoints(pattern: string[], name: string[]): boolean {
  while (pattern.length > 0) {
    const sc = scanChunk(pattern);
    pattern = sc.rest;
    if (sc.star && sc.chunk.length === 0) {
      // Trailing * matches rest of string unless it has a /.
      return !name.includes('/');
    }
    const t = matchChunk(sc.chunk, name);
    // The last chunk must exhaust the name, else the star may still match.
    if (t && (t.length === 0 || pattern.length > 0)) {
      name = t;
      continue;
    }
    let advanced = false;
    if (sc.star) {
      // Look for a match skipping i+1 code points; a star cannot skip '/'.
      for (let i = 0; i < name.length && name[i] !== '/'; i++) {
        const t2 = matchChunk(sc.chunk, name.slice(i + 1));
        if (t2) {
          if (pattern.length === 0 && t2.length > 0) continue;
          name = t2;
          advanced = true;
          break;
        }
      }
    }
    if (advanced) continue;
    // Before returning false, check that the remainder of the pattern is well-formed.
    while (pattern.length > 0) {
      const rest = scanChunk(pattern);
      pattern = rest.rest;
      matchChunk(rest.chunk, []);
    }
    return false;
  }
  return name.length === 0;
}

/** Go's path.Match(pattern, name): whole-name shell-glob match where '*' and '?' never cross '/'. */
export function pathMatch(pattern: string, name: string): MatchResult {
  try {
    return { matched: matchCodePoints(Array.from(pattern), Array.from(name)), error: null };
  } catch (e) {
    if (e instanceof BadPattern) return { matched: false, error: ERR_BAD_PATTERN };
    throw e;
  }
}

/** Whether path.Match would reject the pattern as malformed, whatever the name. */
export function isBadPattern(pattern: string): boolean {
  let p = Array.from(pattern);
  try {
    while (p.length > 0) {
      const sc = scanChunk(p);
      p = sc.rest;
      matchChunk(sc.chunk, []);
    }
    return false;
  } catch (e) {
    if (e instanceof BadPattern) return true;
    throw e;
  }
}

/** The entries MatchPrefixPatterns tries: split on ',' only (no trimming), one trailing '/' dropped, empties skipped. */
export function splitPrefixPatterns(globs: string): string[] {
  return globs
    .split(',')
    .map((g) => (g.endsWith('/') ? g.slice(0, -1) : g))
    .filter((g) => g !== '');
}

/** The first N+1 path elements of target for a glob with N slashes, or null when target is shorter. */
function prefixFor(glob: string, target: string): string | null {
  let n = glob.split('/').length - 1;
  let prefix = target;
  for (let i = 0; i < target.length; i++) {
    if (target[i] === '/') {
      if (n === 0) {
        prefix = target.slice(0, i);
        break;
      }
      n--;
    }
  }
  return n > 0 ? null : prefix;
}

/**
 * golang.org/x/mod/module.MatchPrefixPatterns: whether any path prefix of target matches one
 * of the comma-separated globs. Empty and malformed patterns are ignored, silently.
 */
export function matchPrefixPatterns(globs: string, target: string): boolean {
  return matchingPrefixPattern(globs, target) !== null;
}

/** Like matchPrefixPatterns, but names the glob that matched (after Go's trailing-'/' trim). */
export function matchingPrefixPattern(globs: string, target: string): string | null {
  for (const glob of splitPrefixPatterns(globs)) {
    const prefix = prefixFor(glob, target);
    if (prefix === null) continue;
    if (pathMatch(glob, prefix).matched) return glob;
  }
  return null;
}

export interface PatternProblem {
  /** The entry exactly as Go sees it (spaces included). */
  pattern: string;
  problem: string;
  /** A replacement entry or an instruction; null when there is nothing to change. */
  fix: string | null;
  severity: 'error' | 'warning';
}

/**
 * Mistakes people make in GOPRIVATE / GONOPROXY / GONOSUMDB / GOINSECURE. `name` only
 * shapes the wording. The go command validates none of these values: a pattern that can
 * never match is not an error, the module just silently goes through the proxy and the
 * checksum database (sum.golang.org then answers 404/410 for a private module).
 */
export function lintPrivatePatterns(value: string, name = 'GOPRIVATE'): PatternProblem[] {
  const out: PatternProblem[] = [];
  // Not splitPrefixPatterns: keep the raw entry so a double trailing slash is visible.
  for (const raw of value.split(',')) {
    if (raw === '') continue;
    const glob = raw.endsWith('/') ? raw.slice(0, -1) : raw;
    if (glob === '') {
      out.push({ pattern: raw, problem: 'a lone "/" is dropped by Go and matches nothing', fix: 'remove it', severity: 'warning' });
      continue;
    }
    const add = (problem: string, fix: string | null, severity: PatternProblem['severity'] = 'error') =>
      out.push({ pattern: raw, problem, fix, severity });

    if (raw !== raw.trim()) {
      // x/mod splits on ',' and does not trim; a space becomes part of the glob.
      add(`${JSON.stringify(raw)} has spaces around it; Go keeps them as part of the pattern, so it never matches a module path`, raw.trim() || 'remove it');
      continue;
    }
    if (/\s/.test(glob)) {
      add('contains whitespace: entries are separated by commas only, so this is one pattern that never matches', glob.split(/\s+/).filter(Boolean).join(','));
      continue;
    }
    if (glob.includes(';')) {
      add('";" is not a separator here; entries are separated by commas', glob.split(';').filter(Boolean).join(','));
      continue;
    }
    if (/["'`]/.test(glob)) {
      add('contains quote characters, which are part of the pattern (the value was quoted twice?) and never match', glob.replace(/["'`]/g, '') || 'remove it');
      continue;
    }
    if (isBadPattern(glob)) {
      add(`bad glob syntax (path.Match: ${ERR_BAD_PATTERN}); Go ignores the pattern silently, so it never matches`, null);
      continue;
    }
    const scheme = /^([a-z][a-z0-9+.-]*):\/\/(.*)$/i.exec(glob);
    if (scheme) {
      add(`module paths have no scheme: "${scheme[1]}://" makes the pattern never match`, scheme[2]?.replace(/\/+$/, '') || null);
      continue;
    }
    if (glob.includes('@')) {
      const fixed = glob.replace(/^[^@]*@/, '').replace(':', '/').replace(/\.git$/, '');
      add('looks like a git remote (user@host:path); patterns match module paths like host/path', fixed);
      continue;
    }
    const hostPort = /^([^/]+):(\d+)(\/.*)?$/.exec(glob);
    if (hostPort) {
      add('a module path cannot contain a port, so this never matches', `${hostPort[1]}${hostPort[3] ?? ''}`);
      continue;
    }
    if (glob.endsWith('/')) {
      add('ends in "//": Go drops only one trailing slash, and the remaining one makes the pattern need one more path element', glob.replace(/\/+$/, ''));
      continue;
    }
    if (/\.git$/.test(glob)) {
      add('module paths do not end in ".git" (unless the module really is named that way), so this never matches the repository\'s modules', glob.replace(/\.git$/, ''), 'warning');
      continue;
    }
    if (glob === '*' || /^\*(\/\*)*$/.test(glob)) {
      add(
        `matches every module: with ${name}=* nothing goes through the proxy or the checksum database (GONOPROXY/GONOSUMDB default to GOPRIVATE)`,
        'list only private hosts or paths, e.g. *.corp.example,github.com/acme',
        'warning',
      );
      continue;
    }
    if (raw.endsWith('/')) {
      add('trailing "/" is dropped by current Go (golang.org/x/mod), but older copies of MatchPrefixPatterns did not drop it', glob, 'warning');
    }
  }
  return out;
}
