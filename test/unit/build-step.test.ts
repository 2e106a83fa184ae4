// --mode build, the pure parts: the classic builder's stream (the probe step's output and the
// failing step), the generated Dockerfile, the context filter (.dockerignore), and the
// comparison of the build step's rows with the container's, with the reason and the fix.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { buildDifferences, compareBuildStep } from '../../checks/build-step.js';
import { contextFilter } from '../../src/engine/build-context.js';
import { BuildStream } from '../../src/engine/build-classic.js';
import type { BuildStepEvidence, CheckResult, Evidence, ImageFacts } from '../../src/model.js';
import { evidence as baseEvidence } from '../helpers/evidence.js';
import { probeDockerfile } from '../../src/collect/build-step.js';

const Stream = suite('BuildStream: the classic builder progress stream');

// As POST /build (version=1) streams it: one JSON message per chunk, lines split anywhere.
const STEP = 'RUN sh /tmp/.gomod-doctor-abc-2/agent.sh';
const EVENTS = [
  { stream: 'Step 1/6 : FROM gomod-doctor-fixture/gobuilder-app:1\n' },
  { stream: ' ---> 0f1e2d3c4b5a\n' },
  { stream: 'Step 2/6 : RUN update-ca-certificates\n' },
  { stream: ' ---> Using cache\n ---> 1a2b3c4d5e6f\n' },
  { stream: `Step 5/6 : ${STEP} </tmp/.gomod-doctor-abc-2/plan 2>/dev/null; true\n` },
  { stream: ' ---> Running in 952eaf04715e\n' },
  { stream: '@gmd begin facts\n@gmd kv uid 10' },
  { stream: '00\n@gmd end facts\n@gmd ready\n' },
  { stream: '@gmd done\n' },
  { stream: 'Removing intermediate container 952eaf04715e\n' },
  { stream: ' ---> 7a6b5c4d3e2f\n' },
  { aux: { ID: 'sha256:7a6b5c4d3e2f' } },
  { stream: 'Successfully built 7a6b5c4d3e2f\n' },
];

Stream('keeps the probe step\'s output only, however the lines were chunked', () => {
  const s = new BuildStream(STEP);
  for (const e of EVENTS) s.push(e);
  assert.is(s.probeOutput, '@gmd begin facts\n@gmd kv uid 1000\n@gmd end facts\n@gmd ready\n@gmd done\nRemoving intermediate container 952eaf04715e\n');
  assert.is(s.error, null);
});

Stream('a failing step of the user\'s Dockerfile: the step, the engine\'s message and the step\'s last lines', () => {
  const s = new BuildStream(STEP);
  s.push({ stream: 'Step 3/6 : RUN apk add --no-cache git\n' });
  s.push({ stream: ' ---> Running in 0123456789ab\n' });
  s.push({ stream: 'fetch https://dl-cdn.alpinelinux.org/alpine/v3.20/main/x86_64/APKINDEX.tar.gz\n' });
  s.push({ stream: 'WARNING: fetching https://dl-cdn.alpinelinux.org/alpine/v3.20/main: temporary error (try again later)\n' });
  s.push({ errorDetail: { code: 1, message: "The command '/bin/sh -c apk add --no-cache git' returned a non-zero code: 1" } as never, error: "The command '/bin/sh -c apk add --no-cache git' returned a non-zero code: 1" });
  assert.equal(s.error, {
    step: 'RUN apk add --no-cache git',
    message: "The command '/bin/sh -c apk add --no-cache git' returned a non-zero code: 1",
    outputTail: [
      'fetch https://dl-cdn.alpinelinux.org/alpine/v3.20/main/x86_64/APKINDEX.tar.gz',
      'WARNING: fetching https://dl-cdn.alpinelinux.org/alpine/v3.20/main: temporary error (try again later)',
    ],
  });
  assert.is(s.probeOutput, '');
});

Stream.run();

// ---------------------------------------------------------------------------
const Generated = suite('probeDockerfile: the user\'s prefix plus our steps');

