// The Dockerfile stage resolver (src/dockerfile/stage.ts) on Dockerfiles shaped like real Go
// projects: which stage, which base image, the variables its go step sees and where they came
// from; the prefix the classic builder builds; and each lint, failing and fixed.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { expandWord } from '../../src/dockerfile/expand.js';
import { buildPrefix } from '../../src/dockerfile/prefix.js';
import { type DockerfileInput, resolveStage } from '../../src/dockerfile/stage.js';
import { goCommands } from '../../src/dockerfile/run-instruction.js';
import type { Cause, DockerfileEvidence } from '../../src/model.js';

const CONFIG = 'docker config.json proxies (build arg)';

function input(text: string, over: Partial<DockerfileInput> = {}): DockerfileInput {
  return { path: 'Dockerfile', text, target: null, buildArgs: [], dockerignore: null, privateModules: false, ...over };
}
const resolve = (text: string, over: Partial<DockerfileInput> = {}) => resolveStage(input(text, over));
const arg = (name: string, value: string, origin = '--build-arg') => ({ name, value, origin });
const vars = (ev: DockerfileEvidence) => ev.vars.map((v) => `${v.name}=${v.value} [${v.kind} ${v.origin}]`);
const causes = (ev: DockerfileEvidence) => ev.findings.map((f) => f.cause);
const finding = (ev: DockerfileEvidence, cause: Cause) => ev.findings.find((f) => f.cause === cause);

/** A real project's Dockerfile: global ARGs in FROM, a base stage, a builder on it, a distroless runtime. */
const MULTI = `# syntax=docker/dockerfile:1
ARG GO_VERSION=1.22
ARG GO_IMAGE=golang
FROM \${GO_IMAGE}:\${GO_VERSION}-alpine AS base
ENV GOPATH=/go GOFLAGS=-mod=mod
ENV GOMODCACHE=$GOPATH/pkg/mod
WORKDIR /src

FROM base AS Builder
ARG GO_VERSION
ARG VERSION=dev
ARG GOPROXY
RUN apk add --no-cache git
WORKDIR app
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod \\
    go mod download
COPY . .
RUN CGO_ENABLED=0 go build -ldflags "-X main.version=\${VERSION}" -o /out/app ./cmd/app

FROM gcr.io/distroless/static-debian12:nonroot AS runtime
COPY --from=builder /out/app /app
USER nonroot:nonroot
ENTRYPOINT ["/app"]
`;

// ---------------------------------------------------------------------------
const Stage = suite('resolveStage');

Stage('multi-stage: the builder runs go, its chain walks base down to the ARG-substituted image', () => {
  const ev = resolve(MULTI);
  assert.equal([ev.stage, ev.stageLine, ev.chosenBy], ['builder', 9, 'go-command']);
  assert.equal(ev.chain, ['builder', 'base', 'golang:1.22-alpine']);
  assert.is(ev.baseImage, 'golang:1.22-alpine');
  assert.equal(ev.goStep, { line: 16, command: 'go mod download' });
  assert.equal(ev.workdir, { value: '/src/app', line: 14 });
  assert.is(ev.user, null);
});

Stage('global ARG overridden by --build-arg; the stage re-declaring it imports the value', () => {
  const ev = resolve(MULTI, { buildArgs: [arg('GO_VERSION', '1.23'), arg('GOPROXY', 'https://goproxy.cn,direct')] });
  assert.is(ev.baseImage, 'golang:1.23-alpine');
  assert.equal(vars(ev), [
    'GOPATH=/go [ENV Dockerfile:5 ENV]',
    'GOFLAGS=-mod=mod [ENV Dockerfile:5 ENV]',
    'GOMODCACHE=/go/pkg/mod [ENV Dockerfile:6 ENV]',
    'GO_VERSION=1.23 [ARG --build-arg]',
    'VERSION=dev [ARG Dockerfile:11 ARG default]',
    'GOPROXY=https://goproxy.cn,direct [ARG --build-arg]',
  ]);
});

