/**
 * e2e.fetch: the image's own go command downloads the canary module through each GOPROXY
 * entry on its own and through the configured list, as the image user, in throwaway
 * caches. Its -x output gives each request's status and time; its own error message
 * gives the cause. Pure over Evidence.
 */
import type { CheckResult, Evidence, FetchEvidence, FetchOutcome, StopReason } from '../src/model.js';
import { type ImageCheck, secs, type ImageRow } from './check.js';
import { redactUrl } from '../src/secrets.js';
import { stallFix } from './fixes.js';

const CAUSE: Record<Exclude<FetchOutcome, 'ok' | 'no_go'>, CheckResult['cause']> = {
  dns: 'e2e.dns',
  timeout: 'e2e.timeout',
  refused: 'e2e.refused',
  proxy: 'e2e.proxy',
  tls_timeout: 'e2e.tls_timeout',
  x509: 'e2e.x509',
  not_found: 'e2e.not_found',
  server_error: 'e2e.server_error',
  checksum: 'e2e.checksum',
  sumdb: 'e2e.sumdb',
  hung: 'e2e.hung',
  stopped: 'e2e.stopped',
  auth: 'e2e.auth',
  error: 'e2e.error',
};

const WHAT: Record<Exclude<FetchOutcome, 'ok' | 'no_go'>, string> = {
  dns: 'a name did not resolve',
  timeout: 'a connection or response timed out',
  refused: 'a connection was refused',
  proxy: 'the HTTP proxy failed (proxyconnect)',
  tls_timeout: 'a TLS handshake timed out',
  x509: 'a certificate was not trusted',
  not_found: 'the proxy does not have it (404/410)',
  server_error: 'the proxy answered 5xx',
  checksum: 'the download did not match its checksum',
  sumdb: 'the checksum database could not confirm it',
  hung: 'it did not finish in time',
  stopped: 'stopped: a lower layer already decides it',
  auth: 'git has no working credentials for it',
  error: 'it failed',
};

function fixFor(f: FetchEvidence): string | null {
  switch (f.outcome) {
    case 'dns':
      return f.fetch.goproxy === 'direct' || f.fetch.kind === 'private'
        ? "the container cannot resolve the module's origin host (direct mode): see the dns rows, and the daemon's dns setting"
        : "the container cannot resolve the proxy: see the dns rows, and the daemon's dns setting";
    case 'timeout':
    case 'hung':
      return 'packets to the proxy are dropped or it is too slow: a GOPROXY that answers here (see the http rows), or HTTPS_PROXY';
    case 'refused':
      return 'nothing accepts connections there: check the GOPROXY URL and egress rules';
    case 'proxy':
      return 'the HTTP proxy in HTTPS_PROXY cannot be reached or refuses: see the proxy-env rows';
    case 'tls_timeout':
      return stallFix('the TLS handshake');
    case 'x509':
      return 'install the CA that signs the proxy\'s certificate into the image (update-ca-certificates)';
    case 'not_found':
      return 'this proxy does not serve the module: with "," the go command tries the next entry only on 404/410 — keep ",direct" at the end';
    case 'server_error':
      return 'the proxy fails: use "|" before the next entry so the go command falls through on any error';
    case 'checksum':
      return 'the downloaded code does not match go.sum or the checksum database: a proxy or middlebox altered it; do not bypass it — find which proxy served it';
    case 'auth':
      return 'give the build git credentials for the host: a BuildKit secret holding a .netrc (RUN --mount=type=secret,id=netrc,target=/root/.netrc) or ssh (RUN --mount=type=ssh) — see the auth rows';
    case 'sumdb':
      return 'the go command cannot reach or verify the checksum database: make sum.golang.org reachable (or a proxy that serves /sumdb/), or exempt private modules with GOPRIVATE';
    default:
      return null;
  }
}

