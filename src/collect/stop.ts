/**
 * When to stop waiting: which running probes a lower layer has already decided, and
 * whether every answer the report needs is in. Pure: the plan, the container's
 * environment and the evidence so far in; decisions out. container.ts sends the stops.
 *
 * A go fetch (or a timed zip download) whose path is dead cannot succeed: every address
 * of its module proxy failed DNS, TCP or TLS, or the HTTP proxy it must go through cannot
 * be reached or refuses. Waiting for the go command's own timeouts (three step bounds)
 * adds nothing to the report. A path whose chain passed is never stopped: slow-vs-hung
 * and the throughput figures need the full bound.
 */
import { dnsResolve } from '../../checks/dns.js';
import { proxyEnvProxy } from '../../checks/proxy-env.js';
import { tcpConnect } from '../../checks/tcp.js';
import { tlsHandshake } from '../../checks/tls.js';
import { type GoproxyEntry, parseGoproxy } from '../go/goproxy-list.js';
import { goProxyFor } from '../go/http-proxy.js';
import type { Evidence, PlannedFetch, PlannedTransfer, ProbePlan, StopReason, TargetEvidence } from '../model.js';

export interface StopInput {
  plan: ProbePlan;
  /** The container's environment: the proxy the go command would use for each URL. */
  env: Readonly<Record<string, string | undefined>>;
  /** Each planned target with the steps measured so far (null: not in yet). */
  targets: TargetEvidence[];
  /** Keys of the fetch and transfer jobs whose block is in. */
  ended: ReadonlySet<string>;
  /** Keys already told to stop. */
  stopped: ReadonlySet<string>;
}

const isProxyOnly = (te: TargetEvidence): boolean => te.target.roles.length > 0 && te.target.roles.every((r) => r === 'proxy');

/** The row that says this target's path is dead, or null (passed, or not known yet). */
export function deadPath(te: TargetEvidence): StopReason | null {
  const t = te.target;
  if (isProxyOnly(te)) {
    // The proxy's own row (proxy-env.proxy) reads its DNS and TCP steps first.
    const row = { id: proxyEnvProxy.id, target: proxyEnvProxy.targetName(t) };
    const dns = dnsFailure(te);
    if (dns) return { ...row, what: `proxy ${dns}` };
    const tcp = tcpFailure(te);
    if (tcp) return { ...row, what: `proxy ${tcp}` };
    if (te.http?.outcome === 'proxy_refused') return { ...row, what: 'proxy refuses connections' };
    if (te.http?.outcome === 'proxy_auth') return { ...row, what: 'proxy wants credentials (407)' };
    return null;
  }
  const dns = dnsFailure(te);
  if (dns) return { id: dnsResolve.id, target: dnsResolve.targetName(t), what: dns };
  const tcp = tcpFailure(te);
  if (tcp) return { id: tcpConnect.id, target: tcpConnect.targetName(t), what: tcp };
  const tls = t.tls ? tlsFailure(te) : null;
  if (tls) return { id: tlsHandshake.id, target: tlsHandshake.targetName(t), what: tls };
  return null;
}

function dnsFailure(te: TargetEvidence): string | null {
  const o = te.dns?.outcome;
  return o && o !== 'resolved' && o !== 'no_tool' ? `dns ${o.replace('_', ' ')}` : null;
}

function tcpFailure(te: TargetEvidence): string | null {
  const attempts = te.tcp?.attempts ?? [];
  if (!attempts.length || attempts.some((a) => a.outcome === 'connected' || a.outcome === 'no_tool')) return null;
  return `tcp ${[...new Set(attempts.map((a) => a.outcome))].join('/')}`;
}

function tlsFailure(te: TargetEvidence): string | null {
  const tls = te.tls;
  if (!tls) return null;
  if (tls.outcome === 'timeout' || tls.outcome === 'error') return `tls ${tls.outcome}`;
  if (tls.outcome === 'ok' && tls.verifiable && tls.verifyCode !== null && tls.verifyCode !== 0) return 'tls certificate not trusted';
  return null;
}

function hostPort(url: string): { host: string; port: number } | null {
  try {
    const u = new URL(url);
    return { host: u.hostname.replace(/^\[|\]$/g, '').toLowerCase(), port: Number(u.port || (u.protocol === 'http:' ? 80 : 443)) };
  } catch {
    return null;
  }
}

/** The dead-path row for a request to `url` going through `proxy` (null: direct). */
function routeDecided(url: string, proxy: string | null, input: StopInput): StopReason | null {
  if (proxy !== null) {
    const te = input.targets.find((x) => isProxyOnly(x) && x.target.httpProxy === proxy);
    return te ? deadPath(te) : null;
  }
  const hp = hostPort(url);
  const te = hp && input.targets.find((x) => !isProxyOnly(x) && x.target.host === hp.host && x.target.port === hp.port);
  return te ? deadPath(te) : null;
}

function proxyFor(url: string, env: StopInput['env']): string | null {
  try {
    return goProxyFor(url, env);
  } catch {
    return null;
  }
}

