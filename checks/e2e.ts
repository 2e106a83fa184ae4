/**
 * e2e.fetch: the image's own go command downloads the canary module through each GOPROXY
 * entry on its own and through the configured list, as the image user, in throwaway
 * caches. Its -x output gives each request's status and time; its own error message
 * gives the cause. Pure over Evidence.
 */
import type { CheckResult, Evidence, FetchEvidence, FetchOutcome, HttpEvidence, StopReason, TransferEvidence } from '../src/model.js';
import { type ImageCheck, goValue, secs, type ImageRow } from './check.js';
import { redactUrl } from '../src/secrets.js';
import { httpToolLimit, otherWitnesses, transferToolLimit } from './tool-limits.js';
import { DEFAULT_GOPROXY, DEFAULT_GOSUMDB, type EntryAnswer, type GoproxyEntry, parseGoproxy, predictFallthrough, predictSumdbRoute, sumdbEndpoint } from '../src/go/goproxy-list.js';

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
        : 'the container cannot resolve the proxy: see the dns rows, and docker build --dns <resolver>';
    case 'timeout':
    case 'hung':
      return 'packets to the proxy are dropped or it is too slow: a GOPROXY that answers here (see the http rows), or HTTPS_PROXY';
    case 'refused':
      return 'nothing accepts connections there: check the GOPROXY URL and egress rules';
    case 'proxy':
      return 'the HTTP proxy in HTTPS_PROXY cannot be reached or refuses: see the proxy-env rows';
    case 'tls_timeout':
      return 'TLS stalls: an MTU problem on VPN/overlay networks ("mtu": 1400 in daemon.json) or a middlebox';
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

