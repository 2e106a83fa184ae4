/** e2e.throughput: bytes over time for each proxy's module zip, so a slow path reads as slow and a stalled one as hung. Pure over Evidence. */
import type { Evidence, TransferEvidence } from '../src/model.js';
import { type ImageCheck, goValue, secs, type ImageRow, redactMaybe } from './check.js';
import { redactUrl } from '../src/secrets.js';
import { transferToolLimit, otherWitnesses } from './tool-limits.js';
import { DEFAULT_GOPROXY, parseGoproxy } from '../src/go/goproxy-list.js';
import { bytesText, stoppedRow } from './go-download.js';
import { stallFix } from './fixes.js';

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
      fix: stallFix('the transfer') };
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
