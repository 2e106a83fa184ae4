// Which engine the docker CLI would talk to (src/engine/endpoint.ts), over a fake filesystem:
// every precedence rule of docker/cli, the context store layout, TLS material, and the one-line errors.
import https from 'node:https';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { contextDirName, describeEngineError, type EndpointIo, type EngineEndpoint, parseDaemonHost, resolveEndpoint } from '../../src/engine/endpoint.js';
import { UsageError } from '../../src/errors.js';

const HOME = '/home/dev';
const SOCK = '/var/run/docker.sock';

/** A fake io: `files` maps path → text, or an Error to throw on read (exists, unreadable). */
function io(env: Record<string, string>, files: Record<string, string | Error> = { [SOCK]: '' }): EndpointIo {
  return {
    env,
    homedir: HOME,
    exists: (p) => p in files,
    readFile: (p) => {
      const f = files[p];
      if (f === undefined) throw Object.assign(new Error(`ENOENT: ${p}`), { code: 'ENOENT' });
      if (f instanceof Error) throw f;
      return f;
    },
  };
}

/** The files of a context as `docker context create` writes them. */
function context(configDir: string, name: string, docker: Record<string, unknown>, tls: Record<string, string> = {}): Record<string, string> {
  const id = contextDirName(name);
  const files: Record<string, string> = { [`${configDir}/contexts/meta/${id}/meta.json`]: JSON.stringify({ Name: name, Metadata: {}, Endpoints: { docker } }) };
  for (const [file, text] of Object.entries(tls)) files[`${configDir}/contexts/tls/${id}/docker/${file}`] = text;
  return files;
}

const brief = (e: EngineEndpoint) => [e.endpoint, e.source, e.context, e.tls];

function usageError(fn: () => unknown): UsageError {
  try {
    fn();
  } catch (err) {
    assert.instance(err, UsageError);
    assert.not.match((err as Error).message, '\n', 'one line');
    return err as UsageError;
  }
  throw new assert.Assertion({ message: 'expected a UsageError', generated: true, operator: 'throws', expects: 'UsageError', actual: 'nothing' });
}

// ---------------------------------------------------------------------------
const Precedence = suite('endpoint precedence (docker/cli resolveContextName)');

Precedence('nothing set: the default socket, as the docker CLI', () => {
  const e = resolveEndpoint(io({}));
  assert.equal(brief(e), ['unix:///var/run/docker.sock', 'default', null, false]);
  assert.is(e.dockerodeOptions.socketPath, SOCK);
  assert.is(e.dockerodeOptions.protocol, 'http');
  // Set explicitly so docker-modem does not fill host from process.env.DOCKER_HOST.
  assert.ok('host' in e.dockerodeOptions && e.dockerodeOptions.host === undefined);
});

Precedence('DOCKER_HOST wins over DOCKER_CONTEXT and config.json currentContext (the context need not even exist)', () => {
  const files = { [`${HOME}/.docker/config.json`]: '{"currentContext":"lab"}' };
  const e = resolveEndpoint(io({ DOCKER_HOST: 'unix:///tmp/other.sock', DOCKER_CONTEXT: 'missing' }, files));
  assert.equal(brief(e), ['unix:///tmp/other.sock', 'DOCKER_HOST', null, false]);
  assert.is(e.dockerodeOptions.socketPath, '/tmp/other.sock');
});

Precedence('DOCKER_CONTEXT wins over config.json currentContext', () => {
  const files = { [`${HOME}/.docker/config.json`]: '{"currentContext":"lab"}', ...context(`${HOME}/.docker`, 'ci', { Host: 'tcp://ci.example:2375' }) };
  assert.equal(brief(resolveEndpoint(io({ DOCKER_CONTEXT: 'ci' }, files))), ['tcp://ci.example:2375', 'DOCKER_CONTEXT', 'ci', false]);
});

Precedence('config.json currentContext, read from $DOCKER_CONFIG when set', () => {
  const files = { '/cfg/config.json': '{"auths":{},"currentContext":"lab"}', ...context('/cfg', 'lab', { Host: 'unix:///run/lab.sock', SkipTLSVerify: false }) };
  const e = resolveEndpoint(io({ DOCKER_CONFIG: '/cfg' }, files));
  assert.equal(brief(e), ['unix:///run/lab.sock', 'config.json currentContext', 'lab', false]);
  assert.is(e.dockerodeOptions.socketPath, '/run/lab.sock');
  // ~/.docker is not consulted when DOCKER_CONFIG is set.
  assert.equal(brief(resolveEndpoint(io({}, { [SOCK]: '', ...files, [`${HOME}/.docker/config.json`]: '{}' }))), ['unix:///var/run/docker.sock', 'default', null, false]);
});

