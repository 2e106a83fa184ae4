/**
 * The Dockerfile stage a probe stands in for, resolved as the builder would: global ARGs
 * in FROM, the FROM-stage chain down to an external image, ENV/ARG/USER/WORKDIR up to the
 * RUN that runs the go command, and the lints over that (lint.ts). Parsing is
 * dockerfile-ast's; a RUN's text, go commands and mounts are read by run-instruction.ts;
 * variable expansion is expand.ts (BuildKit's shell lexer); the text to build for --mode
 * build is prefix.ts. Pure: text in, evidence out.
 */
import { posix } from 'node:path';
import { type Arg, type Copy, DockerfileParser, type Env, type From, type Instruction, Keyword, type Run } from 'dockerfile-ast';
import type { DockerfileEvidence, StageVar } from '../model.js';
import { expandWord } from './expand.js';
import { type CopyFact, lintDockerfile, PROXY_ARGS, type RunFact, type Step, type UndefinedRef } from './lint.js';
import { goCommandsOfRun, parseMount, runText } from './run-instruction.js';

export interface DockerfileInput {
  /** As the user named it, used in origins: `Dockerfile:12 ENV`. */
  path: string;
  text: string;
  /** --target STAGE: a stage name, or a 0-based index. */
  target: string | null;
  /** --build-arg K=V in order, then docker config.json proxies; later wins. */
  buildArgs: Array<{ name: string; value: string; origin: string }>;
  /** .dockerignore next to the context, or null. */
  dockerignore: string | null;
  /** --private-repo was given: private modules will be fetched. */
  privateModules: boolean;
  /**
   * Whose variable rules to follow (default `buildkit`, docker's builder since 23.0): BuildKit
   * lets a later ARG override an ENV and passes ARGs on to stages built FROM the stage; the
   * classic builder keeps ENV over ARG and ARGs in their own stage.
   */
  builder?: 'buildkit' | 'classic';
  /**
   * The base image's own ENV (`Config.Env`, KEY=VALUE), once the caller has inspected it:
   * `ENV PATH=/usr/local/go/bin:$PATH` needs it. Without it such references expand to "".
   */
  imageEnv?: string[];
}

interface Stage {
  index: number;
  /** `AS name` lower-cased (docker compares stage names case-insensitively), or null. */
  name: string | null;
  label: string;
  from: From;
  line: number;
  /** FROM's image after global-ARG substitution. */
  base: string;
  parent: Stage | null;
  body: Instruction[];
}

interface Binding extends StageVar {
  order: number;
}

const KEYWORDS = new Set<string>(Object.values(Keyword));
/** The 1-based line an instruction starts on (dockerfile-ast counts from 0). */
export const lineOf = (ins: Instruction) => ins.getRange().start.line + 1;

/** Parse and check the whole file: known instructions only, a FROM, only ARGs before it. */
export function parseDockerfile(input: DockerfileInput) {
  const { path } = input;
  if (!input.text.trim()) throw new Error(`${path} is empty`);
  const df = DockerfileParser.parse(input.text);
  const all = df.getInstructions();
  for (const ins of all) {
    if (!KEYWORDS.has(ins.getKeyword())) throw new Error(`${path}:${lineOf(ins)}: unknown instruction ${ins.getInstruction()}`);
  }
  const firstFrom = all.findIndex((i) => i.getKeyword() === 'FROM');
  if (firstFrom < 0) throw new Error(`${path} has no FROM instruction`);
  const early = all.slice(0, firstFrom).find((i) => i.getKeyword() !== 'ARG');
  if (early) throw new Error(`${path}:${lineOf(early)}: ${early.getKeyword()} before the first FROM (only ARG may come before it)`);
  return { df, all, globals: all.slice(0, firstFrom) as Arg[], escape: df.getEscapeCharacter() };
}

/** Stages with their FROM substituted and their parent stage (an earlier stage of that name). */
function stagesOf(all: Instruction[], expandGlobal: (s: string, line: number) => string): Stage[] {
  const stages: Stage[] = [];
  for (const ins of all) {
    if (ins.getKeyword() === 'FROM') {
      const from = ins as From;
      const name = from.getBuildStage()?.toLowerCase() ?? null;
      const base = expandGlobal(from.getImage() ?? '', lineOf(from));
      const parent = stages.find((s) => s.name !== null && s.name === base.toLowerCase()) ?? null;
      stages.push({ index: stages.length, name, label: name ?? `#${stages.length}`, from, line: lineOf(from), base, parent, body: [] });
    } else if (stages.length) {
      stages[stages.length - 1]!.body.push(ins);
    }
  }
  return stages;
}

