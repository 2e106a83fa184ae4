/**
 * The container's network probes run again from the host with Node (DNS, TCP, the route
 * and its MTU, TLS, the module-proxy GET), the way the go command on this host would do
 * them: its resolver, its proxy variables, its CA roots. So a check can tell "broken
 * everywhere" from "broken only in the container". Every failure becomes evidence; nothing throws.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import net from 'node:net';
import tls from 'node:tls';
import type { HostDnsEvidence, HostEvidence, HostHttpEvidence, HostRoute, HostTargetEvidence, HostTcpEvidence, HostTlsEvidence, PlannedTarget } from '../model.js';
import { bare, codeOf, destroyOnAbort, since, textOf, TIMED_OUT, within } from './bounded.js';
import { hostProxyFor, httpStep } from './http-get.js';
import { lookupHost } from './lookup.js';
import { canonicalAddress, dnsOutcome, type Env, hostProxyEnv, isCertError, parseAddHosts, parseIpRouteBatch, parseNameservers, pickAddress, tcpOutcome } from './readings.js';
import { hostRootPems } from './roots.js';

export interface HostProbeInput {
  /** From the probe plan; targets that are only proxies are skipped (the proxy step covers them). */
  targets: PlannedTarget[];
  /** The host environment (process.env), passed in. */
  env: Env;
  /** Bound on every network step (dns, tcp, route, tls, http each). */
  timeoutMs: number;
  /** --ca-cert: trusted in addition to the host roots. */
  extraCaPem: string | null;
  /** --add-host values, docker syntax "name:ip" or "name=ip". */
  addHosts: string[];
}

/** Name resolution, the one touchpoint tests replace: a test must not send DNS queries off the machine. */
export interface HostProbeOps {
  /** `signal` aborts once the step's bound is over: the lookup should let go of its sockets. */
  lookup(host: string, signal?: AbortSignal): Promise<Array<{ address: string; family: number }>>;
}

/** /etc/hosts, then DNS, as the go command on the host resolves (lookup.ts: cancellable, no thread pool). */
export const defaultHostOps: HostProbeOps = {
  lookup: (host, signal) => lookupHost(host, signal),
};

// The pure readings, for the modules and tests that name them here.
export { canonicalAddress, dnsOutcome, hostProxyEnv, isCertError, parseAddHosts, parseIpRouteBatch, parseIpRouteGet, parseNameservers, pickAddress, tcpOutcome } from './readings.js';

// ---------------------------------------------------------------------------
// The steps.

async function resolveStep(host: string, ms: number, ops: HostProbeOps): Promise<HostDnsEvidence> {
  if (net.isIP(host)) return { outcome: 'resolved', addresses: [host], ms: 0, message: '' };
  const t0 = performance.now();
  try {
    const answer = await within(ms, (signal) => ops.lookup(host, signal));
    if (answer === TIMED_OUT) return { outcome: 'timeout', addresses: [], ms: since(t0), message: `no answer within ${ms} ms` };
    return { outcome: 'resolved', addresses: answer.map((a) => a.address), ms: since(t0), message: '' };
  } catch (err) {
    const code = codeOf(err);
    const message = code === 'EAI_AGAIN' ? `EAI_AGAIN: the resolver gave no answer (${textOf(err)})` : dnsOutcome(code) === 'timeout' ? `${code}: the resolver gave no answer (${textOf(err)})` : textOf(err);
    return { outcome: dnsOutcome(code), addresses: [], ms: since(t0), message };
  }
}

async function tcpStep(address: string, addressFrom: HostTcpEvidence['addressFrom'], port: number, ms: number): Promise<HostTcpEvidence> {
  const t0 = performance.now();
  const dial = (signal: AbortSignal) =>
    new Promise<void>((resolve, reject) => {
      const socket = net.connect({ host: address, port });
      destroyOnAbort(signal, socket);
      socket.on('error', reject);
      socket.once('connect', () => {
        socket.destroy();
        resolve();
      });
    });
  try {
    const done = await within(ms, dial);
    if (done === TIMED_OUT) return { address, addressFrom, outcome: 'timeout', ms: since(t0), message: `no answer within ${ms} ms` };
    return { address, addressFrom, outcome: 'connected', ms: since(t0), message: '' };
  } catch (err) {
    return { address, addressFrom, outcome: tcpOutcome(codeOf(err)), ms: since(t0), message: textOf(err) };
  }
}