Stage('ARG NAME without a value takes the global default; with no build arg and no global it is unset', () => {
  const ev = resolve(MULTI);
  assert.equal(vars(ev).filter((v) => /^(GO_VERSION|GOPROXY)=/.test(v)), ['GO_VERSION=1.22 [ARG Dockerfile:2 ARG default]']);
});

Stage('ENV: one line expands with the values from before it; the legacy form takes the rest of the line', () => {
  const ev = resolve(`FROM golang:1.22
ENV A=old
ENV A=new B=$A
ENV GOFLAGS "-mod=mod -modcacherw"
ENV C="\${A}-x" D='$A' E=\\$A
RUN go mod download
`);
  assert.equal(vars(ev), [
    'A=new [ENV Dockerfile:3 ENV]',
    'B=old [ENV Dockerfile:3 ENV]',
    'GOFLAGS=-mod=mod -modcacherw [ENV Dockerfile:4 ENV]',
    'C=new-x [ENV Dockerfile:5 ENV]',
    'D=$A [ENV Dockerfile:5 ENV]',
    'E=$A [ENV Dockerfile:5 ENV]',
  ]);
});

Stage('${VAR:-default} and ${VAR:+alt} in FROM and ENV', () => {
  const text = `ARG REGISTRY
ARG GO_VERSION
FROM \${REGISTRY:+\${REGISTRY}/}golang:\${GO_VERSION:-1.22}-bookworm
ARG MIRROR
ENV GOPROXY=\${MIRROR:-https://proxy.golang.org},direct
RUN go mod download
`;
  const plain = resolve(text);
  assert.is(plain.baseImage, 'golang:1.22-bookworm');
  assert.equal(vars(plain), ['GOPROXY=https://proxy.golang.org,direct [ENV Dockerfile:5 ENV]']);
  const corp = resolve(text, { buildArgs: [arg('REGISTRY', 'registry.corp.example'), arg('MIRROR', 'https://athens.corp.example')] });
  assert.is(corp.baseImage, 'registry.corp.example/golang:1.22-bookworm');
  assert.equal(corp.vars.map((v) => `${v.name}=${v.value}`), ['MIRROR=https://athens.corp.example', 'GOPROXY=https://athens.corp.example,direct']);
});

Stage('USER and WORKDIR: the last of the chain before the go step, substituted; relative WORKDIR joins the previous one', () => {
  const ev = resolve(`FROM golang:1.22-bookworm AS base
ARG APP_USER=app
RUN useradd -m \${APP_USER}
USER \${APP_USER}
WORKDIR src
FROM base AS build
WORKDIR ./svc/../api
USER root
RUN go build ./...
USER nobody
`);
  assert.equal(ev.user, { value: 'root', line: 8 });
  // golang images start in /go: a relative WORKDIR lands under it.
  assert.equal(ev.workdir, { value: '/go/src/api', line: 7 });
  assert.equal(resolve('FROM alpine:3.20\nWORKDIR src\nRUN go build\n').workdir, { value: '/src', line: 2 });
});

Stage('--target by name (case-insensitive) or 0-based index; an unknown one is a one-line error', () => {
  assert.equal([resolve(MULTI, { target: 'BASE' }).stage, resolve(MULTI, { target: 'base' }).chosenBy], ['base', 'target']);
  const byIndex = resolve(MULTI, { target: '2' });
  assert.equal([byIndex.stage, byIndex.baseImage, byIndex.goStep], ['runtime', 'gcr.io/distroless/static-debian12:nonroot', null]);
  assert.equal(byIndex.user, { value: 'nonroot:nonroot', line: 23 });
  assert.throws(() => resolve(MULTI, { target: 'buildr' }), (e: Error) => e.message === 'Dockerfile has no stage named "buildr" (stages: base, builder, runtime)');
  assert.throws(() => resolve('FROM golang:1.22\nFROM alpine\n', { target: 'x' }), (e: Error) => e.message === 'Dockerfile has no stage named "x" (stages: #0, #1)');
});