/** Stages the default build runs: the last one and what it needs (FROM, COPY --from, RUN --mount from=). */
function reachable(stages: Stage[], expandGlobal: (s: string, line: number) => string): Set<Stage> {
  const byRef = (ref: string, before: number) =>
    stages.find((s, i) => i < before && (s.name === ref.toLowerCase() || (/^\d+$/.test(ref) && i === Number(ref))));
  const seen = new Set<Stage>();
  const visit = (s: Stage) => {
    if (seen.has(s)) return;
    seen.add(s);
    if (s.parent) visit(s.parent);
    for (const ins of s.body) {
      const refs: string[] = [];
      if (ins.getKeyword() === 'COPY') refs.push((ins as Copy).getFromFlag()?.getValue() ?? '');
      if (ins.getKeyword() === 'RUN') for (const f of (ins as Run).getFlags()) if (f.getName() === 'mount') refs.push(/(?:^|,)from=([^,]+)/.exec(f.getValue() ?? '')?.[1] ?? '');
      for (const r of refs.filter(Boolean)) {
        const dep = byRef(expandGlobal(r, lineOf(ins)), s.index);
        if (dep) visit(dep);
      }
    }
  };
  visit(stages[stages.length - 1]!);
  return seen;
}

function chooseStage(input: DockerfileInput, stages: Stage[], escape: string, expandGlobal: (s: string, line: number) => string): { stage: Stage; chosenBy: DockerfileEvidence['chosenBy'] } {
  if (input.target !== null) {
    const t = input.target;
    const stage = stages.find((s) => s.name === t.toLowerCase()) ?? (/^\d+$/.test(t) ? stages[Number(t)] : undefined);
    if (!stage) throw new Error(`${input.path} has no stage named "${t}" (stages: ${stages.map((s) => s.label).join(', ')})`);
    return { stage, chosenBy: 'target' };
  }
  // The last stage the default build runs that runs the go command; else any that does.
  const runsGo = (s: Stage) => s.body.some((i) => i.getKeyword() === 'RUN' && goCommandsOfRun(i as Run, escape).length > 0);
  const needed = reachable(stages, expandGlobal);
  const pick = [...stages].reverse().find((s) => needed.has(s) && runsGo(s)) ?? [...stages].reverse().find(runsGo);
  return pick ? { stage: pick, chosenBy: 'go-command' } : { stage: stages[stages.length - 1]!, chosenBy: 'last' };
}

/** Where a relative WORKDIR starts when the chain sets none: golang images' WORKDIR is /go. */
const imageWorkdir = (image: string) => (/^(docker\.io\/)?(library\/)?golang([:@]|$)/.test(image) ? '/go' : '/');