function timings(f: FetchEvidence): string {
  return f.requests
    .map((r) => {
      const what = /\/@v\/[^/]+\.(info|mod|zip)$/.exec(r.url)?.[1] ?? (/\/lookup\//.test(r.url) ? 'sumdb lookup' : /\/tile\//.test(r.url) ? 'sumdb tile' : r.url.replace(/^https?:\/\//, ''));
      return `${what} ${r.status ?? 'failed'}${r.ms !== null ? ` ${r.ms} ms` : ''}`;
    })
    .join(' · ');
}

/** A download that worked, in a few words: `rsc.io/quote@v1.5.2 in 1.2 s (zip 661 B)`. The row's evidence carries all it reads. */
export function fetchedWords(f: Pick<FetchEvidence, 'ms' | 'zipBytes'> & { fetch: Pick<FetchEvidence['fetch'], 'canary'> }): string {
  const zip = f.zipBytes !== null ? ` (zip ${bytesText(f.zipBytes)})` : '';
  return `${f.fetch.canary} in ${secs(f.ms ?? 0)}${zip}`;
}

function rowFor(f: FetchEvidence, ev: Evidence): ImageRow {
  const label = f.fetch.kind === 'configured' ? `GOPROXY=${redactUrl(f.fetch.goproxy)}` : f.fetch.kind === 'private' ? `private ${f.fetch.canary.replace(/@latest$/, '')}` : `${redactUrl(f.fetch.goproxy)} alone`;
  const evidence = { ...f, fetch: { ...f.fetch, goproxy: redactUrl(f.fetch.goproxy) }, error: redactUrl(f.error) };
  const base = { target: label, ms: f.ms, evidence };
  if (f.outcome === 'no_go') return { ...base, status: 'skip', cause: 'tool.missing', fix: null, summary: 'no go command in the image to download with' };
  const detail = timings(f);
  if (f.outcome === 'ok') {
    return { ...base, status: 'pass', cause: null, fix: null, summary: `go mod download ${fetchedWords(f)}${detail ? `: ${detail}` : ''}` };
  }
  const pq = pqMiddlebox(f);
  if (pq) return { ...base, status: f.fetch.kind === 'entry' ? 'warn' : 'fail', ...pq };
  // An entry on its own failing only matters if the list needs it; the configured list and
  // private modules are what the build gets.
  const status = f.fetch.kind === 'entry' ? 'warn' : 'fail';
  if (f.outcome === 'stopped') return { ...base, status, ...stoppedRow(f.stoppedBy, `go mod download ${f.fetch.canary}`, f.ms) };
  const why = f.outcome === 'hung' ? `${WHAT.hung} (${secs(3 * ev.context.timeoutMs)})` : WHAT[f.outcome];
  return {
    ...base,
    status,
    cause: CAUSE[f.outcome],
    fix: fixFor(f),
    summary: `go mod download ${f.fetch.canary}: ${why}${f.error ? ` — ${redactUrl(f.error).replace(/\s+/g, ' ')}` : ''}${detail ? ` [${detail}]` : ''}`,
  };
}

/**
 * A probe the run stopped because a lower layer's row decides it (its proxy's DNS, TCP or
 * TLS failed): it still counts as failing, explained by that row.
 */
export function stoppedRow(by: StopReason | undefined, what: string, ms: number | null): Pick<ImageRow, 'cause' | 'fix' | 'summary' | 'explainedBy'> {
  const row = by ? `${by.id} ${by.target ?? ''}`.trim() : 'a lower layer';
  return {
    cause: 'e2e.stopped',
    fix: by ? `see the ${by.id} row for ${by.target}: this cannot work until that does` : null,
    summary: `${what}: stopped after ${secs(ms ?? 0)}, it cannot succeed — ${by ? `${by.what} (${row})` : row}`,
    ...(by ? { explainedBy: { id: by.id, target: by.target } } : {}),
  };
}

/**
 * Go 1.24+ stalled in the TLS handshake and the same fetch with GODEBUG=tlsmlkem=0 worked:
 * a middlebox on the path cannot take the post-quantum ClientHello (X25519MLKEM768, over
 * one packet; golang/go#80573, canonical/lxd#14839).
 */
function pqMiddlebox(f: FetchEvidence): Pick<ImageRow, 'cause' | 'summary' | 'fix'> | null {
  if (f.outcome !== 'tls_timeout' || f.pqRetry?.outcome !== 'ok') return null;
  return {
    cause: 'e2e.pq_middlebox',
    summary: `go mod download ${f.fetch.canary}: the TLS handshake timed out, and the same download with GODEBUG=tlsmlkem=0 worked in ${secs(f.pqRetry.ms ?? 0)}: a middlebox on the path cannot take Go's post-quantum ClientHello (X25519MLKEM768 spans two packets)`,
    fix: 'fix or bypass the middlebox (firewall, TLS inspection, VPN) so it passes a ClientHello split over two packets; until then, ENV GODEBUG=tlsmlkem=0 in the build stage as a stopgap',
  };
}

export function bytesText(n: number): string {
  if (n < 1000) return `${n} B`;
  if (n < 1_000_000) return `${(n / 1000).toFixed(1)} kB`;
  return `${(n / 1_000_000).toFixed(1)} MB`;
}

export const e2eFetch = {
  id: 'e2e.fetch',
  category: 'e2e',
  title: 'go mod download of the canary',
  evaluate: (ev: Evidence): ImageRow[] => ev.fetches.map((f) => rowFor(f, ev)),
} satisfies ImageCheck;
