// src/host/probe.ts and src/host/roots.ts: the container's network probes run from the host.
// Pure parts on recorded input; the rest against loopback servers only (TLS with the lab CA,
// a closed port, a silent port, CONNECT proxies). No name here reaches a real resolver:
// names other than localhost go through a fake lookup (glibc forwards even `.invalid` to the DNS server).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rootCertificates } from 'node:tls';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  type HostProbeInput,
  type HostProbeOps,
  defaultHostOps,
  dnsOutcome,
  hostProxyEnv,
  isCertError,
  parseAddHosts,
  parseIpRouteGet,
  parseIpRouteBatch,
  canonicalAddress,
  parseNameservers,
  pickAddress,
  probeHost,
  tcpOutcome,
} from '../../src/host/probe.js';
import { type CertFs, goRootSources, hostRootPems } from '../../src/host/roots.js';
import type { PlannedTarget } from '../../src/model.js';
import { makeLabCerts } from '../helpers/lab-certs.js';

// --- pure parts -------------------------------------------------------------------------
const Codes = suite('host probe: error codes → outcomes');

Codes('dns: ENOTFOUND is nxdomain, EAI_AGAIN a timeout, the rest errors', () => {
  assert.is(dnsOutcome('ENOTFOUND'), 'nxdomain');
  assert.is(dnsOutcome('ENODATA'), 'nxdomain');
  assert.is(dnsOutcome('EAI_AGAIN'), 'timeout');
  assert.is(dnsOutcome('EAI_FAIL'), 'error');
  assert.is(dnsOutcome(''), 'error');
});

Codes('tcp: refused, unreachable, timeout, error', () => {
  assert.is(tcpOutcome('ECONNREFUSED'), 'refused');
  assert.is(tcpOutcome('EHOSTUNREACH'), 'unreachable');
  assert.is(tcpOutcome('ENETUNREACH'), 'unreachable');
  assert.is(tcpOutcome('ETIMEDOUT'), 'timeout');
  assert.is(tcpOutcome('ECONNRESET'), 'error');
});

