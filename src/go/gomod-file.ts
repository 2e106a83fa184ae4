/**
 * The `module`, `go` and `toolchain` lines of a go.mod, and what the go command does with
 * them at startup. Ports, pure:
 *  - golang.org/x/mod/modfile read.go (lexer: // comments, "…" and `…` strings, ( ) blocks)
 *    and rule.go parseToFile/add in strict (main-module) mode — x/mod at 1846133 for
 *    Go 1.21+, and the Go 1.16–1.20 vendored copy (golang/go at 11d83d1) whose GoVersionRE
 *    only allowed "1.N" and which had no `toolchain` directive;
 *  - cmd/go/internal/toolchain/select.go Select/Exec (golang/go at 00e6815), gover/mod.go
 *    GoModLookup, and gover/toolchain.go TooNewError for the messages.
 * go.work files, `go install pkg@version` and GOTOOLCHAIN set with `go env -w` are out of scope:
 * pass the effective GOTOOLCHAIN value.
 */
import { compareGo, fromToolchain, isLangGo, localGoVersion } from './gover.js';

export interface GoModDirectives {
  module: string | null;
  go: string | null;
  toolchain: string | null;
  /** Parse errors as the go command prints them ("go.mod:3: invalid go version …"). */
  errors: string[];
  /** 1-based line numbers of the directives, when present. */
  moduleLine: number | null;
  goLine: number | null;
  toolchainLine: number | null;
}

export interface ParseOptions {
  /** File name used in messages; the go command prints the path it opened. */
  filename?: string;
  /** Parse as this go command would (default: a current one). Go < 1.21 rejects `go 1.21.0` and `toolchain`. */
  goVersion?: string;
}

// ---- lexer (modfile/read.go) ------------------------------------------------------------

interface Tok {
  text: string;
  col: number;
}
interface Line {
  tokens: Tok[];
  line: number;
}

/** isIdent from read.go: printable, not space, not one of ()[]{},. */
function isIdent(c: string): boolean {
  return !/[\s()[\]{},]/u.test(c);
}

function lex(text: string, errors: Array<{ line: number; col: number; msg: string }>): Line[] {
  const out: Line[] = [];
  const lines = text.split('\n');
  for (let n = 0; n < lines.length; n++) {
    const s = (lines[n] ?? '').replace(/\r$/, '');
    const tokens: Tok[] = [];
    let i = 0;
    while (i < s.length) {
      const c = s[i]!;
      if (/\s/u.test(c)) {
        i++;
        continue;
      }
      if (s.startsWith('//', i)) break;
      if (s.startsWith('/*', i)) {
        errors.push({ line: n + 1, col: i + 1, msg: 'mod files must use // comments, not /* */ comments' });
        break;
      }
      if ('()[]{},'.includes(c)) {
        tokens.push({ text: c, col: i + 1 });
        i++;
        continue;
      }
      if (s.startsWith('=>', i)) {
        tokens.push({ text: '=>', col: i + 1 });
        i += 2;
        continue;
      }
      if (c === '"' || c === '`') {
        let j = i + 1;
        while (j < s.length && s[j] !== c) j += c === '"' && s[j] === '\\' ? 2 : 1;
        if (j >= s.length) {
          errors.push({ line: n + 1, col: i + 1, msg: 'unexpected newline in string' });
          break;
        }
        tokens.push({ text: s.slice(i, j + 1), col: i + 1 });
        i = j + 1;
        continue;
      }
      let j = i;
      while (j < s.length && isIdent(s[j]!) && !s.startsWith('//', j)) j++;
      tokens.push({ text: s.slice(i, j), col: i + 1 });
      i = j;
    }
    if (tokens.length) out.push({ tokens, line: n + 1 });
  }
  return out;
}

type Stmt = { kind: 'line'; line: Line } | { kind: 'block'; verb: string[]; start: number; lines: Line[] };

