/**
 * The go.mod grammar the go command enforces on the main module: its `module`, `go` and
 * `toolchain` lines, with the go command's own error messages. It is its own file because
 * the grammar (a lexer and strict rules, ported line by line) is a separate port from what the
 * go command then does with those lines (gomod-file.ts: GOTOOLCHAIN and the toolchain switch).
 * Ports, pure:
 *  - golang.org/x/mod/modfile read.go (lexer: // comments, "…" and `…` strings, ( ) blocks)
 *    and rule.go parseToFile/add in strict (main-module) mode — x/mod at 1846133 for
 *    Go 1.21+, and the Go 1.16–1.20 vendored copy (golang/go at 11d83d1) whose GoVersionRE
 *    only allowed "1.N" and which had no `toolchain` directive.
 */
import { compareGo, localGoVersion } from './gover.js';

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
/** A parse error before it is formatted as `go.mod:LINE[:COL]: msg`. */
interface Problem {
  line: number;
  col: number;
  msg: string;
}

/** isIdent from read.go: printable, not space, not one of ()[]{},. */
function isIdent(c: string): boolean {
  return !/[\s()[\]{},]/u.test(c);
}

function lex(text: string, errors: Problem[]): Line[] {
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

function statements(lines: Line[], errors: Problem[]): Stmt[] {
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

/** GoVersionRE of the Go 1.16–1.20 copy: "1.N" only. */
const GO_VERSION_RE_PRE_121 = /^([1-9][0-9]*)\.(0|[1-9][0-9]*)$/;
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
  const preGo121 = opts.goVersion ? compareGo(localGoVersion(opts.goVersion)?.version ?? opts.goVersion, '1.21') < 0 : false;
  const verbs = knownVerbs(opts.goVersion);
  const problems: Problem[] = [];
  const stmts = statements(lex(text, problems), problems);
  const res: GoModDirectives = { module: null, go: null, toolchain: null, errors: [], moduleLine: null, goLine: null, toolchainLine: null };
  let haveModule = false;
  let haveGo = false;
  let haveToolchain = false;

  const add = (l: Line, verb: string, args: string[]) => {
    const err = (msg: string) => problems.push({ line: l.line, col: 1, msg });
    if (!verbs.has(verb)) return err(`unknown directive: ${verb}`);
    switch (verb) {
      case 'go':
        if (haveGo) return err('repeated go statement');
        if (args.length !== 1) return err('go directive expects exactly one argument');
        if (!(preGo121 ? GO_VERSION_RE_PRE_121 : GO_VERSION_RE).test(args[0]!)) {
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
      problems.push({ line: st.start, col: 1, msg: `unknown block type: ${st.verb.join(' ')}` });
      continue;
    }
    for (const l of st.lines) add(l, st.verb[0]!, l.tokens.map((x) => x.text));
  }
  problems.sort((a, b) => a.line - b.line);
  res.errors = problems.map((e) => `${file}:${e.line}${e.col > 1 ? `:${e.col}` : ''}: ${e.msg}`);
  return res;
}

/**
 * The directives as parseGoModDirectives would return them when only their values are known
 * (no text): the go and toolchain lines are re-checked for the errors a Go 1.16–1.20 or a
 * current parser reports, nothing else, so pass the text when you have it.
 */
export function recheckDirectives(d: Partial<GoModDirectives>, goVersion: string | undefined, file: string): GoModDirectives {
  const preGo121 = goVersion ? compareGo(goVersion, '1.21') < 0 : false;
  const errors: Array<[number, string]> = [];
  if (d.go && !(preGo121 ? GO_VERSION_RE_PRE_121 : GO_VERSION_RE).test(d.go)) {
    errors.push([d.goLine ?? 0, `invalid go version '${d.go}': must match format 1.23`]);
  }
  if (d.toolchain && preGo121) errors.push([d.toolchainLine ?? 0, 'unknown directive: toolchain']);
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
