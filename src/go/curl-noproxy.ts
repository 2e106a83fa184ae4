/**
 * Whether a NO_PROXY value sends a host direct, by curl's rules: a port of curl
 * lib/noproxy.c Curl_check_noproxy / Curl_cidr4_match / Curl_cidr6_match as of 7.86–8.8
 * (space-separated entries still accepted, deprecated in 7.88.0). It is its own file because
 * this matching (tokens, host suffixes, CIDRs, with curl's bugs of the time) is one C file's
 * port, while curl-proxy.ts is about which variables curl and git read. Pure.
 */
import { isIPv4, isIPv6 } from 'node:net';

/** inet_pton(AF_INET6) into 16 bytes; null when not an address (zones are rejected, as by glibc). */
function ipv6Bytes(s: string): number[] | null {
  if (!isIPv6(s) || s.includes('%')) return null;
  let text = s;
  const dotted = /^(.*:)(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const o = dotted.slice(2, 6).map(Number) as [number, number, number, number];
    text = `${dotted[1]}${((o[0] << 8) | o[1]).toString(16)}:${((o[2] << 8) | o[3]).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const parts = (x: string) => (x ? x.split(':') : []);
  let groups = parts(head);
  if (tail !== undefined) {
    const t = parts(tail);
    groups = [...groups, ...Array<string>(8 - groups.length - t.length).fill('0'), ...t];
  }
  if (groups.length !== 8) return null;
  return groups.flatMap((g) => {
    const n = parseInt(g, 16);
    return [n >> 8, n & 0xff];
  });
}

function ipv4Number(s: string): number | null {
  if (!isIPv4(s)) return null;
  return s.split('.').reduce((a, o) => a * 256 + Number(o), 0);
}

/** C atoi() cast to unsigned int, as noproxy.c does with the CIDR length. */
function atoiUnsigned(s: string): number {
  const m = /^[ \t\n\v\f\r]*([+-]?)(\d+)/.exec(s);
  if (!m) return 0;
  const n = Number(m[2]) * (m[1] === '-' ? -1 : 1);
  if (!Number.isFinite(n) || Math.abs(n) > 0x7fffffff) return 0xffffffff; // undefined in C; "crazy value"
  return n >>> 0;
}

/** Curl_cidr4_match (7.88): /0 or no length means an exact comparison. */
export function curlCidr4Match(ipv4: string, network: string, bits: number): boolean {
  if (bits > 32) return false;
  const a = ipv4Number(ipv4);
  const c = ipv4Number(network);
  if (a === null || c === null) return false;
  if (bits && bits !== 32) {
    const mask = (0xffffffff << (32 - bits)) >>> 0;
    return ((a ^ c) & mask) >>> 0 === 0;
  }
  return a === c;
}

/**
 * Curl_cidr6_match (7.86–8.16). No length means /128. The test of the last, partial byte is
 * inverted (fixed in 8.17.0, curl PR #18891): with a length that is not a multiple of 8 an
 * address matches when that byte's network bits *differ*.
 */
export function curlCidr6Match(ipv6: string, network: string, bits: number): boolean {
  if (!bits) bits = 128;
  const bytes = Math.floor(bits / 8);
  const rest = bits & 0x07;
  if (bytes > 16 || (bytes === 16 && rest)) return false;
  const a = ipv6Bytes(ipv6);
  const c = ipv6Bytes(network);
  if (!a || !c) return false;
  for (let i = 0; i < bytes; i++) if (a[i] !== c[i]) return false;
  if (rest && !((a[bytes]! ^ c[bytes]!) & (0xff << (8 - rest)))) return false;
  return true;
}

/**
 * The entries curl 7.88 sees: separated by commas and/or blanks (space, tab). Splitting on
 * blanks alone is deprecated since 7.88.0 and gone in 8.9.0, where a blank ends the list.
 */
export function curlNoProxyTokens(noProxy: string): string[] {
  return noProxy.split(/[ \t,]+/).filter((t) => t !== '');
}

type NameType = 'host' | 'ipv4' | 'ipv6';

function tokenMatches(type: NameType, name: string, token: string): boolean {
  if (type === 'host') {
    let t = token;
    if (t.endsWith('.')) t = t.slice(0, -1); // ignore trailing dots in the token
    if (t.length && t[0] === '.') t = t.slice(1); // and a leading one
    const n = name.length;
    const eq = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
    // A: example.com matches 'example.com'; B: www.example.com matches 'example.com';
    // C: nonexample.com does not match 'example.com'.
    if (t.length === n) return eq(t, name);
    if (t.length < n) return name[n - t.length - 1] === '.' && eq(t, name.slice(n - t.length));
    return false;
  }
  if (token.length >= 128) return false; // "this cannot match"
  const slash = token.indexOf('/');
  const bits = slash >= 0 ? atoiUnsigned(token.slice(slash + 1)) : 0;
  const check = slash >= 0 ? token.slice(0, slash) : token;
  return type === 'ipv6' ? curlCidr6Match(name, check, bits) : curlCidr4Match(name, check, bits);
}

/**
 * Curl_check_noproxy (curl 7.88): whether NO_PROXY sends `name` direct. `name` is what
 * libcurl passes: a host name, a dotted IPv4 address, or "[v6]" — but see curlProxyFor: for
 * URLs libcurl strips the brackets first, so real IPv6 hosts are compared as text.
 * No port is involved: curl has no port syntax in NO_PROXY.
 */
export function curlNoProxyMatch(name: string, noProxy: string | null | undefined): boolean {
  if (!name || !noProxy) return false;
  // Only the whole value "*" matches everything; "*" inside a list is an ordinary name.
  if (noProxy === '*') return true;
  let type: NameType = 'host';
  let n = name;
  if (name[0] === '[') {
    const end = name.indexOf(']');
    if (end < 0) return false;
    n = name.slice(1, end);
    if (n.length >= 128) return false;
    type = 'ipv6';
  } else if (ipv4Number(name) !== null) {
    type = 'ipv4';
  } else if (name.endsWith('.')) {
    n = name.slice(0, -1); // ignore trailing dots in the host name
  }
  return curlNoProxyTokens(noProxy).some((t) => tokenMatches(type, n, t));
}
