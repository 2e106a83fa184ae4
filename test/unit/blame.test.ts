/**
 * Blame the right thing (issue 16), on recorded evidence: what the lab runs measured
 * (busybox wget's reset, curl stalling where go passes, the same NXDOMAIN on both sides,
 * a container-only reset, differing answers) and a Go 1.24 fetch with its GODEBUG=tlsmlkem=0
 * retry, through every check and the verdict. Compared by cause code and basedOn, never prose.
 */
import { readFileSync } from 'node:fs';
import * as assert from 'uvu/assert';
import { suite } from 'uvu';
import { runChecks } from '../../checks/index.js';
import { verdict } from '../../checks/verdict.js';
import { parseFetch, parseTls } from '../../src/agent/parse.js';
import type { Block } from '../../src/agent/wire.js';
import { evidence as baseEvidence } from '../helpers/evidence.js';
import type {
  CheckResult,
  DnsEvidence,
  Evidence,
  FetchEvidence,
  HostEvidence,
  HostTargetEvidence,
  HttpEvidence,
  PlannedTarget,
  TargetEvidence,
  TlsEvidence,
  TransferEvidence,
} from '../../src/model.js';

const NS = '192.0.2.53';
const GW = '192.0.2.1';
const URL_LIST = 'https://proxy.golang.org/rsc.io/quote/@v/list';

const fx = (name: string) => readFileSync(new URL(`../fixtures/unit/${name}`, import.meta.url), 'utf8').split('\n').filter(Boolean);
const block = (id: string, kv: Array<[string, string | number]>, raw: string[]): Block => ({ id, kv: kv.map(([k, v]) => [k, String(v)]), raw, body: [], truncated: false });

const target: PlannedTarget = { key: 't0', host: 'proxy.golang.org', port: 443, roles: ['goproxy'], tls: true, httpUrl: URL_LIST, httpProxy: null };

function dns(over: Partial<DnsEvidence> = {}): DnsEvidence {
  return { host: 'proxy.golang.org', tool: 'getent', outcome: 'resolved', v4: [GW], v6: [], fromHostsFile: false, ms: 3, message: '', ...over };
}
const tcpOk = { host: 'proxy.golang.org', tool: 'bash', attempts: [{ address: GW, port: 443, outcome: 'connected' as const, ms: 1, message: '' }] };
function tls(over: Partial<TlsEvidence> = {}): TlsEvidence {
  return { host: 'proxy.golang.org', address: GW, port: 443, tool: 'openssl', outcome: 'ok', verifiable: true, verifyCode: 0, verifyMessage: 'ok', protocol: 'TLSv1.3', subject: null, issuer: 'CN=test CA', notBefore: null, notAfter: null, ms: 9, message: '', ...over };
}
function http(over: Partial<HttpEvidence> = {}): HttpEvidence {
  return { url: URL_LIST, proxy: null, tool: 'curl', outcome: 'response', status: 200, ttfbMs: 5, ms: 6, bodyHead: 'v1.5.2', message: '', ...over };
}
function chain(over: Partial<TargetEvidence> = {}): TargetEvidence {
  return { target, finished: true, dns: dns(), tcp: tcpOk, tls: tls(), http: http(), ...over };
}
function hostSide(over: Partial<HostTargetEvidence> = {}): HostEvidence {
  const t: HostTargetEvidence = {
    key: 't0',
    dns: { outcome: 'resolved', addresses: [GW], ms: 2, message: '' },
    tcp: { address: GW, addressFrom: 'host', outcome: 'connected', ms: 1, message: '' },
    tls: { outcome: 'ok', verified: true, verifyError: null, issuer: 'CN=test CA', ms: 5, message: '' },
    http: { url: URL_LIST, proxy: null, outcome: 'response', status: 200, ms: 8, message: '200 OK' },
    route: null,
    ...over,
  };
  return { proxyEnv: {}, nameservers: [NS], networkMtu: 1500, networkName: 'bridge', targets: [t] };
}
function fetchOk(): FetchEvidence {
  return {
    fetch: { key: 'f0', goproxy: 'https://proxy.golang.org', kind: 'configured', canary: 'rsc.io/quote@v1.5.2' },
    outcome: 'ok', rc: 0, ms: 900, error: '', zipBytes: 661,
    requests: [{ url: 'https://proxy.golang.org/rsc.io/quote/@v/v1.5.2.zip', status: 200, statusText: 'OK', ms: 12 }],
  };
}
function transfer(over: Partial<TransferEvidence> = {}): TransferEvidence {
  return {
    transfer: { key: 'x0', goproxy: 'https://proxy.golang.org', module: 'rsc.io/quote@v1.5.2', purpose: 'canary', url: 'https://proxy.golang.org/rsc.io/quote/@v/v1.5.2.zip', httpProxy: null },
    tool: 'curl', outcome: 'complete', status: 200, length: 661, bytes: 661, ms: 20, message: '', ...over,
  };
}

