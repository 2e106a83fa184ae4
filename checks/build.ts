/**
 * build.stage and build.lint: what the Dockerfile says about the stage the probe stands in
 * for (ev.build, resolved by src/dockerfile/stage.ts) — which stage, from which image, as
 * which user, with which variables — and the field guide's Dockerfile patterns found in it
 * (shared/docs/domain.md, "Docker's own part"). Pure over Evidence.
 */
import type { DockerfileEvidence, DockerfileFinding, Evidence, FsEvidence } from '../src/model.js';
import { redactUrl } from '../src/secrets.js';
import type { ImageCheck, ImageRow } from './check.js';

/** Values that may carry credentials in a URL (proxies, GOPROXY lists). */
const URLISH = /proxy|^GO(PROXY|SUMDB|NOSUMDB|PRIVATE|INSECURE|AUTH)$/i;

/** Origins the Dockerfile itself gave (`Dockerfile:12 ENV`); the rest are build args. */
const fromDockerfile = (b: DockerfileEvidence, origin: string) => origin.startsWith(`${b.path}:`);

function why(b: DockerfileEvidence): string {
  if (b.chosenBy === 'target') return 'chosen by --target';
  if (b.chosenBy === 'last' || !b.goStep) return 'the last stage: no RUN runs the go command';
  const cmd = /(?:^|[\s/;&|(])go\s+(mod\s+[a-z]+|[a-z]+)/.exec(b.goStep.command)?.[1] ?? 'the go command';
  return `because it runs go ${cmd} at line ${b.goStep.line}`;
}

export const buildStage = {
  id: 'build.stage',
  category: 'build',
  title: 'Dockerfile stage probed',
  evaluate: (ev: Evidence): ImageRow[] => {
    const b = ev.build;
    if (!b) return [];
    const via = b.chain.slice(1, -1);
    const dockerfileVars = b.vars.filter((v) => fromDockerfile(b, v.origin)).length;
    const buildArgs = b.vars.length - dockerfileVars;
    const parts = [
      `stage ${b.stage} (${b.path}:${b.stageLine}, ${why(b)})`,
      `FROM ${b.baseImage}${via.length ? ` via ${via.join(' → ')}` : ''}`,
      ...(b.user ? [`USER ${b.user.value}`] : []),
      ...(b.workdir ? [`WORKDIR ${b.workdir.value}`] : []),
      `${dockerfileVars} variable${dockerfileVars === 1 ? '' : 's'} from the Dockerfile, ${buildArgs} build arg${buildArgs === 1 ? '' : 's'}`,
    ];
    return [{
      target: `${b.path}:${b.stageLine}`,
      status: 'pass',
      ms: null,
      cause: null,
      fix: null,
      summary: parts.join(' · '),
      evidence: {
        path: b.path,
        stage: b.stage,
        chosenBy: b.chosenBy,
        chain: b.chain,
        baseImage: b.baseImage,
        goStep: b.goStep,
        user: b.user,
        workdir: b.workdir,
        vars: b.vars.map((v) => ({ ...v, value: URLISH.test(v.name) ? redactUrl(v.value) : v.value })),
        unusedBuildArgs: b.unusedBuildArgs,
      },
    }];
  },
} satisfies ImageCheck;

/** The probe's write test of the module cache (GOMODCACHE, else GOPATH), when it ran. */
function moduleCacheWrite(ev: Evidence): FsEvidence | undefined {
  return ev.paths.find((p) => p.path.variable === 'GOMODCACHE' && p.probedAt) ?? ev.paths.find((p) => p.path.variable === 'GOPATH' && p.probedAt);
}

function lintRow(b: DockerfileEvidence, f: DockerfileFinding, extra: Record<string, unknown> = {}): ImageRow {
  const target = f.line !== null ? `${b.path}:${f.line}` : f.cause === 'build.dockerignore' ? '.dockerignore' : '--build-arg';
  return { target, status: 'warn', ms: null, cause: f.cause, summary: f.summary, fix: f.fix, evidence: { line: f.line, ...f.detail, ...extra } };
}

export const buildLint = {
  id: 'build.lint',
  category: 'build',
  title: 'Dockerfile patterns',
  evaluate: (ev: Evidence): ImageRow[] => {
    const b = ev.build;
    if (!b) return [];
    const rows = b.findings.flatMap((f) => {
      if (f.cause !== 'build.user_before_download') return [lintRow(b, f)];
      // The text says the USER may not write the module cache; the probe's write test decides.
      const fs = moduleCacheWrite(ev);
      return fs && !fs.writable ? [lintRow(b, f, { probed: { variable: fs.path.variable, path: fs.path.path, probedAt: fs.probedAt, writeError: fs.writeError } })] : [];
    });
    if (rows.length) return rows;
    return [{ target: b.path, status: 'pass', ms: null, cause: null, fix: null, evidence: {}, summary: 'no Dockerfile patterns from the field guide found' }];
  },
} satisfies ImageCheck;
