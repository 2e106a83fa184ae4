/**
 * host.compare: the same network steps from the machine running the doctor, side by
 * side with the container's. The difference is the finding: "the host resolves it, the
 * container does not" points at the container's DNS, not at the internet. Pure over Evidence.
 */
import type { Evidence, HostEvidence, HostTargetEvidence, TargetEvidence } from '../src/model.js';
import { redactUrl } from '../src/secrets.js';
import { isProxyOnly, resolverName, type ImageCheck, type ImageRow } from './check.js';
import { answersDiffer, sameFailure, tlsFailureKind } from './host-same.js';
import { goReachedHosts, httpToolLimit, tlsToolLimit } from './tool-limits.js';

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
  if (ns.length) {
    return `give the container the host's resolver: "dns": ["${ns.join('", "')}"] in /etc/docker/daemon.json (docker build uses the daemon's DNS; docker run --dns ${ns[0]})`;
  }
  if (stub) {
    return `the host resolves through a local stub (${host.nameservers.join(', ')}, e.g. systemd-resolved) that containers cannot reach: put its upstream servers (resolvectl status) in "dns" of /etc/docker/daemon.json`;
  }
  return `give the container a resolver that knows these names (${resolverName(ev)} does not): "dns" in /etc/docker/daemon.json`;
}

function mtuWords(te: TargetEvidence, h: HostTargetEvidence, host: HostEvidence): { summary: string; fix: string } {
  const net = host.networkMtu;
  const route = h.route;
  if (net !== null && route?.mtu && !route.local && route.mtu < net) {
    return {
      summary: `the Docker network ${host.networkName} has MTU ${net}, the host's route to ${route.address} (${route.device}) has MTU ${route.mtu}: the container asks for packets the path cannot carry, and they are lost`,
      fix: `set the container MTU to the host's: "mtu": ${route.mtu} in /etc/docker/daemon.json (and -o com.docker.network.driver.mtu=${route.mtu} on user networks), then restart docker`,
    };
  }
  const mtus = `Docker network MTU ${net ?? '?'}, host route MTU ${route?.mtu ?? '?'}${route?.local ? ' (a local address)' : ''}`;
  return {
    summary: `large packets are lost on the container's path only (${mtus})`,
    fix: `lower the container MTU below the path's (e.g. "mtu": 1400 in /etc/docker/daemon.json) or find the middlebox on the Docker network's path to ${te.target.host}`,
  };
}

