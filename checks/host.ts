/**
 * host.compare: the same network steps from the machine running the doctor, side by
 * side with the container's. The difference is the finding: "the host resolves it, the
 * container does not" points at the container's DNS, not at the internet. Pure over Evidence.
 */
import type { Cause, Evidence, HostEvidence, HostRoute, HostTargetEvidence, TargetEvidence } from '../src/model.js';
import { redactUrl } from '../src/secrets.js';
import { isProxyOnly, resolverName, type ImageCheck, type ImageRow } from './check.js';
import { answersDiffer, sameFailure, type Step, tlsFailureKind } from './host-same.js';
import { goReachedHosts, httpToolLimit, tlsToolLimit } from './tool-limits.js';
import { daemonDnsFix, engineDnsFix, engineMtuFix, engineOf } from './engine-fixes.js';
import { CA_COPY, CA_UPDATE } from './fixes.js';

function containerResolved(te: TargetEvidence): boolean {
  return te.dns?.outcome === 'resolved';
}

function containerConnected(te: TargetEvidence): boolean {
  return !!te.tcp?.attempts.some((a) => a.outcome === 'connected');
}

function is2xx(status: number | null | undefined): boolean {
  return typeof status === 'number' && status >= 200 && status < 300;
}

function containerHttpOk(te: TargetEvidence): boolean {
  return te.http?.outcome === 'response' && te.http.status !== null && te.http.status < 500 && te.http.status !== 407;
}

/** The host's side in one line: what each step gave and how long it took. */
function hostWords(h: HostTargetEvidence): string {
  const parts: string[] = [];
  if (h.dns) parts.push(h.dns.outcome === 'resolved' ? `resolves ${h.dns.addresses.slice(0, 2).join(', ')} (${h.dns.ms} ms)` : `DNS ${h.dns.outcome}`);
  if (h.tcp) parts.push(h.tcp.outcome === 'connected' ? `TCP ${h.tcp.ms} ms${h.tcp.addressFrom === 'add-host' ? ' (--add-host address)' : ''}` : `TCP ${h.tcp.outcome}`);
  if (h.tls) parts.push(h.tls.outcome === 'ok' ? `TLS ${h.tls.ms} ms${h.tls.verified ? '' : ` (not trusted: ${h.tls.verifyError})`}` : `TLS ${h.tls.outcome}`);
  if (h.http) parts.push(h.http.outcome === 'response' ? `HTTP ${h.http.status} ${h.http.ms} ms${h.http.proxy ? ` via ${h.http.proxy}` : ''}` : `HTTP ${h.http.outcome.replace('_', ' ')}${h.http.proxy ? ` via ${h.http.proxy}` : ''}`);
  return parts.join(', ') || 'nothing measured';
}

/** The fix for a name only the host resolves, worded for where the host's resolver is. */
export function dnsDiffFix(host: HostEvidence, ev: Evidence): string {
  const ns = host.nameservers.filter((n) => !/^127\.|^::1$/.test(n));
  const stub = host.nameservers.some((n) => /^127\./.test(n));
  const { kind, daemonJson } = engineOf(ev);
  if (ns.length) {
    return `give the container the host's resolver: ${daemonDnsFix(kind, ns, daemonJson)} (docker build uses the daemon's DNS; docker run --dns ${ns[0]})`;
  }
  if (stub) {
    return `the host resolves through a local stub (${host.nameservers.join(', ')}, e.g. systemd-resolved) that containers cannot reach: ${engineDnsFix(kind, [], daemonJson)}`;
  }
  return `give the container a resolver that knows these names (${resolverName(ev)} does not): ${daemonDnsFix(kind, ['<resolver-ip>'], daemonJson)}`;
}

/** The route's MTU when it is below the Docker network's: the container sends packets the path cannot carry. */
function smallerRouteMtu(net: number | null, route: HostRoute | null): number | null {
  return net !== null && route?.mtu && !route.local && route.mtu < net ? route.mtu : null;
}

/** The MTU comparison in words, from the host row's own evidence. */
function mtuWords(e: HostRowEvidence): string {
  const net = e.networkMtu;
  const route = e.host.route;
  if (smallerRouteMtu(net, route) !== null) {
    return `the Docker network ${e.network} has MTU ${net}, the host's route to ${route!.address} (${route!.device}) has MTU ${route!.mtu}: the container asks for packets the path cannot carry, and they are lost`;
  }
  return `large packets are lost on the container's path only (Docker network MTU ${net ?? '?'}, host route MTU ${route?.mtu ?? '?'}${route?.local ? ' (a local address)' : ''})`;
}

