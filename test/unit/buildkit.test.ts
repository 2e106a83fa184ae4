// --mode build through BuildKit, the pure parts: which builder the docker CLI would use,
// the prefix BuildKit builds (mounts kept, the go step's mounts for the probe step), the
// decoded status stream (steps, the probe step's output, the failing step, -v lines),
// --secret/--ssh as docker build parses them, and the custom-network finding.
import { createRequire } from 'node:module';
import protobuf from 'protobufjs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { compareBuildStep } from '../../checks/build-step.js';
import { parseArgs, parseSecret, parseSsh, type ArgsIo } from '../../src/cli/args.js';
import { parseConfigFile } from '../../src/cli/config-file.js';
import { buildPrefix } from '../../src/dockerfile/prefix.js';
import { type DockerfileInput, resolveStage } from '../../src/dockerfile/stage.js';
import { BuildkitProgress, instructionOf, loadStatusDecoder } from '../../src/engine/buildkit-status.js';
import { UsageError } from '../../src/errors.js';
import type { Evidence } from '../../src/model.js';
import { chooseBuilder, probeDockerfile } from '../../src/collect/build-step.js';
import { buildSecretValues, scrub } from '../../src/secrets.js';

const input = (text: string): DockerfileInput => ({ path: 'Dockerfile', text, target: null, buildArgs: [], dockerignore: null, privateModules: false });

const Choose = suite('chooseBuilder: as the docker CLI decides');

Choose('BuildKit unless DOCKER_BUILDKIT=0 or the engine cannot; the reason says which', () => {
  const linux = { apiVersion: '1.41', os: 'linux' };
  assert.equal(chooseBuilder(null, linux), { builder: 'buildkit', why: "the docker CLI's default (DOCKER_BUILDKIT unset)" });
  assert.equal(chooseBuilder(true, linux), { builder: 'buildkit', why: 'DOCKER_BUILDKIT=1' });
  assert.equal(chooseBuilder(false, linux), { builder: 'classic', why: 'DOCKER_BUILDKIT=0' });
  assert.equal(chooseBuilder(null, { apiVersion: '1.38', os: 'linux' }), { builder: 'classic', why: 'engine API 1.38 is older than 1.39' });
  assert.equal(chooseBuilder(true, { apiVersion: '1.44', os: 'windows' }), { builder: 'classic', why: 'a Windows engine has no BuildKit (DOCKER_BUILDKIT=1 asked for BuildKit)' });
  assert.is(chooseBuilder(null, { apiVersion: '1.39', os: 'linux' }).builder, 'buildkit');
  assert.is(chooseBuilder(null, { apiVersion: '2.0', os: 'linux' }).builder, 'buildkit');
});

Choose.run();

// ---------------------------------------------------------------------------
const Prefix = suite('buildPrefix under BuildKit');

Prefix('the lines as written; the go step\'s mounts go onto the probe step', () => {
  const text = `FROM golang:1.22 AS builder
WORKDIR /src
RUN --mount=type=cache,target=/root/.cache/go-build echo warm
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod \\
    --mount=type=secret,id=netrc,target=/root/.netrc \\
    go mod download
COPY . .
`;
  const inp = input(text);
  const p = buildPrefix(inp, resolveStage(inp));
  assert.is(p.buildkitText, 'FROM golang:1.22 AS builder\nWORKDIR /src\nRUN --mount=type=cache,target=/root/.cache/go-build echo warm\nCOPY go.mod go.sum ./\n');
  assert.equal(p.goStepMounts, ['--mount=type=cache,target=/go/pkg/mod', '--mount=type=secret,id=netrc,target=/root/.netrc']);
  // The classic text still strips them.
  assert.not.match(p.text, /--mount/);
  const { text: df, step } = probeDockerfile(p.buildkitText, 'r2', { hostname: 'h', pid: 1, now: () => 0 }, p.goStepMounts);
  assert.is(step, 'sh /tmp/.gomod-doctor-r2/agent.sh');
  assert.match(df, '\nRUN --mount=type=cache,target=/go/pkg/mod --mount=type=secret,id=netrc,target=/root/.netrc sh /tmp/.gomod-doctor-r2/agent.sh </tmp/.gomod-doctor-r2/plan 2>/dev/null; true\n');
});

