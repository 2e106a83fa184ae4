/**
 * Dockerfile lints: the patterns the field guide names (shared/docs/domain.md, "Docker's own
 * part"), judged on the stage resolveStage() walked — never by probing. Each finding carries
 * a line to paste. How a RUN is read (its shell text, go commands, mounts) is run-instruction.ts.
 * Pure: no I/O.
 */
import ignoreModule from '@balena/dockerignore';
import type { DockerfileFinding, StageVar } from '../model.js';
import type { Mount } from './run-instruction.js';

// A CommonJS module whose typings declare `export default`: the factory is also its own `.default`.
const dockerignore = ignoreModule.default;

/** The proxy ARGs docker predefines: usable with --build-arg without an ARG line. */
export const PROXY_ARGS = ['HTTP_PROXY', 'HTTPS_PROXY', 'FTP_PROXY', 'NO_PROXY', 'ALL_PROXY'].flatMap((n) => [n, n.toLowerCase()]);

export interface RunFact {
  line: number;
  /** The shell text with continuation lines joined (exec form: the words joined by spaces). */
  command: string;
  /** Go subcommands it runs: `mod download`, `build`, ... */
  goCmds: string[];
  mounts: Mount[];
  /** Variable names the RUN's environment has (ENV, ARG, predefined proxy build args). */
  bound: Set<string>;
}

export interface CopyFact {
  line: number;
  keyword: 'COPY' | 'ADD';
  sources: string[];
  dest: string;
  from: string | null;
}

export type Step = { kind: 'RUN'; run: RunFact } | { kind: 'COPY'; copy: CopyFact } | { kind: 'USER'; line: number; value: string };

/** A `$NAME` an ENV/ARG/WORKDIR/USER/FROM line expands while nothing declares it: it becomes "". */
export interface UndefinedRef {
  name: string;
  line: number;
  keyword: string;
  /** ENV A=1 B=$A: set on the same line, which docker expands with the values from before it. */
  sameLine?: boolean;
}

/** What the lints read: the chain up to the go step, as resolveStage() walked it. */
export interface LintModel {
  path: string;
  /** Every RUN/COPY/ADD/USER of the chain's stages before the go step, oldest first. */
  steps: Step[];
  goStep: RunFact | null;
  vars: StageVar[];
  user: { value: string; line: number } | null;
  undefinedRefs: UndefinedRef[];
  /** COPY/ADD of every stage of the file (.dockerignore applies to the whole build). */
  allCopies: CopyFact[];
  dockerignore: string | null;
  privateModules: boolean;
  unusedBuildArgs: string[];
}

// ---- the lints ----------------------------------------------------------

const varOf = (m: LintModel, name: string) => m.vars.find((v) => v.name === name);

/** The module cache as the Dockerfile sets it; golang images' /go/pkg/mod when it does not. */
export function moduleCache(vars: StageVar[]): { path: string; assumed: boolean } {
  const get = (n: string) => vars.find((v) => v.name === n)?.value;
  const modcache = get('GOMODCACHE');
  if (modcache) return { path: modcache, assumed: false };
  const gopath = get('GOPATH')?.split(':')[0];
  if (gopath) return { path: `${gopath.replace(/\/+$/, '')}/pkg/mod`, assumed: false };
  return { path: '/go/pkg/mod', assumed: true };
}

function vendorMode(m: LintModel): boolean {
  return /-mod=vendor/.test(m.goStep?.command ?? '') || /-mod=vendor/.test(varOf(m, 'GOFLAGS')?.value ?? '');
}

function isRoot(user: string): boolean {
  const name = user.split(':')[0]!;
  return name === '' || name === 'root' || name === '0';
}

const under = (path: string, dir: string) => {
  const d = dir.replace(/\/+$/, '') || '/';
  const p = path.replace(/\/+$/, '');
  return p === d || p.startsWith(d === '/' ? '/' : `${d}/`);
};

/** `COPY . .`, `COPY ./ /src`, `ADD . .`, `COPY * ./`: the whole build context. */
export function copiesContext(c: CopyFact): boolean {
  const whole = (src: string) => ['.', '*', ''].includes(src.replace(/^(\.\/)+/, '').replace(/\/+$/, '').replace(/\/\.$/, ''));
  return !c.from && c.sources.some(whole);
}

const goWords = (r: RunFact) => `go ${r.goCmds[0] ?? ''}`.trim();
const dirOf = (dest: string) => (dest === '.' || dest === './' ? './' : dest.endsWith('/') ? dest : `${dest}/`);