/** `ip` lives in /usr/sbin, which a non-root PATH often lacks. */
const IP_COMMANDS = ['ip', '/usr/sbin/ip', '/sbin/ip'];

/** `ip -j -batch -`, one `route get` per address: one process for every target (a spawn blocks the event loop for ms). */
function runIpRouteBatch(addresses: readonly string[], ms: number, commands = IP_COMMANDS): Promise<string | null> {
  const [command, ...rest] = commands;
  if (!command) return Promise.resolve(null);
  return new Promise((resolve) => {
    const child = execFile(command, ['-j', '-force', '-batch', '-'], { timeout: ms }, (err, stdout) => {
      if (codeOf(err) === 'ENOENT') resolve(runIpRouteBatch(addresses, ms, rest));
      // -force: a route that cannot be had fails its line only (exit 1), the others still print.
      else resolve(stdout || null);
    });
    child.stdin?.on('error', () => undefined); // ENOENT: no reader
    child.stdin?.end(addresses.map((a) => `route get ${a}\n`).join(''));
  });
}

/** Each address's route (device, MTU, local), read from the kernel's tables in one batch. */
async function routeSteps(addresses: readonly string[], ms: number): Promise<Map<string, HostRoute>> {
  const unknown = (address: string): HostRoute => ({ address, device: null, mtu: null, local: false });
  const distinct = [...new Set(addresses)];
  if (process.platform !== 'linux' || distinct.length === 0) return new Map(distinct.map((a) => [a, unknown(a)]));
  const output = await runIpRouteBatch(distinct, ms);
  const answered = output === null ? new Map() : parseIpRouteBatch(output);
  const routes = await Promise.all(
    distinct.map(async (address): Promise<[string, HostRoute]> => {
      const route = answered.get(canonicalAddress(address));
      if (!route) return [address, unknown(address)];
      // Without a route MTU the packets leave with the device's.
      let mtu = route.mtu;
      if (mtu === null && route.device && /^[^/]+$/.test(route.device) && !route.device.startsWith('.')) {
        mtu = Number((await readFile(`/sys/class/net/${route.device}/mtu`, 'utf8').catch(() => '')).trim()) || null;
      }
      return [address, { address, device: route.device, mtu, local: route.local }];
    }),
  );
  return new Map(routes);
}

/** "CN=..., O=..." of a peer certificate's issuer. */
function issuerName(cert: tls.PeerCertificate | undefined): string | null {
  const issuer = cert?.issuer;
  if (!issuer) return null;
  const parts = (['CN', 'O'] as const).flatMap((k) => {
    const v: unknown = issuer[k];
    return v ? [`${k}=${Array.isArray(v) ? v.join('+') : String(v)}`] : [];
  });
  return parts.length ? parts.join(', ') : null;
}

async function tlsStep(address: string, port: number, host: string, ms: number, secureContext: tls.SecureContext): Promise<HostTlsEvidence> {
  const t0 = performance.now();
  // Verification off: a completed handshake with an untrusted chain is evidence (verified false), not a failure.
  const handshake = (signal: AbortSignal) =>
    new Promise<Pick<HostTlsEvidence, 'verified' | 'verifyError' | 'issuer'>>((resolve, reject) => {
      const socket = tls.connect({ host: address, port, servername: net.isIP(host) ? undefined : host, secureContext, rejectUnauthorized: false });
      destroyOnAbort(signal, socket);
      socket.on('error', reject);
      socket.once('secureConnect', () => {
        // At run time authorizationError is Node's code string (typed as Error).
        const why: unknown = socket.authorizationError;
        const verifyError = socket.authorized ? null : typeof why === 'string' ? why : why instanceof Error ? why.message : 'unknown';
        resolve({ verified: socket.authorized, verifyError, issuer: issuerName(socket.getPeerCertificate()) });
        socket.destroy();
      });
    });
  try {
    const done = await within(ms, handshake);
    if (done === TIMED_OUT) {
      return { outcome: 'timeout', verified: false, verifyError: null, issuer: null, ms: since(t0), message: `handshake not finished within ${ms} ms` };
    }
    return { outcome: 'ok', ...done, ms: since(t0), message: '' };
  } catch (err) {
    return { outcome: 'error', verified: false, verifyError: null, issuer: null, ms: since(t0), message: textOf(err) };
  }
}

