/**
 * GOFLAGS as the go command reads it: a port of cmd/go/internal/base/goflags.go
 * (InitGOFLAGS, SetFromGOFLAGS) and cmd/internal/quoted.Split. Pure.
 *
 * Splitting depends on the release: goflags.go long used strings.Fields (golang/go at
 * 11d83d1, Go 1.11 onwards), so quotes were kept as literal characters; current Go uses
 * quoted.Split ('…' or "…" around a whole field, no escapes, quotes inside a field literal).
 * We could not pin the release that switched (see QUOTED_GOFLAGS_SINCE), so lintGoflags
 * reports values whose meaning depends on it instead of guessing.
 */
import { compareGo, isValidGo, stripGoPrefix } from './gover.js';

/** Unknown: the first release whose goflags.go calls quoted.Split (not confirmed from source history). */
export const QUOTED_GOFLAGS_SINCE: string | null = null;

/** Go's strings.Fields (Unicode white space). */
function fields(s: string): string[] {
  return s.split(/\s+/u).filter((f) => f !== '');
}

/** cmd/internal/quoted.Split: fields separated by ' ', \t, \n, \r; '…' or "…" quote a whole field. */
export function quotedSplit(s: string): { fields: string[]; error: string | null } {
  const out: string[] = [];
  const space = (c: string | undefined) => c === ' ' || c === '\t' || c === '\n' || c === '\r';
  let i = 0;
  while (i < s.length) {
    while (i < s.length && space(s[i])) i++;
    if (i >= s.length) break;
    const c = s[i]!;
    if (c === '"' || c === "'") {
      const end = s.indexOf(c, i + 1);
      if (end < 0) return { fields: [], error: `unterminated ${c} string` };
      out.push(s.slice(i + 1, end));
      i = end + 1;
      continue;
    }
    let j = i;
    while (j < s.length && !space(s[j])) j++;
    out.push(s.slice(i, j));
    i = j;
  }
  return { fields: out, error: null };
}

export type GoflagsSplit = 'fields' | 'quoted';

/** The GOFLAGS list as a go command of the given splitting style sees it. */
export function splitGoflags(value: string, mode: GoflagsSplit = 'fields'): { fields: string[]; error: string | null } {
  return mode === 'quoted' ? quotedSplit(value) : { fields: fields(value), error: null };
}

/** InitGOFLAGS's shape check: -x --x -x=value or --x=value. */
export function isFlagShaped(f: string): boolean {
  return !(!f.startsWith('-') || f === '-' || f === '--' || f.startsWith('---') || f.startsWith('-=') || f.startsWith('--='));
}

export interface GoflagsEntry {
  raw: string;
  /** Without dashes or value: "-mod=vendor" → "mod". Null for a non-flag entry. */
  name: string | null;
  value: string | null;
}

export function parseGoflagsEntry(raw: string): GoflagsEntry {
  if (!isFlagShaped(raw)) return { raw, name: null, value: null };
  let name = raw.slice(raw.startsWith('--') ? 2 : 1);
  let value: string | null = null;
  const eq = name.indexOf('=');
  if (eq >= 0) {
    value = name.slice(eq + 1);
    name = name.slice(0, eq);
  }
  return { raw, name, value };
}

// Flags defined by at least one go subcommand (Go 1.21–1.24), from cmd/go's work.AddBuildFlags
// and the command files (list, test/testflag, get, mod *, clean, env, fmt, generate, version,
// work *). InitGOFLAGS accepts a flag any command knows (hasFlag over the command tree) and
// each command silently ignores the ones it does not define.
const BUILD_FLAGS = [
  'a', 'n', 'p', 'race', 'msan', 'asan', 'cover', 'covermode', 'coverpkg', 'v', 'work', 'x',
  'asmflags', 'buildmode', 'buildvcs', 'compiler', 'gccgoflags', 'gcflags', 'installsuffix', 'ldflags',
  'linkshared', 'mod', 'modcacherw', 'modfile', 'overlay', 'pgo', 'pkgdir', 'tags', 'trimpath', 'toolexec', 'C',
];
const OTHER_FLAGS = [
  'o', 'json', 'e', 'f', 'm', 'u', 'deps', 'export', 'find', 'test', 'compiled', 'retracted', 'reuse', 'versions',
  'c', 'exec', 'args', 'bench', 'benchmem', 'benchtime', 'blockprofile', 'blockprofilerate', 'count', 'coverprofile',
  'cpu', 'cpuprofile', 'failfast', 'fullpath', 'fuzz', 'fuzzminimizetime', 'fuzztime', 'list', 'memprofile',
  'memprofilerate', 'mutexprofile', 'mutexprofilefraction', 'outputdir', 'parallel', 'run', 'short', 'shuffle', 'skip',
  'timeout', 'trace', 'vet', 'd', 't', 'tool', 'go', 'compat', 'diff', 'fmt', 'module', 'toolchain', 'require',
  'droprequire', 'exclude', 'dropexclude', 'replace', 'dropreplace', 'retract', 'dropretract', 'print', 'godebug',
  'dropgodebug', 'droptool', 'vendor', 'cache', 'testcache', 'modcache', 'fuzzcache', 'i', 'r', 'w', 'changed',
  'vettool', 'use', 'dropuse', 'fix',
];
const KNOWN = new Set([...BUILD_FLAGS, ...OTHER_FLAGS]);
const BOOL_FLAGS = new Set([
  'a', 'n', 'race', 'msan', 'asan', 'cover', 'v', 'work', 'x', 'linkshared', 'modcacherw', 'trimpath', 'e', 'json', 'm',
  'u', 'deps', 'export', 'find', 'test', 'compiled', 'retracted', 'versions', 'c', 'i', 'benchmem', 'failfast', 'fullpath',
  'short', 'd', 't', 'r', 'cache', 'testcache', 'modcache', 'fuzzcache', 'w', 'changed', 'diff', 'insecure',
]);
/** Flags `go mod download` defines (modcmd/download.go: -x, -json, -reuse, plus AddModCommonFlags). */
const MOD_DOWNLOAD_FLAGS = new Set(['x', 'json', 'reuse', 'modcacherw', 'modfile', 'overlay', 'C']);
/** strconv.ParseBool. */
const BOOL_VALUES = new Set(['1', 't', 'T', 'TRUE', 'true', 'True', '0', 'f', 'F', 'FALSE', 'false', 'False']);

