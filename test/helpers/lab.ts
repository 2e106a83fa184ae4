// The fixture lab shared by the e2e tests: a docker bridge network whose gateway IP hosts fake
// DNS, a fake Go module proxy, one server per network/TLS fault, HTTP forward proxies and a
// private git host (HTTPS and SSH), plus a blackhole address.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { docker } from './engine.js';
import { probeContainersLeft } from './probe-containers.js';
import { makeLabCerts, type KeyCert } from './lab-certs.js';
import { DEFAULT_NAMES, startDns, type DnsAnswer, type LabDns } from './lab-dns.js';
import { forwardProxyServer, PROXY_PASSWORD, PROXY_USER, type ProxyRequest } from './lab-forward-proxy.js';
import { startGit, type LabGit } from './lab-git.js';
import { proxyHandler, quoteGoSum, type LabRequest } from './lab-proxy.js';
import { makeSumdb } from './lab-sumdb.js';

export type { DnsAnswer, LabDns } from './lab-dns.js';
export type { LabRequest } from './lab-proxy.js';
export { PROXY_PASSWORD, PROXY_USER, type ProxyRequest } from './lab-forward-proxy.js';
export {
  GIT_HOST,
  GIT_HTTP_PASSWORD,
  GIT_HTTP_USER,
  GIT_REPO_PATH,
  GIT_SSH_USER,
  GIT_TAG,
  VANITY_IMPORT_PATH,
  type LabGit,
  type SshEvent,
} from './lab-git.js';

/** Label on everything the tests create, so a sweep can find it. */
export const TEST_LABEL = 'org.gomod-doctor.test';
const PREFIX = 'gmd-lab-';

/** Ports of the lab servers, all bound on the gateway IP only. */
export interface LabPorts {
  /** DNS over UDP and TCP. */
  dns: number;
  /** Plain-HTTP module proxy. */
  http: number;
  /** HTTPS module proxy with the test-CA certificate for every lab name. */
  https: number;
  /** Accepts TCP, never sends a byte, never closes: a TLS handshake stall. */
  stall: number;
  /** HTTPS with a certificate from the rogue CA (unknown authority). */
  rogueCa: number;
  /** HTTPS with a test-CA certificate for wrong.example only (name mismatch). */
  wrongName: number;
  /** HTTPS with an expired test-CA certificate. */
  expired: number;
  /** HTTPS with a test-CA certificate valid from next year. */
  notYetValid: number;
  /** Nothing listens here: connections are refused at once. */
  refused: number;
  /** HTTP forward proxy (CONNECT and absolute-URI requests), no auth; every target maps to the gateway. */
  forwardProxy: number;
  /** Same, but answers 407 unless `Proxy-Authorization: Basic` carries PROXY_USER / PROXY_PASSWORD. */
  authProxy: number;
}

/** A running lab; `stop()` undoes all of it. */
export interface Lab {
  /** Docker network name (`gmd-lab-<id>`), usable as NetworkMode. */
  network: string;
  /** Host bridge interface of the network (`br-<12 hex>`). */
  bridge: string;
  /** Subnet docker picked for the network (CIDR). */
  subnet: string;
  /** Gateway IP of the network, where every lab server listens. */
  gateway: string;
  /** Address on the bridge whose packets (TCP, UDP, ICMP) are silently dropped: connects hang. */
  blackhole: string;
  /** Path of the test CA in PEM. */
  caFile: string;
  /** The test CA in PEM. */
  caPem: string;
  /** Server ports on the gateway. */
  ports: LabPorts;
  /** The lab DNS record table and query counters. */
  dns: LabDns;
  /** Every HTTP(S) request the lab servers received, oldest first (tests may clear it). */
  requests: LabRequest[];
  /** Every request the forward proxies received, oldest first (tests may clear it). */
  proxyLog: ProxyRequest[];
  /** The private git host: repo, HTTPS and SSH servers, keys, known_hosts, vanity import. */
  git: LabGit;
  /** The lab's checksum database at https://sum.lab.test, holding the canary's go.sum lines. */
  sumdb: { name: string; key: string; url: string; /** The GOSUMDB value that uses it. */ gosumdb: string };
  /** Close the servers, drop the firewall rule and address, remove the network. Idempotent. */
  stop(): Promise<void>;
}

