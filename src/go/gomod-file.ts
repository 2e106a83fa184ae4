/**
 * What the go command does at startup with the main module's go.mod and GOTOOLCHAIN: which
 * toolchain runs `go mod download`, or why the command exits first. The go.mod grammar
 * itself is modfile-parse.ts. Ports, pure:
 *  - cmd/go/internal/toolchain/select.go Select/Exec (golang/go at 00e6815), gover/mod.go
 *    GoModLookup, and gover/toolchain.go TooNewError for the messages.
 * go.work files, `go install pkg@version` and GOTOOLCHAIN set with `go env -w` are out of scope:
 * pass the effective GOTOOLCHAIN value.
 */
import { compareGo, fromToolchain, isLangGo, localGoVersion } from './gover.js';
import { type GoModDirectives, parseGoModDirectives, recheckDirectives } from './modfile-parse.js';

/** cmd/go/internal/gover/mod.go GoModLookup: the first line "KEY value", comments stripped — no full parse. */
export function goModLookup(text: string, key: 'go' | 'toolchain'): string {
  for (const rawLine of text.split('\n')) {
    const line = rawLine.trim();
    if (!line.startsWith(key)) continue;
    const s = line.slice(key.length);
    if (s.length === 0 || (s[0] !== ' ' && s[0] !== '\t')) continue;
    return (s.split('//')[0] ?? '').trim();
  }
  return '';
}

// ---- GOTOOLCHAIN (toolchain/select.go) -----------------------------------------------------

export type GotoolchainSetting =
  | {
      ok: true;
      /** "local" or a toolchain name such as go1.22.1. */
      min: string;
      /** "auto"/"path": may switch to a newer toolchain named by go.mod; "": always `min`. */
      mode: 'auto' | 'path' | '';
      /** Exec only looks in PATH (GOTOOLCHAIN=path or NAME+path). */
      pathOnly: boolean;
    }
  | { ok: false; error: string };

/** Parse a GOTOOLCHAIN value as Select does. An empty value is treated as the go.env default, auto. */
export function parseGotoolchain(value: string): GotoolchainSetting {
  const v = value === '' ? 'auto' : value;
  const q = JSON.stringify(v);
  if (v === 'auto') return { ok: true, min: 'local', mode: 'auto', pathOnly: false };
  if (v === 'path') return { ok: true, min: 'local', mode: 'path', pathOnly: true };
  const plus = v.indexOf('+');
  const min = plus >= 0 ? v.slice(0, plus) : v;
  const suffix = plus >= 0 ? v.slice(plus + 1) : '';
  if (min !== 'local' && fromToolchain(min) === '') {
    return { ok: false, error: plus >= 0 ? `go: invalid GOTOOLCHAIN ${q}: invalid minimum toolchain ${JSON.stringify(min)}` : `go: invalid GOTOOLCHAIN ${q}` };
  }
  if (plus >= 0 && suffix !== 'auto' && suffix !== 'path') {
    return { ok: false, error: `go: invalid GOTOOLCHAIN ${q}: only version suffixes are +auto and +path` };
  }
  if (min !== 'local' && !min.startsWith('go1') && !min.includes('-go1')) {
    // Checked later in Select, before Exec; the same message.
    return { ok: false, error: `go: invalid GOTOOLCHAIN ${q}` };
  }
  return { ok: true, min, mode: suffix as 'auto' | 'path' | '', pathOnly: v === 'path' || v.endsWith('+path') };
}

// ---- what the go command does at startup ---------------------------------------------------

export interface ToolchainNeed {
  /** ok: the local go runs; switch: another toolchain runs; fail: the command exits. */
  action: 'ok' | 'switch' | 'fail';
  /** The toolchain that runs the command (go1.21.3 for the local one), or the one it failed to get. */
  toolchain: string;
  /** For a switch: found in PATH, or downloaded (module golang.org/toolchain via GOPROXY). */
  via: 'path' | 'download' | null;
  /** What the go command prints on stderr, if anything. */
  message: string | null;
  why: string;
  notes: string[];
}

export interface ToolchainOptions {
  /** The go.mod path as opened (parse errors name it); default "go.mod". */
  filename?: string;
  /** base.ShortPath of it, used in the other messages; default its last element (go run from the module root). */
  shortPath?: string;
  goos?: string;
  goarch?: string;
  /** Toolchain names available in PATH (go1.22.0 installed with golang.org/dl, …). */
  inPath?: readonly string[];
}

