/**
 * argv → DoctorOptions. yargs parses; the validators here turn anything malformed
 * into a UsageError naming the flag. Files (--env-file, --ca-cert) are read through
 * the injected `readFile`, so the mapping is testable without a filesystem.
 */
import { isIP } from 'node:net';
import { dirname, join } from 'node:path';
import yargs from 'yargs';
import { UsageError } from '../errors.js';
import { isSafeField } from '../agent/wire.js';
import { THROUGHPUT_MODULE, type DoctorOptions, type PrivateRepo, type UserTarget } from '../options.js';
import { envSecrets, netrcSecrets, redactUrl, splitEnv } from '../secrets.js';

export type ParsedArgs = { kind: 'run'; options: DoctorOptions } | { kind: 'exit'; code: 0; output: string };

export interface ArgsIo {
  env: Readonly<Record<string, string | undefined>>;
  readFile(path: string): string;
}

// docker/distribution reference grammar, simplified: [domain[:port]/]name[:tag][@digest], or an image id.
const NAME_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const DOMAIN = '(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::\\d+)?|\\[[0-9a-fA-F:]+\\](?::\\d+)?)';
const IMAGE_REF = new RegExp(
  `^(?:${DOMAIN}/)?${NAME_COMPONENT}(?:/${NAME_COMPONENT})*(?::[\\w][\\w.-]{0,127})?(?:@[a-z0-9]+(?:[+._-][a-z0-9]+)*:[0-9a-fA-F]{32,})?$`,
);
const IMAGE_ID = /^(?:sha256:)?[0-9a-f]{12,64}$/;
const HOSTNAME = /^(?=.{1,253}$)[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,62})(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,62}))*\.?$/;

export function validateImage(ref: string): string {
  if (!IMAGE_REF.test(ref) && !IMAGE_ID.test(ref)) {
    throw new UsageError(`--image ${JSON.stringify(ref)} is not a valid image reference`, 'expected NAME[:TAG][@DIGEST], e.g. golang:1.23-alpine');
  }
  return ref;
}

function validHost(h: string): boolean {
  return HOSTNAME.test(h) || isIP(h) !== 0;
}

export function parseTarget(value: string): UserTarget {
  if (/^https?:\/\//i.test(value)) {
    let u: URL;
    try {
      u = new URL(value);
    } catch {
      throw new UsageError(`--probe ${JSON.stringify(redactUrl(value))} is not a valid URL`);
    }
    const host = u.hostname.replace(/^\[|\]$/g, '');
    if (!validHost(host) || u.username || u.search || u.hash) throw new UsageError(`--probe ${JSON.stringify(redactUrl(value))}: expected https://HOST[:PORT][/PATH]`);
    return { host, port: Number(u.port || (u.protocol === 'http:' ? 80 : 443)), proxyUrl: `${u.protocol}//${u.host}${u.pathname.replace(/\/+$/, '')}` };
  }
  const m = /^(\[[0-9a-fA-F:]+\]|[^:]+)(?::(\d{1,5}))?$/.exec(value);
  const host = m?.[1]?.replace(/^\[|\]$/g, '') ?? '';
  const port = m?.[2] ? Number(m[2]) : 443;
  if (!m || !validHost(host) || port < 1 || port > 65535) {
    throw new UsageError(`--probe ${JSON.stringify(value)} is not HOST[:PORT] or a URL`, 'e.g. --probe goproxy.corp.example:443 or --probe https://goproxy.corp.example/go');
  }
  return { host, port, proxyUrl: null };
}

export function parseAddHost(value: string): string {
  // docker accepts host:ip and host=ip; the engine wants host:ip.
  const m = /^([^:=]+)[:=](.+)$/.exec(value);
  const host = m?.[1] ?? '';
  const ip = m?.[2]?.replace(/^\[|\]$/g, '') ?? '';
  if (!m || !HOSTNAME.test(host) || (isIP(ip) === 0 && ip !== 'host-gateway')) {
    throw new UsageError(`--add-host ${JSON.stringify(value)} is not HOST:IP`, 'e.g. --add-host proxy.golang.org:10.0.0.5');
  }
  return `${host}:${ip}`;
}

const REPO_HINT =
  'e.g. --private-repo https://git.corp.example/acme/lib.git, ssh://git@git.corp.example/acme/lib.git, git@git.corp.example:acme/lib.git or git.corp.example/acme/lib';

