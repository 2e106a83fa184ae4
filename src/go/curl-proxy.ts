/**
 * Which proxy curl/libcurl — and so git over HTTPS — uses for a URL, as in curl 7.88.1
 * (Debian bookworm's libcurl, the one git links in the images we test) and git 2.39.
 * Ports, pure (the environment is a parameter):
 *  - curl lib/url.c create_conn_helper_init_proxy (no_proxy before NO_PROXY), detect_proxy
 *    (x_proxy, then X_PROXY except for http, then all_proxy, ALL_PROXY), parse_proxy (guessed
 *    scheme, default port 1080, 443 for https://) and lib/getenv.c (empty = unset);
 *  - git http.c get_curl_handle, which reads the same variables itself with other rules;
 *  - NO_PROXY matching itself is curl-noproxy.ts (lib/noproxy.c).
 * Newer curl differs, noted where it matters: 8.9.0 stops splitting on spaces; 8.17.0 fixes
 * IPv6 CIDRs whose length is not a multiple of 8 (curl PR #18891); a /0 CIDR matching
 * everything and plain IP entries compared as /32 or /128 came later still (PR #20306 and the
 * test 1614 table that goes with it); curl PR #19828 (Dec 2025) reports that IPv6 URL hosts
 * reach the check without brackets and so never take the CIDR path — true of 7.88 too.
 */
import { isIPv6 } from 'node:net';
import { curlNoProxyMatch, curlNoProxyTokens } from './curl-noproxy.js';
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
  const withScheme = withGuessedScheme(value);
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

/** The value with curl's guessed scheme when it has none (`proxy:3128` → `http://proxy:3128`). */
function withGuessedScheme(value: string): string {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `${guessScheme(value)}://${value}`;
}

/** The URL's scheme and the host name libcurl checks NO_PROXY with (url.c cuts IPv6 brackets off). */
function schemeAndHost(url: string): { scheme: string; host: string } {
  const u = new URL(url.replace(/(\[[0-9a-fA-F:.]+)%25[^\]]*\]/, '$1]'));
  return { scheme: u.protocol.replace(/:$/, ''), host: u.hostname.replace(/^\[|\]$/g, '') };
}

/**
 * The proxy libcurl 7.88 (the curl command, and programs using libcurl's defaults) uses for
 * `url`, or null for a direct connection. A scheme-less value gets curl's guessed scheme;
 * an unsupported scheme is still returned — the transfer then fails (see curlProxyEndpoint).
 */
export function curlProxyFor(url: string, env: Env): string | null {
  const { scheme, host } = schemeAndHost(url);
  const cfg = curlProxyEnv(scheme, env);
  if (curlNoProxyMatch(host, cfg.noProxy)) return null;
  return cfg.proxy ? withGuessedScheme(cfg.proxy) : null;
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
  const { scheme, host } = schemeAndHost(url);
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
