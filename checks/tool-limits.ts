/**
 * What the image's own tools can measure, and what the go command's own download says
 * about the same hosts. A step a tool cannot do is not a network failure (issue 16), and
 * where the image has go, the go command's experience is the truth for the layers its
 * fetch crossed: a probe tool that disagrees is a warning, never a failed build. Pure.
 */
import type { CheckResult, Evidence, HttpEvidence, TlsEvidence, TransferEvidence } from '../src/model.js';

/** Debian's busybox-static and most busybox builds: wget's own TLS is TLS 1.2 with a few ciphers and no signature_algorithms. */
export function busyboxWget(ev: Evidence): boolean {
  return /\(busybox\)$/.test(ev.facts.tools.wget ?? '');
}

/** What else measures a step the image's tools cannot: the go command, the host side. */
export function otherWitnesses(ev: Evidence): string {
  const who = [ev.facts.tools.go ? "the go command's own download (e2e.fetch)" : null, ev.host ? 'this machine (host.compare)' : null].filter(Boolean);
  return who.length ? `${who.join(' and ')} measure${who.length > 1 ? '' : 's'} it instead` : 'nothing else here measures it: add curl or openssl to the image, or run without --no-host';
}

const BUSYBOX_TLS = "busybox wget's built-in TLS (TLS 1.2 only, few ciphers, no certificate checks) cannot complete a handshake with many servers";

/** Why a TLS step that failed says nothing about the network, or null when it does. */
export function tlsToolLimit(t: TlsEvidence): string | null {
  return t.tool === 'busybox-wget' && t.outcome === 'error' ? BUSYBOX_TLS : null;
}

/** The same for an HTTP(S) request made by the image's wget (a timeout still counts: busybox TLS does not stall). */
export function httpToolLimit(h: Pick<HttpEvidence, 'tool' | 'outcome'>, url: string, ev: Evidence): string | null {
  const tls = url.startsWith('https:');
  return tls && h.tool === 'wget' && busyboxWget(ev) && h.outcome !== 'response' && h.outcome !== 'timeout' && h.outcome !== 'no_tool' && h.outcome !== 'stopped' ? BUSYBOX_TLS : null;
}

export function transferToolLimit(x: TransferEvidence, ev: Evidence): string | null {
  return x.outcome === 'error' && x.status === null ? httpToolLimit({ tool: x.tool ?? null, outcome: 'error' }, x.transfer.url, ev) : null;
}

function hostOfUrl(url: string): string | null {
  try {
    return new URL(url).hostname;
  } catch {
    return null;
  }
}

/**
 * Hosts the go command reached in a download that worked: every request it got a 2xx
 * answer to crossed DNS, TCP, TLS and HTTP the way the build does.
 */
export function goReachedHosts(ev: Evidence): Map<string, string> {
  const reached = new Map<string, string>();
  for (const f of ev.fetches) {
    if (f.outcome !== 'ok') continue;
    for (const r of f.requests) {
      // A 2xx only: a 502 the go command fell through is not a host that works.
      const host = r.status !== null && r.status >= 200 && r.status < 300 ? hostOfUrl(r.url) : null;
      if (host && !reached.has(host)) reached.set(host, `${f.fetch.canary} ${r.status} ${r.ms ?? '?'} ms`);
    }
  }
  return reached;
}

/**
 * A failing probe-tool row for a host the go command's own download reached: a warning
 * that names the disagreement, since the build runs the go command, not the tool.
 */
export function goOverrules(r: CheckResult, host: string, tool: string | null, ev: Evidence): CheckResult {
  if (r.status !== 'fail' || !r.cause || r.cause === 'tool.disagrees') return r;
  const seen = goReachedHosts(ev).get(host);
  if (!seen) return r;
  return {
    ...r,
    status: 'warn',
    cause: 'tool.disagrees',
    evidence: { ...r.evidence, toolCause: r.cause, tool, goCommand: seen },
    summary: `${r.summary} — but the go command's own download through ${host} works (${seen}): the image's ${tool ?? 'probe tool'} disagrees with it, and the build uses the go command`,
    fix: `nothing for go mod download; if the build also runs ${tool ?? 'this tool'}, the network treats its handshake differently from Go's (a middlebox that drops large TLS ClientHellos stalls curl, whose ClientHello is padded to 512 bytes, and passes Go's smaller one): fix or bypass that middlebox`,
  };
}