Precedence('context "default" (DOCKER_CONTEXT or currentContext) means the default endpoint', () => {
  const files = { [SOCK]: '', [`${HOME}/.docker/config.json`]: '{"currentContext":"lab"}' };
  assert.equal(brief(resolveEndpoint(io({ DOCKER_CONTEXT: 'default' }, files))), ['unix:///var/run/docker.sock', 'default', null, false]);
  assert.equal(brief(resolveEndpoint(io({}, { [SOCK]: '', [`${HOME}/.docker/config.json`]: '{"currentContext":"default"}' }))), ['unix:///var/run/docker.sock', 'default', null, false]);
});

Precedence('a config.json that does not parse is the CLI\'s empty config: default endpoint', () => {
  assert.equal(brief(resolveEndpoint(io({}, { [SOCK]: '', [`${HOME}/.docker/config.json`]: '{"currentContext": ' }))).slice(0, 2), ['unix:///var/run/docker.sock', 'default']);
});

Precedence('no /var/run/docker.sock: Podman\'s socket under $XDG_RUNTIME_DIR, then /run/podman; none: still the docker socket', () => {
  const env = { XDG_RUNTIME_DIR: '/run/user/1000' };
  assert.equal(brief(resolveEndpoint(io(env, { '/run/user/1000/podman/podman.sock': '', '/run/podman/podman.sock': '' }))), ['unix:///run/user/1000/podman/podman.sock', 'podman', null, false]);
  assert.equal(brief(resolveEndpoint(io(env, { '/run/podman/podman.sock': '' }))), ['unix:///run/podman/podman.sock', 'podman', null, false]);
  assert.equal(brief(resolveEndpoint(io(env, {}))), ['unix:///var/run/docker.sock', 'default', null, false]);
  // The docker socket wins when both exist.
  assert.equal(brief(resolveEndpoint(io(env, { [SOCK]: '', '/run/user/1000/podman/podman.sock': '' }))).slice(0, 2), ['unix:///var/run/docker.sock', 'default']);
});

// ---------------------------------------------------------------------------
const Hosts = suite('DOCKER_HOST forms (opts/hosts.go parseDockerDaemonHost)');

Hosts('tcp: a missing port is 2375 (ParseTCPAddr), with or without TLS; no scheme means tcp; IPv6 brackets', () => {
  const cases: Array<[string, string]> = [
    ['tcp://build.example', 'tcp://build.example:2375'],
    ['build.example:2376', 'tcp://build.example:2376'],
    ['tcp://:2376', 'tcp://localhost:2376'],
    ['tcp://', 'tcp://localhost:2375'],
    ['tcp://[::1]:2376', 'tcp://[::1]:2376'],
  ];
  for (const [value, endpoint] of cases) assert.is(parseDaemonHost(value).endpoint, endpoint, value);
  const e = resolveEndpoint(io({ DOCKER_HOST: 'tcp://10.0.0.5' }));
  assert.equal([e.dockerodeOptions.host, e.dockerodeOptions.port, e.dockerodeOptions.protocol], ['10.0.0.5', 2375, 'http']);
});

Hosts('unix:// without a path is the default socket; npipe keeps its pipe', () => {
  assert.is(parseDaemonHost('unix://').endpoint, 'unix:///var/run/docker.sock');
  assert.is(parseDaemonHost('npipe:////./pipe/docker_engine').endpoint, 'npipe:////./pipe/docker_engine');
});

Hosts('ssh://user@host:port → docker-modem\'s ssh protocol, the agent from SSH_AUTH_SOCK', () => {
  const e = resolveEndpoint(io({ DOCKER_HOST: 'ssh://deploy@build.example:2222', SSH_AUTH_SOCK: '/tmp/agent.sock' }));
  assert.equal(brief(e), ['ssh://deploy@build.example:2222', 'DOCKER_HOST', null, false]);
  assert.equal(e.dockerodeOptions, { protocol: 'ssh', host: 'build.example', port: 2222, username: 'deploy', sshOptions: { agent: '/tmp/agent.sock' } });
  // No user in the URL: ssh's default, the local user.
  assert.is(resolveEndpoint(io({ DOCKER_HOST: 'ssh://build.example', USER: 'dev' })).dockerodeOptions.username, 'dev');
});

