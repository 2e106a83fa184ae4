/**
 * The host side's pure readings: lookup and socket error codes → outcomes, `ip -j route get`,
 * --add-host values, resolv.conf, the proxy variables the go command on the host reads, the
 * address a dial would use. No I/O: probe.ts does the steps, these read what they got.
 */
import net from 'node:net';
import type { HostDnsEvidence, HostTcpEvidence } from '../model.js';
import { redactUrl } from '../secrets.js';

/** An environment as passed in (process.env). */
export type Env = Readonly<Record<string, string | undefined>>;

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

export interface IpRoute {
  device: string | null;
  mtu: number | null;
  local: boolean;
}

/** The first route of `ip -j route get` output, parsed: its destination as printed, and the route. */
function firstRoute(json: string): { dst: unknown; route: IpRoute } | null {
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
  return { dst: route.dst, route: { device: typeof route.dev === 'string' ? route.dev : null, mtu: (mtu as number | undefined) ?? null, local: route.type === 'local' } };
}

/** The route `ip -j route get ADDR` printed: device, the route's own MTU (metrics), whether the address is local. */
export function parseIpRouteGet(json: string): IpRoute | null {
  return firstRoute(json)?.route ?? null;
}

/** An address as `ip` prints it (IPv6 compressed, lower case), to match a batch's answers to their questions. */
export function canonicalAddress(address: string): string {
  if (!net.isIPv6(address)) return address;
  try {
    return new URL(`http://[${address}]/`).hostname.slice(1, -1);
  } catch {
    return address.toLowerCase();
  }
}

/**
 * `ip -j -batch -` with one `route get ADDR` per line: a JSON array per answered line, by
 * its "dst" (a route that cannot be had prints nothing there, only on stderr).
 */
export function parseIpRouteBatch(output: string): Map<string, IpRoute> {
  const routes = new Map<string, IpRoute>();
  for (const line of output.split('\n')) {
    const answer = firstRoute(line);
    if (answer && typeof answer.dst === 'string') routes.set(canonicalAddress(answer.dst), answer.route);
  }
  return routes;
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