Generated('labels every image made after the prefix, copies the agent, runs it without failing the build', () => {
  const { text, step } = probeDockerfile('FROM golang:1.23 AS builder\nWORKDIR /src\nCOPY go.mod go.sum ./\n\n', 'r1', { hostname: 'ci-7', pid: 42, now: () => 1700000000000 });
  assert.is(step, 'sh /tmp/.gomod-doctor-r1/agent.sh');
  assert.is(
    text,
    'FROM golang:1.23 AS builder\nWORKDIR /src\nCOPY go.mod go.sum ./\n' +
      'LABEL org.gomod-doctor.tool="gomod-doctor" org.gomod-doctor.run="r1" org.gomod-doctor.pid="42" org.gomod-doctor.host="ci-7" org.gomod-doctor.started="1700000000000"\n' +
      'COPY .gomod-doctor-r1/ /tmp/.gomod-doctor-r1/\n' +
      'RUN sh /tmp/.gomod-doctor-r1/agent.sh </tmp/.gomod-doctor-r1/plan 2>/dev/null; true\n',
  );
});

Generated.run();

// ---------------------------------------------------------------------------
const Context = suite('contextFilter: what the docker CLI leaves out of the context');

Context('docker\'s .dockerignore rules, directories still walked when an exception may re-include', () => {
  const only = contextFilter('# only the module files\n*\n!go.mod\n!go.sum\n');
  assert.equal(['go.mod', 'go.sum', 'main.go', 'Dockerfile'].map((f) => only(f, false)), [false, false, true, true]);
  assert.is(only('internal', true), false);
  const plain = contextFilter('.git\nnode_modules\n**/*.log\n');
  assert.equal([plain('.git', true), plain('node_modules', true), plain('cmd/app/debug.log', false), plain('cmd/app/main.go', false)], [true, true, true, false]);
  assert.is(contextFilter(null)('anything', false), false);
});

Context.run();

// ---------------------------------------------------------------------------
const Compare = suite('compareBuildStep: the container beside the build step');

function rowOf(id: string, target: string, status: CheckResult['status'], cause: CheckResult['cause'] = null): CheckResult {
  return { id, category: id.split('.')[0] as CheckResult['category'], target, status, ms: 12, summary: `${id} ${status}`, cause, evidence: {}, fix: status === 'fail' ? `fix ${id}` : null };
}

/** A side (the container's or the build step's): app with the stage's variables, GOPROXY from go env. */
function side(env: Array<[string, string, string?]>, over: Partial<ImageFacts> = {}): Evidence {
  return {
    ...baseEvidence({ user: 'app', nameservers: ['127.0.0.11'], facts: { uid: 1000, goEnv: { GOPROXY: 'https://proxy.golang.org,direct' }, ...over } }),
    env: env.map(([name, value, origin]) => ({ name, value, source: origin === '-e' ? ('flag' as const) : ('dockerfile' as const), ...(origin && origin !== '-e' ? { origin } : {}) })),
  };
}

function evidenceWith(run: Evidence, build: Evidence | null, error: BuildStepEvidence['error'] = null): Evidence {
  return { ...run, buildStep: { builder: 'classic', ms: 2100, evidence: build, error } };
}

Compare('same outcomes: one pass row saying how many checks agree', () => {
  const rows = [rowOf('dns.resolve', 'proxy.golang.org', 'pass'), rowOf('tls.handshake', 'proxy.golang.org:443', 'pass'), rowOf('engine.endpoint', 'unix:///var/run/docker.sock', 'pass')];
  const ev = evidenceWith(side([['GOPROXY', 'https://proxy.golang.org', 'Dockerfile:3 ENV']]), side([['GOPROXY', 'https://proxy.golang.org', 'Dockerfile:3 ENV']]));
  const out = compareBuildStep(rows, rows, ev);
  assert.is(out.length, 1);
  assert.equal([out[0]!.id, out[0]!.status, out[0]!.target], ['build.step', 'pass', 'classic builder']);
  assert.match(out[0]!.summary, 'the probes agree with the container: 2 checks the same');
});