Codes('certificate errors are told from connection errors', () => {
  for (const code of ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID', 'ERR_TLS_CERT_ALTNAME_INVALID', 'ERR_SSL_WRONG_VERSION_NUMBER']) {
    assert.ok(isCertError(code), code);
  }
  for (const code of ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', '']) assert.not.ok(isCertError(code), code);
});

const Route = suite('host probe: `ip -j route get` (iproute2 6.1, recorded)');

Route('a local address: type local, device lo, no route MTU', () => {
  const json = '[{"type":"local","dst":"127.0.0.1","dev":"lo","prefsrc":"127.0.0.1","flags":[],"uid":0,"cache":["local"]}]';
  assert.equal(parseIpRouteGet(json), { device: 'lo', mtu: null, local: true });
});

Route('via a gateway: the device, the MTU left to /sys', () => {
  const json = '[{"dst":"203.0.113.5","gateway":"192.0.2.1","dev":"eth0","prefsrc":"192.0.2.2","flags":[],"uid":0,"cache":[]}]';
  assert.equal(parseIpRouteGet(json), { device: 'eth0', mtu: null, local: false });
});

Route('a route with its own MTU (`ip route add ... mtu 1400`), IPv4 and IPv6', () => {
  const v4 = '[{"dst":"198.51.100.7","dev":"lo","flags":[],"uid":0,"cache":["local"],"metrics":[{"mtu":1400}]}]';
  assert.equal(parseIpRouteGet(v4), { device: 'lo', mtu: 1400, local: false });
  const v6 = '[{"dst":"2001:db8::20","from":"::","dev":"lo","prefsrc":"::1","metric":1024,"flags":[],"metrics":[{"mtu":1280}],"pref":"medium"}]';
  assert.equal(parseIpRouteGet(v6), { device: 'lo', mtu: 1280, local: false });
});

Route('a batch (`ip -j -force -batch -`): each answer by its dst, IPv6 matched compressed; a failed line is absent', () => {
  const out = [
    '[{"type":"local","dst":"127.0.0.1","dev":"lo","prefsrc":"127.0.0.1","flags":[],"uid":0,"cache":["local"]}]',
    '[{"dst":"2001:db8::20","from":"::","dev":"lo","prefsrc":"::1","metric":1024,"flags":[],"metrics":[{"mtu":1280}],"pref":"medium"}]',
    '',
  ].join('\n');
  const routes = parseIpRouteBatch(out);
  assert.equal(routes.get('127.0.0.1'), { device: 'lo', mtu: null, local: true });
  assert.equal(routes.get(canonicalAddress('2001:0DB8:0:0::20')), { device: 'lo', mtu: 1280, local: false });
  assert.is(routes.get('203.0.113.9'), undefined, 'Network is unreachable: that line printed nothing on stdout');
  assert.is(parseIpRouteBatch('RTNETLINK answers: Network is unreachable\n').size, 0);
});

Route('nothing usable: null', () => {
  assert.is(parseIpRouteGet(''), null);
  assert.is(parseIpRouteGet('RTNETLINK answers: Network is unreachable'), null);
  assert.is(parseIpRouteGet('[]'), null);
  assert.is(parseIpRouteGet('{"dev":"eth0"}'), null);
});

const Inputs = suite('host probe: inputs');

Inputs('--add-host: name:ip and name=ip, IPv6 bare or bracketed, host-gateway dropped, first entry wins', () => {
  const hosts = parseAddHosts(['a.test:10.0.0.1', 'v6.test:2001:db8::1', 'b.test=[2001:db8::2]', 'gw.test:host-gateway', 'A.TEST:10.0.0.9', 'nonsense', ':10.0.0.3']);
  assert.equal([...hosts], [
    ['a.test', '10.0.0.1'],
    ['v6.test', '2001:db8::1'],
    ['b.test', '2001:db8::2'],
  ]);
});

Inputs('resolv.conf: nameserver lines only', () => {
  assert.equal(parseNameservers('# generated\nsearch corp.example\nnameserver 10.0.0.2\n  nameserver fd00::53\noptions ndots:5\n'), ['10.0.0.2', 'fd00::53']);
  assert.equal(parseNameservers(''), []);
});

Inputs('proxy variables: non-empty ones, passwords redacted, NO_PROXY as is', () => {
  const env = { HTTPS_PROXY: 'http://alice:s3cret@proxy.corp:3128', http_proxy: 'proxy.corp:3128', ALL_PROXY: '', NO_PROXY: 'localhost,.corp', PATH: '/bin', GOPROXY: 'https://u:p@x' };
  assert.equal(hostProxyEnv(env), { HTTPS_PROXY: 'http://alice:***@proxy.corp:3128', http_proxy: 'proxy.corp:3128', NO_PROXY: 'localhost,.corp' });
});

Inputs('the address to dial: IPv4 first', () => {
  assert.is(pickAddress(['2001:db8::1', '192.0.2.1', '192.0.2.2']), '192.0.2.1');
  assert.is(pickAddress(['2001:db8::1']), '2001:db8::1');
  assert.is(pickAddress([]), null);
});

// --- roots ------------------------------------------------------------------------------
const Roots = suite('host roots: as Go loads them');

/** A fake file system: path → text, directory → names. */
function fakeFs(files: Record<string, string>, dirs: Record<string, string[]> = {}): CertFs {
  return { readText: (p) => files[p] ?? null, listDir: (d) => dirs[d] ?? null };
}

Roots('no variables: the first readable bundle of Go`s list, then every file of the default directories', () => {
  const fs = fakeFs({ '/etc/pki/tls/certs/ca-bundle.crt': 'x', '/etc/ssl/cert.pem': 'y' }, { '/etc/ssl/certs': ['a.pem', 'b.pem'] });
  assert.equal(goRootSources({}, 'linux', fs), { files: ['/etc/pki/tls/certs/ca-bundle.crt', '/etc/ssl/certs/a.pem', '/etc/ssl/certs/b.pem'], nodeBundled: false });
});

Roots('SSL_CERT_FILE replaces the list (no fallback when unreadable); SSL_CERT_DIR replaces the directories, colon-separated', () => {
  const fs = fakeFs({ '/etc/ssl/certs/ca-certificates.crt': 'x', '/corp/ca.pem': 'c' }, { '/etc/ssl/certs': ['a.pem'], '/corp/d1': ['1.pem'], '/corp/d2/': ['2.pem'] });
  assert.equal(goRootSources({ SSL_CERT_FILE: '/corp/ca.pem' }, 'linux', fs).files, ['/corp/ca.pem', '/etc/ssl/certs/a.pem']);
  assert.equal(goRootSources({ SSL_CERT_FILE: '/corp/missing.pem' }, 'linux', fs).files, ['/etc/ssl/certs/a.pem']);
  assert.equal(goRootSources({ SSL_CERT_DIR: '/corp/d1:/corp/d2/' }, 'linux', fs).files, ['/etc/ssl/certs/ca-certificates.crt', '/corp/d1/1.pem', '/corp/d2/2.pem']);
});

Roots('macOS and Windows: Go asks the OS verifier; Node`s bundled roots stand in, whatever SSL_CERT_FILE says', () => {
  assert.equal(goRootSources({ SSL_CERT_FILE: '/corp/ca.pem' }, 'darwin', fakeFs({})), { files: [], nodeBundled: true });
  assert.equal(goRootSources({}, 'win32', fakeFs({})), { files: [], nodeBundled: true });
});

const lab = makeLabCerts('127.0.0.1');

Roots('PEMs: duplicates across bundle and directory kept once, garbage dropped, --ca-cert added', () => {
  const bundle = `${lab.caPem}\n-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n`;
  const fs = fakeFs({ '/etc/ssl/certs/ca-certificates.crt': bundle, '/etc/ssl/certs/lab.pem': lab.caPem.replace(/\n/g, '\r\n') }, { '/etc/ssl/certs': ['ca-certificates.crt', 'lab.pem'] });
  assert.is(hostRootPems({}, null, 'linux', fs).length, 1);
  assert.is(hostRootPems({}, lab.rogueCaPem, 'linux', fs).length, 2);
  // Linux without any bundle: Go trusts nothing (but --ca-cert).
  assert.equal(hostRootPems({}, null, 'linux', fakeFs({})), []);
  assert.is(hostRootPems({}, lab.caPem, 'darwin', fakeFs({})).length, rootCertificates.length + 1);
});

// --- live, loopback only ----------------------------------------------------------------
const Live = suite('host probe: loopback servers');

const TIMEOUT = 1000;
const sockets = new Set<net.Socket>();
const servers: net.Server[] = [];
let tmp = '';
let caFile = '';
let tlsPort = 0; // HTTPS with the lab's good certificate (127.0.0.1, *.lab.test)
let closedPort = 0; // nothing listens
let silentPort = 0; // accepts and never speaks
let proxyPort = 0; // CONNECT proxy tunnelling every request to tlsPort; plain GETs answered itself
let authProxyPort = 0; // answers 407 to everything
const proxySaw: Array<{ method: string; url: string; auth: string | null }> = [];

function listen(server: net.Server): Promise<number> {
  servers.push(server);
  server.on('connection', (s: net.Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port)));
}