/** The ".0" for language versions in go lines (golang.org/issue/62278): go1.21 and go1.22 tried "go1.22". */
const LANG_TO_RELEASE_SINCE = '1.23';

/**
 * What `go mod download` (any module-mode go command) does first, given the local go
 * (`go env GOVERSION`), the main module's go.mod (its text, preferably, or parsed
 * directives) and the effective GOTOOLCHAIN.
 */
export function toolchainNeed(
  localGo: string,
  mod: string | Pick<GoModDirectives, 'go' | 'toolchain'> & Partial<GoModDirectives>,
  gotoolchain = '',
  opts: ToolchainOptions = {},
): ToolchainNeed {
  const local = localGoVersion(localGo);
  if (!local) throw new RangeError(`not a go version: ${JSON.stringify(localGo)}`);
  const localVer = local.version;
  const file = opts.filename ?? 'go.mod';
  const short = opts.shortPath ?? file.split('/').pop() ?? file;
  const platform = `${opts.goos ?? 'linux'}/${opts.goarch ?? 'amd64'}`;
  const notes: string[] = [];
  const text = typeof mod === 'string' ? mod : null;
  const parsedAs = (goVersion: string | undefined): GoModDirectives =>
    text !== null ? parseGoModDirectives(text, { filename: file, goVersion }) : recheckDirectives(mod as GoModDirectives, goVersion, file);
  const localRun = (why: string, message: string | null = null, action: ToolchainNeed['action'] = 'ok'): ToolchainNeed => ({
    action,
    toolchain: local.toolchain,
    via: null,
    message,
    why,
    notes,
  });

  // Before Go 1.21: no GOTOOLCHAIN, no toolchain line, and the go line is only advisory.
  if (compareGo(localVer, '1.21') < 0) {
    if (gotoolchain) notes.push(`go ${localVer} ignores GOTOOLCHAIN (added in Go 1.21)`);
    const d = parsedAs(localVer);
    if (d.errors.length) {
      return localRun(
        `go ${localVer} predates Go 1.21: it only accepts "go 1.N" lines and knows no toolchain directive, and it refuses a main module it cannot parse`,
        `go: errors parsing ${short}:\n${d.errors.join('\n')}`,
        'fail',
      );
    }
    if (d.go && compareGo(d.go, localVer) > 0) {
      const backport = (localVer.startsWith('1.19.') && compareGo(localVer, '1.19.13') >= 0) || (localVer.startsWith('1.20.') && compareGo(localVer, '1.20.8') >= 0);
      if (backport && compareGo(d.go, '1.22') >= 0) {
        notes.push(`go build then fails for each package: "<package>: cannot compile Go ${d.go} code" (Go 1.19.13+/1.20.8+ refuse go lines of 1.22 and later)`);
      } else {
        notes.push(`the go line is advisory before Go 1.21: downloads work, and a failing build adds "note: module requires Go ${d.go}"`);
      }
    }
    return localRun(`go ${localVer} runs itself (toolchain switching arrived in Go 1.21)`);
  }

  const setting = parseGotoolchain(gotoolchain);
  if (!setting.ok) return localRun('GOTOOLCHAIN is malformed; every go command exits before doing anything', setting.error, 'fail');
  if (gotoolchain === '') notes.push('GOTOOLCHAIN unset: the default from $GOROOT/go.env is auto in official builds (local if a packager removed it)');

  let target = setting.min === 'local' ? 'local' : setting.min;
  let minVers = setting.min === 'local' ? localVer : fromToolchain(setting.min);
  let autoGo = '';
  let autoToolchain = '';
  const goLine = typeof mod === 'string' ? goModLookup(mod, 'go') : (mod.go ?? '');
  const tcLine = typeof mod === 'string' ? goModLookup(mod, 'toolchain') : (mod.toolchain ?? '');
  if (setting.mode === 'auto' || setting.mode === 'path') {
    if (tcLine === 'default') {
      autoToolchain = 'default';
    } else {
      if (tcLine) {
        const tv = fromToolchain(tcLine);
        if (!tv || (!tcLine.startsWith('go') && !tcLine.includes('-go'))) {
          return localRun('the toolchain line is not a toolchain name', `go: invalid toolchain ${JSON.stringify(tcLine)} in ${short}`, 'fail');
        }
        if (compareGo(tv, minVers) > 0) {
          target = tcLine;
          minVers = tv;
          autoToolchain = tcLine;
        }
      }
      if (goLine && compareGo(goLine, minVers) > 0) {
        target = `go${goLine}`;
        if (isLangGo(goLine) && compareGo(goLine, '1.21') >= 0) {
          if (compareGo(localVer, LANG_TO_RELEASE_SINCE) >= 0) target += '.0';
          else notes.push(`go ${localVer} asks for the language version "${target}", which is not a release; write "go ${goLine}.0" or add "toolchain go${goLine}.N"`);
        }
        autoGo = goLine;
        autoToolchain = '';
      }
    }
  }

  if (target === 'local' || target === local.toolchain) {
    const d = parsedAs(localVer);
    if (d.errors.length) return localRun(`go ${localVer} cannot parse ${file}`, `go: errors parsing ${short}:\n${d.errors.join('\n')}`, 'fail');
    if (d.go && compareGo(d.go, localVer) > 0) {
      // gover.TooNewError, with the GOTOOLCHAIN and go.mod explanations Startup recorded.
      let explain = gotoolchain && gotoolchain !== 'auto' ? `; GOTOOLCHAIN=${gotoolchain}` : '';
      if (setting.mode && (autoGo || autoToolchain)) explain += `; ${short} sets ${autoToolchain ? `toolchain ${autoToolchain}` : `go ${autoGo}`}`;
      return localRun(
        `${file} requires go ${d.go} and GOTOOLCHAIN does not allow switching to a newer toolchain`,
        `go: ${short} requires go >= ${d.go} (running go ${localVer}${explain})`,
        'fail',
      );
    }
    return localRun(`the local go ${localVer} satisfies ${file}`);
  }

  const why = autoGo
    ? `${file} says go ${autoGo}, newer than go ${localVer}`
    : autoToolchain
      ? `${file} suggests toolchain ${autoToolchain}, newer than go ${localVer}`
      : `GOTOOLCHAIN=${gotoolchain} names this toolchain`;
  if (!target.startsWith('go1') && !target.includes('-go1')) {
    return { action: 'fail', toolchain: target, via: null, message: `go: invalid GOTOOLCHAIN ${JSON.stringify(target)}`, why, notes };
  }
  // With a fixed GOTOOLCHAIN=goX the chosen toolchain may itself be older than the go line.
  const tooOld = (via: 'path' | 'download', prefix: string | null): ToolchainNeed | null => {
    const v = fromToolchain(target);
    if (!goLine || !v || compareGo(goLine, v) <= 0) return null;
    const line = `go: ${short} requires go >= ${goLine} (running go ${v}; GOTOOLCHAIN=${gotoolchain})`;
    return { action: 'fail', toolchain: target, via, message: prefix ? `${prefix}\n${line}` : line, why: `${why}, but ${file} requires go ${goLine}`, notes };
  };
  if (opts.inPath?.includes(target)) {
    return tooOld('path', null) ?? { action: 'switch', toolchain: target, via: 'path', message: null, why, notes };
  }
  if (setting.pathOnly) {
    return { action: 'fail', toolchain: target, via: null, message: `go: cannot find ${JSON.stringify(target)} in PATH`, why: `${why}; GOTOOLCHAIN=${gotoolchain} forbids downloading`, notes };
  }
  const downloading = `go: downloading ${target} (${platform})`;
  const tv = fromToolchain(target);
  if (isLangGo(tv) && compareGo(tv, '1.21') >= 0) {
    // No release is named go1.N from 1.21 on, so the download finds nothing.
    const msg =
      compareGo(localVer, LANG_TO_RELEASE_SINCE) >= 0
        ? `go: invalid toolchain: ${target} is a language version but not a toolchain version (${target}.x)`
        : `go: download ${target} for ${platform}: toolchain not available`;
    return { action: 'fail', toolchain: target, via: 'download', message: `${downloading}\n${msg}`, why, notes };
  }
  notes.push(`the download is the module golang.org/toolchain@v0.0.1-${target}.${platform.replace('/', '-')}, fetched through GOPROXY and checked against GOSUMDB`);
  return tooOld('download', downloading) ?? { action: 'switch', toolchain: target, via: 'download', message: downloading, why, notes };
}