Hosts('malformed DOCKER_HOST: one line naming the value', () => {
  assert.match(usageError(() => resolveEndpoint(io({ DOCKER_HOST: 'http://build.example:2375' }))).message, 'DOCKER_HOST has an unknown scheme "http": http://build.example:2375');
  assert.match(usageError(() => resolveEndpoint(io({ DOCKER_HOST: 'tcp://a://b' }))).message, 'DOCKER_HOST is malformed: tcp://a://b');
  assert.match(usageError(() => resolveEndpoint(io({ DOCKER_HOST: 'tcp://host:99999' }))).message, 'DOCKER_HOST is not a valid address');
  assert.match(usageError(() => resolveEndpoint(io({ DOCKER_HOST: 'fd://' }))).message, 'file descriptor');
  const pw = usageError(() => resolveEndpoint(io({ DOCKER_HOST: 'ssh://deploy:hunter22@build.example' })));
  assert.match(pw.message, 'password');
  assert.not.match(pw.message, 'hunter22');
});

// ---------------------------------------------------------------------------
const Tls = suite('TLS from the environment (cli/flags/options.go)');

const CERTS = { '/certs/ca.pem': 'CA', '/certs/cert.pem': 'CERT', '/certs/key.pem': 'KEY' };

Tls('DOCKER_TLS_VERIFY=1 + DOCKER_CERT_PATH: https with ca, cert and key', () => {
  const e = resolveEndpoint(io({ DOCKER_HOST: 'tcp://build.example:2376', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: '/certs' }, CERTS));
  assert.equal(brief(e), ['tcp://build.example:2376', 'DOCKER_HOST', null, true]);
  assert.is(e.tlsDir, '/certs');
  const o = e.dockerodeOptions;
  assert.equal([o.protocol, String(o.ca), String(o.cert), String(o.key), o.agent], ['https', 'CA', 'CERT', 'KEY', undefined]);
});

Tls('any non-empty DOCKER_TLS_VERIFY turns TLS on ("0" too, as the CLI reads it); the cert path defaults to the config dir', () => {
  const e = resolveEndpoint(io({ DOCKER_HOST: 'tcp://build.example:2376', DOCKER_TLS_VERIFY: '0', DOCKER_CONFIG: '/certs' }, CERTS));
  assert.equal([e.tls, e.dockerodeOptions.protocol, String(e.dockerodeOptions.ca)], [true, 'https', 'CA']);
});

Tls('no client certificate files: TLS with the CA only', () => {
  const e = resolveEndpoint(io({ DOCKER_HOST: 'tcp://b:2376', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: '/certs' }, { '/certs/ca.pem': 'CA' }));
  assert.equal([e.tls, String(e.dockerodeOptions.ca), e.dockerodeOptions.cert, e.dockerodeOptions.key], [true, 'CA', undefined, undefined]);
});

Tls('DOCKER_TLS alone: TLS without verification (an agent with rejectUnauthorized false)', () => {
  const e = resolveEndpoint(io({ DOCKER_HOST: 'tcp://b:2376', DOCKER_TLS: '1', DOCKER_CERT_PATH: '/certs' }, CERTS));
  assert.is(e.tls, true);
  assert.instance(e.dockerodeOptions.agent, https.Agent);
  assert.is((e.dockerodeOptions.agent as https.Agent).options.rejectUnauthorized, false);
});

Tls('TLS on without DOCKER_HOST: tcp://localhost:2376 (ParseHost defaultToTLS)', () => {
  assert.equal(brief(resolveEndpoint(io({ DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: '/certs' }, CERTS))), ['tcp://localhost:2376', 'default', null, true]);
});

Tls('a socket DOCKER_HOST never gets TLS, but the CLI still reads the files', () => {
  assert.equal(brief(resolveEndpoint(io({ DOCKER_HOST: 'unix:///var/run/docker.sock', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: '/certs' }, CERTS))).slice(2), [null, false]);
  usageError(() => resolveEndpoint(io({ DOCKER_HOST: 'unix:///var/run/docker.sock', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: '/nowhere' }, {})));
});

