/**
 * The container's network probes run again from the host with Node (DNS, TCP, the route
 * and its MTU, TLS, the module-proxy GET), the way the go command on this host would do
 * them: its resolver, its proxy variables, its CA roots. So a check can tell "broken
 * everywhere" from "broken only in the container". Every failure becomes evidence; nothing throws.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';
import { goProxyFor } from '../go/http-proxy.js';
import type { HostDnsEvidence, HostEvidence, HostHttpEvidence, HostRoute, HostTargetEvidence, HostTcpEvidence, HostTlsEvidence, PlannedTarget } from '../model.js';
import { redactUrl } from '../secrets.js';
import { lookupHost } from './lookup.js';
import { hostRootPems } from './roots.js';

type Env = Readonly<Record<string, string | undefined>>;

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

// ---------------------------------------------------------------------------
// Pure parts.

/**
 * Lookup error code → DNS outcome. EAI_AGAIN (getaddrinfo) is the resolver giving no
 * answer: a timeout, SERVFAIL or a refused query; c-ares names those apart, and they read
 * as getaddrinfo's did.
 */
export function dnsOutcome(code: string): HostDnsEvidence['outcome'] {
  if (code === 'ENOTFOUND' || code === 'ENODATA') return 'nxdomain'; // Go says "no such host" for both
  if (code === 'EAI_AGAIN' || code === 'ETIMEOUT' || code === 'ESERVFAIL' || code === 'ECONNREFUSED' || code === 'EREFUSED') return 'timeout';
  return 'error';
}

/** connect() error code → TCP outcome. */
export function tcpOutcome(code: string): Exclude<HostTcpEvidence['outcome'], 'connected'> {
  if (code === 'ECONNREFUSED') return 'refused';
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return 'unreachable';
  if (code === 'ETIMEDOUT') return 'timeout';
  return 'error';
}

/** Node's codes for a certificate the client rejected (OpenSSL verify codes, the name check, handshake failures). */
export function isCertError(code: string): boolean {
  return /CERT|ISSUER|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET|^ERR_TLS_|^ERR_SSL_/.test(code);
}

/** The route `ip -j route get ADDR` printed: device, the route's own MTU (metrics), whether the address is local. */
export function parseIpRouteGet(json: string): { device: string | null; mtu: number | null; local: boolean } | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return null;
  }
  const route = Array.isArray(parsed) ? (parsed[0] as Record<string, unknown> | undefined) : undefined;
  if (!route || typeof route !== 'object') return null;
  // iproute2 prints metrics as [{"mtu":1400}]; accept a bare object too.
  const metrics: unknown[] = Array.isArray(route.metrics) ? route.metrics : [route.metrics];
  const mtu = metrics.map((m) => (m && typeof m === 'object' ? (m as Record<string, unknown>).mtu : undefined)).find((v) => typeof v === 'number');
  return { device: typeof route.dev === 'string' ? route.dev : null, mtu: (mtu as number | undefined) ?? null, local: route.type === 'local' };
}

/** --add-host values as name → address. 'host-gateway' (and anything not an IP) is dropped; the first entry for a name wins, as in /etc/hosts. */
export function parseAddHosts(values: readonly string[]): Map<string, string> {
  const byName = new Map<string, string>();
  for (const value of values) {
    // Names hold neither '=' nor ':', so the first one separates; an IPv6 address may be bracketed.
    const sep = value.includes('=') ? value.indexOf('=') : value.indexOf(':');
    if (sep <= 0) continue;
    const name = value.slice(0, sep).toLowerCase();
    const address = value.slice(sep + 1).replace(/^\[(.*)\]$/, '$1');
    if (net.isIP(address) && !byName.has(name)) byName.set(name, address);
  }
  return byName;
}

/** `nameserver` lines of a resolv.conf. */
export function parseNameservers(text: string): string[] {
  return [...text.matchAll(/^\s*nameserver\s+(\S+)/gm)].map((m) => m[1]!);
}

const PROXY_VARS = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'ALL_PROXY', 'all_proxy', 'NO_PROXY', 'no_proxy'];

/** The proxy variables set (non-empty) in `env`; proxy URLs lose their passwords, NO_PROXY is a host list and stays. */
export function hostProxyEnv(env: Env): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of PROXY_VARS) {
    const value = env[name];
    if (value) out[name] = /^no_proxy$/i.test(name) ? value : redactUrl(value);
  }
  return out;
}

/** The address to dial: the first IPv4 answer, else the first answer. */
export function pickAddress(addresses: readonly string[]): string | null {
  return addresses.find((a) => net.isIPv4(a)) ?? addresses[0] ?? null;
}

