/**
 * GOPRIVATE, GONOPROXY, GONOSUMDB and GOINSECURE patterns as the go command reads them: a
 * port of golang.org/x/mod/module.MatchPrefixPatterns (module/module.go, which cmd/go calls
 * for all four variables) over Go's path.Match (path-match.ts), and the mistakes people make
 * in those values. No npm glob library matches path *prefixes*. Pure.
 */
import { ERR_BAD_PATTERN, isBadPattern, pathMatch } from './path-match.js';

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