Tls('missing ca.pem or an unreadable cert: one line naming the file', () => {
  const missing = usageError(() => resolveEndpoint(io({ DOCKER_HOST: 'tcp://b:2376', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: '/nowhere' }, {})));
  assert.is(missing.message, 'DOCKER_TLS_VERIFY is set, but /nowhere/ca.pem cannot be read (ENOENT)');
  const denied = Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
  const unreadable = usageError(() => resolveEndpoint(io({ DOCKER_HOST: 'tcp://b:2376', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: '/certs' }, { ...CERTS, '/certs/key.pem': denied })));
  assert.is(unreadable.message, 'DOCKER_TLS_VERIFY is set, but /certs/key.pem cannot be read (EACCES)');
});

// ---------------------------------------------------------------------------
const Contexts = suite('context store (cli/context/store)');

Contexts('the store directory is the sha256 of the name (as docker writes it for "local")', () => {
  assert.is(contextDirName('local'), '25bf8e1a2393f1108d37029b3df5593236c755742ec93465bbafa9b290bddcf6');
});

Contexts('a tcp context with TLS files: https with its ca/cert/key; field names matched case-insensitively as Go does', () => {
  const id = contextDirName('remote-ci');
  const files = {
    [`${HOME}/.docker/config.json`]: '{"currentContext":"remote-ci"}',
    [`${HOME}/.docker/contexts/meta/${id}/meta.json`]: '{"name":"remote-ci","endpoints":{"docker":{"host":"tcp://ci.example:2376","skipTLSVerify":false}}}',
    [`${HOME}/.docker/contexts/tls/${id}/docker/ca.pem`]: 'CTX-CA',
    [`${HOME}/.docker/contexts/tls/${id}/docker/cert.pem`]: 'CTX-CERT',
    [`${HOME}/.docker/contexts/tls/${id}/docker/key.pem`]: 'CTX-KEY',
  };
  const e = resolveEndpoint(io({}, files));
  assert.equal(brief(e), ['tcp://ci.example:2376', 'config.json currentContext', 'remote-ci', true]);
  assert.is(e.tlsDir, `${HOME}/.docker/contexts/tls/${id}/docker`);
  assert.equal([e.dockerodeOptions.protocol, String(e.dockerodeOptions.ca), String(e.dockerodeOptions.cert), String(e.dockerodeOptions.key)], ['https', 'CTX-CA', 'CTX-CERT', 'CTX-KEY']);
});

Contexts('a tcp context without TLS files is plain http, even on 2376; SkipTLSVerify alone turns TLS on without verification', () => {
  const plain = resolveEndpoint(io({ DOCKER_CONTEXT: 'a' }, context(`${HOME}/.docker`, 'a', { Host: 'tcp://ci.example:2376' })));
  assert.equal([plain.tls, plain.dockerodeOptions.protocol], [false, 'http']);
  const skip = resolveEndpoint(io({ DOCKER_CONTEXT: 'b' }, context(`${HOME}/.docker`, 'b', { Host: 'tcp://ci.example:2376', SkipTLSVerify: true })));
  assert.equal([skip.tls, skip.dockerodeOptions.protocol, (skip.dockerodeOptions.agent as https.Agent).options.rejectUnauthorized], [true, 'https', false]);
});

Contexts('a socket or ssh context ignores TLS files (load.go isSocket / connection helper)', () => {
  const unix = resolveEndpoint(io({ DOCKER_CONTEXT: 'u' }, context(`${HOME}/.docker`, 'u', { Host: 'unix:///run/u.sock' }, { 'ca.pem': 'CA' })));
  assert.equal([unix.tls, unix.dockerodeOptions.socketPath], [false, '/run/u.sock']);
  const ssh = resolveEndpoint(io({ DOCKER_CONTEXT: 's' }, context(`${HOME}/.docker`, 's', { Host: 'ssh://ops@vm.example' })));
  assert.equal([ssh.endpoint, ssh.tls, ssh.dockerodeOptions.protocol, ssh.dockerodeOptions.username], ['ssh://ops@vm.example', false, 'ssh', 'ops']);
});

Contexts('a context that does not exist: one line with its name, where it came from and the path looked at', () => {
  const err = usageError(() => resolveEndpoint(io({}, { [`${HOME}/.docker/config.json`]: '{"currentContext":"gone"}' })));
  assert.is(err.message, `docker context "gone" (from config.json currentContext) does not exist: no ${HOME}/.docker/contexts/meta/${contextDirName('gone')}/meta.json`);
  assert.match(err.hint ?? '', 'docker context ls');
  assert.match(usageError(() => resolveEndpoint(io({ DOCKER_CONTEXT: 'nope' }, {}))).message, '"nope" (from DOCKER_CONTEXT) does not exist');
});

