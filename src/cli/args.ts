/**
 * argv (+ the repository's config file) → what to do. yargs parses; the validators in
 * validate.ts turn anything malformed into a UsageError naming the flag (or config key).
 * Flags win over the config file. Files are read through the injected io, so the mapping
 * is testable without a filesystem.
 */
import { isIP } from 'node:net';
import { dirname, isAbsolute, join } from 'node:path';
import yargs from 'yargs';
import { UsageError } from '../errors.js';
import { EXIT_CODES_HELP } from '../exit-code.js';
import { type DoctorOptions, type OutputFormat, THROUGHPUT_MODULE, type Thresholds } from '../options.js';
import { buildSecretValues, envSecrets, netrcSecrets, splitEnv } from '../secrets.js';
import { type ConfigFile, type DoctorConfig, findConfigFile, parseConfigFile as parseConfigText } from './config-file.js';
import {
  type ArgsIo,
  envEntry,
  validateSelector,
  parseAddHost,
  parseBuildArg,
  parseCanary,
  parseDuration,
  parseEnvFile,
  parsePrivateRepo,
  parseSecret,
  parseSsh,
  parseTarget,
  parseVolume,
  readable,
  readOrFail,
  tokenNetrc,
  validateImage,
} from './validate.js';

export * from './validate.js';

export type ParsedArgs =
  | { kind: 'run'; options: DoctorOptions }
  | { kind: 'report'; options: DoctorOptions; out: string | null }
  | { kind: 'explain'; file: string; json: boolean }
  | { kind: 'exit'; code: 0; output: string };

const FORMATS = ['compact', 'table', 'list', 'json', 'markdown', 'junit', 'github'] as const;

const USAGE = `gomod-doctor [doctor] [--image IMAGE | --dockerfile FILE [--target STAGE]] [options]
gomod-doctor report [--out FILE] [doctor options]
gomod-doctor explain [FILE|-]

Starts a throwaway container from IMAGE (or from the Dockerfile stage that runs the go
command, with its ENV, ARGs, USER and WORKDIR), as the build's user, and tells why
\`go mod download\` would hang or fail there: DNS, TCP, TLS and module-proxy requests,
each timed, each with a fix. With no --image, ./Dockerfile is used when present.
Settings also come from .gomod-doctor.json/.yaml in the repository (flags win).`;

/** A path from the config file is relative to the file's directory. */
function fromConfig(cfg: ConfigFile | null, path: string | undefined): string | undefined {
  if (path === undefined || !cfg || isAbsolute(path)) return path;
  return join(dirname(cfg.path), path);
}

function configEnv(cfg: DoctorConfig): string[] {
  if (!cfg.env) return [];
  return Array.isArray(cfg.env) ? cfg.env : Object.entries(cfg.env).map(([k, v]) => `${k}=${v}`);
}