Stage('default choice: the last stage the build needs that runs go; a test stage nothing depends on is not it', () => {
  const text = `FROM golang:1.22 AS deps
COPY go.mod go.sum ./
RUN go mod download
FROM deps AS build
COPY . .
RUN go build -o /app .
FROM deps AS test
RUN go test ./...
FROM scratch
COPY --from=build /app /app
`;
  const ev = resolve(text);
  assert.equal([ev.stage, ev.chain, ev.goStep?.line], ['build', ['build', 'deps', 'golang:1.22'], 6]);
  // No stage runs go: the last stage.
  const last = resolve('FROM alpine:3.20 AS a\nRUN echo go build\nFROM a\nRUN go version\n');
  assert.equal([last.stage, last.chosenBy, last.goStep, last.chain], ['#1', 'last', null, ['#1', 'a', 'alpine:3.20']]);
});

Stage('a FROM naming a stage defined later is an external image', () => {
  const ev = resolve('FROM builder AS app\nRUN go build\nFROM golang:1.22 AS builder\n', { target: 'app' });
  assert.equal([ev.chain, ev.baseImage], [['app', 'builder'], 'builder']);
});

Stage('goStep: the first RUN running a download/build go command, however it is spelled', () => {
  const step = (run: string) => resolve(`FROM golang:1.22\nRUN echo go build && go version\n${run}\n`).goStep;
  assert.equal(step('RUN CGO_ENABLED=0 GOOS=linux /usr/local/go/bin/go build -o /app .'), { line: 3, command: 'CGO_ENABLED=0 GOOS=linux /usr/local/go/bin/go build -o /app .' });
  assert.equal(step('RUN cd /src; go mod tidy')?.line, 3);
  assert.equal(step('RUN ["/bin/sh", "-c", "go mod download && go list -m all"]'), { line: 3, command: '/bin/sh -c go mod download && go list -m all' });
  assert.equal(step('RUN ["go", "install", "golang.org/x/tools/cmd/goimports@latest"]')?.line, 3);
  assert.equal(step('RUN go env -w GOPRIVATE=corp && go vet ./...'), null);
  // Continuation lines are joined, and comment lines inside them dropped, as docker does.
  assert.equal(step('RUN go mod download \\\n  # verify the sums too\n  && go mod verify'), { line: 3, command: 'go mod download   && go mod verify' });
  assert.equal(goCommands('set -e; env GOFLAGS=-mod=mod go get ./... | tee log; bash -c "go test ./..."'), ['get', 'test']);
});

Stage('predefined proxy build args reach the RUN without an ARG line; others must be declared', () => {
  const ev = resolve('FROM golang:1.22\nRUN go mod download\n', {
    buildArgs: [arg('HTTPS_PROXY', 'http://proxy.corp:3128', CONFIG), arg('no_proxy', '.corp', CONFIG), arg('GOPROXY', 'https://goproxy.cn'), arg('HTTPS_PROXY', 'http://alice:pw@proxy.corp:3128')],
  });
  assert.equal(vars(ev), ['HTTPS_PROXY=http://alice:pw@proxy.corp:3128 [ARG --build-arg]', 'no_proxy=.corp [ARG docker config.json proxies (build arg)]']);
  assert.equal(ev.unusedBuildArgs, ['GOPROXY']);
});

Stage('ENV wins over an earlier ARG; a later ARG wins over ENV with BuildKit, never with the classic builder', () => {
  const text = `FROM golang:1.22 AS base
ENV GOPROXY=https://proxy.golang.org
ARG GOFLAGS=-mod=readonly
FROM base
ARG GOPROXY
ARG GOFLAGS
ENV GOFLAGS=-mod=mod
RUN go mod download
`;
  const over = { buildArgs: [arg('GOPROXY', 'https://athens.corp')] };
  assert.equal(vars(resolve(text, over)), ['GOPROXY=https://athens.corp [ARG --build-arg]', 'GOFLAGS=-mod=mod [ENV Dockerfile:7 ENV]']);
  assert.equal(vars(resolve(text, { ...over, builder: 'classic' })), ['GOPROXY=https://proxy.golang.org [ENV Dockerfile:2 ENV]', 'GOFLAGS=-mod=mod [ENV Dockerfile:7 ENV]']);
});