function evidence(over: { targets?: TargetEvidence[]; host?: HostEvidence | null; fetches?: FetchEvidence[]; transfers?: TransferEvidence[]; tools?: Evidence['facts']['tools']; dns?: string[]; goEnv?: Record<string, string> | null } = {}): Evidence {
  const tools = over.tools ?? { go: '/usr/local/go/bin/go', curl: '/usr/bin/curl', openssl: '/usr/bin/openssl', bash: '/bin/bash', getent: '/usr/bin/getent' };
  const goEnv = over.goEnv === undefined ? (tools.go ? { GOPROXY: 'https://proxy.golang.org', GOSUMDB: 'sum.golang.org', GOVERSION: 'go1.19.8' } : null) : over.goEnv;
  return baseEvidence({
    image: 'gobuilder',
    nameservers: [NS],
    facts: { tools, caBundle: '/etc/ssl/certs/ca-certificates.crt', goEnv },
    targets: over.targets ?? [chain()],
    fetches: over.fetches ?? [],
    transfers: over.transfers ?? [],
    host: over.host === undefined ? hostSide() : over.host,
    context: { dns: over.dns ?? [NS] },
  });
}

const at = (rows: CheckResult[], id: string, target?: string) => {
  const r = rows.find((x) => x.id === id && (target === undefined || x.target === target));
  if (!r) throw new Error(`no ${id} ${target ?? ''}: ${rows.map((x) => `${x.id}@${x.target}`).join(', ')}`);
  return r;
};
const code = (r: CheckResult) => [r.status, r.cause];
function judge(ev: Evidence) {
  const rows = runChecks(ev);
  return { rows, v: verdict(rows, ev) };
}

// ---------------------------------------------------------------------------
const Tool = suite('the image\'s tools: a step they cannot do is not a network failure');

Tool('busybox wget reset in the handshake (recorded): tool.tls_limited skips, host passes, no zero-byte pass, verdict clean', () => {
  const bbTls = parseTls(block('tls:t0', [['tool', 'busybox-wget'], ['rc', 1], ['ms', 40], ['address', GW]], fx('tls-wget-reset.txt')), 'proxy.golang.org', 443);
  const bbHttp = http({ tool: 'wget', outcome: 'error', status: null, ttfbMs: null, bodyHead: '', message: 'wget: error getting response: Connection reset by peer' });
  const ev = evidence({
    tools: { wget: '/bin/wget (busybox)', nslookup: '/bin/nslookup', nc: '/bin/nc' },
    goEnv: null,
    targets: [chain({ dns: dns({ tool: 'nslookup' }), tls: bbTls, http: bbHttp })],
    transfers: [transfer({ tool: 'wget', outcome: 'error', status: null, length: null, bytes: 0, message: 'wget: error getting response: Connection reset by peer' })],
  });
  const { rows, v } = judge(ev);
  assert.equal(code(at(rows, 'tls.handshake')), ['skip', 'tool.tls_limited']);
  assert.equal(code(at(rows, 'http.goproxy')), ['skip', 'tool.tls_limited']);
  assert.equal(code(at(rows, 'e2e.throughput')), ['skip', 'tool.tls_limited']);
  assert.equal(code(at(rows, 'host.compare')), ['pass', null]);
  assert.is(v.layer, null);
  assert.ok(!rows.some((r) => r.status === 'fail'));
});