function labProxy(answer407: boolean): http.Server {
  const server = http.createServer((req, res) => {
    proxySaw.push({ method: req.method ?? '', url: req.url ?? '', auth: req.headers['proxy-authorization'] ?? null });
    res.writeHead(answer407 ? 407 : 200, answer407 ? { 'Proxy-Authenticate': 'Basic realm="lab"' } : {});
    res.end(answer407 ? '' : 'v1.0.0\n');
  });
  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    proxySaw.push({ method: 'CONNECT', url: req.url ?? '', auth: req.headers['proxy-authorization'] ?? null });
    client.on('error', () => client.destroy());
    if (answer407) {
      client.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="lab"\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    const upstream = net.connect(tlsPort, '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client).pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('error', () => client.destroy());
  });
  return server;
}

Live.before(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'host-probe-'));
  caFile = join(tmp, 'lab-ca.pem');
  writeFileSync(caFile, lab.caPem);
  tlsPort = await listen(https.createServer({ ...lab.good }, (_req, res) => res.end('v1.0.0\n')));
  silentPort = await listen(net.createServer(() => {}));
  const closed = net.createServer();
  closedPort = await new Promise((resolve) => closed.listen(0, '127.0.0.1', () => resolve((closed.address() as net.AddressInfo).port)));
  await new Promise((resolve) => closed.close(resolve));
  proxyPort = await listen(labProxy(false));
  authProxyPort = await listen(labProxy(true));
});