Stage('ARGs of a parent stage: inherited with BuildKit, out of scope with the classic builder', () => {
  const text = 'FROM golang:1.22 AS base\nARG GOPRIVATE=git.corp.example/*\nFROM base\nRUN go mod download\n';
  assert.equal(vars(resolve(text)), ['GOPRIVATE=git.corp.example/* [ARG Dockerfile:2 ARG default]']);
  assert.equal(vars(resolve(text, { builder: 'classic' })), []);
});

Stage('imageEnv: the base image\'s own ENV feeds substitution ($PATH, $GOPATH) without being listed', () => {
  const text = 'FROM alpine:3.20\nENV PATH=/usr/local/go/bin:$PATH GOMODCACHE=$GOPATH/pkg/mod\nRUN go mod download\n';
  const ev = resolve(text, { imageEnv: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'GOPATH=/go', 'HTTPS_PROXY=http://image-proxy:3128'], buildArgs: [arg('HTTPS_PROXY', 'http://p:3128')] });
  assert.equal(vars(ev), ['PATH=/usr/local/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin [ENV Dockerfile:2 ENV]', 'GOMODCACHE=/go/pkg/mod [ENV Dockerfile:2 ENV]']);
  assert.equal(causes(ev).filter((c) => c === 'build.undeclared_arg'), []);
  // Without it, $PATH expands to "" (what a caller that has not inspected the image gets).
  assert.is(resolve(text).vars[0]!.value, '/usr/local/go/bin:');
});

Stage('unused build args: nothing declares them; predefined proxies and global ARGs count as consumed', () => {
  const ev = resolve(MULTI, { buildArgs: [arg('GO_IMAGE', 'golang'), arg('http_proxy', 'http://p:3128'), arg('VERSON', '1.2.3'), arg('CGO', '0')] });
  assert.equal(ev.unusedBuildArgs, ['VERSON', 'CGO']);
  assert.equal(finding(ev, 'build.unused_build_arg')?.summary, '--build-arg VERSON, CGO are not consumed: no ARG declares them, so no RUN sees them');
});

Stage('bad input: one-line errors naming the file', () => {
  const err = (text: string) => {
    try {
      resolve(text);
    } catch (e) {
      return (e as Error).message;
    }
    return 'no error';
  };
  assert.is(err('  \n'), 'Dockerfile is empty');
  assert.is(err('# just a comment\nARG X=1\n'), 'Dockerfile has no FROM instruction');
  assert.is(err('RUN go build\nFROM golang\n'), 'Dockerfile:1: RUN before the first FROM (only ARG may come before it)');
  assert.is(err('FROM golang:1.22\nRUNN go build\n'), 'Dockerfile:2: unknown instruction RUNN');
  assert.is(err('ARG IMG\nFROM ${IMG}\nRUN go build\n'), 'Dockerfile:2: FROM ${IMG} expands to an empty image name (declare the ARG before the first FROM or pass --build-arg)');
  assert.is(err('FROM golang:1.22\nENV A="unterminated\nRUN go build\n'), 'Dockerfile:2: ENV "unterminated: unexpected end of statement while looking for matching double-quote');
});