Tool('zero bytes is never a pass, whatever the tool\'s exit status', () => {
  const { rows } = judge(evidence({ transfers: [transfer({ bytes: 0 })] }));
  assert.equal(code(at(rows, 'e2e.throughput')), ['fail', 'e2e.transfer_failed']);
});

Tool('a busybox wget timeout is still a network finding (its TLS does not stall)', () => {
  const bbTls = parseTls(block('tls:t0', [['tool', 'busybox-wget'], ['rc', 124], ['ms', 2000], ['address', GW]], fx('tls-wget-stall.txt')), 'proxy.golang.org', 443);
  const { rows } = judge(evidence({ tools: { wget: '/bin/wget (busybox)' }, goEnv: null, host: null, targets: [chain({ tls: bbTls, http: null })] }));
  assert.equal(code(at(rows, 'tls.handshake')), ['fail', 'tls.timeout']);
});

Tool.run();

// ---------------------------------------------------------------------------
const Go = suite('the go command\'s experience decides');

Go('curl stalls where the go command\'s download works: tool.disagrees warnings, exit-0 verdict naming it', () => {
  const ev = evidence({
    targets: [chain({ http: http({ outcome: 'timeout', status: null, ttfbMs: null, bodyHead: '', message: 'curl: (28) Connection timed out' }) })],
    fetches: [fetchOk()],
    transfers: [transfer({ outcome: 'timeout', status: null, bytes: 0 })],
  });
  const { rows, v } = judge(ev);
  const h = at(rows, 'http.goproxy');
  assert.equal(code(h), ['warn', 'tool.disagrees']);
  assert.is(h.evidence.toolCause, 'http.timeout');
  assert.equal(code(at(rows, 'e2e.throughput')), ['warn', 'tool.disagrees']);
  assert.equal(code(at(rows, 'host.compare')), ['pass', null]);
  assert.is(v.layer, null);
  assert.is(v.cause, 'tool.disagrees');
  assert.equal(v.basedOn, ['e2e.fetch@GOPROXY=https://proxy.golang.org', `http.goproxy@${URL_LIST}`, 'e2e.throughput@https://proxy.golang.org canary zip']);
});

Go('openssl\'s handshake fails where go\'s works: the tls row warns, the http row still runs', () => {
  const { rows } = judge(evidence({ targets: [chain({ tls: tls({ outcome: 'timeout', verifyCode: null, protocol: null }) })], fetches: [fetchOk()] }));
  assert.equal(code(at(rows, 'tls.handshake')), ['warn', 'tool.disagrees']);
  assert.equal(code(at(rows, 'http.goproxy')), ['pass', null]);
});

Go('a tool failure on a host the go command never reached stays a failure', () => {
  const { rows, v } = judge(evidence({ targets: [chain({ http: http({ outcome: 'timeout', status: null, bodyHead: '' }) })], fetches: [] }));
  assert.equal(code(at(rows, 'http.goproxy')), ['fail', 'http.timeout']);
  assert.is(v.layer, 'http');
});

Go('a 502 the go command fell through is not a host that works: the http row still fails', () => {
  const fetch = { ...fetchOk(), requests: [{ url: 'https://proxy.golang.org/rsc.io/quote/@v/v1.5.2.info', status: 502, statusText: 'Bad Gateway', ms: 3 }, { url: 'https://goproxy.cn/rsc.io/quote/@v/v1.5.2.zip', status: 200, statusText: 'OK', ms: 9 }] };
  const { rows } = judge(evidence({ targets: [chain({ http: http({ status: 502, bodyHead: '' }) })], fetches: [fetch], host: null }));
  assert.equal(code(at(rows, 'http.goproxy')), ['fail', 'http.status']);
});