function sh(cmd: string, args: string[]): string {
  return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Last host address of an IPv4 CIDR: docker's IPAM hands out addresses from the bottom. */
function lastHost(cidr: string): string {
  const [addr, bits] = cidr.split('/') as [string, string];
  const n = addr.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
  const size = 2 ** (32 - Number(bits));
  const last = n - (n % size) + size - 2;
  return [24, 16, 8, 0].map((s) => Math.floor(last / 2 ** s) % 256).join('.');
}

function listen(server: net.Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve((server.address() as net.AddressInfo).port));
  });
}

const openSockets = new WeakMap<net.Server, Set<net.Socket>>();

/** Remember a server's open sockets so closing it never waits on a client (the stall port has idle ones). */
function tracked<S extends net.Server>(server: S): S {
  const open = new Set<net.Socket>();
  server.on('connection', (sock: net.Socket) => {
    open.add(sock);
    sock.on('error', () => undefined);
    sock.on('close', () => open.delete(sock));
  });
  openSockets.set(server, open);
  return server;
}

function closeServer(server: net.Server): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  for (const sock of openSockets.get(server) ?? []) sock.destroy();
  return closed;
}

/** A port on `host` with nothing listening: bind an ephemeral port, then let it go. */
async function closedPort(host: string): Promise<number> {
  const probe = net.createServer();
  const port = await listen(probe, 0, host);
  await closeServer(probe);
  return port;
}

/** Force-disconnect anything still attached, then remove the network. */
async function removeNetwork(idOrName: string): Promise<void> {
  // A doctor run exits before the engine has removed its container (AutoRemove): let that
  // removal end rather than cut the endpoint out from under it.
  await probeContainersLeft([], 5_000);
  const network = docker().getNetwork(idOrName);
  const info = (await network.inspect()) as { Containers?: Record<string, unknown> };
  for (const container of Object.keys(info.Containers ?? {})) {
    await network.disconnect({ Container: container, Force: true }).catch(() => undefined);
  }
  await network.remove();
}

const DROP_RULE = (addr: string, comment: string) => [
  'INPUT', '-d', `${addr}/32`, '-m', 'comment', '--comment', comment, '-j', 'DROP',
];