function statements(lines: Line[], errors: Array<{ line: number; col: number; msg: string }>): Stmt[] {
  const out: Stmt[] = [];
  let block: Extract<Stmt, { kind: 'block' }> | null = null;
  for (const l of lines) {
    const t = l.tokens.map((x) => x.text);
    if (block) {
      if (t[0] === ')') {
        out.push(block);
        block = null;
      } else {
        block.lines.push(l);
      }
      continue;
    }
    if (t.length > 1 && t[t.length - 1] === '(') {
      block = { kind: 'block', verb: t.slice(0, -1), start: l.line, lines: [] };
      continue;
    }
    out.push({ kind: 'line', line: l });
  }
  if (block) errors.push({ line: block.start, col: 1, msg: `syntax error (unterminated block started at line ${block.start})` });
  return out;
}

// ---- rule.go ------------------------------------------------------------------------------

const GO_VERSION_RE_OLD = /^([1-9][0-9]*)\.(0|[1-9][0-9]*)$/;
const GO_VERSION_RE = /^([1-9][0-9]*)\.(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))?([a-z]+[0-9]+)?$/;
const TOOLCHAIN_RE = /^local$|(^|-)go1/;

/** Directives a main-module go.mod may hold, by the release that introduced them. */
function knownVerbs(goVersion: string | undefined): Set<string> {
  const v = goVersion ? (localGoVersion(goVersion)?.version ?? goVersion) : '9999';
  const at = (since: string) => compareGo(v, since) >= 0;
  const verbs = ['module', 'go', 'require', 'exclude', 'replace'];
  if (at('1.16')) verbs.push('retract');
  if (at('1.21')) verbs.push('toolchain');
  if (at('1.23')) verbs.push('godebug');
  if (at('1.24')) verbs.push('tool');
  if (at('1.25')) verbs.push('ignore');
  return new Set(verbs);
}