/** A Go 1.24 fetch that stalled in the handshake, and the agent's tlsmlkem=0 retry. */
const pqBlock = (pqRc: number) =>
  block('fetch:f0', [['rc', 1], ['ms', 6100], ['pq_rc', pqRc], ['pq_ms', 840], ...(pqRc ? [['pq_error', '"Error": "net/http: TLS handshake timeout",'] as [string, string]] : [])], [
    '# get https://proxy.golang.org/rsc.io/quote/@v/v1.5.2.info',
    '# get https://proxy.golang.org/rsc.io/quote/@v/v1.5.2.info: net/http: TLS handshake timeout',
    'go: rsc.io/quote@v1.5.2: Get "https://proxy.golang.org/rsc.io/quote/@v/v1.5.2.info": net/http: TLS handshake timeout',
  ]);
const configured = { key: 'f0', goproxy: 'https://proxy.golang.org', kind: 'configured' as const, canary: 'rsc.io/quote@v1.5.2' };

Go('Go 1.24+ stalls in the handshake, tlsmlkem=0 passes, the tools\' handshakes pass: e2e.pq_middlebox with both fixes', () => {
  const fetch = parseFetch(pqBlock(0), configured);
  assert.equal([fetch.outcome, fetch.pqRetry?.outcome, fetch.pqRetry?.ms], ['tls_timeout', 'ok', 840]);
  const { rows, v } = judge(evidence({ fetches: [fetch], goEnv: { GOPROXY: 'https://proxy.golang.org', GOSUMDB: 'sum.golang.org', GOVERSION: 'go1.24.2' } }));
  const f = at(rows, 'e2e.fetch');
  assert.equal(code(f), ['fail', 'e2e.pq_middlebox']);
  assert.match(f.fix ?? '', 'GODEBUG=tlsmlkem=0');
  assert.is(v.layer, 'e2e');
  assert.is(v.cause, 'e2e.pq_middlebox');
  assert.equal(v.basedOn, ['e2e.fetch@GOPROXY=https://proxy.golang.org']);
});

Go('the tlsmlkem=0 retry fails too: an ordinary TLS stall, not the post-quantum case', () => {
  const fetch = parseFetch(pqBlock(1), configured);
  assert.equal([fetch.outcome, fetch.pqRetry?.outcome], ['tls_timeout', 'tls_timeout']);
  const { rows, v } = judge(evidence({ fetches: [fetch] }));
  assert.equal(code(at(rows, 'e2e.fetch')), ['fail', 'e2e.tls_timeout']);
  assert.is(v.cause, 'e2e.tls_timeout');
});

Go('no retry recorded (Go older than 1.24): pqRetry is null', () => {
  const fetch = parseFetch(block('fetch:f0', [['rc', 1], ['ms', 6100]], ['go: net/http: TLS handshake timeout']), configured);
  assert.is(fetch.pqRetry, null);
});

Go.run();

// ---------------------------------------------------------------------------
const Host = suite('host evidence in the verdict');

const nx = dns({ outcome: 'nxdomain', v4: [], message: 'NXDOMAIN' });

Host('the same NXDOMAIN on this machine through the same resolver: host.same_failure, the machine\'s DNS fix', () => {
  const ev = evidence({ targets: [chain({ dns: nx, tcp: null, tls: null, http: null })], host: hostSide({ dns: { outcome: 'nxdomain', addresses: [], ms: 2, message: 'ENOTFOUND' }, tcp: null, tls: null, http: null }) });
  const { rows, v } = judge(ev);
  const h = at(rows, 'host.compare');
  assert.equal(code(h), ['warn', 'host.same_failure']);
  assert.is(h.evidence.step, 'dns');
  assert.is(v.layer, 'dns');
  assert.is(v.cause, 'host.same_failure');
  assert.is(v.fix, h.fix);
  assert.equal(v.basedOn, ['dns.resolve@proxy.golang.org', 'host.compare@proxy.golang.org']);
});

