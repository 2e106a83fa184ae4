/**
 * The configured GOPROXY list as the go command walks it: e2e.fallthrough (which entry serves
 * the canary, and whether a "," stops the walk before an entry that works) and e2e.recommend
 * (the fastest entries that work, as the line to put in the Dockerfile). Both read the
 * per-entry fetches of e2e.fetch. Pure over Evidence.
 */
import type { Evidence, FetchEvidence } from '../src/model.js';
import { type ImageCheck, goValue, secs, type ImageRow, redactMaybe } from './check.js';
import { redactUrl } from '../src/secrets.js';
import { type EntryAnswer, type GoproxyEntry, parseGoproxy, predictFallthrough } from '../src/go/goproxy-list.js';

/** The fetch that ran with this GOPROXY entry on its own. */
function aloneFetch(ev: Evidence, e: GoproxyEntry): FetchEvidence | undefined {
  return ev.fetches.find((f) => f.fetch.kind === 'entry' && f.fetch.goproxy === (e.kind === 'url' ? e.url : e.raw));
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
