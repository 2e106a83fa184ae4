/**
 * Options + what the image says → the probe plan. Pure.
 */
import { goProxyFor } from '../go/http-proxy.js';
import { DEFAULT_GOPROXY, DEFAULT_GOSUMDB, parseGoproxy, sumdbEndpoint } from '../go/goproxy-list.js';
import type { ImageFacts, PlannedTarget, ProbePlan, TargetRole } from '../model.js';
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

/** The environment the container gets: the image's ENV, then the user's -e/--env-file. */
export function mergeEnv(imageEnv: string[], userEnv: string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const kv of [...imageEnv, ...userEnv]) {
    const i = kv.indexOf('=');
    if (i > 0) env[kv.slice(0, i)] = kv.slice(i + 1);
  }
  return env;
}

/** A Go setting as the go command sees it: `go env` when the image has go, else the environment. */
export function goSetting(name: string, facts: ImageFacts, env: Record<string, string>, fallback: string): string {
  const fromGo = facts.goEnv?.[name];
  if (fromGo !== undefined) return fromGo;
  return env[name] ?? fallback;
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
  const targets = [...byHostPort.values()].map((t, i) => ({
    ...t,
    key: `t${i}`,
    httpProxy: t.httpUrl ? goProxyFor(t.httpUrl, env) : null,
  }));
  return { timeoutMs: opts.timeoutMs, targets, extraCa: opts.caCertPem !== null };
}
