/**
 * Which proxy curl/libcurl — and so git over HTTPS — uses for a URL, as in curl 7.88.1
 * (Debian bookworm's libcurl, the one git links in the images we test) and git 2.39.
 * Ports, pure (the environment is a parameter):
 *  - curl lib/noproxy.c Curl_check_noproxy / Curl_cidr4_match / Curl_cidr6_match as of
 *    7.86–8.8 (space-separated entries still accepted, deprecated in 7.88.0);
 *  - curl lib/url.c create_conn_helper_init_proxy (no_proxy before NO_PROXY), detect_proxy
 *    (x_proxy, then X_PROXY except for http, then all_proxy, ALL_PROXY), parse_proxy (guessed
 *    scheme, default port 1080, 443 for https://) and lib/getenv.c (empty = unset);
 *  - git http.c get_curl_handle, which reads the same variables itself with other rules.
 * Newer curl differs, noted where it matters: 8.9.0 stops splitting on spaces; 8.17.0 fixes
 * IPv6 CIDRs whose length is not a multiple of 8 (curl PR #18891); a /0 CIDR matching
 * everything and plain IP entries compared as /32 or /128 came later still (PR #20306 and the
 * test 1614 table that goes with it); curl PR #19828 (Dec 2025) reports that IPv6 URL hosts
 * reach the check without brackets and so never take the CIDR path — true of 7.88 too.
 */
import { isIPv4, isIPv6 } from 'node:net';
import { type Env, goProxyConfig, goProxyFor, goUsesProxy } from './http-proxy.js';

/** lib/getenv.c: `(env && env[0]) ? strdup(env) : NULL` — an empty variable is unset. */
function curlGetenv(env: Env, name: string): string | null {
  const v = env[name];
  return v ? v : null;
}

export interface CurlProxyEnv {
  /** The proxy value curl would use for the scheme, before NO_PROXY. */
  proxy: string | null;
  proxyVar: string | null;
  noProxy: string | null;
  noProxyVar: string | null;
}

/** The variables libcurl reads for a scheme ("http", "https", …), in its order. */
export function curlProxyEnv(scheme: string, env: Env): CurlProxyEnv {
  let noProxyVar: string | null = 'no_proxy';
  let noProxy = curlGetenv(env, 'no_proxy');
  if (!noProxy) {
    noProxyVar = 'NO_PROXY';
    noProxy = curlGetenv(env, 'NO_PROXY');
  }
  if (!noProxy) noProxyVar = null;
  const lower = `${scheme.toLowerCase()}_proxy`;
  const candidates = [lower];
  // Not HTTP_PROXY: a CGI program gets the request's "Proxy:" header as HTTP_PROXY (httpoxy).
  if (lower !== 'http_proxy') candidates.push(lower.toUpperCase());
  candidates.push('all_proxy', 'ALL_PROXY');
  for (const name of candidates) {
    const v = curlGetenv(env, name);
    if (v) return { proxy: v, proxyVar: name, noProxy, noProxyVar };
  }
  return { proxy: null, proxyVar: null, noProxy, noProxyVar };
}

// ---- Curl_check_noproxy (lib/noproxy.c, 7.88) -------------------------------------------------

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

// ---- the proxy itself (url.c parse_proxy) ----------------------------------------------------

/** CURLU_GUESS_SCHEME: a scheme-less value is http://, unless the host starts "ftp.", "imap.", … */
function guessScheme(value: string): string {
  const m = /^(ftp|dict|ldap|imap|smtp|pop3)\./i.exec(value);
  return m?.[1] ? m[1].toLowerCase() : 'http';
}

export interface ProxyEndpoint {
  scheme: string;
  host: string;
  port: number;
}

const CURL_PROXY_SCHEMES = new Set(['http', 'https', 'socks', 'socks4', 'socks4a', 'socks5', 'socks5h']);

/**
 * Where curl connects for a proxy value: no port means 1080 (CURL_DEFAULT_PROXY_PORT), or 443
 * for https://. Go uses the scheme's port instead (80 for http://), see goProxyEndpoint.
 */
