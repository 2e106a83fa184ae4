/**
 * The endpoint resolver and the engine facts against the real engine: a docker context whose
 * socket is a test-started proxy to /var/run/docker.sock, DOCKER_HOST=tcp:// with
 * DOCKER_TLS_VERIFY through a test-started mutual-TLS front, and this engine's own settings
 * read through engineFactsFrom. Everything listens on loopback or in a temp directory.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import Docker from 'dockerode';
import forge from 'node-forge';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { engineFactsFrom, engineVersionFrom, hostRouteMtu, isRootless, pingBuilderVersion, readDaemonJson } from '../../src/engine/daemon-facts.js';
import { contextDirName, describeEngineError, nodeEndpointIo, resolveEndpoint } from '../../src/engine/endpoint.js';
import { ensureEngine } from '../helpers/engine.js';
import { makeLabCerts } from '../helpers/lab-certs.js';
import { loud, withTimeout } from '../helpers/timeout.js';
import { row, runJson } from '../helpers/cli.js';
import { BUSYBOX_TAG } from '../helpers/fixtures.js';

const ENGINE_SOCK = '/var/run/docker.sock';

interface Front {
  server: net.Server;
  connections: number;
  sockets: Set<net.Socket>;
  rejected: string[];
}

/** Pipe every accepted connection to the engine's socket; count them. */
function pipeToEngine(front: Front, client: net.Socket): void {
  front.connections += 1;
  const upstream = net.connect(ENGINE_SOCK);
  for (const s of [client, upstream]) {
    front.sockets.add(s);
    s.on('error', () => undefined);
    s.on('close', () => front.sockets.delete(s));
  }
  client.pipe(upstream).pipe(client);
  client.on('close', () => upstream.destroy());
  upstream.on('close', () => client.destroy());
}

function front(make: (onConnection: (s: net.Socket) => void) => net.Server): Front {
  const f: Front = { server: undefined as unknown as net.Server, connections: 0, sockets: new Set(), rejected: [] };
  f.server = make((s) => pipeToEngine(f, s));
  return f;
}

async function close(f: Front | undefined): Promise<void> {
  if (!f) return;
  for (const s of f.sockets) s.destroy();
  await new Promise<void>((resolve) => f.server.close(() => resolve()));
}

/** A CA and a client certificate it signs (clientAuth): the lab's leaves are server-only. */
function clientPki(cn: string): { caPem: string; cert: string; key: string } {
  const keys = () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs1', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
    return { pem: privateKey, priv: forge.pki.privateKeyFromPem(privateKey), pub: forge.pki.publicKeyFromPem(publicKey) };
  };
  const cert = (pub: forge.pki.PublicKey, subject: string, ca: boolean) => {
    const c = forge.pki.createCertificate();
    c.publicKey = pub;
    c.serialNumber = `01${randomBytes(15).toString('hex')}`;
    c.validity.notBefore = new Date(Date.now() - 86_400_000);
    c.validity.notAfter = new Date(Date.now() + 86_400_000 * 30);
    c.setSubject([{ name: 'commonName', value: subject }]);
    c.setExtensions(ca ? [{ name: 'basicConstraints', cA: true, critical: true }, { name: 'keyUsage', keyCertSign: true, digitalSignature: true, critical: true }] : [{ name: 'basicConstraints', cA: false }, { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true }, { name: 'extKeyUsage', clientAuth: true }]);
    return c;
  };
  const caKeys = keys();
  const caCert = cert(caKeys.pub, `${cn} CA`, true);
  caCert.setIssuer(caCert.subject.attributes);
  caCert.sign(caKeys.priv, forge.md.sha256.create());
  const leafKeys = keys();
  const leaf = cert(leafKeys.pub, cn, false);
  leaf.setIssuer(caCert.subject.attributes);
  leaf.sign(caKeys.priv, forge.md.sha256.create());
  return { caPem: forge.pki.certificateToPem(caCert), cert: forge.pki.certificateToPem(leaf), key: leafKeys.pem };
}

const listen = (server: net.Server, ...args: unknown[]) => new Promise<void>((resolve, reject) => {
  server.once('error', reject);
  (server.listen as (...a: unknown[]) => void)(...args, () => resolve());
});

const test = suite<{ dir: string; fronts: Front[]; servers: net.Server[] }>('engine endpoint e2e');