function mtuFix(te: TargetEvidence, h: HostTargetEvidence, host: HostEvidence, ev: Evidence): string {
  const mtu = smallerRouteMtu(host.networkMtu, h.route);
  const { kind, daemonJson } = engineOf(ev);
  if (mtu !== null) return `set the container MTU to the host's: ${engineMtuFix(kind, mtu, daemonJson)}`;
  return `lower the container MTU below the path's, e.g. ${engineMtuFix(kind, 1400, daemonJson)}; or find the middlebox on the Docker network's path to ${te.target.host}`;
}

/** What a host.compare row's evidence holds: the host's side of the target, the Docker network, and for host.same_failure the step. */
export interface HostRowEvidence {
  host: HostTargetEvidence;
  networkMtu: number | null;
  network: string;
  step?: Step;
}

/**
 * Details of the container's side that the row adds to its finding; the verdict, which has
 * only the row, words the finding without them.
 */
interface ContainerDetail {
  proxyVars?: string;
  dns?: string;
  resolver?: string;
  answers?: { host: string; container: string };
  port?: number;
  tcp?: string;
  tls?: { how: string; message: string };
  issuer?: string | null;
  http?: { url: string; status: string };
  same?: string;
}

/**
 * The host comparison's finding in one clause, from its cause, target and evidence: the row's
 * summary leads with it (with the container's details) and the verdict quotes it (without).
 */
export function hostFinding(cause: Cause | null, target: string, e: HostRowEvidence, c: ContainerDetail = {}): string {
  const h = e.host;
  switch (cause) {
    case 'host.proxy_differs':
      return `the host reaches ${target} through its proxy ${h.http?.proxy ?? '?'}${c.proxyVars !== undefined ? ` (${c.proxyVars})` : ''}; the container has no proxy for it`;
    case 'host.dns_differs':
      return `the host resolves ${target}, the container does not${c.dns ? ` (${c.dns} from ${c.resolver})` : ''}`;
    case 'host.dns_answers_differ':
      return `the host and the container resolve ${target} to different addresses${c.answers ? ` (host ${c.answers.host}, container ${c.answers.container})` : ''}, and only the container's fails: they reach different servers`;
    case 'host.tcp_differs':
      return `the host connects to ${target}${c.port !== undefined ? `:${c.port}` : ''}, the container cannot${c.tcp ? ` (${c.tcp})` : ''}`;
    case 'host.tls_stalls_in_container':
      return `TCP connects from both, but the TLS handshake stalls only in the container: ${mtuWords(e)}`;
    case 'host.tls_differs':
      return `the host completes the TLS handshake with ${target}, the container's is ended${c.tls ? ` (${c.tls.how}: ${c.tls.message})` : ''}`;
    case 'host.ca_differs':
      return `the host trusts the certificate ${target} presents (issuer ${h.tls?.issuer ?? c.issuer ?? '?'}), the image does not`;
    case 'host.http_differs':
      return `the host gets ${h.http?.status} from ${c.http?.url ?? redactUrl(h.http?.url ?? target)}, the container ${c.http?.status ?? 'does not'}`;
    case 'host.same_failure':
      return `this machine fails the same way${c.same ? ` (${c.same})` : ''}, so Docker is not the problem`;
    default:
      return 'no difference that explains a failure';
  }
}