Prefix('no go step: no mounts to carry', () => {
  const inp = input('FROM alpine:3.20\nRUN --mount=type=ssh git clone x\n');
  const p = buildPrefix(inp, resolveStage(inp));
  assert.equal(p.goStepMounts, []);
  assert.is(p.buildkitText, 'FROM alpine:3.20\nRUN --mount=type=ssh git clone x\n');
});

Prefix.run();

// ---------------------------------------------------------------------------
const Status = suite('BuildkitProgress: the decoded status stream');

const at = { seconds: 1, nanos: 0 };
const vertex = (digest: string, name: string, more: object = {}) => ({ digest, name, cached: false, started: false, completed: false, error: '', ...more });
const PROBE = 'sh /tmp/.gomod-doctor-abc-2/agent.sh';

Status('names each step as it starts, keeps the probe step\'s stdout apart, and the rest for -v', () => {
  const steps: string[] = [];
  const p = new BuildkitProgress(PROBE, (s) => steps.push(s));
  p.push({ vertexes: [vertex('d1', '[stage-0 1/4] FROM docker.io/library/golang:1.22', { started: true, completed: true, cached: true })], logs: [] });
  p.push({ vertexes: [vertex('d2', '[stage-0 2/4] RUN update-ca-certificates', { started: true })], logs: [] });
  p.push({ vertexes: [], logs: [{ vertex: 'd2', stream: 1, msg: Buffer.from('Updating certificates in /etc/ssl/certs...\n1 added, ') }] });
  p.push({ vertexes: [vertex('d2', '[stage-0 2/4] RUN update-ca-certificates', { started: true, completed: true })], logs: [{ vertex: 'd2', stream: 1, msg: Buffer.from('0 removed; done.\n') }] });
  p.push({ vertexes: [vertex('d3', `[stage-0 4/4] RUN --mount=type=cache,target=/go/pkg/mod ${PROBE} </tmp/.gomod-doctor-abc-2/plan 2>/dev/null; true`, { started: true })], logs: [] });
  p.push({ vertexes: [], logs: [{ vertex: 'd3', stream: 1, msg: Buffer.from('@gmd begin facts\n@gmd kv uid 0\n') }, { vertex: 'd3', stream: 2, msg: Buffer.from('noise\n') }] });
  p.push({ vertexes: [], logs: [{ vertex: 'd3', stream: 1, msg: Buffer.from('@gmd end facts\n@gmd ready\n') }] });
  assert.equal(steps, ['RUN update-ca-certificates', `RUN --mount=type=cache,target=/go/pkg/mod ${PROBE} </tmp/.gomod-doctor-abc-2/plan 2>/dev/null; true`]);
  assert.is(p.probeOutput, '@gmd begin facts\n@gmd kv uid 0\n@gmd end facts\n@gmd ready\n');
  assert.equal(p.log.slice(0, 5), [
    '#1 [stage-0 1/4] FROM docker.io/library/golang:1.22 CACHED',
    '#2 [stage-0 2/4] RUN update-ca-certificates',
    '#2 Updating certificates in /etc/ssl/certs...',
    '#2 1 added, 0 removed; done.',
    '#2 DONE',
  ]);
  assert.not.ok(p.log.some((l) => l.includes('@gmd')), 'the probe step\'s protocol lines are not build log');
});

Status('a failing step: the step (without its [stage n/m]), the engine\'s words and the step\'s last lines', () => {
  const p = new BuildkitProgress(PROBE);
  p.push({ vertexes: [vertex('d1', '[stage-0 2/4] RUN apk add git', { started: true })], logs: [{ vertex: 'd1', stream: 2, msg: Buffer.from('fetch https://dl-cdn.alpinelinux.org/alpine/v3.20/main/x86_64/APKINDEX.tar.gz\nERROR: temporary error (try again later)\n') }] });
  p.push({ vertexes: [vertex('d1', '[stage-0 2/4] RUN apk add git', { started: true, completed: true, error: 'exit code: 1' })], logs: [] });
  assert.equal(p.failure('executor failed running [/bin/sh -c apk add git]: exit code: 1'), {
    step: 'RUN apk add git',
    message: 'executor failed running [/bin/sh -c apk add git]: exit code: 1',
    outputTail: ['fetch https://dl-cdn.alpinelinux.org/alpine/v3.20/main/x86_64/APKINDEX.tar.gz', 'ERROR: temporary error (try again later)'],
  });
  assert.is(instructionOf('[internal] load metadata for docker.io/library/golang:1.22'), 'load metadata for docker.io/library/golang:1.22');
});

