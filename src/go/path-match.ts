/**
 * Go's path.Match: whole-name shell globs where '*' and '?' never cross '/'. A port of
 * src/path/match.go (golang/go at 1b54bfd), including the Go 1.16+ rule that a bad pattern is
 * reported even when the match fails early. It is its own file because it is a faithful port of
 * one Go function with its own test table (match_test.go), used by module-pattern.ts for the
 * GOPRIVATE family; npm glob libraries (minimatch, picomatch) differ: brace expansion, `**`,
 * other escaping. Pure.
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