/** 1. The download layer is rebuilt on every source edit. */
function layerCache(m: LintModel): DockerfileFinding[] {
  if (!m.goStep || vendorMode(m)) return [];
  const firstGo = m.steps.findIndex((s) => s.kind === 'RUN' && s.run.goCmds.length > 0);
  const go = firstGo >= 0 ? (m.steps[firstGo] as { run: RunFact }).run : m.goStep;
  const before = firstGo >= 0 ? m.steps.slice(0, firstGo) : m.steps;
  const whole = before.flatMap((s) => (s.kind === 'COPY' && copiesContext(s.copy) ? [s.copy] : []))[0];
  if (!whole) return [];
  const copyText = `${whole.keyword} ${whole.sources.join(' ')} ${whole.dest}`;
  return [{
    cause: 'build.layer_cache',
    line: go.line,
    summary: `line ${go.line} runs ${goWords(go)} after line ${whole.line} \`${copyText}\` copies the whole context: every source edit invalidates that layer and all modules download again`,
    fix: `before line ${whole.line}: COPY go.mod go.sum ${dirOf(whole.dest)}  then  RUN go mod download  — and keep \`${copyText}\` after them`,
    detail: { copyLine: whole.line, goLine: go.line, command: go.command },
  }];
}

/** 2. No BuildKit cache mount on the module cache. */
function cacheMount(m: LintModel): DockerfileFinding[] {
  const go = m.goStep;
  if (!go || vendorMode(m)) return [];
  const cache = moduleCache(m.vars);
  if (go.mounts.some((mt) => mt.type === 'cache' && mt.target && under(cache.path, mt.target))) return [];
  const user = m.user && !isRoot(m.user.value) ? m.user.value.split(':')[0]! : null;
  const uid = user && /^\d+$/.test(user) ? `,uid=${user}` : '';
  const others = go.mounts.map((mt) => `${mt.raw} `).join('');
  const notes = [cache.assumed ? `${cache.path} is the module cache of golang images (go env GOMODCACHE)` : '', user && !uid ? `add uid=<uid of ${user}> so USER ${user} can write it` : ''].filter(Boolean);
  return [{
    cause: 'build.cache_mount',
    line: go.line,
    summary: `line ${go.line} runs ${goWords(go)} with no cache mount on the module cache (${cache.path}): each time the step re-runs, every module downloads again`,
    fix: `RUN ${others}--mount=type=cache,target=${cache.path}${uid} ${go.command}${notes.length ? `  (${notes.join('; ')})` : ''}`,
    detail: { line: go.line, moduleCache: cache.path, assumed: cache.assumed },
  }];
}

