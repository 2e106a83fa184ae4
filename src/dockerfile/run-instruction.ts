/**
 * A RUN instruction read as docker runs it: its shell text (continuations joined, exec form
 * words), the go subcommands it runs, and its `--mount=` flags. Its own file because this is
 * a reading of shell text, not of the file's stages: stage.ts records what it finds for each
 * RUN (RunFact), lint.ts judges that, prefix.ts reads the mounts. The shell reading is good
 * enough to find go invocations; it is not a shell. Pure.
 */
import type { Run } from 'dockerfile-ast';

/** A `--mount=` flag of a RUN, options as written (`type` defaults to bind, as in BuildKit). */
export interface Mount {
  raw: string;
  type: string;
  /** target/dst/destination, variables expanded. */
  target: string | null;
  options: Record<string, string>;
}

/** The shell text of a RUN as docker runs it: continuations joined, comment lines inside them dropped. */
export function runText(run: Run, escape: string): { text: string; words: string[] | null } {
  const raw = run.getRawArgumentsContent() ?? '';
  if (run.getHeredocs().length) return { text: raw.trim(), words: null };
  const cont = new RegExp(`${escape.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&')}[ \\t]*$`);
  const joined = raw.split(/\r?\n/).filter((l, i) => i === 0 || !/^\s*(#.*)?$/.test(l)).map((l) => l.replace(cont, '')).join('').trim();
  if (run.getOpeningBracket()) {
    try {
      const words: unknown = JSON.parse(joined);
      if (Array.isArray(words) && words.every((w) => typeof w === 'string')) return { text: words.join(' '), words };
    } catch {
      // Not valid JSON: docker runs it as shell form, and so do we.
    }
  }
  return { text: joined, words: null };
}

/** The go subcommands a RUN runs, read from its exec-form words or its shell text. */
export function goCommandsOfRun(run: Run, escape: string): string[] {
  const { text, words } = runText(run, escape);
  return words ? goCommandsInWords(words) : goCommands(text);
}

/** Simple commands of a shell text, words unquoted; separators: ; & | && || newlines, subshells. */
export function shellCommands(text: string): string[][] {
  const cmds: string[][] = [];
  let words: string[] = [];
  let word = '';
  let inWord = false;
  const endWord = () => {
    if (inWord) words.push(word);
    word = '';
    inWord = false;
  };
  const endCmd = () => {
    endWord();
    if (words.length) cmds.push(words);
    words = [];
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\\') {
      if (text[i + 1] !== '\n') word += text[i + 1] ?? '';
      i++;
      inWord = true;
    } else if (c === "'") {
      const j = text.indexOf("'", i + 1);
      word += text.slice(i + 1, j < 0 ? undefined : j);
      i = j < 0 ? text.length : j;
      inWord = true;
    } else if (c === '"') {
      let j = i + 1;
      for (; j < text.length && text[j] !== '"'; j++) word += text[j] === '\\' && j + 1 < text.length ? text[++j] : text[j];
      i = j;
      inWord = true;
    } else if (c === '$' && text[i + 1] === '{') {
      const j = text.indexOf('}', i);
      word += text.slice(i, j < 0 ? undefined : j + 1);
      i = j < 0 ? text.length : j;
      inWord = true;
    } else if (c === '$' && text[i + 1] === '(') {
      endCmd();
      i++;
    } else if (c === '#' && !inWord) {
      const j = text.indexOf('\n', i);
      i = j < 0 ? text.length : j - 1;
    } else if (/[;&|()\n`]/.test(c) || ((c === '{' || c === '}') && !inWord)) {
      endCmd();
    } else if (/\s/.test(c)) {
      endWord();
    } else {
      word += c;
      inWord = true;
    }
  }
  endCmd();
  return cmds;
}

/** Go subcommands that resolve or download modules. */
const GO_SUBCOMMANDS = new Set(['build', 'install', 'get', 'test', 'run', 'list']);
const GO_MOD_SUBCOMMANDS = new Set(['download', 'tidy', 'vendor']);
const WRAPPERS = new Set(['env', 'time', 'exec', 'nice', 'nohup', 'sudo', 'command']);
const SHELLS = new Set(['sh', 'bash', 'ash', 'dash', 'zsh']);

/** The go subcommands one simple command runs (`CGO_ENABLED=0 /usr/local/go/bin/go build`, `sh -c "go mod download"`). */
export function goCommandsInWords(words: string[]): string[] {
  let w = [...words];
  while (w.length && (/^[A-Za-z_][A-Za-z0-9_]*=/.test(w[0]!) || WRAPPERS.has(w[0]!) || (w[0]!.startsWith('-') && w[0] !== '-'))) w = w.slice(1);
  const bin = (w[0] ?? '').split('/').pop()!;
  if (SHELLS.has(bin)) {
    const c = w.findIndex((x) => /^-[a-z]*c[a-z]*$/.test(x));
    return c > 0 && w[c + 1] !== undefined ? goCommands(w[c + 1]!) : [];
  }
  if (bin !== 'go') return [];
  let args = w.slice(1);
  if (args[0] === '-C') args = args.slice(2); // go -C DIR build
  if (args[0] === 'mod' && GO_MOD_SUBCOMMANDS.has(args[1] ?? '')) return [`mod ${args[1]}`];
  return GO_SUBCOMMANDS.has(args[0] ?? '') ? [args[0]!] : [];
}

/** The go subcommands a RUN's shell text runs, in order. */
export function goCommands(shellText: string): string[] {
  return shellCommands(shellText).flatMap(goCommandsInWords);
}

/** A `--mount=` flag value (`type=cache,target=/go/pkg/mod,uid=1000`). */
export function parseMount(value: string, expand: (s: string) => string): Mount {
  const options: Record<string, string> = {};
  for (const part of value.split(',')) {
    const i = part.indexOf('=');
    if (i < 0) options[part.toLowerCase()] = 'true';
    else options[part.slice(0, i).toLowerCase()] = expand(part.slice(i + 1));
  }
  const target = options.target ?? options.dst ?? options.destination ?? null;
  return { raw: `--mount=${value}`, type: options.type ?? 'bind', target, options };
}