Live.after(async () => {
  for (const s of sockets) s.destroy();
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  rmSync(tmp, { recursive: true, force: true });
});

function target(over: Partial<PlannedTarget>): PlannedTarget {
  return { key: 't0', host: '127.0.0.1', port: tlsPort, roles: ['goproxy'], tls: true, httpUrl: null, httpProxy: null, ...over };
}

function input(over: Partial<HostProbeInput>): HostProbeInput {
  return { targets: [], env: {}, timeoutMs: TIMEOUT, extraCaPem: null, addHosts: [], ...over };
}

/** A resolver that answers only from `table` and says ENOTFOUND otherwise; never touches the network. */
function fakeLookup(table: Record<string, string[]>): HostProbeOps {
  return {
    lookup: async (host) => {
      const addresses = table[host];
      if (addresses) return addresses.map((address) => ({ address, family: net.isIP(address) }));
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    },
  };
}

async function one(i: Partial<HostProbeInput>, ops?: HostProbeOps) {
  const ev = await probeHost(input(i), ops);
  assert.is(ev.targets.length, 1);
  return ev.targets[0]!;
}

Live('SSL_CERT_FILE = the lab CA: handshake verified, issuer named; the route to 127.0.0.1 is local (live `ip`)', async () => {
  const t = await one({ targets: [target({})], env: { SSL_CERT_FILE: caFile } });
  assert.equal(t.dns, { outcome: 'resolved', addresses: ['127.0.0.1'], ms: 0, message: '' });
  assert.is(t.tcp?.outcome, 'connected');
  assert.is(t.tcp?.addressFrom, 'host');
  assert.is(t.tls?.outcome, 'ok');
  assert.is(t.tls?.verified, true);
  assert.is(t.tls?.verifyError, null);
  assert.is(t.tls?.issuer, 'CN=gomod-doctor test CA, O=gomod-doctor lab');
  assert.is(t.http, null);
  if (process.platform === 'linux') {
    assert.is(t.route?.local, true);
    assert.is(t.route?.device, 'lo');
    assert.ok((t.route?.mtu ?? 0) > 0, 'lo has an MTU in /sys');
  }
});

Live('the system roots alone: the handshake completes, unverified, with Node`s code', async () => {
  const t = await one({ targets: [target({})], env: {} });
  assert.is(t.tls?.outcome, 'ok');
  assert.is(t.tls?.verified, false);
  assert.match(t.tls?.verifyError ?? '', /UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT_LOCALLY/);
});

Live('--ca-cert is trusted on top of the system roots', async () => {
  const t = await one({ targets: [target({})], env: {}, extraCaPem: lab.caPem });
  assert.is(t.tls?.verified, true);
});