/** Whether some go command of that release defines the flag (go test also takes test.NAME). */
export function isKnownGoFlag(name: string, goVersion?: string): boolean {
  if (name === 'insecure') return !!goVersion && before(goVersion, '1.17');
  return KNOWN.has(name) || (name.startsWith('test.') && KNOWN.has(name.slice(5)));
}

function before(goVersion: string, v: string): boolean {
  const g = stripGoPrefix(goVersion);
  return isValidGo(g) && compareGo(g, v) < 0;
}

/**
 * The error every go command (but `go env` and `go bug`) exits with for this GOFLAGS, as
 * InitGOFLAGS prints it, or null. Unknown-flag detection uses our table of known flags.
 */
export function goflagsFatal(value: string, opts: { mode?: GoflagsSplit; goVersion?: string } = {}): string | null {
  const split = splitGoflags(value, opts.mode ?? 'fields');
  if (split.error) return `go: parsing $GOFLAGS: ${split.error}`;
  for (const f of split.fields) {
    const e = parseGoflagsEntry(f);
    if (e.name === null) return `go: parsing $GOFLAGS: non-flag ${JSON.stringify(f)}`;
    if (!isKnownGoFlag(e.name, opts.goVersion)) return `go: parsing $GOFLAGS: unknown flag -${e.name}`;
  }
  return null;
}

export interface GoflagsProblem {
  /** The GOFLAGS entry concerned (or the whole value for splitting problems). */
  flag: string;
  /** fatal: every go command exits; error: the commands that use the flag fail; warning/info: no failure. */
  severity: 'fatal' | 'error' | 'warning' | 'info';
  problem: string;
  /** What the go command prints, when it prints something. */
  message: string | null;
  fix: string | null;
}

/**
 * What GOFLAGS will do to `go mod download` and the build that follows it. `goVersion` is
 * the go command's version (`go env GOVERSION`), used for flags that changed over time.
 */