Contexts('garbled meta.json, no docker endpoint, a bad host, an unreadable TLS file: one line each', () => {
  const id = contextDirName('x');
  const meta = `${HOME}/.docker/contexts/meta/${id}/meta.json`;
  assert.match(usageError(() => resolveEndpoint(io({ DOCKER_CONTEXT: 'x' }, { [meta]: '{"Name":' }))).message, `docker context "x" (from DOCKER_CONTEXT) cannot be read: ${meta}`);
  assert.match(usageError(() => resolveEndpoint(io({ DOCKER_CONTEXT: 'x' }, { [meta]: '{"Name":"x","Endpoints":{}}' }))).message, 'has no docker endpoint');
  assert.match(usageError(() => resolveEndpoint(io({ DOCKER_CONTEXT: 'x' }, context(`${HOME}/.docker`, 'x', { Host: 'htp://x' })))).message, 'the host of docker context "x" has an unknown scheme "htp"');
  const denied = Object.assign(new Error('EACCES'), { code: 'EACCES' });
  const files = { ...context(`${HOME}/.docker`, 'x', { Host: 'tcp://ci:2376' }), [`${HOME}/.docker/contexts/tls/${id}/docker/ca.pem`]: denied };
  assert.match(usageError(() => resolveEndpoint(io({ DOCKER_CONTEXT: 'x' }, files))).message, `docker context "x" has TLS files, but ${HOME}/.docker/contexts/tls/${id}/docker/ca.pem cannot be read (EACCES)`);
});

Contexts('an empty Host in a context is the default socket', () => {
  assert.is(resolveEndpoint(io({ DOCKER_CONTEXT: 'e' }, context(`${HOME}/.docker`, 'e', { Host: '' }))).endpoint, 'unix:///var/run/docker.sock');
});

// ---------------------------------------------------------------------------
const Errors = suite('describeEngineError: one line a user can act on');

const err = (code: string, message = code) => Object.assign(new Error(message), { code });

Errors('TLS: a rejected client certificate (the engine hangs up), an untrusted engine certificate, a plain client to a TLS port', () => {
  const tlsEp = resolveEndpoint(io({ DOCKER_HOST: 'tcp://ci.example:2376', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: '/certs' }, CERTS));
  assert.is(describeEngineError(tlsEp, err('ECONNRESET', 'socket hang up')), 'the engine at tcp://ci.example:2376 (DOCKER_HOST) ended the TLS handshake: it does not accept the client certificate /certs/cert.pem (signed by a CA it does not trust, expired, or missing)');
  assert.is(describeEngineError(tlsEp, err('SELF_SIGNED_CERT_IN_CHAIN', 'self-signed certificate in certificate chain')), "the engine's TLS certificate is not trusted by /certs/ca.pem (SELF_SIGNED_CERT_IN_CHAIN): tcp://ci.example:2376 (DOCKER_HOST)");
  const plain = resolveEndpoint(io({ DOCKER_HOST: 'tcp://ci.example:2376' }));
  assert.match(describeEngineError(plain, new Error('(HTTP code 400) unexpected - Client sent an HTTP request to an HTTPS server.')), 'speaks TLS: set DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH');
});

Errors('sockets: missing, not permitted, refused; the origin is named', () => {
  const files = { [`${HOME}/.docker/config.json`]: '{"currentContext":"lab"}', ...context(`${HOME}/.docker`, 'lab', { Host: 'unix:///run/lab.sock' }) };
  const lab = resolveEndpoint(io({}, files));
  assert.is(describeEngineError(lab, err('ENOENT', 'connect ENOENT /run/lab.sock')), 'no engine socket at /run/lab.sock (docker context lab, from config.json currentContext): is the engine running (systemctl status docker)?');
  assert.match(describeEngineError(resolveEndpoint(io({})), err('EACCES')), 'permission denied on /var/run/docker.sock: add your user to the docker group');
  assert.match(describeEngineError(resolveEndpoint(io({ DOCKER_HOST: 'tcp://10.0.0.5:2375' })), err('ECONNREFUSED')), 'nothing accepts connections at tcp://10.0.0.5:2375 (DOCKER_HOST)');
  assert.match(describeEngineError(resolveEndpoint(io({ DOCKER_HOST: 'ssh://ops@vm' })), new Error('All configured authentication methods failed')), 'ssh-add');
});

Precedence.run();
Hosts.run();
Tls.run();
Contexts.run();
Errors.run();
