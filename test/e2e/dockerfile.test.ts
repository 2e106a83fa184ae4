/**
 * Dockerfile mode against the real engine: the doctor probes the stage a real project's
 * build runs `go mod download` in, as that build would (base image through FROM ... AS
 * chains and ARGs, ENV, USER, WORKDIR, build args, config.json proxies), lints the
 * Dockerfile, and with --mode build runs the same probes as a RUN step of a real build.
 * Every scenario counts containers and images before and after.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as assert from 'uvu/assert';
import { suite } from 'uvu';
import type { Report } from '../../src/model.js';
import { row, runCli, runJson } from '../helpers/cli.js';
import { docker } from '../helpers/engine.js';
import { probeContainersLeft } from '../helpers/probe-containers.js';
import { ensureDerivedImage, GOBUILDER_TAG } from '../helpers/fixtures.js';
import { type Lab, startLab } from '../helpers/lab.js';
import { loud } from '../helpers/timeout.js';

/** The fixture Go builder with an `app` user and a root-owned /go: a company base image. */
const BASE_TAG = 'gomod-doctor-fixture/gobuilder-app:1';
const BASE_DOCKERFILE = `FROM ${GOBUILDER_TAG}\nRUN useradd -m -u 1000 app && chmod -R 0755 /go && chown -R root:root /go`;
const GO_MOD = 'module example.com/hello\n\ngo 1.19\n\nrequire rsc.io/quote v1.5.2\n';

const test = suite<{ lab: Lab; base: string[]; dir: string; images: number }>('dockerfile e2e');

async function ourContainers(): Promise<number> {
  return (await probeContainersLeft()).length;
}
async function imageCount(): Promise<number> {
  return (await docker().listImages({ all: true })).length;
}

/** A project directory: Dockerfile, go.mod, go.sum, main.go, optional .dockerignore. */
function project(dir: string, name: string, dockerfile: string, dockerignore?: string): string {
  const p = join(dir, name);
  mkdirSync(p, { recursive: true });
  writeFileSync(join(p, 'Dockerfile'), dockerfile);
  writeFileSync(join(p, 'go.mod'), GO_MOD);
  writeFileSync(join(p, 'go.sum'), '');
  writeFileSync(join(p, 'main.go'), 'package main\n\nfunc main() {}\n');
  if (dockerignore !== undefined) writeFileSync(join(p, '.dockerignore'), dockerignore);
  return p;
}

/** The classic builder, as DOCKER_BUILDKIT=0 asks the docker CLI for it (BuildKit's scenarios: buildkit.test.ts). */
const CLASSIC = { DOCKER_BUILDKIT: '0' };

const causes = (report: Report, id: string) => report.checks.filter((c) => c.id === id && c.status !== 'pass').map((c) => c.cause);

test.before(loud('dockerfile', async (ctx) => {
  ctx.lab = await startLab();
  ctx.dir = mkdtempSync(join(tmpdir(), 'gmd-dockerfile-'));
  await ensureDerivedImage(BASE_TAG, BASE_DOCKERFILE);
  // The container probe's network: the lab's DNS and CA, as a user behind their own would pass.
  ctx.base = ['--dns', ctx.lab.gateway, '--ca-cert', ctx.lab.caFile, '--no-default-targets', '--no-host', '--timeout', '3'];
  ctx.images = await imageCount();
}));

test.after(async (ctx) => {
  await ctx.lab?.stop();
  if (ctx.dir) rmSync(ctx.dir, { recursive: true, force: true });
});

test.after.each(loud('dockerfile after each', async (ctx) => {
  assert.is(await ourContainers(), 0, 'a probe container was left behind');
  assert.is(await imageCount(), ctx.images, 'the run changed the engine\'s images');
}));

const MULTI_STAGE = (gosumdb: string) => `# syntax=docker/dockerfile:1
ARG BASE_IMAGE=gomod-doctor-fixture/gobuilder-app
ARG BASE_TAG=latest

FROM \${BASE_IMAGE}:\${BASE_TAG} AS base
ENV GOSUMDB="${gosumdb}"

FROM base AS builder
ARG PROXY_HOST=goproxy.cn
ENV GOPROXY=https://\${PROXY_HOST},direct
USER app
ENV GOPATH=/home/app/go
WORKDIR /src
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/home/app/go/pkg/mod go mod download
COPY . .
RUN go build -o /out/hello .

FROM ${GOBUILDER_TAG} AS runtime
COPY --from=builder /out/hello /hello
`;