Stage('expandWord: BuildKit quoting and modifiers', () => {
  const env: Record<string, string> = { V: 'a/b/c.tar.gz', E: '' };
  const x = (w: string) => expandWord(w, (n) => env[n]).value;
  assert.equal(['${V#*/}', '${V##*/}', '${V%.*}', '${V%%.*}', '${V/b/X}'].map(x), ['b/c.tar.gz', 'c.tar.gz', 'a/b/c.tar', 'a/b/c', 'a/X/c.tar.gz']);
  assert.equal(['${E:-d}', '${E-d}', '${U+x}', '${E:+x}', '${E+x}', '\\$V', '"\\$V"', "'$V'", '"a\\b"'].map(x), ['d', '', '', '', 'x', '$V', '$V', '$V', 'a\\b']);
  assert.equal(expandWord('$U ${W} ${X:-d} $V', (n) => env[n]).undefinedRefs, ['U', 'W']);
  assert.equal(expandWord('`$V', (n) => env[n], '`').value, '$V');
  assert.throws(() => x('${U:?must be set}'), /U: must be set/);
});

// ---------------------------------------------------------------------------
const Prefix = suite('buildPrefix');

Prefix('cut before the go step, later stages dropped, cache mounts stripped', () => {
  const inp = input(MULTI, { target: 'builder' });
  const ev = resolveStage(inp);
  const p = buildPrefix(inp, ev);
  assert.equal(p.strippedMounts, []);
  assert.ok(p.text.endsWith('COPY go.mod go.sum ./\n'), p.text);
  assert.not.match(p.text, /go mod download|runtime/);
  // The build step comes after the first download: its cache mount goes, the rest is kept.
  const later = `FROM golang:1.22-alpine AS builder
WORKDIR /src
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod \\
    --mount=type=cache,target=/root/.cache/go-build \\
    apk add --no-cache git
RUN --mount=type=cache,target=/go/pkg/mod CGO_ENABLED=0 go build -o /app .
FROM scratch
COPY --from=builder /app /app
`;
  const inp2 = input(later);
  const p2 = buildPrefix(inp2, resolveStage(inp2));
  assert.is(p2.text, 'FROM golang:1.22-alpine AS builder\nWORKDIR /src\nCOPY go.mod go.sum ./\nRUN \\\n    apk add --no-cache git\n');
  assert.equal(p2.strippedMounts, ['--mount=type=cache,target=/go/pkg/mod', '--mount=type=cache,target=/root/.cache/go-build']);
  assert.equal(p2.unsupported, []);
});

Prefix('no go step: the whole chosen stage; what the classic builder rejects is listed', () => {
  const text = `FROM golang:1.22 AS tools
RUN --mount=type=secret,id=netrc,target=/root/.netrc --network=host git clone https://git.corp/x /x
FROM alpine:3.20 AS app
COPY --chmod=755 --link entry.sh /entry.sh
COPY --from=tools --chown=1000 /x /x
RUN <<EOF
apk add curl
EOF
FROM app AS final
`;
  const inp = input(text, { target: 'app' });
  const p = buildPrefix(inp, resolveStage(inp));
  assert.ok(p.text.endsWith('EOF\n') && !p.text.includes('final'), p.text);
  assert.equal(p.unsupported, [
    'Dockerfile:2 RUN --mount=type=secret,id=netrc,target=/root/.netrc',
    'Dockerfile:2 RUN --network=host',
    'Dockerfile:4 COPY --chmod',
    'Dockerfile:4 COPY --link',
    'Dockerfile:6 RUN <<EOF (heredoc)',
  ]);
});

// ---------------------------------------------------------------------------
const Lint = suite('Dockerfile lints');

Lint('clean: a layered, cache-mounted, secret-mounted build has no findings', () => {
  const ev = resolve(`FROM golang:1.22-alpine AS builder
ARG GOPROXY=https://proxy.golang.org,direct
ENV GOPRIVATE=git.corp.example/*
WORKDIR /src
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod \\
    --mount=type=secret,id=netrc,target=/root/.netrc \\
    go mod download
COPY . .
RUN go build -o /app ./cmd/app
FROM gcr.io/distroless/static-debian12
COPY --from=builder /app /app
`, { dockerignore: '.git\n*.md\nbin/\n', privateModules: true });
  assert.equal(ev.findings, []);
});

