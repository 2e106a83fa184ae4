/**
 * Which proxy the go command uses for a URL: a port of Go's
 * golang.org/x/net/http/httpproxy (FromEnvironment + ProxyFunc), because no npm
 * library implements Go's rules (CIDRs, `*.` and leading-dot entries, ports,
 * never-proxied loopback, upper case winning over lower case).
 * Pure: the environment is a parameter.
 */
import { isIP } from 'node:net';
import { domainToASCII } from 'node:url';

export type Env = Readonly<Record<string, string | undefined>>;

export interface GoProxyConfig {
  httpProxy: string;
  httpsProxy: string;
  noProxy: string;
}

/** Go's getEnvAny: the upper-case name wins when both are set and non-empty. */
function getEnvAny(env: Env, ...names: string[]): string {
  for (const n of names) {
    const v = env[n];
    if (v) return v;
  }
  return '';
}

export function goProxyConfig(env: Env): GoProxyConfig {
  return {
    httpProxy: getEnvAny(env, 'HTTP_PROXY', 'http_proxy'),
    httpsProxy: getEnvAny(env, 'HTTPS_PROXY', 'https_proxy'),
    noProxy: getEnvAny(env, 'NO_PROXY', 'no_proxy'),
  };
}

/** Go's parseProxy: a value without a scheme is taken as http://VALUE. */
export function normalizeProxyUrl(value: string): string | null {
  if (!value) return null;
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`;
  try {
    const u = new URL(withScheme);
    return u.host ? withScheme : null;
  } catch {
    return null;
  }
}

/** An address as a number; IPv4-mapped IPv6 (::ffff:a.b.c.d) counts as the IPv4 address, as in Go. */
function ipToBigInt(ip: string): { v: bigint; bits: number } | null {
  const fam = isIP(ip);
  if (fam === 4) {
    return { v: ip.split('.').reduce((a, o) => (a << 8n) | BigInt(Number(o)), 0n), bits: 32 };
  }
  if (fam === 6) {
    let text = ip.toLowerCase();
    const dotted = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(text);
    if (dotted?.[1] && dotted[2]) {
      const v4 = ipToBigInt(dotted[2])!.v;
      text = `${dotted[1]}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
    }
    const [head = '', tail] = text.split('::');
    const parts = (s: string) => (s ? s.split(':') : []);
    let groups = parts(head);
    if (tail !== undefined) {
      const t = parts(tail);
      groups = [...groups, ...Array(8 - groups.length - t.length).fill('0'), ...t];
    }
    if (groups.length !== 8) return null;
    const v = groups.reduce((a, g) => (a << 16n) | BigInt(parseInt(g, 16)), 0n);
    return v >> 32n === 0xffffn ? { v: v & 0xffffffffn, bits: 32 } : { v, bits: 128 };
  }
  return null;
}

function inCidr(ip: string, cidr: string): boolean {
  const [net = '', lenText = ''] = cidr.split('/');
  const a = ipToBigInt(ip);
  const n = ipToBigInt(net);
  const len = Number(lenText);
  if (!a || !n || a.bits !== n.bits || !Number.isInteger(len) || len < 0 || len > a.bits) return false;
  const shift = BigInt(a.bits - len);
  return a.v >> shift === n.v >> shift;
}

function isLoopback(host: string): boolean {
  const n = ipToBigInt(host);
  if (!n) return false;
  return n.bits === 32 ? n.v >> 24n === 127n : n.v === 1n;
}

/** Go compares addresses, not their spelling (2001:db8::1 is 2001:db8:0:0:0:0:0:1). */
function sameIp(a: string, b: string): boolean {
  const x = ipToBigInt(a);
  const y = ipToBigInt(b);
  return !!x && !!y && x.bits === y.bits && x.v === y.v;
}

/** Split `host:port`, `[v6]:port` or a bare host. */
function splitHostPort(s: string): { host: string; port: string } {
  const v6 = /^\[([^\]]+)\](?::(\d*))?$/.exec(s);
  if (v6) return { host: v6[1] ?? '', port: v6[2] ?? '' };
  if (isIP(s) === 6) return { host: s, port: '' };
  const i = s.lastIndexOf(':');
  return i < 0 ? { host: s, port: '' } : { host: s.slice(0, i), port: s.slice(i + 1) };
}

/** Go's useProxy: whether NO_PROXY lets a request to host:port use the proxy. */
export function goUsesProxy(noProxy: string, host: string, port: string): boolean {
  host = host.toLowerCase();
  if (host === 'localhost' || isLoopback(host)) return false;
  for (const raw of noProxy.split(',')) {
    const p = raw.trim().toLowerCase();
    if (!p) continue;
    if (p === '*') return false;
    if (p.includes('/') && isIP(p.split('/')[0] ?? '')) {
      if (isIP(host) && inCidr(host, p)) return false;
      continue;
    }
    if (isIP(p)) {
      if (sameIp(p, host)) return false;
      continue;
    }
    const hp = splitHostPort(p);
    let phost = hp.host;
    const pport = hp.port;
    if (!phost) continue;
    if (isIP(phost)) {
      if (sameIp(phost, host) && (!pport || pport === port)) return false;
      continue;
    }
    if (phost.startsWith('*.')) phost = phost.slice(1);
    const matchHost = !phost.startsWith('.');
    if (matchHost) phost = `.${phost}`;
    // Go converts entries to punycode (idnaASCII), as URL hosts already are.
    phost = domainToASCII(phost.slice(1)) ? `.${domainToASCII(phost.slice(1))}` : phost;
    if ((host.endsWith(phost) || (matchHost && host === phost.slice(1))) && (!pport || pport === port)) return false;
  }
  return true;
}

/** The proxy URL the go command would use for `url`, or null for a direct connection. */
export function goProxyFor(url: string, env: Env): string | null {
  // Node's URL parser rejects IPv6 zones ([fe80::1%25eth0]); Go ignores the zone for matching.
  const u = new URL(url.replace(/(\[[0-9a-fA-F:.]+)%25[^\]]*\]/, '$1]'));
  const cfg = goProxyConfig(env);
  const chosen = u.protocol === 'https:' ? cfg.httpsProxy : u.protocol === 'http:' ? cfg.httpProxy : '';
  if (!chosen) return null;
  const port = u.port || (u.protocol === 'https:' ? '443' : '80');
  const host = u.hostname.replace(/^\[|\]$/g, '');
  if (!goUsesProxy(cfg.noProxy, host, port)) return null;
  return normalizeProxyUrl(chosen);
}