// ---------------------------------------------------------------------------
// Helpers for bounded network steps.

const TIMED_OUT = Symbol('timed out');

/** Run `work` bounded by `ms`. Its signal aborts when the step is over either way, so it can drop its sockets. */
async function within<T>(ms: number, work: (signal: AbortSignal) => Promise<T>): Promise<T | typeof TIMED_OUT> {
  const abort = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const expiry = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), ms);
  });
  try {
    return await Promise.race([work(abort.signal), expiry]);
  } finally {
    clearTimeout(timer);
    abort.abort();
  }
}

function destroyOnAbort(signal: AbortSignal, socket: net.Socket): void {
  signal.addEventListener('abort', () => socket.destroy(), { once: true });
}

const since = (t0: number) => Math.round(performance.now() - t0);
const codeOf = (err: unknown) => String((err as NodeJS.ErrnoException | null)?.code ?? '');
const textOf = (err: unknown) => (err instanceof Error ? err.message : String(err)).slice(0, 200);
const bare = (host: string) => host.replace(/^\[(.*)\]$/, '$1');

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

function runIpRouteGet(address: string, ms: number, commands = IP_COMMANDS): Promise<string | null> {
  const [command, ...rest] = commands;
  if (!command) return Promise.resolve(null);
  return new Promise((resolve) => {
    execFile(command, ['-j', 'route', 'get', address], { timeout: ms }, (err, stdout) => {
      if (codeOf(err) === 'ENOENT') resolve(runIpRouteGet(address, ms, rest));
      else resolve(err ? null : stdout);
    });
  });
}