Compare('works in a container, fails in the build: names the check, the missing variable and the --build-arg fix', () => {
  const run = [rowOf('tcp.connect', 'proxy.golang.org:443', 'pass'), rowOf('e2e.fetch', 'GOPROXY=https://proxy.golang.org', 'pass')];
  const build = [rowOf('tcp.connect', 'proxy.golang.org:443', 'fail', 'tcp.timeout'), rowOf('e2e.fetch', 'GOPROXY=https://proxy.golang.org', 'fail', 'e2e.timeout')];
  const ev = evidenceWith(side([['HTTPS_PROXY', 'http://ops:hunter2@proxy.corp:3128', '-e']]), side([]));
  const out = compareBuildStep(run, build, ev);
  assert.equal(out.map((r) => [r.status, r.cause, r.target]), [
    ['fail', 'build.differs', 'classic builder'],
    ['fail', 'build.differs', 'tcp.connect@proxy.golang.org:443'],
    ['fail', 'build.differs', 'e2e.fetch@GOPROXY=https://proxy.golang.org'],
  ]);
  assert.match(out[0]!.summary, /^works in a container, fails in the build: tcp\.connect proxy\.golang\.org:443 — tcp\.connect fail; the build has no HTTPS_PROXY \(the container got it from -e\/--env-file\)/);
  assert.is(out[0]!.fix, 'docker build --build-arg HTTPS_PROXY=http://ops:***@proxy.corp:3128 … (docker build does not take -e; or put it under "proxies" in ~/.docker/config.json)');
  assert.not.match(JSON.stringify(out), 'hunter2');
});

Compare('reasons of their own kind only: the resolver for DNS rows, trust for TLS rows, go env -w for the GOPROXY the go command sees', () => {
  const container = side([], {});
  const run: Evidence = { ...container, context: { ...container.context, dns: ['10.0.0.2'], extraCa: true }, facts: { ...container.facts, resolvConf: { ...container.facts.resolvConf, nameservers: ['10.0.0.2'] } } };
  const build = side([], { goEnv: { GOPROXY: 'off' } });
  const dnsOnly = buildDifferences(run, build, [rowOf('dns.resolve', 'proxy.golang.org', 'fail', 'dns.timeout')]);
  assert.equal(dnsOnly.map((r) => r.words.split(' (')[0]), [
    'go env GOPROXY in the build is "off", not "https://proxy.golang.org,direct": a step before the go step changes it',
    'the build resolves names with 127.0.0.11, the container with 10.0.0.2',
  ]);
  assert.match(dnsOnly[1]!.fix, '"dns": ["10.0.0.2"] in /etc/docker/daemon.json');
  const tlsOnly = buildDifferences(run, side([]), [rowOf('tls.handshake', 'proxy.golang.org:443', 'fail', 'tls.unknown_ca')]);
  assert.equal(tlsOnly.map((r) => r.words), ['the build does not trust the --ca-cert authority the container was given']);
  assert.match(tlsOnly[0]!.fix, 'update-ca-certificates');
});

Compare('a build that stops before the go step is a fail naming the step; one the classic builder cannot run is a skip', () => {
  const failed = compareBuildStep([], [], evidenceWith(side([]), null, { step: 'RUN apk add git', message: "The command '/bin/sh -c apk add git' returned a non-zero code: 1", outputTail: ['temporary error'] }));
  assert.equal([failed[0]!.status, failed[0]!.cause], ['fail', 'build.failed']);
  assert.match(failed[0]!.summary, 'the build fails at `RUN apk add git`, before the go command runs');
  const cannot = compareBuildStep([], [], evidenceWith(side([]), null, { step: null, message: 'the classic builder cannot build this stage: RUN --mount=type=secret (line 7)', outputTail: [] }));
  assert.equal([cannot[0]!.status, cannot[0]!.cause], ['skip', null]);
});

Compare('no --mode build: no rows', () => {
  assert.equal(compareBuildStep([], [], { buildStep: null } as unknown as Evidence), []);
});

Compare.run();
