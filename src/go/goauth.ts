/**
 * GOAUTH (Go 1.24+): how the go command finds credentials for HTTPS module fetches.
 * A port of the parsing in cmd/go/internal/auth/auth.go (runGoAuth) and userauth.go
 * (buildCommand → cmd/internal/quoted.Split), golang/go at 7632c6e; the default "netrc"
 * comes from cmd/go/internal/cfg (EnvOrAndChanged("GOAUTH", "netrc")). Pure: the
 * filesystem checks the go command makes for `git DIR` are reported, not performed.
 *
 * Before Go 1.24 there is no GOAUTH: the go command always reads $NETRC or ~/.netrc and
 * ignores the variable. From 1.24, a GOAUTH without `netrc` stops ~/.netrc being read.
 */
import { compareGo, isValidGo, stripGoPrefix } from './gover.js';
import { quotedSplit } from './goflags.js';

export const GOAUTH_SINCE = '1.24';
export const DEFAULT_GOAUTH = 'netrc';

export type GoauthEntry =
  | { kind: 'off'; raw: string }
  | { kind: 'netrc'; raw: string }
  /** `git DIR`: runs `git credential fill` in DIR (which must exist and be a directory). */
  | { kind: 'git'; raw: string; dir: string }
  /** Any other entry is a command run with the URL appended (GOAUTH=command …). */
  | { kind: 'command'; raw: string; argv: string[] };

export interface GoauthParse {
  /** The value the go command uses ("" means the default, netrc). */
  value: string;
  entries: GoauthEntry[];
  /**
   * The fatal error the go command prints at its first authenticated HTTPS request, or null.
   * Commands run in reverse order (the last entry first), so this is the first failure in
   * that order, as runGoAuth meets it.
   */
  error: string | null;
  /** Errors that do not stop the go command: it logs them (with -x) and tries the next entry. */
  warnings: string[];
  /** Whether ~/.netrc (or $NETRC) is consulted. */
  readsNetrc: boolean;
}

/** Whether this go command knows GOAUTH at all (older ones ignore the variable). */
export function goVersionKnowsGoauth(goVersion: string): boolean {
  const v = stripGoPrefix(goVersion);
  return isValidGo(v) && compareGo(v, GOAUTH_SINCE) >= 0;
}

/** POSIX filepath.IsAbs. */
function isAbs(p: string): boolean {
  return p.startsWith('/');
}

/** Parse GOAUTH as runGoAuth does; `goVersion` (optional) makes pre-1.24 values inert. */
export function parseGoauth(raw: string | undefined, goVersion?: string): GoauthParse {
  const value = raw ?? '';
  if (goVersion && !goVersionKnowsGoauth(goVersion)) {
    return {
      value,
      entries: [{ kind: 'netrc', raw: 'netrc' }],
      error: null,
      warnings: value ? [`go ${stripGoPrefix(goVersion)} ignores GOAUTH (added in Go ${GOAUTH_SINCE}); it always reads ~/.netrc`] : [],
      readsNetrc: true,
    };
  }
  // cfg.Getenv returns "" for unset and empty alike; EnvOrAndChanged then uses "netrc".
  const effective = value === '' ? DEFAULT_GOAUTH : value;
  const parts = effective.split(';');
  const entries: GoauthEntry[] = [];
  const warnings: string[] = [];
  // Errors per entry, in the file order; the go command meets them in reverse order.
  const fatal: Array<string | null> = [];
  for (const part of parts) {
    const command = part.trim();
    const words = command.split(/\s+/u).filter(Boolean);
    if (words.length === 0) {
      fatal.push(`go: GOAUTH encountered an empty command (GOAUTH=${effective})`);
      continue;
    }
    switch (words[0]) {
      case 'off':
        entries.push({ kind: 'off', raw: command });
        fatal.push(parts.length !== 1 ? `go: GOAUTH=off cannot be combined with other authentication commands (GOAUTH=${effective})` : null);
        break;
      case 'netrc':
        // Extra words after netrc are ignored by the go command.
        entries.push({ kind: 'netrc', raw: command });
        fatal.push(null);
        break;
      case 'git': {
        const dir = words[1] ?? '';
        entries.push({ kind: 'git', raw: command, dir });
        if (words.length !== 2) fatal.push('go: GOAUTH=git dir method requires an absolute path to the git working directory');
        else if (!isAbs(dir)) fatal.push('go: GOAUTH=git dir method requires an absolute path to the git working directory, dir is not absolute');
        else fatal.push(null);
        break;
      }
      default: {
        const split = quotedSplit(command);
        entries.push({ kind: 'command', raw: command, argv: split.fields });
        // buildCommand's error is logged and the next entry tried, not fatal.
        if (split.error) warnings.push(`GOAUTH=${command}: cannot parse GOAUTH command ${command}: ${split.error}`);
        fatal.push(null);
      }
    }
  }
  // slices.Reverse(goAuthCmds): the last entry runs first, so its error is the one printed.
  let error: string | null = null;
  for (let i = fatal.length - 1; i >= 0 && error === null; i--) error = fatal[i] ?? null;
  return {
    value,
    entries,
    error,
    warnings,
    readsNetrc: entries.some((e) => e.kind === 'netrc'),
  };
}

