/**
 * Options + what the image says → the probe plan. Pure.
 */
import { isSafeField } from '../agent/wire.js';
import { goProxyFor, normalizeProxyUrl } from '../go/http-proxy.js';
import { DEFAULT_GOPROXY, DEFAULT_GOSUMDB, escapeModulePath, moduleZipUrl, parseGoproxy, sumdbEndpoint } from '../go/goproxy-list.js';
import type { ImageFacts, PlannedFetch, PlannedPath, PlannedRepo, PlannedSumdbGet, PlannedTarget, PlannedTransfer, ProbePlan, TargetRole } from '../model.js';
import type { DoctorOptions } from '../options.js';

/** The canary request of the module proxy protocol (field guide: rsc.io/quote is tiny). */
export const CANARY_LIST_PATH = '/rsc.io/quote/@v/list';

/**
 * Well-known module sources, probed unless --no-default-targets. Their failures only
 * warn, unless the image's GOPROXY/GOSUMDB (or --target) names them too.
 */
export const DEFAULT_TARGETS: Array<{ host: string; role: TargetRole; proxyUrl: string | null }> = [
  { host: 'proxy.golang.org', role: 'default', proxyUrl: 'https://proxy.golang.org' },
  { host: 'goproxy.cn', role: 'default', proxyUrl: 'https://goproxy.cn' },
  { host: 'goproxy.io', role: 'default', proxyUrl: 'https://goproxy.io' },
  { host: 'github.com', role: 'default', proxyUrl: null },
  { host: 'sum.golang.org', role: 'default', proxyUrl: null },
];

/** A Go setting as the go command sees it: `go env` when the image has go, else the environment. */
export function goSetting(name: string, facts: ImageFacts, env: Record<string, string>, fallback: string): string {
  const fromGo = facts.goEnv?.[name];
  if (fromGo !== undefined) return fromGo;
  return env[name] ?? fallback;
}

/** Proxy variables as the go command, git/curl and the docker CLI spell them. */
export const PROXY_VARS = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'ALL_PROXY', 'all_proxy', 'NO_PROXY', 'no_proxy'] as const;