/** VERSION, when given, answers --version. */
export function parseArgs(argv: string[], io: ArgsIo, version?: string): ParsedArgs {
  let output = '';
  const parser = yargs(argv)
    .scriptName('gomod-doctor')
    .usage(USAGE)
    .command(['doctor', '$0'], 'probe an image or a Dockerfile stage (the default command)')
    .command('report', 'run the doctor and write everything it saw to one redacted file (+ .md) for a ticket', (y) =>
      y.option('out', { alias: 'o', type: 'string', describe: 'where to write the report (default gomod-doctor-report-<time>.json)' }),
    )
    .command('explain [file]', 'read a failing go/git/docker build log (FILE, or - for stdin) and name the failure and its fix', (y) =>
      y.positional('file', { type: 'string', default: '-', describe: 'the log file, or - for stdin' }),
    )
    .option('image', { alias: 'i', type: 'string', describe: 'the build image to probe (pulled if missing)' })
    .option('user', { alias: 'u', type: 'string', describe: "run as this user instead of the image's USER (NAME|UID[:GID])" })
    .option('network', { type: 'string', describe: 'network to attach the probe to, as docker run/build --network' })
    .option('dns', { type: 'string', array: true, describe: 'DNS server for the container, as docker run --dns' })
    .option('add-host', { type: 'string', array: true, describe: 'HOST:IP entry for /etc/hosts, as docker --add-host' })
    .option('env', { alias: 'e', type: 'string', array: true, describe: 'KEY=VALUE (or KEY from this shell) for the container' })
    .option('env-file', { type: 'string', array: true, describe: 'file of KEY=VALUE lines, as docker --env-file' })
    .option('platform', { type: 'string', describe: 'image platform, e.g. linux/arm64' })
    .option('dockerfile', { alias: 'f', type: 'string', describe: 'probe the build stage of this Dockerfile (default ./Dockerfile when no --image)' })
    .option('target', { type: 'string', array: true, describe: 'with a Dockerfile: the stage, as docker build --target (without one: same as --probe)' })
    .option('build-arg', { type: 'string', array: true, describe: 'NAME=VALUE for the Dockerfile, as docker build --build-arg' })
    .option('context', { type: 'string', describe: 'the build context directory (default: the current directory, as `docker build .`)' })
    .option('mode', { choices: ['run', 'build'] as const, describe: 'build: also run the probes as a RUN step of a real build of the stage, and compare (default run)' })
    .option('probe', { type: 'string', array: true, describe: 'extra HOST[:PORT], or a module proxy URL, to probe' })
    .option('default-targets', { type: 'boolean', describe: 'probe proxy.golang.org, goproxy.cn, goproxy.io, github.com, sum.golang.org (--no-default-targets to skip)' })
    .option('timeout', { type: 'string', describe: 'bound on each network step, in seconds (or 2500ms); default 5' })
    .option('ca-cert', { type: 'string', describe: 'PEM file of an extra CA the probes trust (corporate TLS interception)' })
    .option('json', { type: 'boolean', default: false, describe: 'same as --format json (contract: docs/json.md)' })
    .option('format', { choices: FORMATS, describe: 'compact (the default: one screen, what needs action, the verdict), table (every row; also -v), list (plain, no box drawing), json, markdown, junit, github (annotations + step summary; the default under GitHub Actions)' })
    .option('fail-on', { choices: ['fail', 'warn'] as const, describe: 'exit 1 on failures (default) or on warnings too' })
    .option('strict', { type: 'boolean', default: false, describe: 'same as --fail-on warn' })
    .option('only', { type: 'string', array: true, describe: 'only these check ids or categories (e.g. --only dns --only tls.handshake)' })
    .option('skip', { type: 'string', array: true, describe: 'leave out these check ids or categories' })
    .option('list-probes', { type: 'boolean', default: false, describe: 'print every host, command and mount the run would touch, and run nothing' })
    .option('verbose', { alias: 'v', type: 'boolean', default: false, describe: "every row (the full table), then each probe's raw evidence: the commands run in the container and their output" })
    .option('config', { type: 'string', describe: 'config file (default: .gomod-doctor.json/.yaml here or in a parent, up to the repository root); --no-config ignores it' })
    .option('volume', { type: 'string', array: true, describe: 'SRC:DST[:ro] mount, as docker run -v (e.g. the CI module cache)' })
    .option('private-repo', { type: 'string', array: true, describe: 'private git repo (https/ssh URL) or module path to check access to' })
    .option('netrc', { type: 'string', describe: 'netrc file with credentials for private repos (shipped into the probe only, never printed)' })
    .option('ssh-key', { type: 'string', describe: 'private key file for ssh private repos (shipped into the probe only)' })
    .option('ssh-agent', { type: 'boolean', default: false, describe: "forward this shell's SSH agent (SSH_AUTH_SOCK) into the probe" })
    .option('secret', { type: 'string', array: true, describe: '--mode build: id=ID[,src=FILE|,env=VAR] for RUN --mount=type=secret, as docker build (BuildKit; never printed)' })
    .option('ssh', { type: 'string', array: true, describe: '--mode build: default[=SOCKET|KEY,…] for RUN --mount=type=ssh, as docker build (BuildKit)' })
    .option('gomod', { type: 'string', describe: "the build's go.mod: check this toolchain satisfies its go/toolchain lines" })
    .option('fetch', { type: 'boolean', describe: "download the canary module with the image's own go command through each GOPROXY entry (throwaway caches); --no-fetch skips it" })
    .option('canary', { type: 'string', describe: 'MODULE@VERSION the fetch downloads (default rsc.io/quote@v1.5.2)' })
    .option('throughput', { type: 'string', describe: `also time a larger module zip from each proxy (default ${THROUGHPUT_MODULE})` })
    .option('host', { type: 'boolean', describe: 'run the same network probes from this machine and compare; --no-host skips it' })
    .option('debug', { type: 'boolean', default: false, describe: 'log engine calls and show stacks on errors' })
    .example('gomod-doctor --image golang:1.23-alpine', 'probe the official image as its own user')
    .example('gomod-doctor -f Dockerfile --target builder --build-arg GO_VERSION=1.23', 'probe the stage the build runs go mod download in')
    .example('gomod-doctor --format junit --strict > gomod-doctor.xml', 'a CI preflight: JUnit for the CI, warnings fail too')
    .example('gomod-doctor explain build.log', 'name the failure in a pasted log')
    .epilogue(EXIT_CODES_HELP)
    .strict()
    .help()
    .version(version ?? 'unknown')
    .wrap(Math.min(100, process.stdout.columns || 100))
    .exitProcess(false)
    .fail((msg, err) => {
      throw new UsageError(msg ?? err?.message ?? 'invalid arguments', 'see gomod-doctor --help');
    });
  const a = parser.parseSync(argv, {}, (_err, _argv, out) => {
    output = out;
  });
  if (a.help || a.version || output) return { kind: 'exit', code: 0, output };
  const command = a._.length ? String(a._[0]) : 'doctor';
  if (a._.length > 1 || !['doctor', 'report', 'explain'].includes(command)) {
    throw new UsageError(`unknown command ${JSON.stringify(String(a._[a._.length - 1]))}`, 'see gomod-doctor --help');
  }
  if (command === 'explain') return { kind: 'explain', file: String(a.file ?? '-'), json: a.json || a.format === 'json' };

  // --no-config arrives as config: false (yargs' negation).
  const cfgFile: ConfigFile | null = (a.config as unknown) === false ? null : loadConfig(a.config, io);
  const cfg: DoctorConfig = cfgFile?.config ?? {};
  const where = cfgFile ? cfgFile.path : '';

  const image = a.image ?? (a.dockerfile === undefined ? cfg.image : undefined);
  const dockerfileFlag = a.dockerfile ?? (a.image === undefined ? fromConfig(cfgFile, cfg.dockerfile) : undefined);
  const dockerfilePath = dockerfileFlag ?? (image === undefined && readable(io, 'Dockerfile') ? 'Dockerfile' : null);
  if (a.image !== undefined && a.dockerfile !== undefined) {
    throw new UsageError('--image and --dockerfile exclude each other', 'the Dockerfile names its own base image; use --target STAGE to pick the stage');
  }
  if (!image && !dockerfilePath) {
    throw new UsageError('--image or --dockerfile is required (no ./Dockerfile here)', 'e.g. gomod-doctor --image golang:1.23-alpine, or gomod-doctor -f path/to/Dockerfile');
  }
  const mode = a.mode ?? cfg.mode ?? 'run';
  const stageTargets = dockerfilePath ? (a.target ?? (cfg.target ? [cfg.target] : [])) : [];
  if (stageTargets.length > 1) throw new UsageError(`--target given ${stageTargets.length} times: a build has one target stage`);
  if (stageTargets[0] !== undefined && !/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(stageTargets[0])) {
    throw new UsageError(`--target ${JSON.stringify(stageTargets[0])} is not a stage name`);
  }
  const buildArgFlags = a['build-arg'] ?? [];
  const contextDir = a.context ?? fromConfig(cfgFile, cfg.context);
  if (!dockerfilePath && (buildArgFlags.length || contextDir !== undefined || mode === 'build')) {
    throw new UsageError(`${mode === 'build' ? '--mode build' : buildArgFlags.length ? '--build-arg' : '--context'} needs a Dockerfile`, 'add --dockerfile FILE (without --image)');
  }
  const buildArgs = buildArgFlags.length
    ? buildArgFlags.flatMap((b) => parseBuildArg(b, io.env) ?? [])
    : Object.entries(cfg.buildArgs ?? {}).map(([name, value]) => ({ name, value, origin: `${where} buildArgs` }));
  const ctx = contextDir ?? '.';
  const dockerfile = dockerfilePath
    ? {
        path: dockerfilePath,
        text: readOrFail(io, dockerfilePath, '--dockerfile'),
        contextDir: ctx,
        dockerignore: readable(io, join(ctx, '.dockerignore')) ? io.readFile(join(ctx, '.dockerignore')) : null,
        target: stageTargets[0] ?? null,
        buildArgs,
      }
    : null;
  // Before --dockerfile, --target named extra hosts; without a Dockerfile it still does.
  const probeValues = a.probe ?? (dockerfilePath ? undefined : a.target) ?? cfg.probe ?? [];
  const dns = (a.dns ?? cfg.dns ?? []).map((d) => {
    if (isIP(d) === 0) throw new UsageError(`--dns ${JSON.stringify(d)} is not an IP address`);
    return d;
  });
  const user = a.user ?? cfg.user;
  if (user !== undefined && !/^[A-Za-z0-9_][A-Za-z0-9_.-]*(:[A-Za-z0-9_][A-Za-z0-9_.-]*)?$/.test(user)) {
    throw new UsageError(`--user ${JSON.stringify(user)} is not NAME|UID[:GROUP|GID]`);
  }
  const platform = a.platform ?? cfg.platform;
  if (platform !== undefined && !/^[a-z0-9]+\/[a-z0-9_]+(\/[a-z0-9]+)?$/.test(platform)) {
    throw new UsageError(`--platform ${JSON.stringify(platform)} is not OS/ARCH[/VARIANT]`, 'e.g. --platform linux/arm64');
  }
  const network = a.network ?? cfg.network;
  if (network !== undefined && !/^[A-Za-z0-9][A-Za-z0-9_.:-]*$/.test(network)) {
    throw new UsageError(`--network ${JSON.stringify(network)} is not a network name`);
  }
  // The config's variables first: -e and --env-file given on the command line win (later wins).
  const env: string[] = [...configEnv(cfg)];
  for (const file of a['env-file'] ?? []) env.push(...parseEnvFile(readOrFail(io, file, '--env-file'), file, io.env));
  for (const e of a.env ?? []) env.push(...envEntry(e, '-e', io.env));
  const caFile = a['ca-cert'] ?? fromConfig(cfgFile, cfg.caCert);
  let caCertPem: string | null = null;
  if (caFile !== undefined) {
    caCertPem = readOrFail(io, caFile, '--ca-cert');
    if (!/-----BEGIN CERTIFICATE-----/.test(caCertPem)) {
      throw new UsageError(`--ca-cert ${caFile} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`);
    }
  }
  const privateRepos = (a['private-repo'] ?? cfg.privateRepos ?? []).map(parsePrivateRepo);
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
  const buildSecrets = (a.secret ?? []).map((v) => parseSecret(v, io));
  const buildSsh = (a.ssh ?? []).map((v) => parseSsh(v, io));
  if ((buildSecrets.length || buildSsh.length) && mode !== 'build') {
    throw new UsageError(`--${buildSecrets.length ? 'secret' : 'ssh'} is for the build step: add --mode build`, 'the container probe takes --netrc, --ssh-key or --ssh-agent');
  }
  const gomod = a.gomod !== undefined ? { path: a.gomod, text: readOrFail(io, a.gomod, '--gomod'), vendor: readable(io, join(dirname(a.gomod), 'vendor', 'modules.txt')) } : null;
  const buildArgEnv = buildArgs.map((b) => `${b.name}=${b.value}`);
  const secrets = [...(netrcText ? netrcSecrets(netrcText) : []), ...(token ? [token] : []), ...envSecrets(splitEnv([...env, ...buildArgEnv])), ...buildSecrets.flatMap((s) => buildSecretValues(s.value.toString('utf8')))];
  const throughputValue = a.throughput ?? (cfg.throughput === true ? '' : cfg.throughput === false ? undefined : cfg.throughput);
  const format: OutputFormat = a.json ? 'json' : (a.format ?? cfg.format ?? (io.env.GITHUB_ACTIONS === 'true' ? 'github' : 'compact'));
  const options: DoctorOptions = {
    image: image !== undefined ? validateImage(image) : '',
    dockerfile,
    mode,
    user: user ?? null,
    network: network ?? null,
    dns,
    addHosts: (a['add-host'] ?? cfg.addHosts ?? []).map(parseAddHost),
    env,
    platform: platform ?? null,
    targets: probeValues.map(parseTarget),
    defaultTargets: a['default-targets'] ?? cfg.defaultTargets ?? true,
    timeoutMs: parseDuration('timeout', a.timeout ?? cfg.timeout ?? '5'),
    caCertPem,
    format,
    failOn: a.strict ? 'warn' : (a['fail-on'] ?? cfg.failOn ?? 'fail'),
    only: (a.only ?? cfg.only ?? []).map((v) => validateSelector('--only', v)),
    skip: (a.skip ?? cfg.skip ?? []).map((v) => validateSelector('--skip', v)),
    thresholds: thresholdsFrom(cfg.thresholds),
    verbose: a.verbose,
    listProbes: a['list-probes'],
    configFile: cfgFile?.path ?? null,
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
    fetch: a.fetch ?? cfg.fetch ?? true,
    canary: parseCanary(a.canary ?? cfg.canary ?? 'rsc.io/quote@v1.5.2'),
    throughput: throughputValue === undefined ? null : throughputValue === '' ? THROUGHPUT_MODULE : parseCanary(throughputValue, 'throughput'),
    hostProbes: a.host ?? cfg.host ?? true,
    buildSecrets,
    buildSsh,
    dockerBuildkit: dockerBuildkit(io.env.DOCKER_BUILDKIT),
    secrets,
  };
  return command === 'report' ? { kind: 'report', options, out: (a.out as string | undefined) ?? null } : { kind: 'run', options };
}

/** DOCKER_BUILDKIT as the docker CLI reads it (Go's strconv.ParseBool); unset or empty: null. */
function dockerBuildkit(value: string | undefined): boolean | null {
  if (value === undefined || value === '') return null;
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(value)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(value)) return false;
  throw new UsageError(`DOCKER_BUILDKIT=${JSON.stringify(value)}: the environment variable expects a boolean value (1 or 0), as the docker CLI's`);
}

function thresholdsFrom(t: DoctorConfig['thresholds']): Thresholds {
  return { dnsMs: t?.dnsMs ?? null, tcpMs: t?.tcpMs ?? null, tlsMs: t?.tlsMs ?? null, httpMs: t?.httpMs ?? null, fetchMs: t?.fetchMs ?? null };
}

/** --config FILE, else the file found from the working directory up; io without a cwd finds none. */
function loadConfig(path: string | undefined, io: ArgsIo): ConfigFile | null {
  if (path !== undefined) {
    const text = readOrFail(io, path, '--config');
    return { path, config: parseConfigText(path, text) };
  }
  return io.cwd && io.exists ? findConfigFile(io.cwd, { exists: io.exists, readFile: io.readFile }) : null;
}
