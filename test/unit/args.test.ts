// src/cli/args.ts: argv → DoctorOptions, and every malformed input → a UsageError naming the flag.
// Files are read through a fake io, so nothing touches the filesystem.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { type ArgsIo, parseArgs } from '../../src/cli/args.js';
import { UsageError } from '../../src/errors.js';
import type { DoctorOptions } from '../../src/options.js';

const PEM = '-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU\n-----END CERTIFICATE-----\n';
const FILES: Record<string, string> = {
  'build.env': [
    '# proxies for the build',
    '',
    'HTTPS_PROXY=http://proxy.corp:3128',
    '   NO_PROXY=.corp.example,10.0.0.0/8',
    'GOPRIVATE="git.corp.example/*"',
    'FROM_SHELL',
    'NOT_IN_SHELL',
    'GOFLAGS=-mod=mod -x',
    'EMPTY=',
    'CRLF=yes\r',
    '',
  ].join('\n'),
  'corp-ca.pem': PEM,
  'not-a-cert.pem': 'hello\n',
  'bad.env': 'GOOD=1\nBAD KEY=2\n',
  'build/Dockerfile': 'FROM golang:1.23-alpine AS builder\nRUN go mod download\n',
  'ctx/.dockerignore': '*\n!go.mod\n',
};

function errno(code: string): NodeJS.ErrnoException {
  const e: NodeJS.ErrnoException = new Error(`${code}: fake`);
  e.code = code;
  return e;
}

const io: ArgsIo = {
  env: { FROM_SHELL: 'shell value', HTTP_PROXY: 'http://shell-proxy:3128' },
  readFile(path: string): string {
    if (path === 'secret.env') throw errno('EACCES');
    const text = FILES[path];
    if (text === undefined) throw errno('ENOENT');
    return text;
  },
};

function run(argv: string[]): DoctorOptions {
  const parsed = parseArgs(argv, io);
  if (parsed.kind !== 'run') throw new Error(`expected a run, got ${JSON.stringify(parsed)}`);
  return parsed.options;
}

const DEFAULTS: DoctorOptions = {
  image: 'golang:1.23-alpine',
  dockerfile: null,
  mode: 'run',
  user: null,
  network: null,
  dns: [],
  addHosts: [],
  env: [],
  platform: null,
  targets: [],
  defaultTargets: true,
  timeoutMs: 5000,
  caCertPem: null,
  format: 'compact',
  failOn: 'fail',
  only: [],
  skip: [],
  thresholds: { dnsMs: null, tcpMs: null, tlsMs: null, httpMs: null, fetchMs: null },
  verbose: false,
  listProbes: false,
  configFile: null,
  debug: false,
  volumes: [],
  privateRepos: [],
  netrcText: null,
  gitToken: null,
  sshKeyText: null,
  sshAgentSocket: null,
  gomod: null,
  dockerConfigEnv: [],
  dockerConfigSource: null,
  fetch: true,
  canary: 'rsc.io/quote@v1.5.2',
  throughput: null,
  hostProbes: true,
  buildSecrets: [],
  buildSsh: [],
  dockerBuildkit: null,
  secrets: [],
};

const Mapping = suite('parseArgs: argv → DoctorOptions');