/** Every distinct proxy the go command or git could use, normalised (no scheme → http://). */
export function proxyUrls(env: Record<string, string>): string[] {
  const urls = new Set<string>();
  for (const name of PROXY_VARS) {
    if (/no_proxy/i.test(name) || !env[name]) continue;
    const u = normalizeProxyUrl(env[name]!);
    // A value the agent wire cannot carry (whitespace) is unusable for Go too: proxy-env.vars says so.
    if (u && /^(https?|socks5h?):\/\//i.test(u) && isSafeField(u)) urls.add(u);
  }
  return [...urls];
}

/**
 * The directories the go command writes, as it derives them (cmd/go/internal/cfg):
 * GOPATH defaults to $HOME/go, GOMODCACHE to GOPATH[0]/pkg/mod, GOCACHE to
 * $XDG_CACHE_HOME/go-build or $HOME/.cache/go-build, "off" when neither is set.
 * A null path is undefined; `note` says why, in the go command's words.
 */
export function goPaths(facts: ImageFacts, env: Record<string, string>): Array<Omit<PlannedPath, 'key'>> {
  const home = facts.home ?? env.HOME ?? '';
  const fromGo = (name: string) => facts.goEnv?.[name];
  const gopath = (fromGo('GOPATH') ?? env.GOPATH ?? (home ? `${home}/go` : '')).split(':')[0] ?? '';
  const modcache = fromGo('GOMODCACHE') ?? env.GOMODCACHE ?? (gopath ? `${gopath}/pkg/mod` : '');
  const xdg = env.XDG_CACHE_HOME ?? '';
  let gocache = fromGo('GOCACHE') ?? env.GOCACHE ?? (xdg ? `${xdg}/go-build` : home ? `${home}/.cache/go-build` : 'off');
  const out: Array<Omit<PlannedPath, 'key'>> = [];
  const add = (variable: string, path: string, note: string | null = null) =>
    out.push(path && path !== 'off' && path.startsWith('/') ? { variable, path, note } : { variable, path: null, note: note ?? `${variable} is "${path}", not an absolute path` });
  add('GOMODCACHE', modcache, modcache ? null : 'module cache not found: neither GOMODCACHE nor GOPATH is set');
  if (gocache === 'off') gocache = '';
  const why = env.GOCACHE === 'off' ? 'build cache is disabled by GOCACHE=off, but required as of Go 1.12' : 'GOCACHE is not defined and neither $XDG_CACHE_HOME nor $HOME are defined';
  add('GOCACHE', gocache, gocache ? null : why);
  add('GOPATH', gopath, gopath ? null : 'GOPATH is not set ($HOME is not defined)');
  add('HOME', home, home ? null : '$HOME is not defined');
  add('TMPDIR', env.TMPDIR || '/tmp');
  if (xdg) add('XDG_CACHE_HOME', xdg);
  return out;
}

/** Hosts GOPRIVATE names literally (`git.corp.example/*` → git.corp.example); globbed hosts cannot be probed. */
export function privateHosts(goprivate: string): string[] {
  const hosts = new Set<string>();
  for (const pattern of goprivate.split(',')) {
    const first = pattern.trim().split('/')[0] ?? '';
    if (first.includes('.') && !/[*?[\]\\]/.test(first) && !first.includes(':')) hosts.add(first.toLowerCase());
  }
  return [...hosts];
}

function portOf(u: URL): number {
  return Number(u.port || (u.protocol === 'http:' ? 80 : 443));
}

export function planProbes(opts: DoctorOptions, facts: ImageFacts, env: Record<string, string>): ProbePlan {
  const byHostPort = new Map<string, Omit<PlannedTarget, 'key' | 'httpProxy'>>();
  const add = (host: string, port: number, role: TargetRole, tls: boolean, proxyBase: string | null) => {
    const k = `${host.toLowerCase()}:${port}`;
    const existing = byHostPort.get(k);
    const httpUrl = proxyBase ? proxyBase + CANARY_LIST_PATH : null;
    if (existing) {
      if (!existing.roles.includes(role)) existing.roles.push(role);
      existing.httpUrl ??= httpUrl;
      existing.tls ||= tls;
    } else {
      byHostPort.set(k, { host: host.toLowerCase(), port, roles: [role], tls, httpUrl });
    }
  };
  if (opts.defaultTargets) {
    for (const t of DEFAULT_TARGETS) add(t.host, 443, t.role, true, t.proxyUrl);
  }
  for (const entry of parseGoproxy(goSetting('GOPROXY', facts, env, DEFAULT_GOPROXY))) {
    if (entry.kind !== 'url' || entry.url.startsWith('file:')) continue;
    const u = new URL(entry.url);
    add(u.hostname, portOf(u), 'goproxy', u.protocol === 'https:', entry.url);
  }
  const sumdb = sumdbEndpoint(goSetting('GOSUMDB', facts, env, DEFAULT_GOSUMDB));
  if (sumdb) {
    try {
      const u = new URL(sumdb.url);
      add(u.hostname, portOf(u), 'gosumdb', u.protocol === 'https:', null);
    } catch {
      // An unparsable GOSUMDB is a go-env finding, not a target.
    }
  }
  for (const t of opts.targets) add(t.host, t.port, 'user', t.port !== 80, t.proxyUrl);
  const goprivate = goSetting('GOPRIVATE', facts, env, '');
  for (const host of privateHosts(goprivate)) add(host, 443, 'private', true, null);
  for (const r of opts.privateRepos) {
    if (r.kind === 'https') {
      const u = new URL(r.url);
      add(u.hostname, portOf(u), 'private', u.protocol === 'https:', null);
    }
  }
  const targets: PlannedTarget[] = [...byHostPort.values()].map((t, i) => {
    // The proxy the go command would use for this host, whether or not an HTTP step runs.
    const proxy = goProxyFor(t.httpUrl ?? `${t.tls ? 'https' : 'http'}://${t.host.includes(':') ? `[${t.host}]` : t.host}:${t.port}/`, env);
    // A proxy value with whitespace makes every go request fail ("invalid proxy address"): no
    // request to make as the go command would; proxy-env.vars reports the value.
    if (proxy !== null && !isSafeField(proxy)) return { ...t, key: `t${i}`, httpUrl: null, httpProxy: null };
    return { ...t, key: `t${i}`, httpProxy: proxy };
  });
  // Each proxy in the environment: reach it, then CONNECT through it to the first module proxy.
  const firstProxy = targets.find((t) => t.roles.includes('goproxy') && t.httpUrl)?.httpUrl ?? `https://proxy.golang.org${CANARY_LIST_PATH}`;
  for (const proxy of proxyUrls(env)) {
    const u = new URL(proxy);
    targets.push({
      key: `p${targets.length}`,
      host: u.hostname.replace(/^\[|\]$/g, '').toLowerCase(),
      port: Number(u.port || (u.protocol === 'https:' ? 443 : u.protocol.startsWith('socks') ? 1080 : 80)),
      roles: ['proxy'],
      tls: false,
      httpUrl: firstProxy,
      httpProxy: proxy,
    });
  }
  const paths: PlannedPath[] = goPaths(facts, env).map((p, i) => ({ ...p, key: `f${i}` }));
  const fetches: PlannedFetch[] = [];
  const sumdbGets: PlannedSumdbGet[] = [];
  const transfers: PlannedTransfer[] = [];
  if (opts.fetch) {
    const configured = goSetting('GOPROXY', facts, env, DEFAULT_GOPROXY) || DEFAULT_GOPROXY;
    const entries = parseGoproxy(configured);
    const urls = entries.flatMap((e) => (e.kind === 'url' && /^https?:/.test(e.url) ? [e.url] : []));
    // Each entry on its own says which one works and how fast; the well-known proxies
    // join in as candidates for the recommendation unless --no-default-targets.
    const candidates = [...urls, ...(opts.defaultTargets ? DEFAULT_TARGETS.flatMap((t) => (t.proxyUrl && !urls.includes(t.proxyUrl) ? [t.proxyUrl] : [])) : [])];
    const alone = [...candidates, ...(entries.some((e) => e.kind === 'direct') || candidates.length ? ['direct'] : [])];
    if (alone.length > 1 || alone[0] !== configured) {
      for (const goproxy of alone) fetches.push({ key: `g${fetches.length}`, goproxy, kind: 'entry', canary: opts.canary });
    }
    fetches.push({ key: `g${fetches.length}`, goproxy: configured, kind: 'configured', canary: opts.canary });
    for (const r of opts.privateRepos) {
      if (r.kind === 'module') fetches.push({ key: `g${fetches.length}`, goproxy: 'direct', kind: 'private', canary: `${r.url}@latest` });
    }
    for (const goproxy of candidates) {
      const modules = [opts.canary, ...(opts.throughput ? [opts.throughput] : [])];
      modules.forEach((module, i) => {
        const url = moduleZipUrl(goproxy, module);
        transfers.push({ key: `x${transfers.length}`, goproxy, module, purpose: i === 0 ? 'canary' : 'throughput', url, httpProxy: goProxyFor(url, env) });
      });
    }
    // The checksum database as the go command would reach it: through a proxy that says it
    // carries it (/sumdb/<name>/supported), else GOSUMDB directly.
    const sumdb = sumdbEndpoint(goSetting('GOSUMDB', facts, env, DEFAULT_GOSUMDB));
    if (sumdb) {
      const at = opts.canary.lastIndexOf('@');
      const lookup = `/lookup/${escapeModulePath(opts.canary.slice(0, at))}@${escapeModulePath(opts.canary.slice(at + 1))}`;
      const get = (kind: PlannedSumdbGet['kind'], via: string, url: string) => {
        if (isSafeField(url)) sumdbGets.push({ key: `s${sumdbGets.length}`, kind, via, url, httpProxy: goProxyFor(url, env) });
      };
      for (const proxy of urls) {
        get('supported', proxy, `${proxy}/sumdb/${sumdb.name}/supported`);
        get('lookup', proxy, `${proxy}/sumdb/${sumdb.name}${lookup}`);
      }
      get('lookup', 'direct', `${sumdb.url}${lookup}`);
    }
  }
  const repos: PlannedRepo[] = opts.privateRepos.map((r, i) => ({ key: `r${i}`, input: r.input, kind: r.kind, url: r.url, host: r.host }));
  return { timeoutMs: opts.timeoutMs, targets, paths, repos, fetches, sumdbGets, transfers, extraCa: opts.caCertPem !== null };
}
