/** tls.handshake: the TLS handshake on the address that connected, and the certificate verdict. */
import type { Cause, Evidence, TargetEvidence, TlsEvidence } from '../src/model.js';
import { result, secs, type TargetCheck, isProxyOnly } from './check.js';
import { caFix, clockFix, tlsStallFix, wrongNameFix } from './fixes.js';
import { engineOf } from './engine-fixes.js';
import { otherWitnesses, tlsToolLimit } from './tool-limits.js';

/** A clock further off than this makes date checks meaningless (field guide: TLS trust). */
const CLOCK_SKEW_MS = 5 * 60_000;

export type CertProblem = 'unknown_ca' | 'wrong_name' | 'expired' | 'not_yet_valid' | 'other';

/** OpenSSL verify codes (x509_vfy.h) and the messages openssl/curl print for them. */
export function certProblem(code: number | null, message: string | null): CertProblem {
  const m = (message ?? '').toLowerCase();
  if (code === 10 || /expired/.test(m)) return 'expired';
  if (code === 9 || /not yet valid/.test(m)) return 'not_yet_valid';
  if (code === 62 || /hostname mismatch|no alternative certificate subject name|does not match/.test(m)) return 'wrong_name';
  if ([2, 18, 19, 20, 21, 24, 27].includes(code ?? -2) || /local issuer|self[- ]signed|unable to get issuer|unable to verify the first|untrusted/.test(m)) {
    return 'unknown_ca';
  }
  return 'other';
}

function describe(t: TlsEvidence): string {
  const parts = [t.protocol ?? 'TLS', `in ${t.ms ?? '?'} ms`];
  if (t.issuer) parts.push(`issuer ${t.issuer}`);
  return parts.join(' ');
}

export const tlsHandshake = {
  id: 'tls.handshake',
  category: 'tls',
  title: 'TLS handshake',
  step: 'tls',
  appliesTo: (t) => t.tls && !isProxyOnly(t),
  needs: () => ['tcp.connect'],
  targetName: (t) => `${t.host}:${t.port}`,
  evaluate(te: TargetEvidence, ev: Evidence) {
    const t = te.tls!;
    const { host, port, ...rest } = t;
    const evidence: Record<string, unknown> = { ...rest };
    if (t.outcome === 'no_tool') {
      return result('skip', "cannot test TLS with this image's tools (no openssl, curl or busybox ssl_client)", { cause: 'tool.missing', evidence });
    }
    if (t.outcome === 'timeout') {
      return result('fail', `TCP connected but the TLS handshake did not finish within ${secs(ev.context.timeoutMs)}`, { ms: t.ms, cause: 'tls.timeout', evidence, fix: tlsStallFix(engineOf(ev)) });
    }
    const limit = tlsToolLimit(t);
    if (limit) {
      return result('skip', `${t.tool} could not complete the handshake (${t.message || 'connection closed'}): ${limit}, so this says nothing about the network; ${otherWitnesses(ev)}`, { ms: t.ms, cause: 'tool.tls_limited', evidence: { ...evidence, toolLimit: limit } });
    }
    if (t.outcome === 'error') {
      return result('fail', `TLS handshake failed: ${t.message || 'connection closed'}`, { ms: t.ms, cause: 'tls.error', evidence, fix: 'a middlebox or the server ends the handshake: compare with the host, check proxy and firewall TLS inspection' });
    }
    if (!t.verifiable) {
      return result('skip', `handshake completed in ${t.ms ?? '?'} ms, but ${t.tool} cannot verify certificates (the image has no openssl or curl)`, { ms: t.ms, cause: 'tool.missing', evidence });
    }
    if (t.verifyCode === 0) return result('pass', `${describe(t)}, certificate verified`, { ms: t.ms, evidence });

    const problem = certProblem(t.verifyCode, t.verifyMessage);
    const why = t.verifyMessage ?? 'verification failed';
    const skew = ev.facts.clockMs !== null && ev.facts.hostClockMs !== null ? ev.facts.clockMs - ev.facts.hostClockMs : 0;
    evidence.clockSkewMs = skew;
    const fail = (cause: Cause, summary: string, fix: string) => result('fail', summary, { ms: t.ms, cause, evidence, fix });
    switch (problem) {
      case 'unknown_ca':
        return fail('tls.unknown_ca', `certificate signed by an unknown authority (${why}); issuer ${t.issuer ?? '?'}`, caFix({ os: ev.facts.os, hasBundle: ev.facts.caBundle !== null, issuer: t.issuer }));
      case 'wrong_name':
        return fail('tls.wrong_name', `certificate is not valid for ${host} (${why}); subject ${t.subject ?? '?'}`, wrongNameFix({ host, subject: t.subject }));
      case 'expired':
      case 'not_yet_valid': {
        const dates = `valid ${t.notBefore ?? '?'} to ${t.notAfter ?? '?'}`;
        if (Math.abs(skew) > CLOCK_SKEW_MS) {
          return fail('tls.clock_skew', `certificate ${problem === 'expired' ? 'expired' : 'not yet valid'} by the container's clock, which is ${Math.round(skew / 60_000)} min off the host's (${dates})`, clockFix(Math.abs(skew) / 60_000));
        }
        return fail(problem === 'expired' ? 'tls.expired' : 'tls.not_yet_valid', `certificate ${problem === 'expired' ? 'has expired' : 'is not yet valid'} (${dates}); the container's clock agrees with the host's`, `the server at ${host}:${port} presents a certificate outside its validity: renew it (or the intercepting proxy's)`);
      }
      default:
        return fail('tls.error', `certificate rejected: ${why}`, 'inspect the chain: openssl s_client -connect ' + `${host}:${port} -servername ${host}`);
    }
  },
} satisfies TargetCheck;