const IMG = ['--image', 'golang:1.23-alpine'];
const cases: Array<[string, string[], Partial<DoctorOptions>]> = [
  ['defaults', IMG, {}],
  ['-i alias and doctor command', ['doctor', '-i', 'golang:1.23-alpine'], {}],
  ['registry, path, tag and digest', ['-i', `registry.corp:5000/team/builder:1.0@sha256:${'ab'.repeat(32)}`], { image: `registry.corp:5000/team/builder:1.0@sha256:${'ab'.repeat(32)}` }],
  ['an image id', ['-i', `sha256:${'0f'.repeat(32)}`], { image: `sha256:${'0f'.repeat(32)}` }],
  ['user uid:gid', [...IMG, '--user', '1000:1000'], { user: '1000:1000' }],
  ['user name', [...IMG, '-u', 'app'], { user: 'app' }],
  ['network', [...IMG, '--network', 'corp_net'], { network: 'corp_net' }],
  ['dns v4 and v6, repeated', [...IMG, '--dns', '10.0.0.2', '--dns', 'fd00::53'], { dns: ['10.0.0.2', 'fd00::53'] }],
  ['add-host host:ip and host=ip', [...IMG, '--add-host', 'proxy.golang.org:10.0.0.5', '--add-host', 'git.corp=10.0.0.6'], { addHosts: ['proxy.golang.org:10.0.0.5', 'git.corp:10.0.0.6'] }],
  ['add-host [v6] and host-gateway', [...IMG, '--add-host', 'v6.corp=[fd00::5]', '--add-host', 'host.docker.internal:host-gateway'], { addHosts: ['v6.corp:fd00::5', 'host.docker.internal:host-gateway'] }],
  ['-e KEY=V, values with = and spaces kept', [...IMG, '-e', 'GOPROXY=https://goproxy.cn,direct', '-e', 'GOFLAGS=-mod=mod -x'], { env: ['GOPROXY=https://goproxy.cn,direct', 'GOFLAGS=-mod=mod -x'] }],
  ['-e KEY copies the shell value', [...IMG, '-e', 'FROM_SHELL', '--env', 'HTTP_PROXY'], { env: ['FROM_SHELL=shell value', 'HTTP_PROXY=http://shell-proxy:3128'] }],
  ['-e KEY absent from the shell is dropped', [...IMG, '-e', 'NOT_IN_SHELL'], { env: [] }],
  ['-e KEY= keeps an empty value', [...IMG, '-e', 'GOFLAGS='], { env: ['GOFLAGS='] }],
  [
    '--env-file: comments, blanks, literal quotes, bare keys, CRLF; then -e (later wins)',
    [...IMG, '-e', 'HTTPS_PROXY=http://override:8080', '--env-file', 'build.env'],
    {
      env: [
        'HTTPS_PROXY=http://proxy.corp:3128',
        'NO_PROXY=.corp.example,10.0.0.0/8',
        'GOPRIVATE="git.corp.example/*"',
        'FROM_SHELL=shell value',
        'GOFLAGS=-mod=mod -x',
        'EMPTY=',
        'CRLF=yes',
        'HTTPS_PROXY=http://override:8080',
      ],
    },
  ],
  ['platform', [...IMG, '--platform', 'linux/arm64/v8'], { platform: 'linux/arm64/v8' }],
  ['target HOST → :443', [...IMG, '--probe', 'goproxy.corp.example'], { targets: [{ host: 'goproxy.corp.example', port: 443, proxyUrl: null }] }],
  ['target HOST:PORT', [...IMG, '--probe', 'git.corp:22'], { targets: [{ host: 'git.corp', port: 22, proxyUrl: null }] }],
  ['target IPv4:PORT', [...IMG, '--probe', '10.0.0.5:8443'], { targets: [{ host: '10.0.0.5', port: 8443, proxyUrl: null }] }],
  ['target [v6]:port', [...IMG, '--probe', '[fd00::5]:3128'], { targets: [{ host: 'fd00::5', port: 3128, proxyUrl: null }] }],
  ['target https URL with path → proxyUrl', [...IMG, '--probe', 'https://goproxy.corp.example/go/'], { targets: [{ host: 'goproxy.corp.example', port: 443, proxyUrl: 'https://goproxy.corp.example/go' }] }],
  ['target http URL with port', [...IMG, '--probe', 'http://athens:3000'], { targets: [{ host: 'athens', port: 3000, proxyUrl: 'http://athens:3000' }] }],
  ['target without a Dockerfile: still a host (before --probe existed)', [...IMG, '--target', 'git.corp:22'], { targets: [{ host: 'git.corp', port: 22, proxyUrl: null }] }],
  [
    'dockerfile: --target is the stage, --build-arg in order (bare name from this shell), --context and its .dockerignore',
    ['-f', 'build/Dockerfile', '--target', 'builder', '--build-arg', 'GO_VERSION=1.23', '--build-arg', 'FROM_SHELL', '--build-arg', 'NOT_IN_SHELL', '--context', 'ctx', '--mode', 'build'],
    {
      image: '',
      mode: 'build',
      dockerfile: {
        path: 'build/Dockerfile',
        text: FILES['build/Dockerfile']!,
        contextDir: 'ctx',
        dockerignore: '*\n!go.mod\n',
        target: 'builder',
        buildArgs: [
          { name: 'GO_VERSION', value: '1.23', origin: '--build-arg' },
          { name: 'FROM_SHELL', value: 'shell value', origin: '--build-arg (from this shell)' },
        ],
      },
    },
  ],
  ['--no-default-targets', [...IMG, '--no-default-targets'], { defaultTargets: false }],
  ['timeout in seconds', [...IMG, '--timeout', '5'], { timeoutMs: 5000 }],
  ['timeout with s', [...IMG, '--timeout', '1.5s'], { timeoutMs: 1500 }],
  ['timeout in ms', [...IMG, '--timeout', '2500ms'], { timeoutMs: 2500 }],
  ['timeout bounds', [...IMG, '--timeout', '600'], { timeoutMs: 600_000 }],
  ['ca-cert read through io', [...IMG, '--ca-cert', 'corp-ca.pem'], { caCertPem: PEM }],
  ['--json', [...IMG, '--json'], { format: 'json' }],
  ['--format json', [...IMG, '--format', 'json'], { format: 'json' }],
  ['--debug', [...IMG, '--debug'], { debug: true }],
];
for (const [name, argv, want] of cases) {
  Mapping(name, () => assert.equal(run(argv), { ...DEFAULTS, ...want }));
}