async function routeStep(address: string, ms: number): Promise<HostRoute> {
  const unknown: HostRoute = { address, device: null, mtu: null, local: false };
  if (process.platform !== 'linux') return unknown;
  const output = await runIpRouteGet(address, ms);
  const route = output === null ? null : parseIpRouteGet(output);
  if (!route) return unknown;
  // Without a route MTU the packets leave with the device's.
  let mtu = route.mtu;
  if (mtu === null && route.device && /^[^/]+$/.test(route.device) && !route.device.startsWith('.')) {
    mtu = Number((await readFile(`/sys/class/net/${route.device}/mtu`, 'utf8').catch(() => '')).trim()) || null;
  }
  return { address, device: route.device, mtu, local: route.local };
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

/** A failure whose outcome is already known (407, a refused proxy, a rejected certificate). */
class HttpFailure extends Error {
  constructor(
    readonly outcome: HostHttpEvidence['outcome'],
    message: string,
    readonly status: number | null = null,
  ) {
    super(message);
  }
}

interface Answer {
  status: number;
  statusText: string;
}

/** Send `req` and settle on its response headers; the body is not needed. */
function answerOf(req: http.ClientRequest): Promise<Answer> {
  return new Promise((resolve, reject) => {
    req.on('error', reject);
    req.once('response', (res) => {
      resolve({ status: res.statusCode ?? 0, statusText: res.statusMessage ?? '' });
      res.destroy();
    });
    req.end();
  });
}

/** "Basic ..." from a URL's user:password, as Go sets (Proxy-)Authorization from it. */
function basicAuth(url: URL): string | null {
  if (!url.username && !url.password) return null;
  const credentials = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
  return `Basic ${Buffer.from(credentials).toString('base64')}`;
}

/** Reaching the proxy failed at all: Go's "proxyconnect tcp: ..." (curl's 5 and 7 in the container). */
const PROXY_UNREACHABLE = ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH'];

async function viaProxy(target: URL, proxy: URL, secureContext: tls.SecureContext, signal: AbortSignal): Promise<Answer> {
  if (proxy.protocol !== 'http:' && proxy.protocol !== 'https:') {
    throw new HttpFailure('error', `${proxy.protocol.slice(0, -1)} proxies are not probed from the host`);
  }
  const toProxy = {
    host: bare(proxy.hostname),
    port: Number(proxy.port) || (proxy.protocol === 'https:' ? 443 : 80),
    agent: false as const,
    signal,
    ...(proxy.protocol === 'https:' ? { secureContext } : {}),
  };
  const proxyAuth = basicAuth(proxy);
  const send = (options: https.RequestOptions) => (proxy.protocol === 'https:' ? https : http).request(options);
  const proxyFailure = (err: unknown) =>
    PROXY_UNREACHABLE.includes(codeOf(err)) ? new HttpFailure('proxy_refused', `proxy: ${textOf(err)}`) : err;

  if (target.protocol === 'http:') {
    // Plain HTTP: the proxy gets the absolute URI.
    const targetAuth = basicAuth(target);
    const headers = { Host: target.host, ...(proxyAuth ? { 'Proxy-Authorization': proxyAuth } : {}), ...(targetAuth ? { Authorization: targetAuth } : {}) };
    const answer = await answerOf(send({ ...toProxy, method: 'GET', path: target.href, headers })).catch((err) => Promise.reject(proxyFailure(err)));
    if (answer.status === 407) throw new HttpFailure('proxy_auth', 'proxy answered 407 Proxy Authentication Required', 407);
    return answer;
  }

  // HTTPS: CONNECT host:port, then TLS to the origin inside the tunnel.
  const authority = `${target.hostname}:${target.port || 443}`;
  const tunnel = await new Promise<net.Socket>((resolve, reject) => {
    const req = send({ ...toProxy, method: 'CONNECT', path: authority, headers: { Host: authority, ...(proxyAuth ? { 'Proxy-Authorization': proxyAuth } : {}) } });
    req.on('error', (err) => reject(proxyFailure(err)));
    req.once('connect', (res, socket) => {
      socket.on('error', reject);
      destroyOnAbort(signal, socket);
      if (res.statusCode === 200) return resolve(socket); // Go accepts exactly 200
      socket.destroy();
      if (res.statusCode === 407) reject(new HttpFailure('proxy_auth', 'proxy answered 407 Proxy Authentication Required', 407));
      else reject(new HttpFailure('error', `proxy answered CONNECT with ${res.statusCode} ${res.statusMessage ?? ''}`.trim()));
    });
    req.end();
  });
  const host = bare(target.hostname);
  const secured = await new Promise<tls.TLSSocket>((resolve, reject) => {
    const socket = tls.connect({ socket: tunnel, host, servername: net.isIP(host) ? undefined : host, secureContext });
    destroyOnAbort(signal, socket);
    socket.on('error', (err) => reject(isCertError(codeOf(err)) ? new HttpFailure('tls_error', textOf(err)) : err));
    socket.once('secureConnect', () => resolve(socket));
  });
  const targetAuth = basicAuth(target);
  const headers = { Host: target.host, ...(targetAuth ? { Authorization: targetAuth } : {}) };
  return answerOf(http.request({ method: 'GET', host, path: `${target.pathname}${target.search}`, headers, createConnection: () => secured, signal }));
}

function direct(target: URL, secureContext: tls.SecureContext, signal: AbortSignal): Promise<Answer> {
  // Verification on, with the host's roots: this is the request the go command makes.
  // (https passes secureContext on to tls.connect; its RequestOptions type omits it.)
  const tlsOptions: https.RequestOptions & { secureContext: tls.SecureContext } = { agent: false, secureContext, signal };
  const req = target.protocol === 'https:' ? https.request(target, tlsOptions) : http.request(target, { agent: false, signal });
  return answerOf(req);
}

/** The proxy the go command on the host would use, or null (also when the URL cannot be parsed: the GET then says why). */
function hostProxyFor(url: string, env: Env): string | null {
  try {
    return goProxyFor(url, env);
  } catch {
    return null;
  }
}

async function httpStep(url: string, proxy: string | null, ms: number, secureContext: tls.SecureContext): Promise<HostHttpEvidence> {
  const base = { url, proxy: proxy === null ? null : redactUrl(proxy) };
  const t0 = performance.now();
  try {
    const target = new URL(url);
    const answer = await within(ms, (signal) => (proxy ? viaProxy(target, new URL(proxy), secureContext, signal) : direct(target, secureContext, signal)));
    if (answer === TIMED_OUT) return { ...base, outcome: 'timeout', status: null, ms: since(t0), message: `no response within ${ms} ms` };
    return { ...base, outcome: 'response', status: answer.status, ms: since(t0), message: `${answer.status} ${answer.statusText}`.trim() };
  } catch (err) {
    if (err instanceof HttpFailure) return { ...base, outcome: err.outcome, status: err.status, ms: since(t0), message: err.message };
    return { ...base, outcome: isCertError(codeOf(err)) ? 'tls_error' : 'error', status: null, ms: since(t0), message: textOf(err) };
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
  const route = address ? await routeStep(address, ms) : null;
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

/** Probe every target from the host, all in parallel, each chain in order: dns → tcp → route → tls → http. */
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
  const targets = await Promise.all(probed.map((t) => probeTarget(t, input, addHosts, secureContext, ops)));
  return { proxyEnv: hostProxyEnv(input.env), nameservers, targets };
}
