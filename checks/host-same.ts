/**
 * The host comparison's two sides when they agree on a failure, and when they resolve
 * a name differently. The same failure on this machine and in the container means the
 * machine's own network (DNS, egress, proxy) is the problem, not Docker's (issue 16). Pure.
 */
import type { Evidence, HostEvidence, HostTargetEvidence, TargetEvidence } from '../src/model.js';
import { tlsToolLimit } from './tool-limits.js';

export type Step = 'dns' | 'tcp' | 'tls' | 'http';

/** Whether the container asks this machine's resolver: no --dns, or --dns naming the machine's own servers. */
function sameResolver(host: HostEvidence, ev: Evidence): boolean {
  return ev.context.dns.length === 0 || ev.context.dns.every((d) => host.nameservers.includes(d));
}

/** reset, alert, closed: how a TLS handshake was ended, from the tool's or Node's words. */
export function tlsFailureKind(message: string): 'reset' | 'alert' | 'closed' {
  if (/reset|ECONNRESET/i.test(message)) return 'reset';
  if (/alert|handshake failure|ERR_SSL/i.test(message)) return 'alert';
  return 'closed';
}

function chainOk(te: TargetEvidence): boolean {
  const tcp = !te.tcp || te.tcp.attempts.some((a) => a.outcome === 'connected');
  const tls = !te.tls || te.tls.outcome === 'ok';
  const http = !te.http || (te.http.outcome === 'response' && te.http.status !== null && te.http.status < 400);
  return tcp && tls && http;
}

/** Both sides resolved the name, to disjoint addresses, and the container's chain fails further on. */
export function answersDiffer(te: TargetEvidence, h: HostTargetEvidence): { host: string; container: string } | null {
  const d = te.dns;
  if (!d || d.outcome !== 'resolved' || d.fromHostsFile || h.dns?.outcome !== 'resolved') return null;
  const mine = [...d.v4, ...d.v6];
  const theirs = h.dns.addresses.map((a) => a.toLowerCase());
  if (!mine.length || !theirs.length || mine.some((a) => theirs.includes(a.toLowerCase())) || chainOk(te)) return null;
  return { host: theirs.slice(0, 2).join(' '), container: mine.slice(0, 2).join(' ') };
}

/** The lowest step where the container and this machine fail alike, with the machine's fix. */
export function sameFailure(te: TargetEvidence, h: HostTargetEvidence, host: HostEvidence, ev: Evidence): { step: Step; words: string; fix: string } | null {
  const t = te.target;
  if (te.dns && te.dns.outcome !== 'resolved' && te.dns.outcome !== 'no_tool' && h.dns && h.dns.outcome !== 'resolved' && sameResolver(host, ev)) {
    const ns = host.nameservers.join(', ') || 'its resolver';
    return {
      step: 'dns',
      words: `this machine's resolver (${ns}) cannot resolve ${t.host} either: DNS ${h.dns.outcome} on the host, ${te.dns.outcome} in the container`,
      fix: `fix this machine's DNS first: its resolver (${ns}) does not resolve ${t.host}, and containers ask the same one. Point the machine at a resolver that does (the VPN's or the company's DNS), or, where only a proxy reaches the internet, set HTTPS_PROXY on the machine and pass it to the build`,
    };
  }
  const connected = te.tcp?.attempts.some((a) => a.outcome === 'connected');
  if (te.tcp && !connected && te.tcp.attempts.some((a) => a.outcome !== 'no_tool') && h.tcp && h.tcp.outcome !== 'connected') {
    return {
      step: 'tcp',
      words: `this machine cannot connect to ${t.host}:${t.port} either: ${h.tcp.outcome} on the host, ${te.tcp.attempts[0]?.outcome ?? 'error'} in the container`,
      fix: `fix this machine's egress first: open ${t.host}:${t.port} in its firewall or network (VPN, security group), or go through the proxy the network requires (HTTPS_PROXY on the machine, then --build-arg HTTPS_PROXY), or use a GOPROXY reachable from here`,
    };
  }
  if (te.tls && (te.tls.outcome === 'timeout' || te.tls.outcome === 'error') && !tlsToolLimit(te.tls) && h.tls && h.tls.outcome !== 'ok') {
    return {
      step: 'tls',
      words: `the TLS handshake with ${t.host} fails from this machine too: ${h.tls.outcome} on the host, ${te.tls.outcome} in the container`,
      fix: `TLS to ${t.host} fails for this whole machine: a middlebox on its network (firewall, TLS inspection, VPN) or the server ends it; fix that path first, or go through the proxy the network requires`,
    };
  }
  const hh = h.http;
  const ch = te.http;
  const bad = (s: number | null) => s === null || (s >= 400 && s !== 404 && s !== 410); // 404/410: the go command falls through
  if (ch && hh && ((ch.outcome === 'response' && hh.outcome === 'response' && ch.status === hh.status && bad(ch.status)) || (ch.outcome !== 'response' && ch.outcome !== 'no_tool' && hh.outcome === ch.outcome))) {
    const what = ch.outcome === 'response' ? String(ch.status) : ch.outcome.replace('_', ' ');
    return {
      step: 'http',
      words: `this machine gets the same answer from the module proxy (${what})`,
      fix: `the module proxy ${t.host} answers this machine the same way (${what}): the server or the proxy in front of it is at fault, not Docker; use a GOPROXY that answers (see e2e.recommend), or fix the proxy`,
    };
  }
  return null;
}