/** A --private-repo: an https or ssh git URL, scp-like `user@host:path`, or a module path. */
export function parsePrivateRepo(value: string): PrivateRepo {
  const bad = (why: string) => new UsageError(`--private-repo ${JSON.stringify(redactUrl(value))}: ${why}`, REPO_HINT);
  if (!isSafeField(value)) throw bad('unexpected characters');
  if (/^(https?|ssh):\/\//i.test(value)) {
    let u: URL;
    try {
      u = new URL(value);
    } catch {
      throw bad('not a valid URL');
    }
    const host = u.hostname.replace(/^\[|\]$/g, '');
    if (!validHost(host) || u.pathname.length < 2) throw bad('expected SCHEME://HOST[:PORT]/PATH');
    if (u.password || (u.username && u.protocol !== 'ssh:')) {
      throw bad('credentials do not belong in the URL (they would be printed and logged): use --netrc FILE or GOMOD_DOCTOR_GIT_TOKEN');
    }
    return { input: value, kind: u.protocol === 'ssh:' ? 'ssh' : 'https', url: value, host };
  }
  const scp = /^(?:[A-Za-z0-9._-]+@)?([A-Za-z0-9.-]+):(?!\/\/)([^:].*)$/.exec(value);
  if (scp && validHost(scp[1]!)) return { input: value, kind: 'ssh', url: value, host: scp[1]! };
  const mod = /^([a-z0-9][a-z0-9-]*(?:\.[a-z0-9][a-z0-9-]*)+)(\/[A-Za-z0-9._~+-]+)+$/.exec(value);
  if (mod) return { input: value, kind: 'module', url: value, host: mod[1]! };
  throw bad('not a git URL or a module path');
}

/** docker run -v SRC:DST[:OPTS]: a named volume or host path, an absolute container path. */
export function parseVolume(value: string): string {
  const m = /^([^:]+):(\/[^:]*)(?::([a-zA-Z,]+))?$/.exec(value);
  const opts = m?.[3]?.split(',') ?? [];
  if (!m || !opts.every((o) => ['ro', 'rw', 'z', 'Z', 'nocopy', 'cached', 'delegated', 'consistent'].includes(o))) {
    throw new UsageError(`--volume ${JSON.stringify(value)} is not SRC:DST[:ro]`, 'e.g. -v gomodcache:/go/pkg/mod:ro, as docker run -v');
  }
  return value;
}

/** Netrc lines for GOMOD_DOCTOR_GIT_TOKEN: one per https private-repo host. */
export function tokenNetrc(repos: PrivateRepo[], token: string, user: string): string {
  const hosts = [...new Set(repos.filter((r) => r.kind !== 'ssh').map((r) => r.host))];
  return hosts.map((h) => `machine ${h} login ${user} password ${token}\n`).join('');
}

/** --canary MODULE@VERSION: a module path and a semantic version, as `go mod download` takes them. */
export function parseCanary(value: string, flag = 'canary'): string {
  if (!/^[a-z0-9][a-z0-9.-]*\.[a-z]{2,}(\/[A-Za-z0-9._~+-]+)*@v\d+\.\d+\.\d+[A-Za-z0-9.+-]*$/.test(value)) {
    throw new UsageError(`--${flag} ${JSON.stringify(value)} is not MODULE@VERSION`, `e.g. --${flag} ${flag === 'canary' ? 'rsc.io/quote@v1.5.2' : THROUGHPUT_MODULE}`);
  }
  return value;
}

export function parseDuration(flag: string, value: string | number): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s)?$/.exec(String(value).trim());
  const ms = m ? Number(m[1]) * (m[2] === 'ms' ? 1 : 1000) : NaN;
  if (!Number.isFinite(ms) || ms < 100 || ms > 600_000) {
    throw new UsageError(`--${flag} ${JSON.stringify(String(value))} is not a duration between 100ms and 600s`, 'e.g. --timeout 5 or --timeout 2500ms');
  }
  return Math.round(ms);
}

/**
 * docker's --env-file rules: KEY=VALUE taken literally (no quotes, no expansion),
 * a bare KEY copies the variable from this shell when set, # starts a comment.
 */
export function parseEnvFile(text: string, path: string, env: ArgsIo['env']): string[] {
  const out: string[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    const l = line.replace(/^\s+/, '');
    if (!l || l.startsWith('#')) return;
    out.push(...envEntry(l, `${path}:${i + 1}`, env));
  });
  return out;
}

function envEntry(entry: string, where: string, env: ArgsIo['env']): string[] {
  const eq = entry.indexOf('=');
  const key = eq < 0 ? entry : entry.slice(0, eq);
  if (!key || /\s/.test(key)) throw new UsageError(`${where}: ${JSON.stringify(entry)} is not KEY=VALUE`);
  if (eq >= 0) return [entry];
  const fromShell = env[key];
  return fromShell === undefined ? [] : [`${key}=${fromShell}`];
}