/** modfile.parseString: "…" is unquoted (Go syntax), other quotes are reserved. */
function parseString(tok: string): { value: string; error: string | null } {
  if (tok.startsWith('"')) {
    try {
      const v: unknown = JSON.parse(tok);
      if (typeof v === 'string') return { value: v, error: null };
    } catch {
      // fall through
    }
    return { value: '', error: 'invalid syntax' };
  }
  if (/["'`]/.test(tok)) return { value: '', error: 'unquoted string cannot contain quote' };
  return { value: tok, error: null };
}

/** Parse the main module's go.mod as the go command does (strict: unknown directives are errors). */
export function parseGoModDirectives(text: string, opts: ParseOptions = {}): GoModDirectives {
  const file = opts.filename ?? 'go.mod';
  const old = opts.goVersion ? compareGo(localGoVersion(opts.goVersion)?.version ?? opts.goVersion, '1.21') < 0 : false;
  const verbs = knownVerbs(opts.goVersion);
  const raw: Array<{ line: number; col: number; msg: string }> = [];
  const stmts = statements(lex(text, raw), raw);
  const res: GoModDirectives = { module: null, go: null, toolchain: null, errors: [], moduleLine: null, goLine: null, toolchainLine: null };
  let haveModule = false;
  let haveGo = false;
  let haveToolchain = false;

  const add = (l: Line, verb: string, args: string[]) => {
    const err = (msg: string) => raw.push({ line: l.line, col: 1, msg });
    if (!verbs.has(verb)) return err(`unknown directive: ${verb}`);
    switch (verb) {
      case 'go':
        if (haveGo) return err('repeated go statement');
        if (args.length !== 1) return err('go directive expects exactly one argument');
        if (!(old ? GO_VERSION_RE_OLD : GO_VERSION_RE).test(args[0]!)) {
          return err(`invalid go version '${args[0]}': must match format 1.23`);
        }
        haveGo = true;
        res.go = args[0]!;
        res.goLine = l.line;
        return;
      case 'toolchain':
        if (haveToolchain) return err('repeated toolchain statement');
        if (args.length !== 1) return err('toolchain directive expects exactly one argument');
        if (!TOOLCHAIN_RE.test(args[0]!)) return err(`invalid toolchain version '${args[0]}': must match format go1.23 or local`);
        haveToolchain = true;
        res.toolchain = args[0]!;
        res.toolchainLine = l.line;
        return;
      case 'module': {
        if (haveModule) return err('repeated module statement');
        haveModule = true;
        res.moduleLine = l.line;
        if (args.length !== 1) return err('usage: module module/path');
        const s = parseString(args[0]!);
        if (s.error) return err(`invalid quoted string: ${s.error}`);
        res.module = s.value;
        return;
      }
      default:
        // require, exclude, replace, retract, …: not read here.
        return;
    }
  };

  const blockVerbs = new Set(['module', 'require', 'exclude', 'replace', 'retract', 'godebug', 'tool', 'ignore'].filter((v) => verbs.has(v)));
  for (const st of stmts) {
    if (st.kind === 'line') {
      const t = st.line.tokens.map((x) => x.text);
      add(st.line, t[0]!, t.slice(1));
      continue;
    }
    if (st.verb.length > 1 || !blockVerbs.has(st.verb[0]!)) {
      raw.push({ line: st.start, col: 1, msg: `unknown block type: ${st.verb.join(' ')}` });
      continue;
    }
    for (const l of st.lines) add(l, st.verb[0]!, l.tokens.map((x) => x.text));
  }
  raw.sort((a, b) => a.line - b.line);
  res.errors = raw.map((e) => `${file}:${e.line}${e.col > 1 ? `:${e.col}` : ''}: ${e.msg}`);
  return res;
}

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
  const L = local.version;
  const file = opts.filename ?? 'go.mod';
  const short = opts.shortPath ?? file.split('/').pop() ?? file;
  const platform = `${opts.goos ?? 'linux'}/${opts.goarch ?? 'amd64'}`;
  const notes: string[] = [];
  const text = typeof mod === 'string' ? mod : null;
  const parsedAs = (goVersion: string | undefined): GoModDirectives =>
    text !== null ? parseGoModDirectives(text, { filename: file, goVersion }) : synthesize(mod as GoModDirectives, goVersion, file);
  const localRun = (why: string, message: string | null = null, action: ToolchainNeed['action'] = 'ok'): ToolchainNeed => ({
    action,
    toolchain: local.toolchain,
    via: null,
    message,
    why,
    notes,
  });

  // Before Go 1.21: no GOTOOLCHAIN, no toolchain line, and the go line is only advisory.
  if (compareGo(L, '1.21') < 0) {
    if (gotoolchain) notes.push(`go ${L} ignores GOTOOLCHAIN (added in Go 1.21)`);
    const d = parsedAs(L);
    if (d.errors.length) {
      return localRun(
        `go ${L} predates Go 1.21: it only accepts "go 1.N" lines and knows no toolchain directive, and it refuses a main module it cannot parse`,
        `go: errors parsing ${short}:\n${d.errors.join('\n')}`,
        'fail',
      );
    }
    if (d.go && compareGo(d.go, L) > 0) {
      const backport = (L.startsWith('1.19.') && compareGo(L, '1.19.13') >= 0) || (L.startsWith('1.20.') && compareGo(L, '1.20.8') >= 0);
      if (backport && compareGo(d.go, '1.22') >= 0) {
        notes.push(`go build then fails for each package: "<package>: cannot compile Go ${d.go} code" (Go 1.19.13+/1.20.8+ refuse go lines of 1.22 and later)`);
      } else {
        notes.push(`the go line is advisory before Go 1.21: downloads work, and a failing build adds "note: module requires Go ${d.go}"`);
      }
    }
    return localRun(`go ${L} runs itself (toolchain switching arrived in Go 1.21)`);
  }

  const setting = parseGotoolchain(gotoolchain);
  if (!setting.ok) return localRun('GOTOOLCHAIN is malformed; every go command exits before doing anything', setting.error, 'fail');
  if (gotoolchain === '') notes.push('GOTOOLCHAIN unset: the default from $GOROOT/go.env is auto in official builds (local if a packager removed it)');

  let target = setting.min === 'local' ? 'local' : setting.min;
  let minVers = setting.min === 'local' ? L : fromToolchain(setting.min);
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
          if (compareGo(L, LANG_TO_RELEASE_SINCE) >= 0) target += '.0';
          else notes.push(`go ${L} asks for the language version "${target}", which is not a release; write "go ${goLine}.0" or add "toolchain go${goLine}.N"`);
        }
        autoGo = goLine;
        autoToolchain = '';
      }
    }
  }

  if (target === 'local' || target === local.toolchain) {
    const d = parsedAs(L);
    if (d.errors.length) return localRun(`go ${L} cannot parse ${file}`, `go: errors parsing ${short}:\n${d.errors.join('\n')}`, 'fail');
    if (d.go && compareGo(d.go, L) > 0) {
      // gover.TooNewError, with the GOTOOLCHAIN and go.mod explanations Startup recorded.
      let explain = gotoolchain && gotoolchain !== 'auto' ? `; GOTOOLCHAIN=${gotoolchain}` : '';
      if (setting.mode && (autoGo || autoToolchain)) explain += `; ${short} sets ${autoToolchain ? `toolchain ${autoToolchain}` : `go ${autoGo}`}`;
      return localRun(
        `${file} requires go ${d.go} and GOTOOLCHAIN does not allow switching to a newer toolchain`,
        `go: ${short} requires go >= ${d.go} (running go ${L}${explain})`,
        'fail',
      );
    }
    return localRun(`the local go ${L} satisfies ${file}`);
  }

  const why = autoGo
    ? `${file} says go ${autoGo}, newer than go ${L}`
    : autoToolchain
      ? `${file} suggests toolchain ${autoToolchain}, newer than go ${L}`
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
      compareGo(L, LANG_TO_RELEASE_SINCE) >= 0
        ? `go: invalid toolchain: ${target} is a language version but not a toolchain version (${target}.x)`
        : `go: download ${target} for ${platform}: toolchain not available`;
    return { action: 'fail', toolchain: target, via: 'download', message: `${downloading}\n${msg}`, why, notes };
  }
  notes.push(`the download is the module golang.org/toolchain@v0.0.1-${target}.${platform.replace('/', '-')}, fetched through GOPROXY and checked against GOSUMDB`);
  return tooOld('download', downloading) ?? { action: 'switch', toolchain: target, via: 'download', message: downloading, why, notes };
}