function compare(te: TargetEvidence, h: HostTargetEvidence, host: HostEvidence, ev: Evidence): ImageRow {
  const t = te.target;
  const hostSide = `host: ${hostWords(h)}`;
  const base = { target: t.host, ms: null, evidence: { host: h, networkMtu: host.networkMtu, network: host.networkName } };
  const hostProxy = h.http?.proxy ?? null;
  // Where the go command's own download reached the host, a probe tool's TLS or HTTP trouble there is not the build's.
  const goWorks = goReachedHosts(ev).has(t.host);
  const hostHttpOk = h.http?.outcome === 'response' && h.http.status !== null && h.http.status < 500;

  // A proxy only the host has: the most common "works on my machine".
  if (hostProxy && !t.httpProxy && hostHttpOk && (!containerHttpOk(te) || !containerConnected(te))) {
    const names = Object.keys(host.proxyEnv).filter((n) => !/no_proxy/i.test(n));
    return { ...base, status: 'warn', cause: 'host.proxy_differs',
      summary: `the host reaches ${t.host} through its proxy ${hostProxy} (${names.join(', ')}); the container has no proxy for it — ${hostSide}`,
      fix: `pass the host's proxy into the build: docker build --build-arg HTTPS_PROXY=${hostProxy} --build-arg NO_PROXY=…, or "proxies" in ~/.docker/config.json (the docker CLI hands them to every build and container)` };
  }
  if (te.dns && !containerResolved(te) && h.dns?.outcome === 'resolved') {
    return { ...base, status: 'warn', cause: 'host.dns_differs',
      summary: `the host resolves ${t.host}, the container does not (${te.dns.outcome} from ${resolverName(ev)}) — ${hostSide}`,
      fix: dnsDiffFix(host, ev) };
  }
  const answers = answersDiffer(te, h);
  if (answers) {
    return { ...base, status: 'warn', cause: 'host.dns_answers_differ',
      summary: `the host and the container resolve ${t.host} to different addresses (host ${answers.host}, container ${answers.container}), and only the container's fails: they reach different servers — ${hostSide}`,
      fix: `the container's resolver (${resolverName(ev)}) gives another answer than this machine's (${host.nameservers.join(', ') || '?'}): split-horizon DNS, or a stale record; ${dnsDiffFix(host, ev)}` };
  }
  if (te.tcp && !containerConnected(te) && h.tcp?.outcome === 'connected') {
    const how = te.tcp.attempts[0]?.outcome ?? 'error';
    return { ...base, status: 'warn', cause: 'host.tcp_differs',
      summary: `the host connects to ${t.host}:${t.port}, the container cannot (${how}) — ${hostSide}`,
      fix: `egress from the Docker network is filtered while the host's is not: firewall rules for docker0/FORWARD, or a corporate firewall that allows only the host's address; check iptables -S DOCKER-USER and the network's routes` };
  }
  if (te.tls?.outcome === 'timeout' && containerConnected(te) && h.tls?.outcome === 'ok' && !goWorks) {
    const mtu = mtuWords(te, h, host);
    return { ...base, status: 'warn', cause: 'host.tls_stalls_in_container',
      summary: `TCP connects from both, but the TLS handshake stalls only in the container: ${mtu.summary} — ${hostSide}`,
      fix: mtu.fix };
  }
  if (te.tls?.outcome === 'error' && !tlsToolLimit(te.tls) && h.tls?.outcome === 'ok' && !goWorks) {
    const how = tlsFailureKind(te.tls.message);
    return { ...base, status: 'warn', cause: 'host.tls_differs',
      summary: `the host completes the TLS handshake with ${t.host}, the container's is ended (${how}: ${te.tls.message || 'connection closed'}) — ${hostSide}`,
      fix: `something on the Docker network's path ends TLS from containers only (a firewall or TLS-inspection rule for the Docker subnet, ${host.networkName}): check iptables -S DOCKER-USER and the corporate firewall's rules for the Docker range, or build with --network host` };
  }
  const containerUntrusted = te.tls?.outcome === 'ok' && te.tls.verifiable && te.tls.verifyCode !== null && te.tls.verifyCode !== 0;
  if (containerUntrusted && h.tls?.outcome === 'ok' && h.tls.verified) {
    return { ...base, status: 'warn', cause: 'host.ca_differs',
      summary: `the host trusts the certificate ${t.host} presents (issuer ${h.tls.issuer ?? te.tls?.issuer ?? '?'}), the image does not — ${hostSide}`,
      fix: `the host has that CA and the image lacks it (TLS interception?): COPY the CA into the image and run update-ca-certificates, or --ca-cert to check with it` };
  }
  // The same URL: a success for the host and anything else for the container (a 403 or
  // 404 is a protocol answer, but not the one the host got) means they reach different
  // servers, or the server tells them apart.
  if (te.http && is2xx(h.http?.status) && !(te.http.outcome === 'response' && is2xx(te.http.status)) && !goWorks && !httpToolLimit(te.http, te.http.url, ev)) {
    return { ...base, status: 'warn', cause: 'host.http_differs',
      summary: `the host gets ${h.http?.status} from ${redactUrl(te.http.url)}, the container ${te.http.outcome === 'response' ? te.http.status : te.http.outcome.replace('_', ' ')} — ${hostSide}`,
      fix: "compare the proxy settings of the host and the container (proxy-env rows); a proxy or firewall that admits only this machine's address (an allowlist) must admit the Docker network's too, or the build must go through a proxy that is admitted" };
  }
  if (te.http?.outcome === 'response' && h.http?.outcome === 'response' && te.http.status !== h.http.status && !is2xx(te.http.status)) {
    return { ...base, status: 'warn', cause: 'host.http_differs',
      summary: `the host gets ${h.http.status} from ${redactUrl(te.http.url)}, the container ${te.http.status} — ${hostSide}`,
      fix: "the server or a proxy answers the Docker network differently from this machine: compare the proxy settings of both (proxy-env rows), and whether the server admits the Docker network's addresses" };
  }
  const same = sameFailure(te, h, host, ev);
  if (same) {
    return { ...base, evidence: { ...base.evidence, step: same.step }, status: 'warn', cause: 'host.same_failure',
      summary: `this machine fails the same way (${same.words}), so Docker is not the problem — ${hostSide}`,
      fix: same.fix };
  }
  return { ...base, status: 'pass', cause: null, fix: null, summary: `no difference that explains a failure — ${hostSide}` };
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