Lint('layer_cache: COPY . . before the download; fixed by copying go.mod go.sum first', () => {
  const bad = resolve('FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN --mount=type=cache,target=/go/pkg/mod go mod download\nRUN go build .\n');
  const f = finding(bad, 'build.layer_cache')!;
  assert.equal([f.line, f.detail.copyLine], [4, 3]);
  assert.is(f.fix, 'before line 3: COPY go.mod go.sum ./  then  RUN go mod download  — and keep `COPY . .` after them');
  const toDir = finding(resolve('FROM golang:1.22\nADD . /src\nRUN --mount=type=cache,target=/go/pkg/mod cd /src && go build .\n'), 'build.layer_cache')!;
  assert.match(toDir.fix, 'COPY go.mod go.sum /src/');
  const good = resolve('FROM golang:1.22\nWORKDIR /src\nCOPY go.mod go.sum ./\nCOPY vendor/ vendor/\nRUN --mount=type=cache,target=/go/pkg/mod go mod download\nCOPY . .\nRUN go build .\n');
  assert.equal(causes(good), []);
});

Lint('cache_mount: no cache mount on the module cache; the fix uses the GOMODCACHE the Dockerfile sets', () => {
  const bad = resolve('FROM golang:1.22\nENV GOPATH=/work/go\nCOPY go.mod go.sum ./\nRUN --mount=type=cache,target=/root/.cache/go-build go mod download\n');
  const f = finding(bad, 'build.cache_mount')!;
  assert.is(f.fix, 'RUN --mount=type=cache,target=/root/.cache/go-build --mount=type=cache,target=/work/go/pkg/mod go mod download');
  const assumed = finding(resolve('FROM golang:1.22\nCOPY go.mod go.sum ./\nRUN go mod download\n'), 'build.cache_mount')!;
  assert.is(assumed.fix, 'RUN --mount=type=cache,target=/go/pkg/mod go mod download  (/go/pkg/mod is the module cache of golang images (go env GOMODCACHE))');
  // A mount on a parent directory covers it; vendored builds download nothing.
  assert.equal(causes(resolve('FROM golang:1.22\nCOPY go.mod go.sum ./\nRUN --mount=type=cache,target=/go go mod download\n')), []);
  assert.equal(causes(resolve('FROM golang:1.22\nCOPY go.mod go.sum vendor ./\nRUN go build -mod=vendor .\n')), []);
});

Lint('user_before_download: non-root USER with root\'s /go; fixed by a chown before it, or a GOPATH in its home', () => {
  const base = 'FROM golang:1.22-bookworm\nRUN useradd -m app\n';
  const tail = 'COPY go.mod go.sum ./\nRUN --mount=type=cache,target=/go/pkg/mod,uid=1000 go mod download\n';
  const bad = resolve(`${base}USER app\nCOPY go.mod go.sum ./\nRUN --mount=type=cache,target=/go/pkg/mod go mod download\n`);
  const f = finding(bad, 'build.user_before_download')!;
  assert.equal([f.line, f.detail], [3, { user: 'app', line: 3, gopath: '/go', moduleCache: '/go/pkg/mod' }]);
  assert.is(f.fix, 'before line 3: RUN mkdir -p /go/pkg/mod && chown -R app /go  — or after it: ENV GOPATH=/home/app/go GOCACHE=/home/app/.cache/go-build');
  for (const fixed of [
    `${base}RUN mkdir -p /go/pkg/mod && chown -R app:app /go\nUSER app\nCOPY go.mod go.sum ./\nRUN --mount=type=cache,target=/go/pkg/mod go mod download\n`,
    `${base}USER app\nENV GOPATH=/home/app/go\nCOPY go.mod go.sum ./\nRUN --mount=type=cache,target=/home/app/go/pkg/mod go mod download\n`,
    `${base}USER app\n${tail}`,
    `${base}USER root\n${tail}`,
  ]) assert.not.ok(causes(resolve(fixed)).includes('build.user_before_download'), fixed);
});