test.before(loud('endpoint', async (ctx) => {
  await ensureEngine();
  ctx.dir = mkdtempSync(join(tmpdir(), 'gmd-endpoint-'));
  ctx.fronts = [];
  ctx.servers = [];
}));

test.after(async (ctx) => {
  await Promise.all(ctx.fronts.map(close));
  await Promise.all(ctx.servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  if (ctx.dir) rmSync(ctx.dir, { recursive: true, force: true });
});

test('config.json currentContext "lab" → its meta.json socket: the engine answers through the test\'s proxy socket', async (ctx) => {
  const sock = join(ctx.dir, 'lab.sock');
  const f = front((on) => net.createServer(on));
  ctx.fronts.push(f);
  await listen(f.server, sock);
  const config = join(ctx.dir, 'docker-config');
  const meta = join(config, 'contexts', 'meta', contextDirName('lab'));
  mkdirSync(meta, { recursive: true });
  writeFileSync(join(config, 'config.json'), JSON.stringify({ auths: {}, currentContext: 'lab' }));
  writeFileSync(join(meta, 'meta.json'), JSON.stringify({ Name: 'lab', Metadata: {}, Endpoints: { docker: { Host: `unix://${sock}`, SkipTLSVerify: false } } }));

  const e = resolveEndpoint(nodeEndpointIo({ DOCKER_CONFIG: config }));
  assert.equal([e.endpoint, e.source, e.context, e.tls], [`unix://${sock}`, 'config.json currentContext', 'lab', false]);
  const v = await withTimeout(new Docker(e.dockerodeOptions as Docker.DockerOptions).version(), 15_000, 'version through the context');
  assert.match(v.ApiVersion, /^1\.\d+$/);
  assert.ok(f.connections > 0, 'the context socket saw no connection');
});

test('DOCKER_HOST=tcp:// + DOCKER_TLS_VERIFY + DOCKER_CERT_PATH: mutual TLS works; a client cert from another CA fails clearly', async (ctx) => {
  const lab = makeLabCerts('127.0.0.1'); // the server's certificate (IP SAN 127.0.0.1) and the CA the client trusts
  const clients = clientPki('gomod-doctor client');
  const stranger = clientPki('stranger');
  const f = front((on) => tls.createServer({ key: lab.good.key, cert: lab.good.cert, ca: clients.caPem, requestCert: true, rejectUnauthorized: true }, on));
  f.server.on('tlsClientError', (err) => f.rejected.push(err.message));
  ctx.fronts.push(f);
  await listen(f.server, 0, '127.0.0.1');
  const port = (f.server.address() as net.AddressInfo).port;

  const certDir = (name: string, client: { cert: string; key: string }) => {
    const dir = join(ctx.dir, name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'ca.pem'), lab.caPem);
    writeFileSync(join(dir, 'cert.pem'), client.cert);
    writeFileSync(join(dir, 'key.pem'), client.key, { mode: 0o600 });
    return dir;
  };
  const env = (dir: string) => ({ DOCKER_HOST: `tcp://127.0.0.1:${port}`, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: dir, DOCKER_CONFIG: join(ctx.dir, 'empty-config') });

  const good = resolveEndpoint(nodeEndpointIo(env(certDir('good-certs', clients))));
  assert.equal([good.endpoint, good.source, good.tls, good.dockerodeOptions.protocol], [`tcp://127.0.0.1:${port}`, 'DOCKER_HOST', true, 'https']);
  const v = await withTimeout(new Docker(good.dockerodeOptions as Docker.DockerOptions).version(), 15_000, 'version over mutual TLS');
  assert.match(v.Version, /\S/);
  assert.is(f.connections, 1);

  const bad = resolveEndpoint(nodeEndpointIo(env(certDir('stranger-certs', stranger))));
  const err = await withTimeout(new Docker(bad.dockerodeOptions as Docker.DockerOptions).version().then(() => null, (e: Error) => e), 15_000, 'version with a stranger cert');
  assert.ok(err, 'a client certificate from another CA was accepted');
  // Node's TLS server hangs up without an alert, so the raw error is a bare "socket hang up": describeEngineError says why.
  assert.is(describeEngineError(bad, err), `the engine at tcp://127.0.0.1:${port} (DOCKER_HOST) ended the TLS handshake: it does not accept the client certificate ${join(ctx.dir, 'stranger-certs')}/cert.pem (signed by a CA it does not trust, expired, or missing)`);
  assert.ok(f.rejected.length > 0, 'the TLS front did not reject the stranger');
  assert.is(f.connections, 1, 'the stranger reached the engine');

  // And the other way round: ca.pem does not sign the engine's certificate.
  const wrongCa = certDir('wrong-ca', clients);
  writeFileSync(join(wrongCa, 'ca.pem'), lab.rogueCaPem);
  const untrusting = resolveEndpoint(nodeEndpointIo(env(wrongCa)));
  const err2 = await withTimeout(new Docker(untrusting.dockerodeOptions as Docker.DockerOptions).version().then(() => null, (e: Error) => e), 15_000, 'version with the wrong ca.pem');
  assert.ok(err2, 'an engine certificate from another CA was trusted');
  assert.match(describeEngineError(untrusting, err2), `the engine's TLS certificate is not trusted by ${wrongCa}/ca.pem (`);
  assert.is(f.connections, 1, 'the untrusting client reached the engine');
});