Live('localhost through the real getaddrinfo (/etc/hosts): resolved, but the certificate does not name it', async () => {
  const t = await one({ targets: [target({ host: 'localhost' })], env: { SSL_CERT_FILE: caFile } }, defaultHostOps);
  assert.is(t.dns?.outcome, 'resolved');
  assert.ok(t.dns?.addresses.includes('127.0.0.1'));
  assert.is(t.tls?.outcome, 'ok');
  assert.is(t.tls?.verifyError, 'ERR_TLS_CERT_ALTNAME_INVALID');
});

Live('a closed port: refused, and nothing after it', async () => {
  const t = await one({ targets: [target({ port: closedPort, httpUrl: `https://127.0.0.1:${closedPort}/x/@v/list` })] });
  assert.is(t.tcp?.outcome, 'refused');
  assert.is(t.tls, null);
  assert.is(t.http, null);
  assert.is(t.route?.address, '127.0.0.1');
});

Live('a port that accepts and never speaks: TCP connected, TLS and HTTP time out (the MTU black-hole shape)', async () => {
  const started = Date.now();
  const t = await one({ timeoutMs: 400, targets: [target({ port: silentPort, httpUrl: `https://127.0.0.1:${silentPort}/x/@v/list` })] });
  assert.is(t.tcp?.outcome, 'connected');
  assert.is(t.tls?.outcome, 'timeout');
  assert.is(t.http?.outcome, 'timeout');
  assert.ok(Date.now() - started < 2000, 'each step bounded by timeoutMs');
});

Live('direct GET with the host roots: 200; loopback is never proxied, whatever HTTPS_PROXY says', async () => {
  const httpUrl = `https://127.0.0.1:${tlsPort}/github.com/x/y/@v/list`;
  const env = { SSL_CERT_FILE: caFile, HTTPS_PROXY: `http://127.0.0.1:${authProxyPort}` };
  const t = await one({ targets: [target({ httpUrl })], env });
  assert.equal({ ...t.http, ms: null }, { url: httpUrl, proxy: null, outcome: 'response', status: 200, ms: null, message: '200 OK' });
});

Live('direct GET without the lab CA: tls_error', async () => {
  const t = await one({ targets: [target({ httpUrl: `https://127.0.0.1:${tlsPort}/x/@v/list` })], env: {} });
  assert.is(t.http?.outcome, 'tls_error');
  assert.match(t.http?.message ?? '', /certificate/);
});

Live('via a CONNECT proxy: the host cannot resolve the name, the proxy can; credentials sent, never shown', async () => {
  proxySaw.length = 0;
  const httpUrl = 'https://goproxy.lab.test/github.com/x/y/@v/list';
  const env = { SSL_CERT_FILE: caFile, HTTPS_PROXY: `http://alice:s3cret@127.0.0.1:${proxyPort}` };
  const t = await one({ targets: [target({ host: 'goproxy.lab.test', port: 443, httpUrl })], env }, fakeLookup({}));
  assert.is(t.dns?.outcome, 'nxdomain');
  assert.is(t.tcp, null);
  assert.is(t.tls, null);
  assert.is(t.route, null);
  assert.is(t.http?.outcome, 'response');
  assert.is(t.http?.status, 200);
  assert.is(t.http?.proxy, `http://alice:***@127.0.0.1:${proxyPort}`);
  assert.equal(proxySaw, [{ method: 'CONNECT', url: 'goproxy.lab.test:443', auth: `Basic ${Buffer.from('alice:s3cret').toString('base64')}` }]);
});

Live('via a CONNECT proxy, TLS inside the tunnel is verified: without the lab CA, tls_error', async () => {
  const httpUrl = 'https://goproxy.lab.test/x/@v/list';
  const t = await one({ targets: [target({ host: 'goproxy.lab.test', port: 443, httpUrl })], env: { HTTPS_PROXY: `http://127.0.0.1:${proxyPort}` } }, fakeLookup({}));
  assert.is(t.http?.outcome, 'tls_error');
  assert.is(t.http?.status, null);
});