/** 3. A non-root USER before the download, nothing making the module cache its own. */
function userBeforeDownload(m: LintModel): DockerfileFinding[] {
  if (!m.goStep || !m.user || isRoot(m.user.value)) return [];
  const user = m.user.value.split(':')[0]!;
  const cache = moduleCache(m.vars);
  const gopath = varOf(m, 'GOPATH')?.value.split(':')[0] ?? (cache.assumed ? '/go' : null);
  const paths = [cache.path, gopath].filter((p): p is string => !!p);
  // A chown/chmod of GOPATH, the module cache, or the directory they live in (`/go`).
  const dirs = [...new Set(paths.flatMap((p) => [p, `/${p.split('/')[1] ?? ''}`]).filter((d) => d.length > 1))];
  const mentions = (cmd: string) => /\$\{?(GOPATH|GOMODCACHE)\b/.test(cmd) || dirs.some((d) => new RegExp(`(^|[\\s=:"'])${d.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(/|[\\s"';&]|$)`).test(cmd));
  const chowned = m.steps.some((s) => s.kind === 'RUN' && /\b(chown|chmod)\b/.test(s.run.command) && mentions(s.run.command));
  const ownMount = m.goStep.mounts.some((mt) => mt.type === 'cache' && mt.target && under(cache.path, mt.target) && mt.options.uid !== undefined);
  const homeCache = (['GOPATH', 'GOMODCACHE'] as const).some((n) => {
    const v = varOf(m, n);
    return v?.kind === 'ENV' && (/^\/(home|tmp|var\/tmp)\//.test(`${v.value}/`) || v.value.split('/').includes(user));
  });
  if (chowned || ownMount || homeCache) return [];
  const gp = gopath ?? cache.path;
  return [{
    cause: 'build.user_before_download',
    line: m.user.line,
    summary: `line ${m.user.line} USER ${m.user.value} comes before line ${m.goStep.line} ${goWords(m.goStep)}, and nothing gives ${user} the module cache (${cache.path}): in golang images /go is root's`,
    fix: `before line ${m.user.line}: RUN mkdir -p ${cache.path} && chown -R ${user} ${gp}  — or after it: ENV GOPATH=/home/${user}/go GOCACHE=/home/${user}/.cache/go-build`,
    detail: { user: m.user.value, line: m.user.line, gopath: gp, moduleCache: cache.path },
  }];
}

const PROXY_NAMES = new Set(PROXY_ARGS);
/** Set by golang images' own ENV (or by Go itself): not the Dockerfile's to declare. */
const IMAGE_VARS = new Set(['PATH', 'GOPATH', 'GOROOT', 'GOLANG_VERSION', 'GOTOOLCHAIN']);
/** BuildKit's automatic platform ARGs, in scope for FROM. */
const PLATFORM_ARGS = /^(BUILD|TARGET)(PLATFORM|OS|ARCH|VARIANT)$/;

/** 4. A variable expanded while nothing declares it: it becomes "" (docker does not fail). */
function undeclaredArgs(m: LintModel): DockerfileFinding[] {
  const out: DockerfileFinding[] = [];
  const seen = new Set<string>();
  const add = (r: UndefinedRef, proxyOnRun: boolean) => {
    const { name, line, keyword } = r;
    if (seen.has(`${line}:${name}`)) return;
    seen.add(`${line}:${name}`);
    const [summary, fix] = r.sameLine
      ? [`line ${line} ENV sets ${name} and uses $${name} on the same line: docker expands the whole line with the values from before it, so $${name} is not the value this line sets`, `split it: ENV ${name}=…  on one line, then the ENV that uses $${name} on the next`]
      : [
          `line ${line} ${keyword} uses $${name}, which no ARG or ENV before it declares: it expands to ""`,
          proxyOnRun
            ? `docker build --build-arg ${name}=<value>  (a predefined proxy arg: RUN sees it without an ARG line)`
            : keyword === 'FROM'
              ? `ARG ${name}=<default>  before the first FROM (FROM sees only those), or docker build --build-arg ${name}=<value>`
              : `ARG ${name}  before line ${line}, and docker build --build-arg ${name}=<value>`,
        ];
    out.push({ cause: 'build.undeclared_arg', line, summary, fix, detail: { name, line, keyword, sameLine: !!r.sameLine } });
  };
  for (const r of m.undefinedRefs) {
    if (!r.sameLine && (IMAGE_VARS.has(r.name) || (r.keyword === 'FROM' && PLATFORM_ARGS.test(r.name)))) continue;
    add(r, false);
  }
  for (const s of [...m.steps, ...(m.goStep ? [{ kind: 'RUN' as const, run: m.goStep }] : [])]) {
    if (s.kind !== 'RUN') continue;
    for (const [, name] of s.run.command.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)) {
      const watched = PROXY_NAMES.has(name!) || /^GO[A-Z0-9_]*$/.test(name!) || name === 'NETRC';
      if (!watched || IMAGE_VARS.has(name!) || s.run.bound.has(name!) || new RegExp(`(^|[\\s;&|(])(export\\s+)?${name}=`).test(s.run.command)) continue;
      add({ name: name!, line: s.run.line, keyword: 'RUN' }, PROXY_NAMES.has(name!));
    }
  }
  return out;
}

/** A source path's glob (`go.*`) against a file name: `*` and `?` within one path segment. */
function globMatches(pattern: string, file: string): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')}$`);
  return re.test(file);
}

/** 5. .dockerignore keeps go.mod/go.sum out of the context while the build copies them. */
function dockerignoreLint(m: LintModel): DockerfileFinding[] {
  if (m.dockerignore === null) return [];
  const lines = m.dockerignore.split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  const ig = dockerignore({ ignorecase: false }).add(lines);
  const wanted = new Set<string>();
  for (const c of m.allCopies) {
    if (c.from) continue;
    for (const src of c.sources) {
      const s = src.replace(/^\.\/+/, '');
      for (const f of ['go.mod', 'go.sum']) if (copiesContext({ ...c, sources: [src] }) || s === f || (/[*?]/.test(s) && globMatches(s, f))) wanted.add(f);
    }
  }
  const excluded = [...wanted].filter((f) => ig.ignores(f));
  if (!excluded.length) return [];
  // Docker's rule: the last pattern that matches decides; name the one that excludes.
  const pattern = (f: string) => [...lines].reverse().find((l) => !l.startsWith('!') && dockerignore().add(l).ignores(f)) ?? '?';
  const patterns = [...new Set(excluded.map(pattern))];
  return [{
    cause: 'build.dockerignore',
    line: null,
    summary: `.dockerignore excludes ${excluded.join(' and ')} (pattern ${patterns.map((p) => `"${p}"`).join(', ')}) while the Dockerfile copies ${excluded.length > 1 ? 'them' : 'it'}: the build fails with "go.mod file not found" or "missing go.sum entry"`,
    fix: `add to the end of .dockerignore: ${excluded.map((f) => `!${f}`).join(' and ')}`,
    detail: { files: excluded, patterns },
  }];
}

