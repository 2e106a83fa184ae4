/** e2e.sumdb: which path carries checksum traffic (a proxy's /sumdb/ or GOSUMDB itself), and whether it answers. Pure over Evidence. */
import type { Evidence, HttpEvidence } from '../src/model.js';
import { type ImageCheck, goValue, type ImageRow, redactMaybe } from './check.js';
import { redactUrl } from '../src/secrets.js';
import { httpToolLimit, otherWitnesses } from './tool-limits.js';
import { DEFAULT_GOPROXY, DEFAULT_GOSUMDB, type EntryAnswer, parseGoproxy, predictSumdbRoute, sumdbEndpoint } from '../src/go/goproxy-list.js';

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