Host('--dns names another resolver than this machine\'s: the host\'s failure says nothing, the container\'s cause stands', () => {
  const ev = evidence({ dns: ['198.51.100.9'], targets: [chain({ dns: nx, tcp: null, tls: null, http: null })], host: hostSide({ dns: { outcome: 'nxdomain', addresses: [], ms: 2, message: '' }, tcp: null, tls: null, http: null }) });
  const { rows, v } = judge(ev);
  assert.equal(code(at(rows, 'host.compare')), ['pass', null]);
  assert.is(v.cause, 'dns.nxdomain');
  assert.equal(v.basedOn, ['dns.resolve@proxy.golang.org']);
});

Host('only the container resolves nothing: host.dns_differs as before', () => {
  const { v } = judge(evidence({ targets: [chain({ dns: nx, tcp: null, tls: null, http: null })] }));
  assert.is(v.cause, 'host.dns_differs');
});

Host('connections time out from this machine too: host.same_failure at tcp', () => {
  const timeout = { host: 'proxy.golang.org', tool: 'bash', attempts: [{ address: GW, port: 443, outcome: 'timeout' as const, ms: 2000, message: '' }] };
  const ev = evidence({ targets: [chain({ tcp: timeout, tls: null, http: null })], host: hostSide({ tcp: { address: GW, addressFrom: 'host', outcome: 'timeout', ms: 2000, message: '' }, tls: null, http: null }) });
  const { rows, v } = judge(ev);
  assert.equal([at(rows, 'host.compare').evidence.step, v.layer, v.cause], ['tcp', 'tcp', 'host.same_failure']);
});

Host('the container\'s handshake is reset, the host\'s completes: host.tls_differs decides', () => {
  const reset = tls({ outcome: 'error', verifyCode: null, protocol: null, message: 'read:errno=104' });
  const { rows, v } = judge(evidence({ targets: [chain({ tls: reset, http: null })] }));
  assert.equal(code(at(rows, 'tls.handshake')), ['fail', 'tls.error']);
  assert.equal(code(at(rows, 'host.compare')), ['warn', 'host.tls_differs']);
  assert.equal([v.layer, v.cause], ['tls', 'host.tls_differs']);
  assert.equal(v.basedOn, ['tls.handshake@proxy.golang.org:443', 'host.compare@proxy.golang.org']);
});

Host('the TLS handshake fails on both sides: host.same_failure at tls', () => {
  const reset = tls({ outcome: 'error', verifyCode: null, protocol: null, message: 'read:errno=104' });
  const ev = evidence({ targets: [chain({ tls: reset, http: null })], host: hostSide({ tls: { outcome: 'error', verified: false, verifyError: null, issuer: null, ms: 3, message: 'ECONNRESET' }, http: null }) });
  const { v } = judge(ev);
  assert.equal([v.layer, v.cause], ['tls', 'host.same_failure']);
});

Host('the two sides resolve to different addresses and the container\'s fails: host.dns_answers_differ', () => {
  const timeout = { host: 'proxy.golang.org', tool: 'bash', attempts: [{ address: '198.51.100.7', port: 443, outcome: 'timeout' as const, ms: 2000, message: '' }] };
  const { rows, v } = judge(evidence({ targets: [chain({ dns: dns({ v4: ['198.51.100.7'] }), tcp: timeout, tls: null, http: null })] }));
  assert.equal(code(at(rows, 'host.compare')), ['warn', 'host.dns_answers_differ']);
  assert.equal([v.layer, v.cause], ['tcp', 'host.dns_answers_differ']);
});

Host('different answers but both work: nothing to flag', () => {
  const { rows } = judge(evidence({ targets: [chain({ dns: dns({ v4: ['198.51.100.7'] }) })] }));
  assert.equal(code(at(rows, 'host.compare')), ['pass', null]);
});

