/** http.goproxy: the module proxy protocol's canary request, through the proxy Go would use. */
import type { Evidence, HttpEvidence, TargetEvidence } from '../src/model.js';
import { redactUrl } from '../src/secrets.js';
import { result, secs, type TargetCheck, isProxyOnly } from './check.js';
import { goproxyFix, proxyAuthFix, proxyRefusedFix } from './fixes.js';
import { httpToolLimit, otherWitnesses } from './tool-limits.js';

/** A `@v/list` body is version lines; anything else (an HTML portal page) is not a module proxy. */
export function looksLikeVersionList(body: string): boolean {
  const lines = body.split('\n').map((l) => l.trim()).filter(Boolean);
  return lines.length > 0 && lines.every((l) => /^v\d+\.\d+\.\d+\S*$/.test(l));
}

function answered(h: HttpEvidence | null): boolean {
  return !!h && h.outcome === 'response' && h.status === 200 && looksLikeVersionList(h.bodyHead);
}

/** The module proxy that answered the canary fastest, other than `except`: the GOPROXY to suggest. */
export function fastestAnsweringProxy(ev: Evidence, except: string): string | null {
  const ok = ev.targets
    .filter((t) => t.target.host !== except && t.target.httpUrl && answered(t.http))
    .sort((a, b) => (a.http?.ttfbMs ?? Infinity) - (b.http?.ttfbMs ?? Infinity));
  const url = ok[0]?.target.httpUrl;
  return url ? url.slice(0, url.indexOf('/rsc.io/')) : null;
}

export const httpGoproxy = {
  id: 'http.goproxy',
  category: 'http',
  title: 'Module proxy request',
  step: 'http',
  appliesTo: (t) => t.httpUrl !== null && !isProxyOnly(t),
  // Through a proxy the direct path does not matter: that is how the go command would go.
  needs: (t) => (t.httpProxy ? [] : t.tls ? ['tcp.connect', 'tls.handshake'] : ['tcp.connect']),
  targetName: (t) => t.httpUrl ?? t.host,
  evaluate(te: TargetEvidence, ev: Evidence) {
    const h = te.http!;
    // Credentials in a proxy URL work, but must never reach any output.
    const evidence = { ...h, proxy: h.proxy ? redactUrl(h.proxy) : null };
    const via = h.proxy ? ` via proxy ${redactUrl(h.proxy)}` : '';
    const path = new URL(h.url).pathname;
    const alternative = () => fastestAnsweringProxy(ev, te.target.host);
    const limit = httpToolLimit(h, h.url, ev);
    if (limit) {
      return result('skip', `GET ${path}${via}: ${h.message || 'failed'} — ${limit}, so this says nothing about the network; ${otherWitnesses(ev)}`, { ms: h.ms, cause: 'tool.tls_limited', evidence: { ...evidence, toolLimit: limit } });
    }
    switch (h.outcome) {
      case 'no_tool':
        return result('skip', "cannot make HTTP requests with this image's tools (no curl or wget)", { cause: 'tool.missing', evidence });
      case 'timeout':
        return result('fail', `GET ${path}${via}: no response within ${secs(ev.context.timeoutMs)}`, { ms: h.ms, cause: 'http.timeout', evidence, fix: goproxyFix({ alternative: alternative() }) });
      case 'proxy_refused':
        return result('fail', `GET ${path}${via}: the proxy refused the connection (${h.message})`, { ms: h.ms, cause: 'http.proxy_refused', evidence, fix: proxyRefusedFix(redactUrl(h.proxy ?? '')) });
      case 'proxy_auth':
        return result('fail', `GET ${path}${via}: 407 Proxy Authentication Required`, { ms: h.ms, cause: 'http.proxy_auth', evidence, fix: proxyAuthFix(redactUrl(h.proxy ?? '')) });
      case 'stopped': {
        // Stopped once the proxy it goes through was known dead: that proxy's row says why.
        const by = h.stoppedBy;
        const row = by ? `${by.id} ${by.target ?? ''}`.trim() : 'the proxy\'s row';
        return {
          ...result('fail', `GET ${path}${via}: stopped after ${secs(h.ms ?? 0)}, it cannot succeed — ${by ? `${by.what} (${row})` : row}`, { ms: h.ms, cause: 'http.stopped', evidence, fix: by ? `see the ${by.id} row for ${by.target}: this cannot work until that does` : null }),
          ...(by ? { explainedBy: { id: by.id, target: by.target } } : {}),
        };
      }
      case 'response':
        break;
      default:
        return result('fail', `GET ${path}${via} failed: ${h.message || 'no response'}`, { ms: h.ms, cause: 'http.error', evidence, fix: goproxyFix({ alternative: alternative() }) });
    }
    const timing = `${h.status} in ${h.ttfbMs ?? h.ms ?? '?'} ms${via}`;
    if (h.status === 200) {
      if (looksLikeVersionList(h.bodyHead)) return result('pass', `GET ${path} ${timing}`, { ms: h.ttfbMs ?? h.ms, evidence });
      return result('fail', `GET ${path} ${timing}, but the body is not a version list (a login or portal page?)`, { ms: h.ms, cause: 'http.bad_listing', evidence, fix: goproxyFix({ alternative: alternative() }) });
    }
    if (h.status === 404 || h.status === 410) {
      // The go command falls through to the next GOPROXY entry on 404/410 only.
      return result('warn', `GET ${path} ${timing}: this proxy does not serve rsc.io/quote; the go command falls through to the next GOPROXY entry`, { ms: h.ms, cause: 'http.status', evidence, fix: null });
    }
    return result('fail', `GET ${path} ${timing}`, { ms: h.ms, cause: 'http.status', evidence, fix: goproxyFix({ alternative: alternative() }) });
  },
} satisfies TargetCheck;