// ---------------------------------------------------------------------------

async function probeTarget(target: PlannedTarget, input: HostProbeInput, addHosts: Map<string, string>, secureContext: () => tls.SecureContext, ops: HostProbeOps): Promise<HostTargetEvidence> {
  const ms = input.timeoutMs;
  const host = bare(target.host);
  const dns = await resolveStep(host, ms, ops);
  // The host cannot resolve a name the container gets from --add-host: dial that address, to compare paths.
  const resolved = pickAddress(dns.addresses);
  const address = resolved ?? addHosts.get(host.toLowerCase()) ?? null;
  const tcp = address ? await tcpStep(address, resolved ? 'host' : 'add-host', target.port, ms) : null;
  // The route is read for all targets at once, after the chains (probeHost).
  const route: HostRoute | null = address ? { address, device: null, mtu: null, local: false } : null;
  const connected = tcp?.outcome === 'connected';
  const tlsEvidence = target.tls && connected && address ? await tlsStep(address, target.port, host, ms, secureContext()) : null;
  let httpEvidence: HostHttpEvidence | null = null;
  if (target.httpUrl) {
    const proxy = hostProxyFor(target.httpUrl, input.env);
    // A proxy does its own dialling: the GET is worth trying even when the host cannot reach the target.
    if (connected || proxy !== null) httpEvidence = await httpStep(target.httpUrl, proxy, ms, secureContext());
  }
  return { key: target.key, dns, tcp, tls: tlsEvidence, http: httpEvidence, route };
}

async function readNameservers(): Promise<string[]> {
  try {
    return parseNameservers(await readFile('/etc/resolv.conf', 'utf8'));
  } catch {
    return [];
  }
}

/** Probe every target from the host, all in parallel, each chain in order: dns → tcp → tls → http; then every route at once. */
export async function probeHost(input: HostProbeInput, ops: HostProbeOps = defaultHostOps): Promise<Omit<HostEvidence, 'networkMtu' | 'networkName'>> {
  const addHosts = parseAddHosts(input.addHosts);
  // Reading the roots costs tens of ms: only when a TLS step runs, and once.
  let context: tls.SecureContext | undefined;
  const secureContext = () => {
    if (!context) {
      try {
        context = tls.createSecureContext({ ca: hostRootPems(input.env, input.extraCaPem) });
      } catch {
        context = tls.createSecureContext(); // cannot happen with parsed PEMs; Node's own roots rather than a throw
      }
    }
    return context;
  };
  const probed = input.targets.filter((t) => !(t.roles.length > 0 && t.roles.every((r) => r === 'proxy')));
  // First, while libuv's thread pool is free: lookups a dead resolver holds there (4 threads,
  // each for the resolver's own timeout) would queue this read behind them.
  const nameservers = await readNameservers();
  const chains = await Promise.all(probed.map((t) => probeTarget(t, input, addHosts, secureContext, ops)));
  const routes = await routeSteps(chains.flatMap((t) => (t.route ? [t.route.address] : [])), input.timeoutMs);
  const targets = chains.map((t) => (t.route ? { ...t, route: routes.get(t.route.address) ?? t.route } : t));
  return { proxyEnv: hostProxyEnv(input.env), nameservers, targets };
}