test('multi-stage: the builder stage through FROM ... AS and ARG tags, its ENV GOPROXY, USER and WORKDIR, said in the output', async ({ lab, base, dir }) => {
  const p = project(dir, 'multi', MULTI_STAGE(lab.sumdb.gosumdb));
  lab.requests.length = 0;
  const r = await runJson(['-f', join(p, 'Dockerfile'), '--context', p, '--build-arg', 'BASE_TAG=1', ...base]);
  assert.is(r.code, 0, `${r.stderr}\n${JSON.stringify(r.report.checks.filter((c) => c.status === 'fail'), null, 1)}`);
  const { report } = r;
  assert.equal(report.stage?.name, 'builder');
  assert.is(report.stage?.baseImage, BASE_TAG);
  assert.equal(report.stage?.chain, ['builder', 'base', BASE_TAG]);
  assert.is(report.image, BASE_TAG);
  // As the build's USER, not the image's root.
  assert.match(row(report, 'engine.probe', BASE_TAG).summary, /ran as app \(uid 1000/);
  // The stage's GOPROXY, with the ARG substituted, is what the go command used.
  const fetch = row(report, 'e2e.fetch', 'GOPROXY=https://goproxy.cn,direct');
  assert.is(fetch.status, 'pass', fetch.summary);
  assert.ok(lab.requests.some((q) => q.host.startsWith('goproxy.cn')), 'the probe asked goproxy.cn, the stage\'s GOPROXY');
  // Where each variable came from.
  const stageRow = row(report, 'build.stage', '');
  assert.match(stageRow.summary, /builder/);
  const goproxyVar = row(report, 'go-env.goproxy', 'GOPROXY');
  assert.match(JSON.stringify(goproxyVar), /Dockerfile:\d+ ENV/);
  // No proxy anywhere: the engine's own (none) is right.
  assert.equal(report.checks.filter((c) => c.id === 'engine.proxy').map((c) => c.status), ['pass']);
  // Its own cache-mount GOPATH is writable by app; the fixed Dockerfile has no lint.
  assert.equal(causes(report, 'build.lint'), []);
  const table = await runCli(['-f', join(p, 'Dockerfile'), '--context', p, '--build-arg', 'BASE_TAG=1', ...base, '--format', 'table']);
  assert.match(table.stdout, /gomod-doctor: stage builder of .*Dockerfile \(line \d+, FROM builder ← base ← gomod-doctor-fixture\/gobuilder-app:1\) as app/);
});

test('./Dockerfile is used when there is no --image; --target picks a stage; a missing stage is one line, exit 2', async ({ lab, base, dir }) => {
  const p = project(dir, 'default', MULTI_STAGE(lab.sumdb.gosumdb));
  const r = await runJson([...base, '--no-fetch', '--build-arg', 'BASE_TAG=1', '--target', 'base'], { cwd: p });
  assert.is(r.code, 0, r.stderr);
  assert.is(r.report.stage?.name, 'base');
  assert.match(row(r.report, 'engine.probe', BASE_TAG).summary, /ran as root/);
  const bad = await runCli([...base, '--target', 'buildr', '--build-arg', 'BASE_TAG=1'], { cwd: p });
  assert.is(bad.code, 2);
  assert.match(bad.stderr, /no stage named "buildr"/);
  assert.is(bad.stdout, '');
  // Without the build arg, FROM names a tag no registry here serves: the build would stop at FROM.
  const unpulled = await runJson([...base], { cwd: p });
  assert.is(unpulled.code, 1, unpulled.stderr);
  const pull = row(unpulled.report, 'engine.pull', 'gomod-doctor-fixture/gobuilder-app:latest');
  assert.is(pull.status, 'fail');
  assert.is(pull.cause, 'engine.pull');
  assert.match(pull.fix ?? '', /registry-mirrors|docker pull|docker login|name/);
  assert.is(unpulled.report.summary.layer, 'engine');
  assert.ok(!unpulled.report.checks.some((c) => c.id === 'engine.probe'), 'no container ran, so no probe rows');
});

const ALL_LINTS = `FROM ${BASE_TAG}
ENV GOPROXY=\${CORP_GOPROXY}
ENV GOPRIVATE=git.lab.test/*
USER app
WORKDIR /home/app/src
COPY . .
RUN go mod download
`;
const NO_LINTS = `FROM ${BASE_TAG}
ARG CORP_GOPROXY=https://proxy.golang.org
ENV GOPROXY=\${CORP_GOPROXY}
ENV GOPRIVATE=git.lab.test/*
USER app
ENV GOPATH=/home/app/go
WORKDIR /home/app/src
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/home/app/go/pkg/mod --mount=type=secret,id=netrc,target=/home/app/.netrc go mod download
COPY . .
`;

test('lints: every field-guide pattern warns with its fix, and the fixed Dockerfile has none', async ({ base, dir }) => {
  const bad = project(dir, 'lint-bad', ALL_LINTS, '*\n');
  const r = await runJson(['-f', join(bad, 'Dockerfile'), '--context', bad, ...base, '--no-fetch', '--build-arg', 'UNUSED=1']);
  const found = causes(r.report, 'build.lint');
  for (const cause of ['build.layer_cache', 'build.cache_mount', 'build.user_before_download', 'build.undeclared_arg', 'build.dockerignore', 'build.private_no_secret', 'build.unused_build_arg']) {
    assert.ok(found.includes(cause as never), `${cause} not reported; got ${found.join(', ')}`);
  }
  const layer = r.report.checks.find((c) => c.cause === 'build.layer_cache')!;
  assert.is(layer.status, 'warn');
  assert.match(layer.fix ?? '', /COPY go\.mod go\.sum/);
  assert.match(r.report.checks.find((c) => c.cause === 'build.dockerignore')!.fix ?? '', /!go\.mod/);
  assert.match(r.report.checks.find((c) => c.cause === 'build.private_no_secret')!.fix ?? '', /--mount=type=secret/);
  assert.match(r.report.checks.find((c) => c.cause === 'build.user_before_download')!.fix ?? '', /chown|GOPATH/);

  const good = project(dir, 'lint-good', NO_LINTS, '*\n!go.mod\n!go.sum\n!*.go\n');
  const ok = await runJson(['-f', join(good, 'Dockerfile'), '--context', good, ...base, '--no-fetch']);
  assert.equal(causes(ok.report, 'build.lint'), []);
  assert.is(row(ok.report, 'build.lint', '').status, 'pass');
});

test('docker config.json proxies reach the stage as build args (the docker CLI passes them to docker build), and the probe uses them', async ({ lab, base, dir }) => {
  const p = project(dir, 'config-proxy', `FROM ${BASE_TAG}\nENV GOPROXY=https://proxy.golang.org,direct GOSUMDB="${lab.sumdb.gosumdb}"\nRUN go mod download\n`);
  const configDir = join(dir, 'docker-config');
  mkdirSync(configDir, { recursive: true });
  const proxy = `http://${lab.gateway}:${lab.ports.forwardProxy}`;
  writeFileSync(join(configDir, 'config.json'), JSON.stringify({ proxies: { default: { httpsProxy: proxy } } }));
  lab.proxyLog.length = 0;
  const r = await runJson(['-f', join(p, 'Dockerfile'), '--context', p, ...base], { env: { DOCKER_CONFIG: configDir } });
  assert.is(r.code, 0, r.stderr);
  assert.match(row(r.report, 'proxy-env.vars', '').summary, `HTTPS_PROXY=${proxy} (docker config.json proxies (build arg))`);
  assert.ok(lab.proxyLog.some((q) => q.method === 'CONNECT'), 'the probe went through the config.json proxy');
  // The build uses a proxy, the engine (which pulls FROM images) has none.
  const engineProxy = r.report.checks.find((c) => c.id === 'engine.proxy')!;
  assert.equal([engineProxy.status, engineProxy.cause], ['warn', 'engine.no_proxy']);
  assert.match(engineProxy.fix ?? '', /HTTPS_PROXY|https-proxy/);
});

test('--mode build: the probes as a RUN step of a real (classic) build agree with the container; nothing left behind', async ({ lab, dir }) => {
  // The company CA installed the way the field guide says: the build trusts it, and the container gets it with --ca-cert.
  const p = project(
    dir,
    'build-ok',
    `FROM ${BASE_TAG}\nCOPY lab-ca.crt /usr/local/share/ca-certificates/lab-ca.crt\nRUN update-ca-certificates\nENV GOPROXY=https://proxy.golang.org GOSUMDB="${lab.sumdb.gosumdb}"\nUSER app\nENV GOPATH=/home/app/go\nWORKDIR /home/app/src\nCOPY go.mod go.sum ./\nRUN go mod download\n`,
  );
  writeFileSync(join(p, 'lab-ca.crt'), lab.caPem);
  // A build has no --dns: every name the probes use comes from --add-host, in both.
  const hosts = ['--add-host', `proxy.golang.org:${lab.gateway}`, '--add-host', `sum.lab.test:${lab.gateway}`];
  const r = await runJson(['-f', join(p, 'Dockerfile'), '--context', p, '--network', lab.network, ...hosts, '--ca-cert', lab.caFile, '--no-default-targets', '--no-host', '--timeout', '3', '--mode', 'build'], { timeoutMs: 120_000, env: CLASSIC });
  const step = row(r.report, 'build.step', 'classic builder');
  assert.match(step.summary, 'classic builder: DOCKER_BUILDKIT=0');
  assert.ok(r.report.buildChecks && r.report.buildChecks.length > 5, 'the build step\'s own rows are in the JSON');
  assert.match(row({ ...r.report, checks: r.report.buildChecks! }, 'engine.probe', BASE_TAG).summary, /ran as app \(uid 1000/);
  assert.is(r.report.stage?.mode, 'build');
  assert.is(step.status, 'pass', JSON.stringify(r.report.checks.filter((c) => c.id === 'build.step'), null, 1));
});

test('--mode build: works in a container, fails in the build: the build has no HTTPS_PROXY (given with -e), fix with --build-arg', async ({ lab, dir }) => {
  const p = project(dir, 'build-proxy', `FROM ${BASE_TAG}\nENV GOPROXY=https://proxy.golang.org GOSUMDB="${lab.sumdb.gosumdb}"\nCOPY go.mod go.sum ./\nRUN go mod download\n`);
  const proxy = `http://${lab.gateway}:${lab.ports.forwardProxy}`;
  // proxy.golang.org is a dropped address for anything that goes direct; the forward proxy reaches the lab.
  const hosts = ['--add-host', `proxy.golang.org:${lab.blackhole}`, '--add-host', `sum.lab.test:${lab.gateway}`];
  const r = await runJson(
    ['-f', join(p, 'Dockerfile'), '--context', p, '--network', lab.network, ...hosts, '--ca-cert', lab.caFile, '-e', `HTTPS_PROXY=${proxy}`, '--no-default-targets', '--no-host', '--no-fetch', '--timeout', '2', '--mode', 'build'],
    { timeoutMs: 120_000, env: CLASSIC },
  );
  assert.is(r.code, 1, r.stderr);
  const differs = r.report.checks.find((c) => c.id === 'build.step' && c.cause === 'build.differs' && c.status === 'fail')!;
  assert.ok(differs, JSON.stringify(r.report.checks.filter((c) => c.id.startsWith('build')), null, 1));
  assert.match(differs.summary, /^works in a container, fails in the build: /);
  assert.match(differs.summary, /the build has no HTTPS_PROXY \(the container got it from -e\/--env-file\)/);
  assert.match(differs.fix ?? '', `--build-arg HTTPS_PROXY=${proxy}`);
  assert.is(r.report.summary.layer, 'build');
  assert.match(r.report.summary.verdict, /Works in a container, fails in the build/);
});

test('--mode build: a step of the user\'s Dockerfile that fails stops the build before go runs (build.failed); BuildKit-only syntax is a skip that says so', async ({ dir }) => {
  const failing = project(dir, 'build-fails', `FROM ${BASE_TAG}\nRUN echo "apk: temporary error (try again later)" && exit 3\nCOPY go.mod go.sum ./\nRUN go mod download\n`);
  const r = await runJson(['-f', join(failing, 'Dockerfile'), '--context', failing, '--network', 'none', '--no-default-targets', '--no-host', '--no-fetch', '--timeout', '2', '--mode', 'build'], { timeoutMs: 120_000, env: CLASSIC });
  const step = r.report.checks.find((c) => c.id === 'build.step')!;
  assert.equal([step.status, step.cause], ['fail', 'build.failed']);
  assert.match(step.summary, /the build fails at `RUN echo .*exit 3`, before the go command runs \(classic: DOCKER_BUILDKIT=0\): .*returned a non-zero code: 3/);
  assert.ok(JSON.stringify(step.evidence).includes('temporary error'), 'the failing step\'s output is in the evidence');
  assert.is(r.report.summary.layer, 'build');
  // The same through BuildKit: the failing vertex, its words and its output.
  const bk = await runJson(['-f', join(failing, 'Dockerfile'), '--context', failing, '--network', 'none', '--no-default-targets', '--no-host', '--no-fetch', '--timeout', '2', '--mode', 'build'], { timeoutMs: 120_000 });
  const bkStep = bk.report.checks.find((c) => c.id === 'build.step')!;
  assert.equal([bkStep.status, bkStep.cause, bkStep.target], ['fail', 'build.failed', 'buildkit builder']);
  assert.match(bkStep.summary, /the build fails at `RUN echo .*exit 3`, before the go command runs \(buildkit: .*\): .*exit code: 3/);
  assert.ok(JSON.stringify(bkStep.evidence).includes('temporary error'), 'the failing step\'s output is in the evidence (BuildKit)');

  const secret = project(dir, 'build-secret', `FROM ${BASE_TAG}\nRUN --mount=type=secret,id=netrc,target=/root/.netrc git config --global url.x.insteadOf y\nCOPY go.mod go.sum ./\nRUN go mod download\n`);
  const s = await runJson(['-f', join(secret, 'Dockerfile'), '--context', secret, '--network', 'none', '--no-default-targets', '--no-host', '--no-fetch', '--timeout', '2', '--mode', 'build'], { timeoutMs: 120_000, env: CLASSIC });
  const skip = s.report.checks.find((c) => c.id === 'build.step')!;
  assert.equal([skip.status, skip.cause], ['skip', null]);
  assert.match(skip.summary, /the classic builder cannot build this stage: .*--mount=type=secret/);
});

// Docker's own Go sample (docs.docker.com "Build your Go image", docker-gs-ping), multi-stage form, verbatim.
const DOCKER_GS_PING = `# syntax=docker/dockerfile:1

# Build the application from source
FROM golang:1.19 AS build-stage

WORKDIR /app

COPY go.mod go.sum ./
RUN go mod download

COPY *.go ./

RUN CGO_ENABLED=0 GOOS=linux go build -o /docker-gs-ping

# Run the tests in the container
FROM build-stage AS run-test-stage
RUN go test -v ./...

# Deploy the application binary into a lean image
FROM gcr.io/distroless/base-debian11 AS build-release-stage

WORKDIR /

COPY --from=build-stage /docker-gs-ping /docker-gs-ping

EXPOSE 8080

USER nonroot:nonroot

ENTRYPOINT ["/docker-gs-ping"]
`;

test('a real project\'s Dockerfile (docker-gs-ping): the build stage the release needs, probed as the build would, in a container and as a build step', async ({ lab, dir }) => {
  // golang:1.19 stands for the fixture Go builder for this test only (a tag, removed after).
  const tagged = await docker().getImage('golang:1.19').inspect().then(() => false, async () => {
    await docker().getImage(GOBUILDER_TAG).tag({ repo: 'golang', tag: '1.19' });
    return true;
  });
  try {
    const p = project(dir, 'docker-gs-ping', DOCKER_GS_PING);
    const hosts = ['--add-host', `proxy.golang.org:${lab.gateway}`, '--add-host', `sum.golang.org:${lab.gateway}`];
    const r = await runJson([...hosts, '--network', lab.network, '--ca-cert', lab.caFile, '--no-default-targets', '--no-host', '--no-fetch', '--timeout', '3', '--mode', 'build'], { cwd: p, timeoutMs: 120_000, env: CLASSIC });
    const { report } = r;
    assert.equal(report.stage, { dockerfile: 'Dockerfile', name: 'build-stage', line: 4, baseImage: 'golang:1.19', chain: ['build-stage', 'golang:1.19'], mode: 'build' });
    assert.match(row(report, 'build.stage', 'Dockerfile:4').summary, /go mod download at line 9/);
    assert.match(row(report, 'build.stage', 'Dockerfile:4').summary, /WORKDIR \/app/);
    // Its one finding: no cache mount on the module cache.
    assert.equal(causes(report, 'build.lint'), ['build.cache_mount']);
    const step = report.checks.find((c) => c.id === 'build.step')!;
    assert.ok(step, 'a build.step row');
    assert.match(step.target ?? '', 'classic builder');
    // The container was given the CA (--ca-cert); the sample's build was not: the one difference is trust.
    assert.is(step.cause, 'build.differs', step.summary);
    assert.match(step.summary, 'the build does not trust the --ca-cert authority the container was given');
    assert.match(step.fix ?? '', 'update-ca-certificates');
  } finally {
    if (tagged) await docker().getImage('golang:1.19').remove({ noprune: true });
  }
});

test.run();