Status('decodes the moby.buildkit.trace aux the engine sends (base64 StatusResponse, dockerode\'s schema)', async () => {
  const proto = createRequire(import.meta.url).resolve('dockerode/lib/proto/buildkit_status.proto');
  const type = protobuf.loadSync(proto).lookupType('moby.buildkit.v1.StatusResponse');
  const aux = Buffer.from(type.encode(type.fromObject({ vertexes: [{ digest: 'sha256:ab', name: '[stage-0 2/2] RUN go env', started: at }], logs: [{ vertex: 'sha256:ab', stream: 1, msg: Buffer.from('GOPATH=/go\n'), timestamp: at }] })).finish()).toString('base64');
  const decode = await loadStatusDecoder();
  const s = decode(aux);
  assert.equal(s.vertexes, [{ digest: 'sha256:ab', name: '[stage-0 2/2] RUN go env', cached: false, started: true, completed: false, error: '' }]);
  assert.equal(s.logs.map((l) => [l.vertex, l.stream, l.msg.toString()]), [['sha256:ab', 1, 'GOPATH=/go\n']]);
});

Status.run();

// ---------------------------------------------------------------------------
const Flags = suite('--secret and --ssh as docker build parses them');

function errno(code: string): NodeJS.ErrnoException {
  const e: NodeJS.ErrnoException = new Error(code);
  e.code = code;
  return e;
}
const KEY = '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----';
const io: ArgsIo = {
  env: { GIT_TOKEN: 'tok-9f8e7d6c', SSH_AUTH_SOCK: '/run/agent.sock', netrc: 'from-env-var' },
  readFile(path) {
    if (path === '/home/me/.netrc') return 'machine git.corp login me password pw-1a2b3c\n';
    if (path === '/home/me/.ssh/id_ed25519') return KEY;
    if (path === '/run/other.sock') throw errno('ENXIO');
    throw errno('ENOENT');
  },
};

Flags('--secret: src/source, env, type=env, and the id alone (a variable of that name, else a file)', () => {
  assert.equal(parseSecret('id=netrc,src=/home/me/.netrc', io), { id: 'netrc', value: Buffer.from('machine git.corp login me password pw-1a2b3c\n') });
  assert.equal(parseSecret('id=netrc,source=/home/me/.netrc', io).value.toString(), 'machine git.corp login me password pw-1a2b3c\n');
  assert.equal(parseSecret('id=token,env=GIT_TOKEN', io).value.toString(), 'tok-9f8e7d6c');
  assert.equal(parseSecret('type=env,id=token,src=GIT_TOKEN', io).value.toString(), 'tok-9f8e7d6c');
  assert.equal(parseSecret('id=netrc', io).value.toString(), 'from-env-var');
  for (const [bad, why] of [
    ['src=/home/me/.netrc', /needs id=ID/],
    ['id=x,file=/a', /unexpected key 'file'/],
    ['id=x,type=ssh', /unsupported secret type "ssh"/],
    ['id=token,env=NOPE', /the variable NOPE is not set/],
    ['id=x,src=/missing', /--secret id=x: src \/missing: no such file/],
    ['netrc', /'netrc' is not a key=value pair/],
  ] as const) {
    assert.throws(() => parseSecret(bad, io), (e: Error) => e instanceof UsageError && why.test(e.message), bad);
  }
});