Live('via a proxy, an http:// URL: the absolute URI goes to the proxy', async () => {
  proxySaw.length = 0;
  const httpUrl = 'http://goproxy.lab.test/mod/@v/list';
  const t = await one({ targets: [target({ host: 'goproxy.lab.test', port: 80, tls: false, httpUrl })], env: { HTTP_PROXY: `127.0.0.1:${proxyPort}` } }, fakeLookup({}));
  assert.is(t.http?.status, 200);
  assert.is(t.http?.proxy, `http://127.0.0.1:${proxyPort}`);
  assert.equal(proxySaw, [{ method: 'GET', url: httpUrl, auth: null }]);
});

Live('a proxy answering 407: proxy_auth; a proxy port nobody listens on: proxy_refused', async () => {
  const httpUrl = 'https://goproxy.lab.test/x/@v/list';
  const t = target({ host: 'goproxy.lab.test', port: 443, httpUrl });
  const auth = await one({ targets: [t], env: { HTTPS_PROXY: `http://127.0.0.1:${authProxyPort}` } }, fakeLookup({}));
  assert.is(auth.http?.outcome, 'proxy_auth');
  assert.is(auth.http?.status, 407);
  const refused = await one({ targets: [t], env: { https_proxy: `http://127.0.0.1:${closedPort}` } }, fakeLookup({}));
  assert.is(refused.http?.outcome, 'proxy_refused');
  assert.match(refused.http?.message ?? '', /ECONNREFUSED/);
});

Live('the host cannot resolve a name --add-host gives the container: that address is dialled, marked add-host', async () => {
  const t = await one(
    { targets: [target({ host: 'registry.lab.test' })], env: { SSL_CERT_FILE: caFile }, addHosts: ['gw.lab.test:host-gateway', 'registry.lab.test:127.0.0.1'] },
    fakeLookup({}),
  );
  assert.is(t.dns?.outcome, 'nxdomain');
  assert.equal({ ...t.tcp, ms: null }, { address: '127.0.0.1', addressFrom: 'add-host', outcome: 'connected', ms: null, message: '' });
  assert.is(t.tls?.verified, true, 'servername registry.lab.test is in *.lab.test');
});

Live('a resolver that answers EAI_AGAIN, or not at all: timeout, saying which', async () => {
  const again: HostProbeOps = { lookup: async () => Promise.reject(Object.assign(new Error('getaddrinfo EAI_AGAIN x.lab.test'), { code: 'EAI_AGAIN' })) };
  const a = await one({ targets: [target({ host: 'x.lab.test' })] }, again);
  assert.is(a.dns?.outcome, 'timeout');
  assert.match(a.dns?.message ?? '', /^EAI_AGAIN/);
  const never: HostProbeOps = { lookup: () => new Promise(() => {}) };
  const started = Date.now();
  const n = await one({ timeoutMs: 200, targets: [target({ host: 'x.lab.test' })] }, never);
  assert.is(n.dns?.outcome, 'timeout');
  assert.is(n.dns?.message, 'no answer within 200 ms');
  assert.ok(Date.now() - started < 1000);
});

Live('targets that are only proxies are skipped; all others come back in order, in parallel', async () => {
  const ev = await probeHost(
    input({
      targets: [target({ key: 't0', port: closedPort }), target({ key: 't1', roles: ['proxy'] }), target({ key: 't2', port: silentPort, tls: false })],
      env: { HTTPS_PROXY: 'http://bob:pw@proxy.corp:3128', NO_PROXY: '.corp' },
    }),
    fakeLookup({}),
  );
  assert.equal(ev.targets.map((t) => t.key), ['t0', 't2']);
  assert.is(ev.targets[1]?.tls, null, 'no TLS step for a plain target');
  assert.equal(ev.proxyEnv, { HTTPS_PROXY: 'http://bob:***@proxy.corp:3128', NO_PROXY: '.corp' });
  assert.ok(Array.isArray(ev.nameservers));
});

Codes.run();
Route.run();
Inputs.run();
Roots.run();
Live.run();