export function lintGoflags(value: string, goVersion?: string): GoflagsProblem[] {
  const out: GoflagsProblem[] = [];
  if (!value.trim()) return out;

  const byFields = splitGoflags(value, 'fields');
  const byQuotes = splitGoflags(value, 'quoted');
  const quoted = /["']/.test(value);
  if (quoted) {
    const q = byQuotes.error ? byQuotes.error : byQuotes.fields.map((f) => JSON.stringify(f)).join(' ');
    out.push({
      flag: value,
      severity: 'warning',
      problem:
        'contains quotes, whose meaning depends on the Go release: older go commands split GOFLAGS on white space and keep ' +
        `the quotes (${byFields.fields.map((f) => JSON.stringify(f)).join(' ')}); newer ones use quoted fields (${q})`,
      message: null,
      fix: 'avoid quotes and spaces in GOFLAGS values; pass such flags on the command line instead',
    });
  }
  // The flags themselves are read as a current go command splits them (quoted fields).
  const entries = (quoted && byQuotes.error === null ? byQuotes.fields : byFields.fields).map(parseGoflagsEntry);
  const seenFatal = new Set<string>();
  const quotedOk = new Set(byQuotes.error === null ? byQuotes.fields.filter(isFlagShaped) : []);
  // Non-flag entries by the fields reading, which every release before the quoted change uses: fatal there.
  for (const f of byFields.fields.map(parseGoflagsEntry)) {
    if (f.name === null) {
      seenFatal.add(f.raw);
      const onlyOld = quoted && byQuotes.error === null && !byQuotes.fields.some((q) => q === f.raw && !quotedOk.has(q));
      out.push({
        flag: f.raw,
        severity: 'fatal',
        problem:
          'not a flag: every GOFLAGS entry must be a standalone -flag or -flag=value, so every go command (except go env and go bug) exits' +
          (onlyOld ? ' — with go releases that split GOFLAGS on white space; those using quoted fields accept it' : ''),
        message: `go: parsing $GOFLAGS: non-flag ${JSON.stringify(f.raw)}`,
        fix: /^-/.test(f.raw) ? 'remove it' : 'join it to the previous flag with "=" (e.g. -mod=vendor), or remove it',
      });
    }
  }

  for (const e of entries) {
    if (e.name === null) continue;
    const name = e.name;
    if (name === 'insecure') {
      if (goVersion && before(goVersion, '1.17')) {
        out.push({
          flag: e.raw,
          severity: 'warning',
          problem: '-insecure is a deprecated `go get` flag; `go mod download` and builds ignore it, so it does not make plain-HTTP or unverified downloads work',
          message: null,
          fix: 'use GOINSECURE=<host patterns> for plain HTTP/bad certificates and GOPRIVATE or GONOSUMDB to skip the checksum database',
        });
      } else {
        out.push({
          flag: e.raw,
          severity: 'fatal',
          problem:
            '-insecure was removed from go get in Go 1.17; no module-mode go command defines it any more, so every go command ' +
            'rejects GOFLAGS (Go 1.16 and older only used it in go get and ignored it elsewhere)',
          message: 'go: parsing $GOFLAGS: unknown flag -insecure',
          fix: 'remove it; use GOINSECURE=<host patterns> for plain HTTP/bad certificates and GOPRIVATE or GONOSUMDB to skip the checksum database',
        });
      }
      continue;
    }
    if (!isKnownGoFlag(name, goVersion)) {
      if (seenFatal.has(e.raw)) continue;
      out.push({
        flag: e.raw,
        severity: 'fatal',
        problem: `-${name} is not a flag of any go command we know of; the go command checks GOFLAGS against all its commands and exits`,
        message: `go: parsing $GOFLAGS: unknown flag -${name}`,
        fix: 'remove it, or pass it to the tool it belongs to (for -ldflags values, use -ldflags=-s without spaces)',
      });
      continue;
    }
    if (BOOL_FLAGS.has(name) && e.value !== null && !BOOL_VALUES.has(e.value)) {
      out.push({
        flag: e.raw,
        severity: 'error',
        problem: `-${name} is a boolean flag; commands that define it reject this value`,
        message: `go: invalid boolean value ${JSON.stringify(e.value)} for flag -${name} (from $GOFLAGS)`,
        fix: `-${name} or -${name}=false`,
      });
      continue;
    }
    if (!BOOL_FLAGS.has(name) && e.value === null) {
      out.push({
        flag: e.raw,
        severity: 'error',
        problem: `-${name} needs a value in GOFLAGS (a separate word would be read as another entry); commands that define it exit`,
        message: `go: flag needs an argument: -${name} (from $GOFLAGS)`,
        fix: `-${name}=VALUE`,
      });
      continue;
    }
    if (name === 'mod') {
      const v = e.value ?? '';
      if (v === 'vendor') {
        out.push({
          flag: e.raw,
          severity: 'warning',
          problem:
            '`go mod download` does not define -mod and ignores it, but go build/test/list then load packages only from vendor/ ' +
            'and never from the module cache just downloaded; without an up-to-date vendor/ (vendor/modules.txt) they fail with "inconsistent vendoring"',
          message: null,
          fix: 'either commit vendor/ (go mod vendor) and drop the go mod download step, or remove -mod=vendor',
        });
      } else if (v === 'mod') {
        out.push({
          flag: e.raw,
          severity: 'info',
          problem: 'lets go build update go.mod/go.sum and download missing modules at build time, so a separate `go mod download` layer may not be the only network step',
          message: null,
          fix: null,
        });
      } else if (v === 'readonly' || v === '') {
        out.push({
          flag: e.raw,
          severity: 'info',
          problem: '-mod=readonly is already the default for build commands since Go 1.16; go mod download ignores -mod',
          message: null,
          fix: null,
        });
      } else {
        out.push({
          flag: e.raw,
          severity: 'error',
          problem: `-mod only takes mod, readonly or vendor; build commands exit (go mod download ignores -mod)`,
          message: `go: -mod=${v} not supported (can be '', 'mod', 'readonly', or 'vendor')`,
          fix: '-mod=readonly, -mod=mod or -mod=vendor',
        });
      }
      continue;
    }
    if (name === 'modcacherw') continue; // fine: go mod download defines it (module cache left writable).
    if (!MOD_DOWNLOAD_FLAGS.has(name) && !name.startsWith('test.')) {
      out.push({
        flag: e.raw,
        severity: 'info',
        problem: `go mod download does not define -${name} and silently ignores it; commands that define it (go build, go test, …) apply it`,
        message: null,
        fix: null,
      });
    }
  }
  return out;
}