/** --build-arg K=V, or a bare K copied from this shell as docker build does (dropped when unset). */
export function parseBuildArg(value: string, env: ArgsIo['env']): { name: string; value: string; origin: string } | null {
  const eq = value.indexOf('=');
  const name = eq < 0 ? value : value.slice(0, eq);
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    throw new UsageError(`--build-arg ${JSON.stringify(value)} is not NAME=VALUE`, 'e.g. --build-arg GO_VERSION=1.22, as docker build');
  }
  if (eq >= 0) return { name, value: value.slice(eq + 1), origin: '--build-arg' };
  const fromShell = env[name];
  return fromShell === undefined ? null : { name, value: fromShell, origin: '--build-arg (from this shell)' };
}

const USAGE = `gomod-doctor [doctor] [--image IMAGE | --dockerfile FILE [--target STAGE]] [options]

Starts a throwaway container from IMAGE (or from the Dockerfile stage that runs the go
command, with its ENV, ARGs, USER and WORKDIR), as the build's user, and tells why
\`go mod download\` would hang or fail there: DNS, TCP, TLS and module-proxy requests,
each timed, each with a fix. With no --image, ./Dockerfile is used when present.`;

export function parseArgs(argv: string[], io: ArgsIo): ParsedArgs {
  let output = '';
  const parser = yargs(argv)
    .scriptName('gomod-doctor')
    .usage(USAGE)
    .command(['doctor', '$0'], 'probe an image (the default command)')
    .option('image', { alias: 'i', type: 'string', describe: 'the build image to probe (pulled if missing)' })
    .option('user', { alias: 'u', type: 'string', describe: "run as this user instead of the image's USER (NAME|UID[:GID])" })
    .option('network', { type: 'string', describe: 'network to attach the probe to, as docker run/build --network' })
    .option('dns', { type: 'string', array: true, describe: 'DNS server for the container, as docker run/build --dns' })
    .option('add-host', { type: 'string', array: true, describe: 'HOST:IP entry for /etc/hosts, as docker --add-host' })
    .option('env', { alias: 'e', type: 'string', array: true, describe: 'KEY=VALUE (or KEY from this shell) for the container' })
    .option('env-file', { type: 'string', array: true, describe: 'file of KEY=VALUE lines, as docker --env-file' })
    .option('platform', { type: 'string', describe: 'image platform, e.g. linux/arm64' })
    .option('dockerfile', { alias: 'f', type: 'string', describe: 'probe the build stage of this Dockerfile (default ./Dockerfile when no --image)' })
    .option('target', { type: 'string', array: true, describe: 'with a Dockerfile: the stage, as docker build --target (without one: same as --probe, deprecated)' })
    .option('build-arg', { type: 'string', array: true, describe: 'NAME=VALUE for the Dockerfile, as docker build --build-arg' })
    .option('context', { type: 'string', describe: 'the build context directory (default: the current directory, as `docker build .`)' })
    .option('mode', { choices: ['run', 'build'] as const, default: 'run' as const, describe: 'build: also run the probes as a RUN step of a real build of the stage, and compare' })
    .option('probe', { type: 'string', array: true, describe: 'extra HOST[:PORT], or a module proxy URL, to probe' })
    .option('default-targets', { type: 'boolean', default: true, describe: 'probe proxy.golang.org, goproxy.cn, goproxy.io, github.com, sum.golang.org (--no-default-targets to skip)' })
    .option('timeout', { type: 'string', default: '5', describe: 'bound on each network step, in seconds (or 2500ms)' })
    .option('ca-cert', { type: 'string', describe: 'PEM file of an extra CA the probes trust (corporate TLS interception)' })
    .option('json', { type: 'boolean', default: false, describe: 'print one JSON document (contract: docs/json.md)' })
    .option('format', { choices: ['table', 'json'] as const, describe: 'output format' })
    .option('volume', { alias: 'v', type: 'string', array: true, describe: 'SRC:DST[:ro] mount, as docker run -v (e.g. the CI module cache)' })
    .option('private-repo', { type: 'string', array: true, describe: 'private git repo (https/ssh URL) or module path to check access to' })
    .option('netrc', { type: 'string', describe: 'netrc file with credentials for private repos (shipped into the probe only, never printed)' })
    .option('ssh-key', { type: 'string', describe: 'private key file for ssh private repos (shipped into the probe only)' })
    .option('ssh-agent', { type: 'boolean', default: false, describe: "forward this shell's SSH agent (SSH_AUTH_SOCK) into the probe" })
    .option('gomod', { type: 'string', describe: "the build's go.mod: check this toolchain satisfies its go/toolchain lines" })
    .option('fetch', { type: 'boolean', default: true, describe: "download the canary module with the image's own go command through each GOPROXY entry (throwaway caches); --no-fetch skips it" })
    .option('canary', { type: 'string', default: 'rsc.io/quote@v1.5.2', describe: 'MODULE@VERSION the fetch downloads' })
    .option('throughput', { type: 'string', describe: `also time a larger module zip from each proxy (default ${THROUGHPUT_MODULE})` })
    .option('host', { type: 'boolean', default: true, describe: 'run the same network probes from this machine and compare; --no-host skips it' })
    .option('debug', { type: 'boolean', default: false, describe: 'log engine calls and show stacks on errors' })
    .example('gomod-doctor --image golang:1.23-alpine', 'probe the official image as its own user')
    .example('gomod-doctor -f Dockerfile --target builder --build-arg GO_VERSION=1.23', 'probe the stage the build runs go mod download in')
    .example('gomod-doctor -i mybuilder --network corp --dns 10.0.0.2 -e HTTPS_PROXY=http://proxy:3128', 'probe as the build would run')
    .epilogue('Exit codes: 0 nothing failed, 1 a check failed, 2 bad usage, 3 the probes could not run.')
    .strict()
    .help()
    .version(false)
    .wrap(Math.min(100, process.stdout.columns || 100))
    .exitProcess(false)
    .fail((msg, err) => {
      throw new UsageError(msg ?? err?.message ?? 'invalid arguments', 'see gomod-doctor --help');
    });
  const a = parser.parseSync(argv, {}, (_err, _argv, out) => {
    output = out;
  });
  if (a.help || output) return { kind: 'exit', code: 0, output };
  if (a._.length > 1 || (a._.length === 1 && a._[0] !== 'doctor')) {
    throw new UsageError(`unknown command ${JSON.stringify(String(a._[a._.length - 1]))}`, 'see gomod-doctor --help');
  }
  const dockerfilePath = a.dockerfile ?? (a.image === undefined && readable(io, 'Dockerfile') ? 'Dockerfile' : null);
  if (a.image !== undefined && a.dockerfile !== undefined) {
    throw new UsageError('--image and --dockerfile exclude each other', 'the Dockerfile names its own base image; use --target STAGE to pick the stage');
  }
  if (!a.image && !dockerfilePath) {
    throw new UsageError('--image or --dockerfile is required (no ./Dockerfile here)', 'e.g. gomod-doctor --image golang:1.23-alpine, or gomod-doctor -f path/to/Dockerfile');
  }
  const stageTargets = dockerfilePath ? (a.target ?? []) : [];
  if (stageTargets.length > 1) throw new UsageError(`--target given ${stageTargets.length} times: a build has one target stage`);
  if (stageTargets[0] !== undefined && !/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(stageTargets[0])) {
    throw new UsageError(`--target ${JSON.stringify(stageTargets[0])} is not a stage name`);
  }
  if (!dockerfilePath && ((a['build-arg'] ?? []).length || a.context !== undefined || a.mode === 'build')) {
    throw new UsageError(`${a.mode === 'build' ? '--mode build' : (a['build-arg'] ?? []).length ? '--build-arg' : '--context'} needs a Dockerfile`, 'add --dockerfile FILE (without --image)');
  }
  const dockerfile = dockerfilePath
    ? {
        path: dockerfilePath,
        text: readOrFail(io, dockerfilePath, '--dockerfile'),
        contextDir: a.context ?? '.',
        dockerignore: readable(io, join(a.context ?? '.', '.dockerignore')) ? io.readFile(join(a.context ?? '.', '.dockerignore')) : null,
        target: stageTargets[0] ?? null,
        buildArgs: (a['build-arg'] ?? []).flatMap((b) => parseBuildArg(b, io.env) ?? []),
      }
    : null;
  // Before --dockerfile, --target named extra hosts; without a Dockerfile it still does.
  const probeValues = [...(a.probe ?? []), ...(dockerfilePath ? [] : (a.target ?? []))];
  const dns = (a.dns ?? []).map((d) => {
    if (isIP(d) === 0) throw new UsageError(`--dns ${JSON.stringify(d)} is not an IP address`);
    return d;
  });
  if (a.user !== undefined && !/^[A-Za-z0-9_][A-Za-z0-9_.-]*(:[A-Za-z0-9_][A-Za-z0-9_.-]*)?$/.test(a.user)) {
    throw new UsageError(`--user ${JSON.stringify(a.user)} is not NAME|UID[:GROUP|GID]`);
  }
  if (a.platform !== undefined && !/^[a-z0-9]+\/[a-z0-9_]+(\/[a-z0-9]+)?$/.test(a.platform)) {
    throw new UsageError(`--platform ${JSON.stringify(a.platform)} is not OS/ARCH[/VARIANT]`, 'e.g. --platform linux/arm64');
  }
  if (a.network !== undefined && !/^[A-Za-z0-9][A-Za-z0-9_.:-]*$/.test(a.network)) {
    throw new UsageError(`--network ${JSON.stringify(a.network)} is not a network name`);
  }
  const env: string[] = [];
  for (const file of a['env-file'] ?? []) env.push(...parseEnvFile(readOrFail(io, file, '--env-file'), file, io.env));
  for (const e of a.env ?? []) env.push(...envEntry(e, '-e', io.env));
  let caCertPem: string | null = null;
  if (a['ca-cert'] !== undefined) {
    caCertPem = readOrFail(io, a['ca-cert'], '--ca-cert');
    if (!/-----BEGIN CERTIFICATE-----/.test(caCertPem)) {
      throw new UsageError(`--ca-cert ${a['ca-cert']} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`);
    }
  }
  const privateRepos = (a['private-repo'] ?? []).map(parsePrivateRepo);
  let netrcText = a.netrc !== undefined ? readOrFail(io, a.netrc, '--netrc') : null;
  if (netrcText !== null && !/\b(machine|default)\b/.test(netrcText)) {
    throw new UsageError(`--netrc ${a.netrc} has no machine or default entry`);
  }
  const token = io.env.GOMOD_DOCTOR_GIT_TOKEN;
  const gitToken = token ? { user: io.env.GOMOD_DOCTOR_GIT_USER || 'oauth2', token } : null;
  if (gitToken) netrcText = (netrcText ?? '') + tokenNetrc(privateRepos, gitToken.token, gitToken.user);
  let sshKeyText: string | null = null;
  if (a['ssh-key'] !== undefined) {
    sshKeyText = readOrFail(io, a['ssh-key'], '--ssh-key');
    if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(sshKeyText)) throw new UsageError(`--ssh-key ${a['ssh-key']} holds no private key`);
    if (!sshKeyText.endsWith('\n')) sshKeyText += '\n';
  }
  const sshAgentSocket = a['ssh-agent'] ? (io.env.SSH_AUTH_SOCK ?? '') : null;
  if (sshAgentSocket === '') throw new UsageError('--ssh-agent: SSH_AUTH_SOCK is not set in this shell', 'start an agent: eval "$(ssh-agent)" && ssh-add');
  const gomod = a.gomod !== undefined ? { path: a.gomod, text: readOrFail(io, a.gomod, '--gomod'), vendor: readable(io, join(dirname(a.gomod), 'vendor', 'modules.txt')) } : null;
  const buildArgEnv = (dockerfile?.buildArgs ?? []).map((b) => `${b.name}=${b.value}`);
  const secrets = [...(netrcText ? netrcSecrets(netrcText) : []), ...(token ? [token] : []), ...envSecrets(splitEnv([...env, ...buildArgEnv]))];
  return {
    kind: 'run',
    options: {
      image: a.image !== undefined ? validateImage(a.image) : '',
      dockerfile,
      mode: a.mode,
      user: a.user ?? null,
      network: a.network ?? null,
      dns,
      addHosts: (a['add-host'] ?? []).map(parseAddHost),
      env,
      platform: a.platform ?? null,
      targets: probeValues.map(parseTarget),
      defaultTargets: a['default-targets'],
      timeoutMs: parseDuration('timeout', a.timeout),
      caCertPem,
      format: a.json ? 'json' : (a.format ?? 'table'),
      debug: a.debug,
      volumes: (a.volume ?? []).map(parseVolume),
      privateRepos,
      netrcText,
      gitToken,
      sshKeyText,
      sshAgentSocket,
      gomod,
      dockerConfigEnv: [],
      dockerConfigSource: null,
      fetch: a.fetch,
      canary: parseCanary(a.canary),
      throughput: a.throughput === undefined ? null : a.throughput === '' ? THROUGHPUT_MODULE : parseCanary(a.throughput, 'throughput'),
      hostProbes: a.host,
      secrets,
    },
  };
}

function readable(io: ArgsIo, path: string): boolean {
  try {
    io.readFile(path);
    return true;
  } catch {
    return false;
  }
}

function readOrFail(io: ArgsIo, path: string, flag: string): string {
  try {
    return io.readFile(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(`${flag} ${path}: ${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : 'cannot read it'}`);
  }
}