function compare(te: TargetEvidence, h: HostTargetEvidence, host: HostEvidence, ev: Evidence): ImageRow {
  const t = te.target;
  const hostSide = `host: ${hostWords(h)}`;
  const evidence: HostRowEvidence = { host: h, networkMtu: host.networkMtu, network: host.networkName };
  const base = { target: t.host, ms: null, evidence: { ...evidence } };
  const summary = (cause: Cause, c: ContainerDetail = {}, e: HostRowEvidence = evidence) => `${hostFinding(cause, t.host, e, c)} — ${hostSide}`;
  const hostProxy = h.http?.proxy ?? null;
  // Where the go command's own download reached the host, a probe tool's TLS or HTTP trouble there is not the build's.
  const goWorks = goReachedHosts(ev).has(t.host);
  const hostHttpOk = h.http?.outcome === 'response' && h.http.status !== null && h.http.status < 500;

  // A proxy only the host has: the most common "works on my machine".
  if (hostProxy && !t.httpProxy && hostHttpOk && (!containerHttpOk(te) || !containerConnected(te))) {
    const names = Object.keys(host.proxyEnv).filter((n) => !/no_proxy/i.test(n));
    return { ...base, status: 'warn', cause: 'host.proxy_differs',
      summary: summary('host.proxy_differs', { proxyVars: names.join(', ') }),
      fix: `pass the host's proxy into the build: docker build --build-arg HTTPS_PROXY=${hostProxy} --build-arg NO_PROXY=…, or "proxies" in ~/.docker/config.json (the docker CLI hands them to every build and container)` };
  }
  if (te.dns && !containerResolved(te) && h.dns?.outcome === 'resolved') {
    return { ...base, status: 'warn', cause: 'host.dns_differs',
      summary: summary('host.dns_differs', { dns: te.dns.outcome, resolver: resolverName(ev) }),
      fix: dnsDiffFix(host, ev) };
  }
  const answers = answersDiffer(te, h);
  if (answers) {
    return { ...base, status: 'warn', cause: 'host.dns_answers_differ',
      summary: summary('host.dns_answers_differ', { answers }),
      fix: `the container's resolver (${resolverName(ev)}) gives another answer than this machine's (${host.nameservers.join(', ') || '?'}): split-horizon DNS, or a stale record; ${dnsDiffFix(host, ev)}` };
  }
  if (te.tcp && !containerConnected(te) && h.tcp?.outcome === 'connected') {
    const how = te.tcp.attempts[0]?.outcome ?? 'error';
    return { ...base, status: 'warn', cause: 'host.tcp_differs',
      summary: summary('host.tcp_differs', { port: t.port, tcp: how }),
      fix: `egress from the Docker network is filtered while the host's is not: firewall rules for docker0/FORWARD, or a corporate firewall that allows only the host's address; check iptables -S DOCKER-USER and the network's routes` };
  }
  if (te.tls?.outcome === 'timeout' && containerConnected(te) && h.tls?.outcome === 'ok' && !goWorks) {
    return { ...base, status: 'warn', cause: 'host.tls_stalls_in_container',
      summary: summary('host.tls_stalls_in_container'),
      fix: mtuFix(te, h, host, ev) };
  }
  if (te.tls?.outcome === 'error' && !tlsToolLimit(te.tls) && h.tls?.outcome === 'ok' && !goWorks) {
    const how = tlsFailureKind(te.tls.message);
    return { ...base, status: 'warn', cause: 'host.tls_differs',
      summary: summary('host.tls_differs', { tls: { how, message: te.tls.message || 'connection closed' } }),
      fix: `something on the Docker network's path ends TLS from containers only (a firewall or TLS-inspection rule for the Docker subnet, ${host.networkName}): check iptables -S DOCKER-USER and the corporate firewall's rules for the Docker range, or build with --network host` };
  }
  const containerUntrusted = te.tls?.outcome === 'ok' && te.tls.verifiable && te.tls.verifyCode !== null && te.tls.verifyCode !== 0;
  if (containerUntrusted && h.tls?.outcome === 'ok' && h.tls.verified) {
    return { ...base, status: 'warn', cause: 'host.ca_differs',
      summary: summary('host.ca_differs', { issuer: te.tls?.issuer ?? null }),
      fix: `the host has that CA and the image lacks it (TLS interception?): ${CA_COPY}, then ${CA_UPDATE}; or --ca-cert to check with it` };
  }
  // The same URL: a success for the host and anything else for the container (a 403 or
  // 404 is a protocol answer, but not the one the host got) means they reach different
  // servers, or the server tells them apart.
  if (te.http && is2xx(h.http?.status) && !(te.http.outcome === 'response' && is2xx(te.http.status)) && !goWorks && !httpToolLimit(te.http, te.http.url, ev)) {
    return { ...base, status: 'warn', cause: 'host.http_differs',
      summary: summary('host.http_differs', { http: { url: redactUrl(te.http.url), status: te.http.outcome === 'response' ? String(te.http.status) : te.http.outcome.replace('_', ' ') } }),
      fix: "compare the proxy settings of the host and the container (proxy-env rows); a proxy or firewall that admits only this machine's address (an allowlist) must admit the Docker network's too, or the build must go through a proxy that is admitted" };
  }
  if (te.http?.outcome === 'response' && h.http?.outcome === 'response' && te.http.status !== h.http.status && !is2xx(te.http.status)) {
    return { ...base, status: 'warn', cause: 'host.http_differs',
      summary: summary('host.http_differs', { http: { url: redactUrl(te.http.url), status: String(te.http.status) } }),
      fix: "the server or a proxy answers the Docker network differently from this machine: compare the proxy settings of both (proxy-env rows), and whether the server admits the Docker network's addresses" };
  }
  const same = sameFailure(te, h, host, ev);
  if (same) {
    return { ...base, evidence: { ...base.evidence, step: same.step }, status: 'warn', cause: 'host.same_failure',
      summary: summary('host.same_failure', { same: same.words }, { ...evidence, step: same.step }),
      fix: same.fix };
  }
  return { ...base, status: 'pass', cause: null, fix: null, summary: `${hostFinding(null, t.host, evidence)} — ${hostSide}` };
}

export const hostCompare = {
  id: 'host.compare',
  category: 'host',
  title: 'host vs container',
  evaluate: (ev: Evidence): ImageRow[] => {
    const host = ev.host;
    if (!host) return [];
    return ev.targets.flatMap((te) => {
      const h = host.targets.find((x) => x.key === te.target.key);
      return h && !isProxyOnly(te.target) ? [compare(te, h, host, ev)] : [];
    });
  },
} satisfies ImageCheck;