export function curlProxyEndpoint(value: string): ProxyEndpoint | { error: string } {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `${guessScheme(value)}://${value}`;
  let u: URL;
  try {
    u = new URL(withScheme.replace(/^[a-z][a-z0-9+.-]*:/i, 'http:'));
  } catch {
    return { error: `Unsupported proxy syntax in '${value}'` };
  }
  const scheme = withScheme.slice(0, withScheme.indexOf(':')).toLowerCase();
  if (!CURL_PROXY_SCHEMES.has(scheme)) return { error: `Unsupported proxy scheme for '${value}'` };
  const port = u.port ? Number(u.port) : scheme === 'https' ? 443 : 1080;
  return { scheme, host: u.hostname.replace(/^\[|\]$/g, ''), port };
}

/** Go's transport (canonicalAddr/portMap): a proxy without a port is reached on its scheme's port. */
export function goProxyEndpoint(proxyUrl: string): ProxyEndpoint | null {
  try {
    const scheme = proxyUrl.slice(0, proxyUrl.indexOf(':')).toLowerCase();
    const u = new URL(proxyUrl.replace(/^[a-z][a-z0-9+.-]*:/i, 'http:'));
    const def: Record<string, number> = { http: 80, https: 443, socks5: 1080, socks5h: 1080 };
    const port = u.port ? Number(u.port) : def[scheme];
    if (port === undefined) return null;
    return { scheme, host: u.hostname.replace(/^\[|\]$/g, ''), port };
  } catch {
    return null;
  }
}

function normalized(value: string): string {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `${guessScheme(value)}://${value}`;
}

/** The URL's scheme and the host name libcurl checks NO_PROXY with (url.c cuts IPv6 brackets off). */
function target(url: string): { scheme: string; host: string } {
  const u = new URL(url.replace(/(\[[0-9a-fA-F:.]+)%25[^\]]*\]/, '$1]'));
  return { scheme: u.protocol.replace(/:$/, ''), host: u.hostname.replace(/^\[|\]$/g, '') };
}

/**
 * The proxy libcurl 7.88 (the curl command, and programs using libcurl's defaults) uses for
 * `url`, or null for a direct connection. A scheme-less value gets curl's guessed scheme;
 * an unsupported scheme is still returned — the transfer then fails (see curlProxyEndpoint).
 */
export function curlProxyFor(url: string, env: Env): string | null {
  const { scheme, host } = target(url);
  const cfg = curlProxyEnv(scheme, env);
  if (curlNoProxyMatch(host, cfg.noProxy)) return null;
  return cfg.proxy ? normalized(cfg.proxy) : null;
}

/** git's var_override: a set variable wins even when empty, and the later call wins. */
function gitEnv(env: Env, ...names: string[]): string | null {
  let v: string | null = null;
  for (const n of names) {
    const x = env[n];
    if (x !== undefined) v = x;
  }
  return v;
}

/**
 * The proxy git 2.39 uses for an HTTP(S) remote from the environment (no http.proxy in its
 * config). git reads the variables itself and hands libcurl CURLOPT_PROXY/CURLOPT_NOPROXY:
 * lower case wins over upper case, http_proxy only for http, an empty value counts as set
 * (an empty proxy disables proxying; an empty no_proxy hides NO_PROXY).
 */
export function gitProxyFor(url: string, env: Env): string | null {
  const { scheme, host } = target(url);
  let proxy = scheme === 'https' ? gitEnv(env, 'HTTPS_PROXY', 'https_proxy') : gitEnv(env, 'http_proxy');
  if (proxy === null) proxy = gitEnv(env, 'ALL_PROXY', 'all_proxy');
  if (proxy === null || proxy === '') return null;
  const noProxy = gitEnv(env, 'NO_PROXY', 'no_proxy');
  if (curlNoProxyMatch(host, noProxy)) return null;
  // git passes only host:port (credential_from_url) plus a proxy type for socks*/https prefixes.
  const type = /^socks5h/.test(proxy)
    ? 'socks5h'
    : /^socks5/.test(proxy)
      ? 'socks5'
      : /^socks4a/.test(proxy)
        ? 'socks4a'
        : /^socks/.test(proxy)
          ? 'socks4'
          : /^https/.test(proxy)
            ? 'https'
            : null;
  const u = proxy.includes('://') ? proxy : `http://${proxy}`;
  let hostPort: string;
  try {
    hostPort = new URL(u.replace(/^[a-z][a-z0-9+.-]*:/i, 'http:')).host;
  } catch {
    return null; // git dies: "Invalid proxy URL '...'"
  }
  return `${type ?? guessScheme(hostPort)}://${hostPort}`;
}