Mapping('--help exits 0 with the usage', () => {
  const parsed = parseArgs(['--help'], io);
  assert.is(parsed.kind, 'exit');
  if (parsed.kind !== 'exit') return;
  assert.is(parsed.code, 0);
  assert.match(parsed.output, '--image');
  assert.match(parsed.output, '--no-default-targets');
});

const Errors = suite('parseArgs: malformed input → UsageError');

// [argv, what the message must say (it names the flag)]
const errors: Array<[string[], RegExp]> = [
  [[], /--image or --dockerfile is required/],
  [['doctor'], /--image or --dockerfile is required \(no \.\/Dockerfile here\)/],
  [[...IMG, '-f', 'build/Dockerfile'], /^--image and --dockerfile exclude each other/],
  [['-f', 'missing/Dockerfile'], /^--dockerfile missing\/Dockerfile: no such file/],
  [['-f', 'build/Dockerfile', '--target', 'a', '--target', 'b'], /^--target given 2 times/],
  [['-f', 'build/Dockerfile', '--build-arg', 'BAD-NAME=1'], /^--build-arg "BAD-NAME=1" is not NAME=VALUE/],
  [[...IMG, '--build-arg', 'A=1'], /^--build-arg needs a Dockerfile/],
  [[...IMG, '--mode', 'build'], /^--mode build needs a Dockerfile/],
  [['-f', 'build/Dockerfile', '--mode', 'later'], /mode/],
  [['--image', 'bad image!'], /^--image "bad image!"/],
  [['--image', 'UPPER:tag'], /^--image "UPPER:tag"/],
  [['--image', 'a b'], /^--image "a b"/],
  [['--image', 'golang:'], /^--image/],
  [['--image', 'a'.repeat(300)], /the name is 300 characters \(at most 255\)/],
  [['--image', 'golang@sha256:short'], /^--image/],
  [[...IMG, '--dns', 'dns.corp'], /^--dns "dns.corp" is not an IP/],
  [[...IMG, '--dns', '10.0.0'], /^--dns/],
  [[...IMG, '--add-host', 'proxy.golang.org'], /^--add-host "proxy.golang.org"/],
  [[...IMG, '--add-host', 'proxy.golang.org:'], /^--add-host/],
  [[...IMG, '--add-host', 'proxy.golang.org:not-an-ip'], /^--add-host/],
  [[...IMG, '--add-host', 'bad host:10.0.0.1'], /^--add-host/],
  [[...IMG, '--probe', 'goproxy.corp:70000'], /^--probe "goproxy.corp:70000"/],
  [[...IMG, '--probe', 'goproxy.corp:0'], /^--probe/],
  [[...IMG, '--probe', 'bad_host!'], /^--probe/],
  [[...IMG, '--probe', 'https://user:pw@goproxy.corp/'], /^--probe/],
  [[...IMG, '--probe', 'https://goproxy.corp/?q=1'], /^--probe/],
  [[...IMG, '--timeout', 'abc'], /^--timeout "abc"/],
  [[...IMG, '--timeout', '0'], /^--timeout "0"/],
  [[...IMG, '--timeout', '99ms'], /^--timeout/],
  [[...IMG, '--timeout', '601'], /^--timeout/],
  [[...IMG, '--timeout', '-1'], /timeout|Unknown argument/],
  [[...IMG, '--user', 'a b'], /^--user/],
  [[...IMG, '--platform', 'linux'], /^--platform "linux"/],
  [[...IMG, '--network', 'bad net'], /^--network/],
  [[...IMG, '-e', '=value'], /^-e: "=value" is not KEY=VALUE/],
  [[...IMG, '-e', 'BAD KEY=1'], /^-e/],
  [[...IMG, '--bogus'], /Unknown argument: bogus/],
  [[...IMG, 'extra'], /Unknown argument: extra|unknown command/],
  [[...IMG, '--format', 'xml'], /format/],
  [[...IMG, '--ca-cert', 'not-a-cert.pem'], /^--ca-cert not-a-cert.pem holds no PEM certificate/],
  [[...IMG, '--ca-cert', 'missing.pem'], /^--ca-cert missing.pem: no such file/],
  [[...IMG, '--env-file', 'missing.env'], /^--env-file missing.env: no such file/],
  [[...IMG, '--env-file', 'secret.env'], /^--env-file secret.env: permission denied/],
  [[...IMG, '--env-file', 'bad.env'], /^bad.env:2: "BAD KEY=2" is not KEY=VALUE/],
];
for (const [argv, message] of errors) {
  Errors(argv.join(' ') || '(no arguments)', () => {
    try {
      parseArgs(argv, io);
    } catch (err) {
      assert.instance(err, UsageError);
      assert.is((err as UsageError).exitCode, 2);
      assert.match((err as Error).message, message);
      return;
    }
    assert.unreachable('expected a UsageError');
  });
}

Mapping.run();
Errors.run();