test('this engine\'s real facts through engineFactsFrom: version, API, product, rootful, bridge MTU 1500', async (ctx) => {
  const io = nodeEndpointIo({ DOCKER_CONFIG: join(ctx.dir, 'empty-config') });
  const endpoint = resolveEndpoint(io);
  assert.is(endpoint.endpoint, `unix://${ENGINE_SOCK}`);
  const docker = new Docker(endpoint.dockerodeOptions as Docker.DockerOptions);
  const [info, version, bridge, builder, route] = await withTimeout(
    Promise.all([docker.info(), docker.version(), docker.getNetwork('bridge').inspect(), pingBuilderVersion(docker.modem as never), hostRouteMtu()]),
    15_000,
    'engine facts',
  );
  const facts = engineFactsFrom({ info, version, pingBuilderVersion: builder, bridgeNetwork: bridge, daemonJson: readDaemonJson(endpoint, isRootless(info), io), hostRoute: route }, endpoint);
  const v = engineVersionFrom(version);
  assert.match(v.version ?? '', /^\d+\.\d+/);
  assert.match(v.apiVersion ?? '', /^1\.\d+$/);
  assert.equal([facts.product, facts.rootless, facts.bridgeMtu, facts.endpointSource, facts.daemonConfigPath], ['Docker Engine', false, 1500, 'default', '/etc/docker/daemon.json']);
  assert.ok(Array.isArray(facts.daemonDns), 'daemon.json (or its absence) is known for the local engine');
  assert.ok(builder === null || /^[12]$/.test(builder));
  assert.ok(facts.hostRouteMtu === null || facts.hostRouteMtu >= 576, `route MTU ${facts.hostRouteMtu}`);
});

test('engine.mtu on the real engine: a default route through a 1500 link passes; through a 1400 tunnel it warns with the daemon.json fix', async () => {
  // The bridge is 1500 on this engine; the doctor's own route is a dummy device in its namespace.
  const args = ['--image', BUSYBOX_TAG, '--network', 'none', '--no-default-targets', '--no-host', '--no-fetch', '--only', 'engine.mtu'];
  const plain = await runJson(args, { routeMtu: 1500 });
  const pass = row(plain.report, 'engine.mtu', 'bridge');
  assert.is(pass.status, 'pass', pass.summary);
  assert.match(pass.summary, "default bridge MTU 1500, this machine's default route MTU 1500 (gmd0)");
  assert.is(plain.code, 0, plain.stderr);
  const tunnel = await runJson(args, { routeMtu: 1400 });
  const warn = row(tunnel.report, 'engine.mtu', 'bridge');
  assert.is(warn.status, 'warn');
  assert.is(warn.cause, 'engine.mtu');
  assert.match(warn.summary, 'default route (gmd0) 1400');
  assert.match(warn.fix ?? '', '"mtu": 1400 in /etc/docker/daemon.json');
});

test('pingBuilderVersion gets the header through a real docker-modem dial', async (ctx) => {
  const sock = join(ctx.dir, 'ping.sock');
  const server = http.createServer((req, res) => {
    res.writeHead(req.url === '/_ping' ? 200 : 404, { 'Builder-Version': '2', 'Api-Version': '1.45', 'Content-Type': 'text/plain' });
    res.end('OK');
  });
  ctx.servers.push(server);
  await listen(server, sock);
  const docker = new Docker({ socketPath: sock });
  assert.is(await withTimeout(pingBuilderVersion(docker.modem as never), 5000, 'ping'), '2');
});

test.run();