// ---- where Go and curl disagree ---------------------------------------------------------------

export interface NoProxyDifference {
  /** Whether the go command's HTTP client goes through a proxy for host:port. */
  go: boolean;
  /** Whether libcurl (curl, and git with the same variables) goes through a proxy. */
  curl: boolean;
  /** Whether git specifically does (it reads the variables itself, see gitProxyFor). */
  git: boolean;
  /** The NO_PROXY entry (or variable) that makes them disagree, when there is one. */
  entry: string | null;
  why: string;
  goProxy: string | null;
  curlProxy: string | null;
}

function hostForUrl(host: string): string {
  return isIPv6(host) ? `[${host}]` : host;
}

function goEntries(v: string): string[] {
  return v.split(',').map((e) => e.trim()).filter(Boolean);
}

/** Why Go skips the proxy for host because of `entry`, and curl does not. */
function whyGoOnly(entry: string, noProxy: string, host: string): string {
  const e = entry.toLowerCase();
  if (e === '*') return `\`*\` among other entries matches everything for Go; curl only honours NO_PROXY=* when that is the whole value`;
  if (e.startsWith('*.')) return `\`${entry}\` is a wildcard to Go but a literal name to curl, which never matches it (write \`${entry.slice(1)}\` for both)`;
  if (e.includes('/')) {
    const [net = '', bits = ''] = e.split('/');
    if (isIPv6(host) || isIPv6(net)) {
      return `\`${entry}\` is a CIDR Go honours; curl 7.88 receives IPv6 hosts without brackets and compares them as text, so IPv6 CIDRs never match`;
    }
    if (Number(bits) === 0) return `\`${entry}\` matches every IPv4 address for Go; curl 7.88 treats /0 as an exact comparison with ${net}`;
    return `\`${entry}\` is a CIDR both honour for IPv4 addresses, but curl only checks it against IP literals, not names`;
  }
  if (/^\[.*\]:\d+$|^[^:]+:\d+$/.test(e)) return `\`${entry}\`: Go honours host:port entries; curl compares the whole text as a host name and never matches it`;
  if (isIPv6(e) || isIPv6(host)) return `\`${entry}\`: Go compares IPv6 addresses; curl compares them as text (${host} is written differently)`;
  if (/[^\x00-\x7f]/.test(entry)) return `\`${entry}\`: Go converts entries to punycode; curl compares them as written`;
  return `\`${entry}\` in ${JSON.stringify(noProxy)} matches ${host} for Go but not for curl`;
}

/** Why curl skips the proxy for host because of `token`, and Go does not. */
function whyCurlOnly(token: string, noProxy: string, host: string): string {
  if (!goEntries(noProxy).some((e) => e.toLowerCase() === token.toLowerCase())) {
    return `\`${token}\` is separated by spaces: curl 7.88 splits NO_PROXY on spaces too (deprecated, dropped in curl 8.9.0), Go only on commas`;
  }
  const t = token.replace(/\.$/, '');
  if (token.startsWith('.') && t.slice(1).toLowerCase() === host.toLowerCase()) {
    return `\`${token}\`: curl drops the leading dot and matches ${host} itself; for Go a leading dot means subdomains only`;
  }
  if (token.endsWith('.')) return `\`${token}\`: curl ignores a trailing dot; Go does not`;
  return `\`${token}\` matches ${host} for curl but not for Go`;
}

/**
 * For a host the build contacts, whether the go command and curl/git would use a proxy, and
 * when they disagree, why. `scheme` defaults to http for port 80 and https otherwise.
 * Returns null when both make the same choice (same proxy, or both direct).
 */