/**
 * `direct` reaches the module's own host, which is no target: it is decided only by the
 * HTTP proxy it would go through, or by a resolver that answered no target at all.
 */
function directDecided(canary: string, input: StopInput): StopReason | null {
  const origin = `https://${canary.split('/')[0]}/`;
  const proxy = proxyFor(origin, input.env);
  if (proxy !== null) return routeDecided(origin, proxy, input);
  const looked = input.targets.filter((te) => !isProxyOnly(te));
  if (!looked.length || looked.some((te) => te.dns === null)) return null;
  const resolved = looked.filter((te) => te.dns!.tool !== 'literal' && !te.dns!.fromHostsFile);
  if (!resolved.length || !resolved.every((te) => te.dns!.outcome === 'timeout')) return null;
  const first = resolved[0]!;
  return { id: dnsResolve.id, target: dnsResolve.targetName(first.target), what: 'the resolver answers no name' };
}

function entryDecided(entry: GoproxyEntry, canary: string, input: StopInput): StopReason | null {
  if (entry.kind === 'url') return routeDecided(entry.url, proxyFor(entry.url, input.env), input);
  if (entry.kind === 'direct') return directDecided(canary, input);
  return null; // off/invalid: the go command fails at once anyway
}

/**
 * A GOPROXY list fails once an entry's path is dead and the list stops there: after ","
 * the go command falls through only on 404/410, after "|" on any error.
 */
export function fetchDecided(f: PlannedFetch, input: StopInput): StopReason | null {
  if (f.kind === 'private') return null; // its git host is no target of the plan
  for (const entry of parseGoproxy(f.goproxy)) {
    const why = entryDecided(entry, f.canary, input);
    if (!why) return null;
    if (entry.fallthrough !== 'any') return why;
  }
  return null;
}

export function transferDecided(x: PlannedTransfer, input: StopInput): StopReason | null {
  return routeDecided(x.url, x.httpProxy, input);
}

/**
 * A chain's HTTP step through an HTTP proxy (a target's GET, or a proxy's own CONNECT step)
 * once that proxy's DNS or TCP step timed out: curl would wait its whole bound for a proxy
 * that never answers. Only timeouts: a proxy that refuses or does not resolve ends the
 * request at once, with its own, more specific answer.
 */
export function httpDecided(te: TargetEvidence, input: StopInput): StopReason | null {
  const proxy = te.target.httpProxy;
  if (proxy === null || te.target.httpUrl === null) return null;
  const via = input.targets.find((x) => isProxyOnly(x) && x.target.httpProxy === proxy);
  if (!via) return null;
  const dnsTimedOut = via.dns?.outcome === 'timeout';
  const attempts = via.tcp?.attempts ?? [];
  const tcpTimedOut = attempts.length > 0 && attempts.every((a) => a.outcome === 'timeout');
  if (!dnsTimedOut && !tcpTimedOut) return null;
  const row = { id: proxyEnvProxy.id, target: proxyEnvProxy.targetName(via.target) };
  return { ...row, what: dnsTimedOut ? 'proxy dns timeout' : 'proxy tcp timeout' };
}

/** A stopped fetch, transfer or HTTP step carries the row that decided it. Pure. */
export function withStopReasons<E extends Partial<Pick<Evidence, 'targets'>> & Pick<Evidence, 'fetches' | 'transfers'>>(measured: E, stops: ReadonlyMap<string, StopReason>): E {
  const reason = (key: string) => {
    const why = stops.get(key);
    return why ? { stoppedBy: why } : {};
  };
  return {
    ...measured,
    ...(measured.targets ? { targets: measured.targets.map((te) => (te.http?.outcome === 'stopped' ? { ...te, http: { ...te.http, ...reason(te.target.key) } } : te)) } : {}),
    fetches: measured.fetches.map((f) => (f.outcome === 'stopped' ? { ...f, ...reason(f.fetch.key) } : f)),
    transfers: measured.transfers.map((x) => (x.outcome === 'stopped' ? { ...x, ...reason(x.transfer.key) } : x)),
  };
}

/** The running jobs a lower layer has decided, each with the row that decides it. */
export function jobsToStop(input: StopInput): Map<string, StopReason> {
  const out = new Map<string, StopReason>();
  const running = (key: string) => !input.ended.has(key) && !input.stopped.has(key);
  // A chain's HTTP step: its key is the target's, and its block ends it.
  for (const te of input.targets) {
    const why = te.http === null && !te.finished && !input.stopped.has(te.target.key) ? httpDecided(te, input) : null;
    if (why) out.set(te.target.key, why);
  }
  for (const f of input.plan.fetches) {
    const why = running(f.key) ? fetchDecided(f, input) : null;
    if (why) out.set(f.key, why);
  }
  for (const x of input.plan.transfers) {
    const why = running(x.key) ? transferDecided(x, input) : null;
    if (why) out.set(x.key, why);
  }
  return out;
}