Lint('undeclared_arg: ENV GOPROXY=${GOPROXY} with no ARG, a proxy used by RUN and never passed', () => {
  const bad = resolve(`FROM golang:1.22
ENV GOPROXY=\${GOPROXY} GOFLAGS=\${GOFLAGS:--mod=mod}
ENV HTTPS_PROXY=$HTTPS_PROXY
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod git config --global http.proxy $http_proxy && GONOSUMDB=$GOPRIVATE go mod download
`, { buildArgs: [arg('HTTPS_PROXY', 'http://proxy.corp:3128')] });
  const found = bad.findings.filter((f) => f.cause === 'build.undeclared_arg').map((f) => [f.line, f.detail.name, f.fix]);
  assert.equal(found, [
    [2, 'GOPROXY', 'ARG GOPROXY  before line 2, and docker build --build-arg GOPROXY=<value>'],
    // BuildKit passes predefined proxies to RUN only: ENV substitution still needs the ARG line.
    [3, 'HTTPS_PROXY', 'ARG HTTPS_PROXY  before line 3, and docker build --build-arg HTTPS_PROXY=<value>'],
    [5, 'http_proxy', 'docker build --build-arg http_proxy=<value>  (a predefined proxy arg: RUN sees it without an ARG line)'],
    [5, 'GOPRIVATE', 'ARG GOPRIVATE  before line 5, and docker build --build-arg GOPRIVATE=<value>'],
  ]);
  const good = resolve(`FROM golang:1.22
ARG GOPROXY
ARG HTTPS_PROXY
ENV GOPROXY=\${GOPROXY} HTTPS_PROXY=$HTTPS_PROXY
ENV PATH=$PATH:/usr/local/go/bin
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod git config --global http.proxy $http_proxy && go mod download
`, { buildArgs: [arg('http_proxy', 'http://proxy.corp:3128')] });
  assert.equal(causes(good), []);
});

Lint('undeclared_arg: FROM sees only global ARGs; the classic builder substitutes passed proxy args', () => {
  const from = finding(resolve('FROM golang:${GO_VERSION}-alpine\nRUN --mount=type=cache,target=/go/pkg/mod go mod download\n', { buildArgs: [] }), 'build.undeclared_arg')!;
  assert.equal([from.line, from.detail.keyword, from.fix], [1, 'FROM', 'ARG GO_VERSION=<default>  before the first FROM (FROM sees only those), or docker build --build-arg GO_VERSION=<value>']);
  const classic = resolve('FROM golang:1.22\nENV HTTPS_PROXY=$HTTPS_PROXY\nRUN --mount=type=cache,target=/go/pkg/mod go mod download\n', { builder: 'classic', buildArgs: [arg('HTTPS_PROXY', 'http://p:3128')] });
  assert.equal([vars(classic), causes(classic)], [['HTTPS_PROXY=http://p:3128 [ENV Dockerfile:2 ENV]'], []]);
});

Lint('undeclared_arg: a variable set and used on the same ENV line', () => {
  const f = finding(resolve('FROM golang:1.22\nENV GOPATH=/go GOMODCACHE=$GOPATH/pkg/mod\nRUN --mount=type=cache,target=/go go mod download\n'), 'build.undeclared_arg')!;
  assert.equal([f.line, f.detail.name, f.detail.sameLine], [2, 'GOPATH', true]);
  assert.match(f.summary, 'on the same line');
});