export function explainNoProxyDifference(host: string, port: number, env: Env, scheme?: 'http' | 'https'): NoProxyDifference | null {
  const sch = scheme ?? (port === 80 ? 'http' : 'https');
  const bare = host.replace(/^\[|\]$/g, '');
  const url = `${sch}://${hostForUrl(bare)}:${port}/`;
  const goProxy = goProxyFor(url, env);
  const curlProxy = curlProxyFor(url, env);
  const gitProxy = gitProxyFor(url, env);
  const base = { go: goProxy !== null, curl: curlProxy !== null, git: gitProxy !== null, goProxy, curlProxy };
  const goCfg = goProxyConfig(env);
  const curlCfg = curlProxyEnv(sch, env);
  const goVarValue = sch === 'https' ? goCfg.httpsProxy : goCfg.httpProxy;
  const goVar = sch === 'https' ? (env.HTTPS_PROXY ? 'HTTPS_PROXY' : 'https_proxy') : env.HTTP_PROXY ? 'HTTP_PROXY' : 'http_proxy';
  const goNoVar = env.NO_PROXY ? 'NO_PROXY' : 'no_proxy';

  if (base.go === base.curl) {
    if (!base.go) return base.git ? { ...base, entry: null, why: gitOnlyWhy(env, sch) } : null;
    const g = goProxyEndpoint(goProxy!);
    const c = curlProxyEndpoint(curlProxy!);
    if ('error' in c) return { ...base, entry: null, why: `curl cannot use ${curlCfg.proxyVar}: ${c.error}` };
    if (goVarValue !== curlCfg.proxy) {
      return { ...base, entry: null, why: `Go uses ${goVar}=${goVarValue}, curl uses ${curlCfg.proxyVar}=${curlCfg.proxy} (Go prefers upper case, curl lower case)` };
    }
    if (g && (g.port !== c.port || g.host !== c.host)) {
      return { ...base, entry: null, why: `${curlCfg.proxyVar} has no port: Go connects to ${g.host}:${g.port}, curl to ${c.host}:${c.port} (curl's default proxy port is 1080)` };
    }
    return base.git ? null : { ...base, entry: null, why: gitOnlyWhy(env, sch) };
  }

  if (!base.go) {
    // curl goes through a proxy, Go does not.
    if (!goVarValue) return { ...base, entry: null, why: `Go has no ${sch === 'https' ? 'HTTPS_PROXY/https_proxy' : 'HTTP_PROXY/http_proxy'} and ignores ${curlCfg.proxyVar}; curl falls back to it` };
    if (bare.toLowerCase() === 'localhost' || /^127\./.test(bare) || bare === '::1') {
      return { ...base, entry: null, why: `Go never uses a proxy for localhost and loopback addresses; curl does unless NO_PROXY lists ${bare}` };
    }
    if ((goCfg.noProxy || null) !== curlCfg.noProxy) {
      return {
        ...base,
        entry: goNoVar,
        why: `Go reads ${goNoVar} (upper case first) and curl reads ${curlCfg.noProxyVar ?? 'no_proxy/NO_PROXY'} (lower case first), and they differ`,
      };
    }
    const entry = goEntries(goCfg.noProxy).find((e) => !goUsesProxy(e, bare, String(port))) ?? null;
    return { ...base, entry, why: entry ? whyGoOnly(entry, goCfg.noProxy, bare) : 'NO_PROXY matches this host for Go only' };
  }

  // Go goes through a proxy, curl does not.
  if (!curlCfg.proxy) {
    if (sch === 'http' && env.HTTP_PROXY && !env.http_proxy) {
      return { ...base, entry: null, why: 'curl ignores upper-case HTTP_PROXY (a CGI program gets it from the "Proxy:" request header); only lower-case http_proxy works for both' };
    }
    return { ...base, entry: null, why: `curl finds no ${sch}_proxy, ${sch.toUpperCase()}_PROXY or all_proxy value` };
  }
  if ((goCfg.noProxy || null) !== curlCfg.noProxy) {
    return {
      ...base,
      entry: curlCfg.noProxyVar,
      why: `curl reads ${curlCfg.noProxyVar} (lower case first) and Go reads ${goNoVar} (upper case first), and they differ`,
    };
  }
  const token = curlNoProxyTokens(curlCfg.noProxy ?? '').find((t) => curlNoProxyMatch(bare, t)) ?? null;
  return { ...base, entry: token, why: token ? whyCurlOnly(token, curlCfg.noProxy ?? '', bare) : 'NO_PROXY matches this host for curl only' };
}

function gitOnlyWhy(env: Env, scheme: string): string {
  const names = scheme === 'https' ? ['https_proxy', 'HTTPS_PROXY'] : ['http_proxy'];
  const empty = [...names, 'all_proxy', 'ALL_PROXY', 'no_proxy', 'NO_PROXY'].filter((n) => env[n] === '');
  return empty.length
    ? `git treats set-but-empty variables (${empty.join(', ')}) as set, curl and Go as unset`
    : 'git reads the proxy variables itself, with lower case winning';
}