Host('different HTTP statuses (host 404, container 502): host.http_differs', () => {
  const { rows, v } = judge(evidence({ targets: [chain({ http: http({ status: 502, bodyHead: '' }) })], host: hostSide({ http: { url: URL_LIST, proxy: null, outcome: 'response', status: 404, ms: 5, message: '' } }) }));
  assert.equal(code(at(rows, 'host.compare')), ['warn', 'host.http_differs']);
  assert.equal([v.layer, v.cause], ['http', 'host.http_differs']);
});

Host('the same 502 on both sides: host.same_failure at http', () => {
  const { v } = judge(evidence({ targets: [chain({ http: http({ status: 502, bodyHead: '' }) })], host: hostSide({ http: { url: URL_LIST, proxy: null, outcome: 'response', status: 502, ms: 5, message: '' } }) }));
  assert.equal([v.layer, v.cause], ['http', 'host.same_failure']);
});

Host.run();

// ---------------------------------------------------------------------------
const Collateral = suite('collateral, once');

Collateral('a throughput and a fetch failure on a host whose DNS failed point at the dns row; the verdict rests on the root only', () => {
  const fetch: FetchEvidence = { ...fetchOk(), outcome: 'dns', rc: 1, error: 'dial tcp: lookup proxy.golang.org: no such host', requests: [{ url: 'https://proxy.golang.org/rsc.io/quote/@v/v1.5.2.info', status: null, statusText: 'dial tcp: lookup proxy.golang.org: no such host', ms: null }], zipBytes: null };
  const ev = evidence({ host: null, targets: [chain({ dns: nx, tcp: null, tls: null, http: null })], fetches: [fetch], transfers: [transfer({ outcome: 'error', status: null, bytes: 0, message: 'curl: (6) Could not resolve host' })] });
  const { rows, v } = judge(ev);
  const root = { id: 'dns.resolve', target: 'proxy.golang.org' };
  assert.equal(at(rows, 'e2e.throughput').explainedBy, root);
  assert.equal(at(rows, 'e2e.fetch').explainedBy, root);
  assert.equal(at(rows, 'tcp.connect').explainedBy, root);
  assert.is(v.cause, 'dns.nxdomain');
  assert.equal(v.basedOn, ['dns.resolve@proxy.golang.org']);
});

Collateral('an informational target whose DNS warned: its later steps say so and point at the dns row', () => {
  const info: PlannedTarget = { ...target, key: 't0', host: 'goproxy.io', roles: ['default'], httpUrl: 'https://goproxy.io/rsc.io/quote/@v/list' };
  const ev = evidence({ host: null, targets: [{ target: info, finished: true, dns: dns({ host: 'goproxy.io', outcome: 'timeout', v4: [] }), tcp: null, tls: null, http: null }] });
  const { rows } = judge(ev);
  assert.equal(code(at(rows, 'dns.resolve')), ['warn', 'dns.timeout']);
  const tcp = at(rows, 'tcp.connect');
  assert.equal(code(tcp), ['skip', 'prereq.failed']);
  assert.equal(tcp.explainedBy, { id: 'dns.resolve', target: 'goproxy.io' });
  assert.not.match(tcp.summary, 'not measured');
});

Collateral.run();

// ---------------------------------------------------------------------------
const Goproxy = suite('GOPROXY entries without a scheme');

Goproxy('valid Go: the row passes and shows the entry as the go command reads it', () => {
  const rows = runChecks({ ...evidence({ host: null, targets: [] }), facts: { ...evidence().facts, goEnv: { GOPROXY: 'goproxy.cn,direct', GOSUMDB: 'sum.golang.org' } } });
  const r = at(rows, 'go-env.goproxy');
  assert.equal(code(r), ['pass', null]);
  assert.match(r.summary, 'the go command reads it as https://goproxy.cn,direct');
});

Goproxy.run();