export interface GoauthProblem {
  entry: string;
  severity: 'fatal' | 'warning' | 'info';
  problem: string;
  fix: string | null;
}

/** What a GOAUTH value will do in a build container. */
export function lintGoauth(raw: string | undefined, goVersion?: string): GoauthProblem[] {
  const out: GoauthProblem[] = [];
  const value = raw ?? '';
  if (goVersion && !goVersionKnowsGoauth(goVersion)) {
    if (value) {
      out.push({
        entry: value,
        severity: 'warning',
        problem: `go ${stripGoPrefix(goVersion)} does not know GOAUTH (Go ${GOAUTH_SINCE}+) and ignores it; credentials come only from ~/.netrc (or $NETRC) and git's own configuration`,
        fix: 'use a Go 1.24+ image, or provide a .netrc',
      });
    }
    return out;
  }
  const parsed = parseGoauth(raw, goVersion);
  if (parsed.error) {
    out.push({
      entry: value,
      severity: 'fatal',
      problem: `the go command exits at its first HTTPS module download: ${parsed.error}`,
      fix: 'separate commands with ";" and no empty entries; GOAUTH=off only on its own; git needs an absolute directory',
    });
  }
  for (const w of parsed.warnings) out.push({ entry: value, severity: 'warning', problem: w, fix: null });
  if (value && !parsed.readsNetrc && !parsed.entries.some((e) => e.kind === 'off')) {
    out.push({
      entry: value,
      severity: 'warning',
      problem: 'GOAUTH does not include netrc, so ~/.netrc is no longer read (it was, by default)',
      fix: `add it: GOAUTH='netrc;${value}'`,
    });
  }
  for (const e of parsed.entries) {
    if (e.kind === 'off') {
      out.push({ entry: e.raw, severity: 'info', problem: 'no credentials are sent for HTTPS module fetches (not even ~/.netrc)', fix: null });
    } else if (e.kind === 'git' && e.dir && isAbs(e.dir)) {
      out.push({
        entry: e.raw,
        severity: 'info',
        problem: `runs 'git credential fill' in ${e.dir}; the directory must exist in the container (else "go: GOAUTH=git encountered an error; cannot stat ${e.dir}: …") and git must be installed`,
        fix: null,
      });
    } else if (e.kind === 'command') {
      out.push({
        entry: e.raw,
        severity: 'info',
        problem: `runs ${JSON.stringify(e.argv[0] ?? '')} (with the URL appended once a request fails); it must exist in the container, and its failures are only shown with go -x`,
        fix: null,
      });
    }
  }
  return out;
}