function rowFor(f: FetchEvidence, ev: Evidence): ImageRow {
  const label = f.fetch.kind === 'configured' ? `GOPROXY=${redactUrl(f.fetch.goproxy)}` : f.fetch.kind === 'private' ? `private ${f.fetch.canary.replace(/@latest$/, '')}` : `${redactUrl(f.fetch.goproxy)} alone`;
  const evidence = { ...f, fetch: { ...f.fetch, goproxy: redactUrl(f.fetch.goproxy) }, error: redactUrl(f.error) };
  const base = { target: label, ms: f.ms, evidence };
  if (f.outcome === 'no_go') return { ...base, status: 'skip', cause: 'tool.missing', fix: null, summary: 'no go command in the image to download with' };
  const detail = timings(f);
  if (f.outcome === 'ok') {
    const zip = f.zipBytes !== null ? ` (zip ${bytesText(f.zipBytes)})` : '';
    return { ...base, status: 'pass', cause: null, fix: null, summary: `go mod download ${f.fetch.canary} in ${secs(f.ms ?? 0)}${zip}${detail ? `: ${detail}` : ''}` };
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
function stoppedRow(by: StopReason | undefined, what: string, ms: number | null): Pick<ImageRow, 'cause' | 'fix' | 'summary' | 'explainedBy'> {
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

// ---------------------------------------------------------------------------
// e2e.sumdb: which path carries checksum traffic, and whether it answers.

/** A proxy's answer to a request, in the go command's fall-through terms. */
function answerOf(http: HttpEvidence | undefined): EntryAnswer | 'unknown' {
  if (!http) return 'unknown';
  if (http.outcome === 'response' && http.status === 200) return 'ok';
  if (http.outcome === 'response' && (http.status === 404 || http.status === 410)) return 'notfound';
  return 'error';
}

function httpWords(http: HttpEvidence | undefined): string {
  if (!http) return 'not measured';
  if (http.outcome === 'response') return `${http.status}${http.ttfbMs !== null ? ` in ${http.ttfbMs} ms` : ''}`;
  return `${http.outcome.replace('_', ' ')}${http.message ? ` (${http.message})` : ''}`;
}

function sumdbRows(ev: Evidence): ImageRow[] {
  const gosumdb = goValue(ev, 'GOSUMDB', DEFAULT_GOSUMDB);
  const endpoint = sumdbEndpoint(gosumdb);
  if (!endpoint) {
    if (!ev.fetches.length) return [];
    return [{ target: 'GOSUMDB=off', status: 'warn', ms: null, cause: 'e2e.sumdb_off', evidence: {}, fix: 'unset GOSUMDB (or set it to sum.golang.org); exempt private modules with GOPRIVATE/GONOSUMDB instead', summary: 'the checksum database is off: downloads are checked only against go.sum, so a tampered module is accepted on first download' }];
  }
  if (!ev.sumdb.length) return [];
  const get = (kind: 'supported' | 'lookup', via: string) => ev.sumdb.find((g) => g.get.kind === kind && g.get.via === via);
  const entries = parseGoproxy(goValue(ev, 'GOPROXY', DEFAULT_GOPROXY) || DEFAULT_GOPROXY);
  const route = predictSumdbRoute(entries, (url) => answerOf(get('supported', url)?.http));
  const name = endpoint.name;
  const target = `${name} via ${route.via === 'direct' ? redactUrl(endpoint.url) : redactUrl(route.proxy)}`;
  const evidence = { route, gets: ev.sumdb.map((g) => ({ kind: g.get.kind, via: redactUrl(g.get.via), url: redactUrl(g.get.url), proxy: redactMaybe(g.get.httpProxy), outcome: g.http.outcome, status: g.http.status, ms: g.http.ttfbMs ?? g.http.ms })) };
  if (route.via === 'unavailable') {
    const sup = get('supported', route.proxy)?.http;
    const supLimit = sup ? httpToolLimit(sup, sup.url, ev) : null;
    if (supLimit) {
      return [{ target, status: 'skip', ms: sup?.ms ?? null, cause: 'tool.tls_limited', evidence: { ...evidence, toolLimit: supLimit }, fix: null,
        summary: `${redactUrl(route.proxy)}/sumdb/${name}/supported could not be asked: ${supLimit}; ${otherWitnesses(ev)}` }];
    }
    return [{ target, status: 'fail', ms: sup?.ms ?? null, cause: 'e2e.sumdb_unavailable', evidence,
      summary: `${redactUrl(route.proxy)}/sumdb/${name}/supported answered ${httpWords(sup)}: with "," after it the go command treats the checksum database as unavailable and does not go to ${redactUrl(endpoint.url)} directly`,
      fix: `make ${redactUrl(route.proxy)} answer (or 404 on /sumdb/), or put "|" after it so the go command moves on` }];
  }
  const lookup = route.via === 'proxy' ? get('lookup', route.proxy)?.http : get('lookup', 'direct')?.http;
  const how = route.via === 'proxy'
    ? `${redactUrl(route.proxy)} carries it (/sumdb/${name}/supported 200)`
    : route.skipped.length ? `no proxy carries it (${route.skipped.map(redactUrl).join(', ')}: /sumdb/${name}/supported 404), so the go command goes to ${redactUrl(endpoint.url)} directly` : `the go command goes to ${redactUrl(endpoint.url)} directly`;
  const canary = ev.context.canary;
  if (answerOf(lookup) === 'ok') {
    return [{ target, status: 'pass', ms: lookup?.ttfbMs ?? lookup?.ms ?? null, cause: null, evidence, fix: null, summary: `checksum traffic: ${how}; lookup of ${canary} ${httpWords(lookup)}` }];
  }
  const limit = lookup ? httpToolLimit(lookup, lookup.url, ev) : null;
  if (limit) {
    return [{ target, status: 'skip', ms: lookup?.ms ?? null, cause: 'tool.tls_limited', evidence: { ...evidence, toolLimit: limit }, fix: null,
      summary: `checksum traffic: ${how}; the lookup of ${canary} could not be made: ${limit}; ${otherWitnesses(ev)}` }];
  }
  const network = !lookup || lookup.outcome !== 'response';
  return [{ target, status: 'fail', ms: lookup?.ms ?? null, cause: network ? 'e2e.sumdb_unreachable' : 'e2e.sumdb_status', evidence,
    summary: `checksum traffic: ${how}; lookup of ${canary}: ${httpWords(lookup)}`,
    fix: route.via === 'proxy'
      ? `the proxy ${redactUrl(route.proxy)} says it carries ${name} but its lookup fails: fix the proxy, or use one that does not claim /sumdb/`
      : `make ${redactUrl(endpoint.url)} reachable from the build (or use a GOPROXY that serves /sumdb/${name}/, e.g. https://goproxy.cn or https://proxy.golang.org); GOPRIVATE/GONOSUMDB for private modules — never GOSUMDB=off or GOFLAGS=-insecure to work around it` }];
}

export const e2eSumdb = {
  id: 'e2e.sumdb',
  category: 'e2e',
  title: 'checksum database path',
  evaluate: sumdbRows,
} satisfies ImageCheck;

// ---------------------------------------------------------------------------
// e2e.fallthrough: what the go command does with the configured list.

/** The fetch that ran with this GOPROXY entry on its own. */
function aloneFetch(ev: Evidence, e: GoproxyEntry): FetchEvidence | undefined {
  return ev.fetches.find((f) => f.fetch.kind === 'entry' && f.fetch.goproxy === (e.kind === 'url' ? e.url : e.raw));
}

function redactMaybe(url: string | null): string | null {
  return url === null ? null : redactUrl(url);
}

function entryAnswer(f: FetchEvidence | undefined): EntryAnswer | 'unknown' {
  if (!f || f.outcome === 'no_go') return 'unknown';
  if (f.outcome === 'ok') return 'ok';
  return f.outcome === 'not_found' ? 'notfound' : 'error';
}

function fallthroughRows(ev: Evidence): ImageRow[] {
  const configured = ev.fetches.find((f) => f.fetch.kind === 'configured');
  if (!configured || configured.outcome === 'no_go') return [];
  const entries = parseGoproxy(configured.fetch.goproxy).filter((e) => e.kind !== 'invalid');
  if (entries.length < 2) return [];
  const alone = (e: GoproxyEntry) => aloneFetch(ev, e);
  const { steps, servedBy } = predictFallthrough(entries, (e) => entryAnswer(alone(e)));
  const words = steps.map((s) => `${redactUrl(s.entry)} ${s.answer === 'ok' ? 'serves it' : s.answer === 'notfound' ? '404/410' : s.answer === 'unknown' ? 'not measured' : 'fails'}${s.then === 'next' ? ' → next' : ''}`).join(', ');
  const target = `GOPROXY=${redactUrl(configured.fetch.goproxy)}`;
  const evidence = { steps: steps.map((s) => ({ ...s, entry: redactUrl(s.entry) })), servedBy: redactMaybe(servedBy), actual: configured.outcome };
  if (servedBy) {
    return [{ target, status: 'pass', ms: null, cause: null, evidence, fix: null, summary: `the go command would be served by ${redactUrl(servedBy)}: ${words}` }];
  }
  const stop = steps.at(-1)!;
  const rescuer = entries.slice(steps.length).find((e) => entryAnswer(alone(e)) === 'ok');
  if (stop.then === 'stop' && rescuer) {
    const at = steps.length - 1;
    const fixed = entries.map((e, i) => `${e.kind === 'url' ? e.url : e.raw}${e.fallthrough === null ? '' : i === at ? '|' : e.fallthrough === 'any' ? '|' : ','}`).join('');
    return [{ target, status: 'fail', ms: null, cause: 'e2e.no_fallthrough', evidence,
      summary: `${words}: after "," the go command falls through only on 404/410, so it stops at ${redactUrl(stop.entry)} and never tries ${redactUrl(rescuer.kind === 'url' ? rescuer.url : rescuer.raw)}, which works`,
      fix: `ENV GOPROXY=${redactUrl(fixed)}  ("|" falls through on any error)` }];
  }
  return [{ target, status: 'skip', ms: null, cause: null, evidence, fix: null, summary: `no entry serves it on its own (${words}): nothing to fall through to` }];
}

export const e2eFallthrough = {
  id: 'e2e.fallthrough',
  category: 'e2e',
  title: 'GOPROXY fall-through',
  evaluate: fallthroughRows,
} satisfies ImageCheck;

// ---------------------------------------------------------------------------
// e2e.throughput: bytes over time for each proxy's zip (slow vs hung).

function rate(x: TransferEvidence): string {
  return x.ms ? `${bytesText(Math.round((x.bytes * 1000) / x.ms))}/s` : '';
}

function transferRow(x: TransferEvidence, ev: Evidence): ImageRow {
  const inList = parseGoproxy(goValue(ev, 'GOPROXY', DEFAULT_GOPROXY) || DEFAULT_GOPROXY).some((e) => e.kind === 'url' && e.url === x.transfer.goproxy);
  const target = `${redactUrl(x.transfer.goproxy)} ${x.transfer.purpose === 'canary' ? 'canary zip' : x.transfer.module}`;
  const evidence = { ...x, transfer: { ...x.transfer, url: redactUrl(x.transfer.url), goproxy: redactUrl(x.transfer.goproxy), httpProxy: redactMaybe(x.transfer.httpProxy) } };
  const base = { target, ms: x.ms, evidence };
  const of = x.length !== null ? ` of ${bytesText(x.length)}` : '';
  if (x.outcome === 'no_tool') return { ...base, status: 'skip', cause: 'tool.missing', fix: null, summary: 'no curl or wget in the image to time a download with' };
  if (x.outcome === 'stopped') {
    return { ...base, status: inList ? 'fail' : 'warn', ...stoppedRow(x.stoppedBy, `the ${x.transfer.purpose === 'canary' ? 'canary zip' : 'zip'} download`, x.ms) };
  }
  const limit = transferToolLimit(x, ev);
  if (limit) return { ...base, evidence: { ...evidence, toolLimit: limit }, status: 'skip', cause: 'tool.tls_limited', fix: null, summary: `${x.tool ?? 'the tool'} could not download it (${x.message || 'no answer'}): ${limit}; ${otherWitnesses(ev)}` };
  // Zero bytes is never a transfer, whatever the tool's exit status said.
  if (x.outcome === 'complete' && x.bytes > 0 && (x.status === 200 || x.status === null)) {
    return { ...base, status: 'pass', cause: null, fix: null, summary: `${bytesText(x.bytes)} in ${x.ms} ms (${rate(x)})` };
  }
  if (x.status !== null && x.status !== 200) {
    return { ...base, status: 'skip', cause: null, fix: null, summary: `the proxy answered ${x.status}: nothing to time (see e2e.fetch)` };
  }
  // Failures of a proxy the image does not use are information, not a broken build.
  const bad = inList ? 'fail' : 'warn';
  if (x.outcome === 'timeout' && x.bytes > 0) {
    const eta = x.length !== null && x.ms ? ` — at this rate the whole file takes about ${secs(Math.round((x.length * x.ms) / x.bytes))}` : '';
    return { ...base, status: 'warn', cause: 'e2e.slow', summary: `slow, not hung: ${bytesText(x.bytes)}${of} arrived in ${secs(x.ms ?? 0)} (${rate(x)})${eta}`,
      fix: 'the path to this proxy is slow: a closer proxy (see e2e.recommend), or a bigger timeout is all the build needs; cache the module download in a layer or a cache mount' };
  }
  if (x.outcome === 'timeout') {
    return { ...base, status: bad, cause: 'e2e.stalled', summary: `hung: ${x.status === 200 ? 'the answer started but ' : ''}no bytes${of} arrived in ${secs(x.ms ?? 0)}`,
      fix: 'the transfer stalls: large packets lost (MTU on VPN/overlay networks: "mtu": 1400 in daemon.json), or a middlebox holding the connection' };
  }
  const none = x.outcome === 'complete' ? `0 B arrived${of} although ${x.tool ?? 'the tool'} reported success` : x.message || 'no answer';
  return { ...base, status: bad, cause: 'e2e.transfer_failed', summary: `the download failed: ${none}`, fix: 'see the dns/tcp/tls/http rows of this proxy' };
}

export const e2eThroughput = {
  id: 'e2e.throughput',
  category: 'e2e',
  title: 'module zip transfer rate',
  evaluate: (ev: Evidence): ImageRow[] => ev.transfers.map((x) => transferRow(x, ev)),
} satisfies ImageCheck;

// ---------------------------------------------------------------------------
// e2e.recommend: the fastest working proxies, as the line to put in the Dockerfile.

/** A faster proxy is only worth a change when it is clearly faster, not within noise. */
const MEANINGFUL = { ratio: 0.75, ms: 200 };

function recommendRows(ev: Evidence): ImageRow[] {
  const configured = ev.fetches.find((f) => f.fetch.kind === 'configured');
  if (!configured || configured.outcome === 'no_go') return [];
  const working = ev.fetches
    .filter((f) => f.fetch.kind === 'entry' && f.fetch.goproxy !== 'direct' && f.outcome === 'ok' && f.ms !== null)
    .sort((a, b) => a.ms! - b.ms!);
  const entries = parseGoproxy(configured.fetch.goproxy);
  const keepDirect = entries.some((e) => e.kind === 'direct');
  const target = 'GOPROXY';
  const ranking = working.map((f) => ({ proxy: redactUrl(f.fetch.goproxy), ms: f.ms }));
  if (!working.length) {
    return [{ target, status: 'skip', ms: null, cause: null, evidence: { ranking }, fix: null, summary: 'no module proxy served the canary on its own: nothing to recommend' }];
  }
  const line = `ENV GOPROXY=${[...working.map((f) => f.fetch.goproxy), ...(keepDirect ? ['direct'] : [])].map(redactUrl).join(',')}`;
  const kept = ['GOPRIVATE', 'GONOPROXY', 'GONOSUMDB', 'GOINSECURE'].filter((n) => goValue(ev, n));
  const keep = kept.length ? ` (keep ${kept.join(', ')} as they are: private modules never go through GOPROXY)` : '';
  const ranked = working.map((f) => `${redactUrl(f.fetch.goproxy)} ${secs(f.ms!)}`).join(', ');
  const fastest = working[0]!;
  // What the build uses today: the entry the configured list is served by.
  const servedBy = predictFallthrough(entries, (e) => entryAnswer(aloneFetch(ev, e))).servedBy;
  const current = working.find((f) => f.fetch.goproxy === servedBy);
  const currentMs = current?.ms ?? null;
  const clearlyFaster = currentMs === null || (fastest.ms! <= currentMs * MEANINGFUL.ratio && currentMs - fastest.ms! >= MEANINGFUL.ms);
  if (configured.outcome === 'ok' && (!clearlyFaster || current === fastest)) {
    return [{ target, status: 'pass', ms: null, cause: null, evidence: { ranking, line }, fix: null, summary: `the configured GOPROXY already uses the fastest proxy that works (${ranked})` }];
  }
  return [{ target, status: 'warn', ms: fastest.ms, cause: 'e2e.faster_proxy', evidence: { ranking, line },
    summary: configured.outcome === 'ok' ? `${redactUrl(fastest.fetch.goproxy)} is faster from here than what the build uses (${ranked})${keep}` : `the configured GOPROXY fails; these proxies work from here, fastest first: ${ranked}${keep}`,
    fix: line }];
}

export const e2eRecommend = {
  id: 'e2e.recommend',
  category: 'e2e',
  title: 'recommended GOPROXY',
  evaluate: recommendRows,
} satisfies ImageCheck;
