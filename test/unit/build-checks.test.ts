// build.stage and build.lint (checks/build.ts) on Evidence carrying a resolved Dockerfile stage:
// what the row says was probed, that proxy credentials never reach it, and that the USER lint
// is confirmed by the probe's write test of the module cache before it warns.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { buildLint, buildStage } from '../../checks/build.js';
import { resolveStage } from '../../src/dockerfile/stage.js';
import type { DockerfileEvidence, Evidence, FsEvidence } from '../../src/model.js';
import { evidence as baseEvidence } from '../helpers/evidence.js';

const DOCKERFILE = `ARG GO_VERSION=1.22
FROM golang:\${GO_VERSION}-alpine AS base
ENV CGO_ENABLED=0 GOFLAGS=-mod=mod
RUN adduser -D app
FROM base AS builder
ARG GOPROXY
USER app
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN go build -o /out/app ./cmd/app
FROM gcr.io/distroless/static-debian12
COPY --from=builder /out/app /app
`;

function stage(over: { target?: string | null; text?: string } = {}): DockerfileEvidence {
  return resolveStage({
    path: 'build/Dockerfile',
    text: over.text ?? DOCKERFILE,
    target: over.target ?? null,
    buildArgs: [
      { name: 'GOPROXY', value: 'https://bob:s3cret@athens.corp.example,direct', origin: '--build-arg' },
      { name: 'HTTPS_PROXY', value: 'http://alice:pw@proxy.corp:3128', origin: 'docker config.json proxies (build arg)' },
    ],
    dockerignore: null,
    privateModules: false,
  });
}

function fsEntry(variable: string, path: string, writable: boolean): FsEvidence {
  return {
    path: { key: variable.toLowerCase(), variable, path, note: null }, exists: true, isDir: true, probedAt: path, ownerUid: 0, ownerGid: 0, mode: '755',
    writable, writeError: writable ? '' : 'Permission denied', mountPoint: '/', readOnlyMount: false, freeKb: 50_000_000,
  };
}

/** Evidence with the stage and the probe's cache write tests: what these checks read. */
function evidence(build: DockerfileEvidence | null | undefined, paths: FsEvidence[] = []): Evidence {
  return baseEvidence({ build, paths });
}

// ---------------------------------------------------------------------------
const StageRow = suite('build.stage');

StageRow('one pass row naming the stage, why, its image chain, user, workdir and variable counts', () => {
  const [row, ...rest] = buildStage.evaluate(evidence(stage()));
  assert.is(rest.length, 0);
  assert.equal([row!.status, row!.cause, row!.target], ['pass', null, 'build/Dockerfile:5']);
  assert.is(row!.summary, 'stage builder (build/Dockerfile:5, because it runs go mod download at line 10) · FROM golang:1.22-alpine via base · USER app · WORKDIR /src · 2 variables from the Dockerfile, 2 build args');
  assert.equal(row!.evidence.chain, ['builder', 'base', 'golang:1.22-alpine']);
});

StageRow('proxy-like values are redacted in the evidence; origins are kept', () => {
  const row = buildStage.evaluate(evidence(stage()))[0]!;
  const vars = row.evidence.vars as Array<{ name: string; value: string; origin: string }>;
  assert.equal(vars.map((v) => `${v.name}=${v.value} (${v.origin})`), [
    'CGO_ENABLED=0 (build/Dockerfile:3 ENV)',
    'GOFLAGS=-mod=mod (build/Dockerfile:3 ENV)',
    'GOPROXY=https://bob:***@athens.corp.example,direct (--build-arg)',
    'HTTPS_PROXY=http://alice:***@proxy.corp:3128 (docker config.json proxies (build arg))',
  ]);
  assert.not.match(JSON.stringify(row), /s3cret|:pw@/);
});

StageRow('--target and last-stage choices are worded as such', () => {
  assert.match(buildStage.evaluate(evidence(stage({ target: 'base' })))[0]!.summary, /^stage base \(build\/Dockerfile:2, chosen by --target\) · FROM golang:1\.22-alpine · /);
  const last = buildStage.evaluate(evidence(stage({ text: 'FROM alpine:3.20\nRUN apk add git\n' })))[0]!;
  assert.is(last.summary, 'stage #0 (build/Dockerfile:1, the last stage: no RUN runs the go command) · FROM alpine:3.20 · 0 variables from the Dockerfile, 1 build arg');
});

StageRow('no Dockerfile (probing --image): no rows', () => {
  assert.equal(buildStage.evaluate(evidence(null)), []);
  assert.equal(buildStage.evaluate(evidence(undefined)), []);
  assert.equal(buildLint.evaluate(evidence(null)), []);
});

// ---------------------------------------------------------------------------
const LintRows = suite('build.lint');

LintRows('one warn row per finding, targeted at the Dockerfile line, with its cause and fix', () => {
  const b = stage();
  const rows = buildLint.evaluate(evidence(b, [fsEntry('GOMODCACHE', '/go/pkg/mod', false)]));
  assert.equal(rows.map((r) => [r.status, r.cause, r.target]), [
    ['warn', 'build.cache_mount', 'build/Dockerfile:10'],
    ['warn', 'build.user_before_download', 'build/Dockerfile:7'],
  ]);
  const user = rows[1]!;
  assert.is(user.fix, b.findings.find((f) => f.cause === 'build.user_before_download')!.fix);
  assert.equal(user.evidence.probed, { variable: 'GOMODCACHE', path: '/go/pkg/mod', probedAt: '/go/pkg/mod', writeError: 'Permission denied' });
});

LintRows('the USER finding is dropped when the probe could write the module cache, or did not test it', () => {
  const b = stage();
  for (const paths of [[fsEntry('GOMODCACHE', '/go/pkg/mod', true)], [], [fsEntry('GOCACHE', '/root/.cache/go-build', false)]]) {
    const rows = buildLint.evaluate(evidence(b, paths));
    assert.equal(rows.map((r) => r.cause), ['build.cache_mount'], JSON.stringify(paths.map((p) => p.path.variable)));
  }
  // GOPATH's test stands in when GOMODCACHE was not probed.
  assert.equal(buildLint.evaluate(evidence(b, [fsEntry('GOPATH', '/go', false)])).map((r) => r.cause), ['build.cache_mount', 'build.user_before_download']);
});

LintRows('.dockerignore and unused build-arg findings have no line: targeted at the file / the flag', () => {
  const b = resolveStage({
    path: 'Dockerfile', text: 'FROM golang:1.22\nCOPY go.mod go.sum ./\nRUN --mount=type=cache,target=/go/pkg/mod go mod download\n', target: null,
    buildArgs: [{ name: 'VERSION', value: '1', origin: '--build-arg' }], dockerignore: '*.sum\n', privateModules: false,
  });
  assert.equal(buildLint.evaluate(evidence(b)).map((r) => [r.status, r.cause, r.target]), [
    ['warn', 'build.dockerignore', '.dockerignore'],
    ['warn', 'build.unused_build_arg', '--build-arg'],
  ]);
});

LintRows('nothing found: one pass row', () => {
  const b = stage({ text: 'FROM golang:1.22\nARG GOPROXY\nCOPY go.mod go.sum ./\nRUN --mount=type=cache,target=/go/pkg/mod go mod download\n' });
  assert.equal(buildLint.evaluate(evidence(b)).map((r) => [r.status, r.cause, r.target, r.summary]), [['pass', null, 'build/Dockerfile', 'no Dockerfile patterns from the field guide found']]);
});

StageRow.run();
LintRows.run();