/** Create the lab network, blackhole, certificates and servers. Needs root and a running engine. */
export async function startLab(): Promise<Lab> {
  const name = `${PREFIX}${randomBytes(4).toString('hex')}`;
  const undo: Array<() => unknown> = []; // run in reverse by stop()
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      const errors: unknown[] = [];
      for (const step of undo.reverse()) {
        try {
          await step();
        } catch (err) {
          errors.push(err);
        }
      }
      if (errors.length) throw new Error(`lab ${name} stop: ${errors.map(String).join('; ')}`);
    })());

  try {
    const created = await docker().createNetwork({
      Name: name,
      Driver: 'bridge',
      CheckDuplicate: true,
      Labels: { [TEST_LABEL]: '1' },
    });
    undo.push(() => removeNetwork(created.id));
    const ipam = (await created.inspect()).IPAM?.Config?.[0] as { Subnet?: string; Gateway?: string } | undefined;
    if (!ipam?.Subnet || !ipam.Gateway) throw new Error(`network ${name} has no IPv4 subnet/gateway`);
    const { Subnet: subnet, Gateway: gateway } = ipam;
    const bridge = `br-${created.id.slice(0, 12)}`;

    // Blackhole: a host address on the bridge whose packets INPUT drops, so TCP connects hang
    // (no RST, no ICMP) for containers on the lab network and on the default bridge alike.
    const blackhole = lastHost(subnet);
    sh('ip', ['addr', 'add', `${blackhole}/32`, 'dev', bridge]);
    undo.push(() => sh('ip', ['addr', 'del', `${blackhole}/32`, 'dev', bridge]));
    sh('iptables', ['-I', ...DROP_RULE(blackhole, name)]);
    undo.push(() => sh('iptables', ['-D', ...DROP_RULE(blackhole, name)]));

    const certs = makeLabCerts(gateway);
    const dir = mkdtempSync(join(tmpdir(), `${name}-`));
    undo.push(() => rmSync(dir, { recursive: true, force: true }));
    const caFile = join(dir, 'ca.pem');
    writeFileSync(caFile, certs.caPem);
    writeFileSync(join(dir, 'rogue-ca.pem'), certs.rogueCaPem);

    const a = { a: [gateway] };
    const defaults: Record<string, DnsAnswer> = { '*.lab.test': a, 'lab.test': a };
    for (const n of DEFAULT_NAMES) defaults[n] = a;
    const dns = await startDns(gateway, defaults);
    undo.push(() => dns.close());

    const requests: LabRequest[] = [];
    const serve = async (server: net.Server, port: number): Promise<number> => {
      undo.push(() => closeServer(server));
      return listen(tracked(server), port, gateway);
    };
    // SECLEVEL=0: busybox wget's TLS sends no signature_algorithms, so the server must sign with
    // RSA+SHA1, which OpenSSL 3 refuses at the default level. Go and curl negotiate TLS 1.3 anyway.
    const tlsOpts = { ciphers: 'DEFAULT:@SECLEVEL=0' };

    // The git host first: the port-443 server's go-get=1 page names its HTTPS port.
    const git = await startGit({ gateway, dir, tls: { ...tlsOpts, ...certs.good }, requests, serve });
    const sumdb = makeSumdb('sum.lab.test', 'rsc.io/quote', 'v1.5.2', quoteGoSum('v1.5.2'));
    const handler = proxyHandler(requests, [{ prefix: git.vanityPath, vcs: 'git', repoUrl: git.vanityRepoUrl }], sumdb);
    const tlsServer = (kc: KeyCert) => https.createServer({ ...tlsOpts, key: kc.key, cert: kc.cert }, handler);

    const proxyLog: ProxyRequest[] = [];
    const auth = { user: PROXY_USER, password: PROXY_PASSWORD };

    const stallServer = net.createServer(() => undefined); // accept, then say nothing

    const ports: LabPorts = {
      dns: 53,
      http: await serve(http.createServer(handler), 80),
      https: await serve(tlsServer(certs.good), 443),
      stall: await serve(stallServer, 0),
      rogueCa: await serve(tlsServer(certs.rogueCa), 0),
      wrongName: await serve(tlsServer(certs.wrongName), 0),
      expired: await serve(tlsServer(certs.expired), 0),
      notYetValid: await serve(tlsServer(certs.notYetValid), 0),
      forwardProxy: await serve(forwardProxyServer({ proxy: 'forward', gateway, log: proxyLog }), 0),
      authProxy: await serve(forwardProxyServer({ proxy: 'auth', gateway, log: proxyLog, auth }), 0),
      refused: await closedPort(gateway), // last: no later bind may take the port it let go
    };

    return {
      network: name,
      bridge,
      subnet,
      gateway,
      blackhole,
      caFile,
      caPem: certs.caPem,
      ports,
      dns,
      requests,
      proxyLog,
      git,
      sumdb: { name: sumdb.name, key: sumdb.key, url: `https://${sumdb.name}`, gosumdb: `${sumdb.key} https://${sumdb.name}` },
      stop,
    };
  } catch (err) {
    await stop().catch(() => undefined);
    throw err;
  }
}

/**
 * Remove what a killed earlier run left: test-labelled containers, gmd-lab-* networks, iptables rules
 * and temp dirs. Call it before starting labs, never while one of this machine's labs is running.
 */
export async function sweepLabLeftovers(): Promise<{ containers: number; networks: number; rules: number }> {
  const d = docker();
  const containers = await d.listContainers({ all: true, filters: { label: [`${TEST_LABEL}=1`] } });
  for (const c of containers) await d.getContainer(c.Id).remove({ force: true, v: true }).catch(() => undefined);

  const networks = (await d.listNetworks({ filters: { name: [PREFIX] } })).filter((n) => n.Name.startsWith(PREFIX));
  for (const n of networks) await removeNetwork(n.Id);

  // `iptables -S` prints rules as `-A CHAIN ...`; the same words after `-D` delete them.
  const rules = sh('iptables', ['-S'])
    .split('\n')
    .filter((line) => line.startsWith('-A ') && line.includes(`--comment ${PREFIX}`));
  for (const rule of rules) sh('iptables', ['-D', ...rule.slice(3).trim().split(/\s+/)]);
  // Temp dirs holding the CA of a killed run.
  for (const entry of readdirSync(tmpdir())) {
    if (entry.startsWith(PREFIX)) rmSync(join(tmpdir(), entry), { recursive: true, force: true });
  }
  return { containers: containers.length, networks: networks.length, rules: rules.length };
}