/**
 * Errors an old or new parser would report for already-parsed directives (no text available):
 * only the go and toolchain lines are re-checked, so pass the text when you have it.
 */
function synthesize(d: Partial<GoModDirectives>, goVersion: string | undefined, file: string): GoModDirectives {
  const old = goVersion ? compareGo(goVersion, '1.21') < 0 : false;
  const errors: Array<[number, string]> = [];
  if (d.go && !(old ? GO_VERSION_RE_OLD : GO_VERSION_RE).test(d.go)) {
    errors.push([d.goLine ?? 0, `invalid go version '${d.go}': must match format 1.23`]);
  }
  if (d.toolchain && old) errors.push([d.toolchainLine ?? 0, 'unknown directive: toolchain']);
  else if (d.toolchain && !TOOLCHAIN_RE.test(d.toolchain)) {
    errors.push([d.toolchainLine ?? 0, `invalid toolchain version '${d.toolchain}': must match format go1.23 or local`]);
  }
  errors.sort((a, b) => a[0] - b[0]);
  return {
    module: d.module ?? null,
    go: d.go ?? null,
    toolchain: d.toolchain ?? null,
    moduleLine: d.moduleLine ?? null,
    goLine: d.goLine ?? null,
    toolchainLine: d.toolchainLine ?? null,
    errors: errors.map(([line, msg]) => (line ? `${file}:${line}: ${msg}` : `${file}: ${msg}`)),
  };
}