Lint('dockerignore: "*" excludes go.mod and go.sum; fixed by !go.mod and !go.sum', () => {
  const text = 'FROM golang:1.22\nCOPY go.* ./\nRUN --mount=type=cache,target=/go/pkg/mod go mod download\nCOPY cmd/ cmd/\n';
  const f = finding(resolve(text, { dockerignore: '# keep the context small\n*\n!cmd/\n' }), 'build.dockerignore')!;
  assert.equal([f.line, f.detail], [null, { files: ['go.mod', 'go.sum'], patterns: ['*'] }]);
  assert.is(f.fix, 'add to the end of .dockerignore: !go.mod and !go.sum');
  const sum = finding(resolve(text, { dockerignore: '**/*.sum\n' }), 'build.dockerignore')!;
  assert.equal(sum.detail, { files: ['go.sum'], patterns: ['**/*.sum'] });
  assert.equal(causes(resolve(text, { dockerignore: '*\n!cmd/\n!go.mod\n!go.sum\n' })), []);
  // Nothing copies go.mod: no finding, whatever .dockerignore says.
  assert.equal(causes(resolve('FROM golang:1.22\nCOPY main.go .\nRUN --mount=type=cache,target=/go/pkg/mod go run main.go\n', { dockerignore: '*.mod\n!main.go\n' })), []);
});

Lint('private_no_secret: private modules with no secret mount; a netrc COPY bakes the credential', () => {
  const text = (run: string) => `FROM golang:1.22\nENV GOPRIVATE=git.corp.example/*\nCOPY go.mod go.sum ./\n${run}\n`;
  const bad = finding(resolve(text('RUN --mount=type=cache,target=/go/pkg/mod go mod download')), 'build.private_no_secret')!;
  assert.equal(bad.line, 4);
  assert.match(bad.fix, 'RUN --mount=type=secret,id=netrc,target=/root/.netrc go mod download  with  docker build --secret id=netrc,src=$HOME/.netrc .');
  assert.equal(causes(resolve(text('RUN --mount=type=cache,target=/go/pkg/mod --mount=type=ssh go mod download'))), []);
  // --private-repo alone is enough to expect private fetches; an ssh insteadOf makes ssh the fix.
  const ssh = finding(resolve('FROM golang:1.22\nRUN git config --global url."ssh://git@github.com/".insteadOf "https://github.com/"\nCOPY go.mod go.sum ./\nRUN --mount=type=cache,target=/go/pkg/mod go mod download\n', { privateModules: true }), 'build.private_no_secret')!;
  assert.is(ssh.fix, 'RUN --mount=type=ssh go mod download  with  docker build --ssh default .');
  const baked = resolve('FROM golang:1.22\nCOPY .netrc /root/.netrc\nCOPY go.mod go.sum ./\nRUN --mount=type=cache,target=/go/pkg/mod go mod download\n', { privateModules: true });
  assert.equal(baked.findings.map((f) => [f.cause, f.line]), [['build.private_no_secret', 2]]);
  assert.match(baked.findings[0]!.summary, 'bakes a credential into an image layer');
  const token = resolve('FROM golang:1.22\nARG GH_TOKEN\nRUN git config --global url."https://${GH_TOKEN}@github.com/".insteadOf "https://github.com/"\nCOPY go.mod go.sum ./\nRUN --mount=type=cache,target=/go/pkg/mod go mod download\n');
  assert.equal(token.findings.map((f) => [f.cause, f.line]), [['build.private_no_secret', 3]]);
});

Lint('unused_build_arg: one finding listing them; none when every build arg is declared', () => {
  const text = 'FROM golang:1.22\nARG VERSION\nCOPY go.mod go.sum ./\nRUN --mount=type=cache,target=/go/pkg/mod go mod download\n';
  const f = finding(resolve(text, { buildArgs: [arg('VERSION', '1'), arg('COMMIT', 'abc')] }), 'build.unused_build_arg')!;
  assert.equal([f.line, f.detail, f.fix], [null, { names: ['COMMIT'] }, 'declare it in the stage that needs it: ARG COMMIT  (or drop the --build-arg)']);
  assert.equal(causes(resolve(text, { buildArgs: [arg('VERSION', '1'), arg('HTTPS_PROXY', 'http://p:3128', CONFIG)] })), []);
});

Stage.run();
Prefix.run();
Lint.run();