const CREDENTIAL_FILE = /(^|\/)(\.?netrc|_netrc|\.git-credentials|id_(rsa|dsa|ecdsa|ed25519))$|(^|\/)\.ssh(\/|$)/;

/** 6. Private modules with no BuildKit secret or ssh mount — or a credential baked into a layer. */
function privateNoSecret(m: LintModel): DockerfileFinding[] {
  const out: DockerfileFinding[] = [];
  const home = m.user && !isRoot(m.user.value) ? `/home/${m.user.value.split(':')[0]}` : '/root';
  const secretFix = (cmd: string) => `RUN --mount=type=secret,id=netrc,target=${home}/.netrc ${cmd}  with  docker build --secret id=netrc,src=$HOME/.netrc .  (for ssh: RUN --mount=type=ssh ${cmd}  with  docker build --ssh default .)`;
  const runs = m.steps.flatMap((s) => (s.kind === 'RUN' ? [s.run] : []));
  const baked = m.steps.flatMap((s) => (s.kind === 'COPY' && s.copy.sources.some((src) => CREDENTIAL_FILE.test(src.replace(/\/+$/, ''))) ? [s.copy] : []));
  for (const c of baked) {
    out.push({
      cause: 'build.private_no_secret',
      line: c.line,
      summary: `line ${c.line} ${c.keyword} ${c.sources.join(' ')} bakes a credential into an image layer: anyone with the image (or its build cache) can read it`,
      fix: `drop line ${c.line} and mount it for the go step only: ${secretFix(m.goStep?.command ?? 'go mod download')}`,
      detail: { line: c.line, sources: c.sources },
    });
  }
  for (const r of runs) {
    if (/insteadOf/i.test(r.command) && /:\/\/[^\s'"@/]*\$\{?[A-Za-z_][A-Za-z0-9_]*\}?[^\s'"@/]*@/.test(r.command)) {
      out.push({
        cause: 'build.private_no_secret',
        line: r.line,
        summary: `line ${r.line} writes a token from a build variable into git config: it stays in the image's layers and history`,
        fix: `use a BuildKit secret instead: ${secretFix(m.goStep?.command ?? 'go mod download')}`,
        detail: { line: r.line },
      });
    }
  }
  const go = m.goStep;
  if (!go || out.length) return out;
  const privateByStage = ['GOPRIVATE', 'GONOPROXY'].some((n) => varOf(m, n)?.value) || runs.some((r) => /insteadOf|GOPRIVATE=|GONOPROXY=/.test(r.command));
  if (!m.privateModules && !privateByStage) return out;
  const hasSecret = [...runs, go].some((r) => r.mounts.some((mt) => mt.type === 'secret' || mt.type === 'ssh'));
  if (hasSecret) return out;
  const sshFirst = runs.some((r) => /insteadOf/i.test(r.command) && /(ssh:\/\/|git@)/.test(r.command));
  out.push({
    cause: 'build.private_no_secret',
    line: go.line,
    summary: `line ${go.line} fetches private modules (${m.privateModules ? '--private-repo' : 'the stage sets GOPRIVATE or git insteadOf'}) with no secret or ssh mount: git has no credentials and stops at "terminal prompts disabled"`,
    fix: sshFirst ? `RUN --mount=type=ssh ${go.command}  with  docker build --ssh default .` : secretFix(go.command),
    detail: { line: go.line, ssh: sshFirst },
  });
  return out;
}

/** 7. Build args nothing consumes (docker: "One or more build-args [...] were not consumed"). */
function unusedBuildArgs(m: LintModel): DockerfileFinding[] {
  if (!m.unusedBuildArgs.length) return [];
  const names = m.unusedBuildArgs;
  return [{
    cause: 'build.unused_build_arg',
    line: null,
    summary: `--build-arg ${names.join(', ')} ${names.length > 1 ? 'are' : 'is'} not consumed: no ARG declares ${names.length > 1 ? 'them' : 'it'}, so no RUN sees ${names.length > 1 ? 'them' : 'it'}`,
    fix: `declare it in the stage that needs it: ${names.map((n) => `ARG ${n}`).join('; ')}  (or drop the --build-arg)`,
    detail: { names },
  }];
}

/** Every lint, in the order the field guide lists them. */
export function lintDockerfile(m: LintModel): DockerfileFinding[] {
  return [layerCache, cacheMount, userBeforeDownload, undeclaredArgs, dockerignoreLint, privateNoSecret, unusedBuildArgs].flatMap((lint) => lint(m));
}