export function resolveStage(input: DockerfileInput): DockerfileEvidence {
  const { path } = input;
  const buildkit = (input.builder ?? 'buildkit') === 'buildkit';
  const { all, globals, escape } = parseDockerfile(input);
  const given = new Map(input.buildArgs.map((b) => [b.name, b]));
  const consumed = new Set<string>();
  const undefinedRefs: UndefinedRef[] = [];
  /** ARGs of the stage declared without a value: "" when expanded, but declared (no lint). */
  let declared = new Set<string>();
  const expand = (raw: string, line: number, keyword: string, lookup: (n: string) => string | undefined, names?: string[]) => {
    try {
      const r = expandWord(raw, lookup, escape);
      for (const name of r.undefinedRefs) if (!declared.has(name)) undefinedRefs.push({ name, line, keyword });
      names?.push(...r.names);
      return r.value;
    } catch (err) {
      throw new Error(`${path}:${line}: ${keyword} ${raw}: ${(err as Error).message}`);
    }
  };

  // Global ARGs: in scope for FROM lines only.
  const globalArgs = new Map<string, { value: string | null; origin: string }>();
  const globalArgLookup = (n: string) => (globalArgs.has(n) ? (globalArgs.get(n)!.value ?? '') : undefined);
  for (const arg of globals) {
    for (const p of arg.getProperties()) {
      consumed.add(p.getName());
      const b = given.get(p.getName());
      const raw = p.getUnescapedValue();
      globalArgs.set(p.getName(), b ? { value: b.value, origin: b.origin } : raw !== null ? { value: expand(raw, lineOf(arg), 'ARG', globalArgLookup), origin: `${path}:${lineOf(arg)} ARG default` } : { value: null, origin: '' });
    }
  }
  const fromRefs: UndefinedRef[] = [];
  const expandGlobal = (s: string, line: number) => {
    const before = undefinedRefs.length;
    const v = expand(s, line, 'FROM', globalArgLookup);
    fromRefs.push(...undefinedRefs.splice(before));
    return v;
  };
  const stages = stagesOf(all, expandGlobal);
  for (const ins of all) if (ins.getKeyword() === 'ARG') for (const p of (ins as Arg).getProperties()) consumed.add(p.getName());

  const { stage, chosenBy } = chooseStage(input, stages, escape, expandGlobal);
  const chain: Stage[] = [];
  for (let s: Stage | null = stage; s; s = s.parent) chain.unshift(s);
  const goIns = stage.body.find((i) => i.getKeyword() === 'RUN' && goCommandsOfRun(i as Run, escape).length > 0) as Run | undefined;
  const baseImage = chain[0]!.base;
  if (!baseImage) throw new Error(`${path}:${chain[0]!.line}: FROM ${chain[0]!.from.getImage() ?? ''} expands to an empty image name (declare the ARG before the first FROM or pass --build-arg)`);
  undefinedRefs.length = 0;
  undefinedRefs.push(...fromRefs.filter((r) => chain.some((s) => s.line === r.line)));

  // Walk the chain oldest first, up to the go step.
  const env = new Map<string, Binding>();
  let args = new Map<string, Binding>();
  let order = 0;
  const image = new Map((input.imageEnv ?? []).flatMap((e) => (e.indexOf('=') > 0 ? [[e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)] as const] : [])));
  // BuildKit: the last assignment wins, an ARG over an ENV (the image's too). Classic: ENV over ARG.
  const bound = (n: string): Binding | undefined => {
    const e = env.get(n);
    const a = args.get(n);
    if (!buildkit) return e ?? (image.has(n) ? undefined : a);
    return e && a ? (e.order > a.order ? e : a) : (e ?? a);
  };
  const proxyArg = (n: string) => (PROXY_ARGS.includes(n) && !image.has(n) ? given.get(n) : undefined);
  // BuildKit hands predefined proxy args to RUN only; the classic builder also substitutes them.
  const lookup = (n: string) => bound(n)?.value ?? image.get(n) ?? (buildkit ? undefined : proxyArg(n)?.value);
  let user: DockerfileEvidence['user'] = null;
  let workdir: DockerfileEvidence['workdir'] = null;
  const steps: Step[] = [];
  let goStep: RunFact | null = null;
  const runFact = (run: Run): RunFact => {
    const mounts = run.getFlags().filter((f) => f.getName() === 'mount').map((f) => parseMount(f.getValue() ?? '', (s) => expandWord(s, lookup, escape).value));
    const names = new Set([...image.keys(), ...env.keys(), ...declared, ...PROXY_ARGS.filter((n) => given.has(n))]);
    return { line: lineOf(run), command: runText(run, escape).text, goCmds: goCommandsOfRun(run, escape), mounts, bound: names };
  };

  for (const st of chain) {
    if (!buildkit) [args, declared] = [new Map(), new Set()];
    for (const ins of st.body) {
      const line = lineOf(ins);
      const kw = ins.getKeyword();
      if (ins === goIns) {
        goStep = runFact(ins as Run);
        break;
      }
      if (kw === 'ARG') {
        for (const p of (ins as Arg).getProperties()) {
          const name = p.getName();
          const raw = p.getUnescapedValue();
          const b = given.get(name);
          const g = globalArgs.get(name);
          declared.add(name);
          const set = (value: string, origin: string) => args.set(name, { name, value, kind: 'ARG', origin, order: ++order });
          if (b) set(b.value, b.origin);
          else if (raw !== null) set(expand(raw, line, 'ARG', lookup), `${path}:${line} ARG default`);
          else if (g && g.value !== null) set(g.value, g.origin);
        }
      } else if (kw === 'ENV') {
        // Every value of one ENV line expands with the variables as they were before the line.
        const props = (ins as Env).getProperties();
        const values = props.map((p, k) => {
          const used: string[] = [];
          const value = expand(p.getUnescapedValue() ?? '', line, 'ENV', lookup, used);
          // ENV A=/x B=$A/y: $A is A's value from before the line, not /x.
          for (const name of used) {
            const earlier = props.slice(0, k).find((q) => q.getName() === name);
            if (earlier && lookup(name) !== expandWord(earlier.getUnescapedValue() ?? '', lookup, escape).value) undefinedRefs.unshift({ name, line, keyword: 'ENV', sameLine: true });
          }
          return [p.getName(), value] as const;
        });
        for (const [name, value] of values) env.set(name, { name, value, kind: 'ENV', origin: `${path}:${line} ENV`, order: ++order });
      } else if (kw === 'USER') {
        user = { value: expand(ins.getArgumentsContent() ?? '', line, 'USER', lookup), line };
        steps.push({ kind: 'USER', line, value: user.value });
      } else if (kw === 'WORKDIR') {
        const p = expand(ins.getArgumentsContent() ?? '', line, 'WORKDIR', lookup);
        const from: string = (workdir as DockerfileEvidence['workdir'])?.value ?? imageWorkdir(baseImage);
        workdir = { value: posix.resolve(from, p), line };
      } else if (kw === 'RUN') {
        steps.push({ kind: 'RUN', run: runFact(ins as Run) });
      } else if (kw === 'COPY' || kw === 'ADD') {
        steps.push({ kind: 'COPY', copy: copyFact(ins as Copy, (s) => expandWord(s, lookup, escape).value) });
      }
    }
  }

  // What the go step's RUN sees, each name once, in the order its final value was assigned.
  const names = new Set([...env.keys(), ...[...args.keys()].filter((n) => bound(n))]);
  const vars: StageVar[] = [...names].map((n) => bound(n)!).sort((a, b) => a.order - b.order).map(({ name, value, kind, origin }) => ({ name, value, kind, origin }));
  for (const n of PROXY_ARGS) {
    const b = proxyArg(n);
    if (b && !names.has(n)) vars.push({ name: n, value: b.value, kind: 'ARG', origin: b.origin });
  }
  const unusedBuildArgs = [...given.keys()].filter((n) => !consumed.has(n) && !PROXY_ARGS.includes(n));
  const allCopies = all.filter((i) => i.getKeyword() === 'COPY' || i.getKeyword() === 'ADD').map((i) => copyFact(i as Copy, (s) => s));
  const final = goStep as RunFact | null;
  const findings = lintDockerfile({ path, steps, goStep: final, vars, user, undefinedRefs, allCopies, dockerignore: input.dockerignore, privateModules: input.privateModules, unusedBuildArgs });
  return {
    path,
    stage: stage.label,
    stageLine: stage.line,
    chosenBy,
    chain: [...[...chain].reverse().map((s) => s.label), baseImage],
    baseImage,
    goStep: final ? { line: final.line, command: final.command } : null,
    vars,
    user,
    workdir,
    unusedBuildArgs,
    findings,
  };
}

function copyFact(ins: Copy, expand: (s: string) => string): CopyFact {
  const json = ins.getOpeningBracket() ? safeJson(ins.getArgumentsContent() ?? '') : null;
  const words = (json ?? ins.getArguments().map((a) => a.getValue())).map(expand);
  return { line: lineOf(ins), keyword: ins.getKeyword() as 'COPY' | 'ADD', sources: words.slice(0, -1), dest: words[words.length - 1] ?? '', from: ins.getKeyword() === 'COPY' ? (ins.getFromFlag()?.getValue() ?? null) : null };
}

function safeJson(text: string): string[] | null {
  try {
    const v: unknown = JSON.parse(text);
    return Array.isArray(v) && v.every((w) => typeof w === 'string') ? v : null;
  } catch {
    return null;
  }
}