Flags('--ssh: default is SSH_AUTH_SOCK; a path is a socket or key files', () => {
  assert.equal(parseSsh('default', io), { id: 'default', socket: '/run/agent.sock', keys: [] });
  assert.equal(parseSsh('default=/run/other.sock', io), { id: 'default', socket: '/run/other.sock', keys: [] });
  assert.equal(parseSsh('gitlab=/home/me/.ssh/id_ed25519', io), { id: 'gitlab', socket: null, keys: [Buffer.from(`${KEY}\n`)] });
  assert.throws(() => parseSsh('default', { ...io, env: {} }), /SSH_AUTH_SOCK is not set/);
  assert.throws(() => parseSsh('default=/nope', io), /\/nope: no such file or socket/);
  assert.throws(() => parseSsh('default=/run/other.sock,/home/me/.ssh/id_ed25519', io), /one agent socket, or key files, not both/);
});

Flags('the values are secrets of the run (scrubbed), and the flags need --mode build', () => {
  const dockerfile = { ...io, readFile: (p: string) => (p === 'Dockerfile' ? 'FROM golang:1.22\nRUN go mod download\n' : io.readFile(p)) };
  const parsed = parseArgs(['-f', 'Dockerfile', '--mode', 'build', '--secret', 'id=netrc,src=/home/me/.netrc', '--secret', 'id=token,env=GIT_TOKEN', '--ssh', 'default'], dockerfile);
  assert.is(parsed.kind, 'run');
  const opts = (parsed as { options: { secrets: readonly string[]; buildSecrets: readonly unknown[]; buildSsh: readonly unknown[] } }).options;
  assert.is(opts.buildSecrets.length, 2);
  assert.is(opts.buildSsh.length, 1);
  assert.is(scrub('echo pw-1a2b3c and tok-9f8e7d6c', opts.secrets), 'echo *** and ***');
  assert.throws(() => parseArgs(['-f', 'Dockerfile', '--secret', 'id=token,env=GIT_TOKEN'], dockerfile), /--secret is for the build step: add --mode build/);
  assert.throws(() => parseArgs(['-f', 'Dockerfile', '--mode', 'build'], { ...dockerfile, env: { DOCKER_BUILDKIT: 'yes' } }), /DOCKER_BUILDKIT="yes": the environment variable expects a boolean value/);
  const env0 = parseArgs(['-f', 'Dockerfile', '--mode', 'build'], { ...dockerfile, env: { DOCKER_BUILDKIT: '0' } });
  assert.is((env0 as { options: { dockerBuildkit: boolean | null } }).options.dockerBuildkit, false);
  assert.equal(buildSecretValues('machine h login u password p4ssw0rd-x\n'), ['machine h login u password p4ssw0rd-x\n', 'machine h login u password p4ssw0rd-x', 'p4ssw0rd-x']);
  // The config file keeps them out of committed files.
  assert.throws(() => parseConfigFile('.gomod-doctor.yaml', 'secret: id=netrc,src=.netrc\n'), /build secrets stay out of committed files/);
});

Flags.run();

// ---------------------------------------------------------------------------
const Network = suite('build.buildkit_network: docker build --network NAME under BuildKit');

Network('the engine\'s refusal is a fail naming what works; another failure stays build.failed', () => {
  const ev = (message: string, builder: 'buildkit' | 'classic' = 'buildkit') =>
    ({ context: { network: 'corp-net' }, buildStep: { builder, why: "the docker CLI's default (DOCKER_BUILDKIT unset)", ms: 40, evidence: null, error: { step: null, message, outputTail: [] } } }) as unknown as Evidence;
  const [row] = compareBuildStep([], [], ev('network mode "corp-net" not supported by buildkit'));
  assert.equal([row!.status, row!.cause, row!.target], ['fail', 'build.buildkit_network', 'buildkit builder']);
  assert.match(row!.summary, 'docker build --network corp-net fails with BuildKit (buildkit: the docker CLI\'s default (DOCKER_BUILDKIT unset))');
  for (const way of ['--network default or host', 'network=corp-net', 'DOCKER_BUILDKIT=0']) assert.match(row!.fix ?? '', way);
  assert.is(compareBuildStep([], [], ev('failed to solve: exit code: 1'))[0]!.cause, 'build.failed');
});

Network.run();
