/**
 * Which running probes a lower layer has decided (src/collect/stop.ts): a dead path stops
 * its fetches and downloads, a live or not-yet-known one never does.
 */
import * as assert from 'uvu/assert';
import { suite } from 'uvu';
import { deadPath, fetchDecided, jobsToStop, type StopInput, withStopReasons } from '../../src/collect/stop.js';
import type { DnsEvidence, FetchEvidence, HttpEvidence, PlannedFetch, PlannedTarget, ProbePlan, TargetEvidence, TcpEvidence, TlsEvidence } from '../../src/model.js';

const target = (key: string, host: string, extra: Partial<PlannedTarget> = {}): PlannedTarget => ({ key, host, port: 443, roles: ['goproxy'], tls: true, httpUrl: `https://${host}/rsc.io/quote/@v/list`, httpProxy: null, ...extra });
const dns = (host: string, outcome: DnsEvidence['outcome'], extra: Partial<DnsEvidence> = {}): DnsEvidence => ({ host, tool: 'getent', outcome, v4: outcome === 'resolved' ? ['10.0.0.2'] : [], v6: [], fromHostsFile: false, ms: 5, message: '', ...extra });
const tcp = (host: string, ...outcomes: Array<TcpEvidence['attempts'][number]['outcome']>): TcpEvidence => ({ host, tool: 'bash', attempts: outcomes.map((outcome, i) => ({ address: `10.0.0.${i + 2}`, port: 443, outcome, ms: 2000, message: '' })) });
const tls = (host: string, outcome: TlsEvidence['outcome'], verifyCode: number | null = 0): TlsEvidence => ({ host, address: '10.0.0.2', port: 443, tool: 'openssl', outcome, verifiable: true, verifyCode, verifyMessage: null, protocol: null, subject: null, issuer: null, notBefore: null, notAfter: null, ms: 10, message: '' });
const te = (t: PlannedTarget, steps: Partial<Pick<TargetEvidence, 'dns' | 'tcp' | 'tls' | 'http'>> = {}): TargetEvidence => ({ target: t, finished: false, dns: null, tcp: null, tls: null, http: null, ...steps });
const fetch = (key: string, goproxy: string, kind: PlannedFetch['kind'] = 'entry'): PlannedFetch => ({ key, goproxy, kind, canary: 'rsc.io/quote@v1.5.2' });

const P = target('t0', 'proxy.example');
const Q = target('t1', 'mirror.example');
const plan = (fetches: PlannedFetch[], targets = [P, Q]): ProbePlan => ({ timeoutMs: 3000, targets, paths: [], repos: [], fetches, sumdbGets: [], transfers: [{ key: 'x0', goproxy: 'https://proxy.example', module: 'rsc.io/quote@v1.5.2', purpose: 'throughput', url: 'https://proxy.example/rsc.io/quote/@v/v1.5.2.zip', httpProxy: null }], extraCa: false });
const input = (p: ProbePlan, targets: TargetEvidence[], extra: Partial<StopInput> = {}): StopInput => ({ plan: p, env: {}, targets, ended: new Set(), stopped: new Set(), ...extra });

const test = suite('stop decisions');

test('a proxy whose every address timed out: its fetch, the list that stops there and its download stop, explained by tcp.connect', () => {
  const p = plan([fetch('g0', 'https://proxy.example'), fetch('g1', 'https://proxy.example,direct', 'configured')]);
  const got = jobsToStop(input(p, [te(P, { dns: dns(P.host, 'resolved'), tcp: tcp(P.host, 'timeout', 'timeout') }), te(Q)]));
  assert.equal([...got.keys()], ['g0', 'g1', 'x0']);
  assert.equal(got.get('g1'), { id: 'tcp.connect', target: 'proxy.example:443', what: 'tcp timeout' });
});

test('dns and tls failures decide too; a passed chain and a chain not yet in never do', () => {
  assert.equal(deadPath(te(P, { dns: dns(P.host, 'timeout') }))?.id, 'dns.resolve');
  assert.equal(deadPath(te(P, { dns: dns(P.host, 'resolved'), tcp: tcp(P.host, 'connected'), tls: tls(P.host, 'timeout') }))?.what, 'tls timeout');
  assert.equal(deadPath(te(P, { dns: dns(P.host, 'resolved'), tcp: tcp(P.host, 'connected'), tls: tls(P.host, 'ok', 20) }))?.what, 'tls certificate not trusted');
  assert.is(deadPath(te(P, { dns: dns(P.host, 'resolved'), tcp: tcp(P.host, 'connected'), tls: tls(P.host, 'ok') })), null);
  assert.is(deadPath(te(P, { dns: dns(P.host, 'resolved') })), null);
  // One address connected: the go command would use it.
  assert.is(deadPath(te(P, { dns: dns(P.host, 'resolved'), tcp: tcp(P.host, 'timeout', 'connected') })), null);
  // A missing tool says nothing about the network.
  assert.is(deadPath(te(P, { dns: dns(P.host, 'no_tool') })), null);
  assert.is(deadPath(te(P, { dns: dns(P.host, 'resolved'), tcp: tcp(P.host, 'no_tool') })), null);
});

test('a "|" list goes on to the next entry: decided only when that one is dead too', () => {
  const f = fetch('g0', 'https://proxy.example|https://mirror.example', 'configured');
  const deadP = te(P, { dns: dns(P.host, 'nxdomain') });
  assert.is(fetchDecided(f, input(plan([f]), [deadP, te(Q, { dns: dns(Q.host, 'resolved') })])), null);
  assert.equal(fetchDecided(f, input(plan([f]), [deadP, te(Q, { dns: dns(Q.host, 'resolved'), tcp: tcp(Q.host, 'refused') })]))?.target, 'mirror.example:443');
});

test('direct: decided when the resolver answered no name at all, not by an unrelated dead host', () => {
  const f = fetch('g0', 'direct');
  assert.equal(fetchDecided(f, input(plan([f]), [te(P, { dns: dns(P.host, 'timeout') }), te(Q, { dns: dns(Q.host, 'timeout') })])), { id: 'dns.resolve', target: 'proxy.example', what: 'the resolver answers no name' });
  assert.is(fetchDecided(f, input(plan([f]), [te(P, { dns: dns(P.host, 'timeout') }), te(Q)])), null, 'not every lookup is in');
  assert.is(fetchDecided(f, input(plan([f]), [te(P, { dns: dns(P.host, 'timeout') }), te(Q, { dns: dns(Q.host, 'resolved') })])), null);
  assert.is(fetchDecided(f, input(plan([f]), [te(P, { dns: dns(P.host, 'resolved'), tcp: tcp(P.host, 'timeout') }), te(Q, { dns: dns(Q.host, 'resolved'), tcp: tcp(Q.host, 'timeout') })])), null);
  // Names from /etc/hosts (--add-host) say nothing about the resolver, either way.
  assert.equal(fetchDecided(f, input(plan([f]), [te(P, { dns: dns(P.host, 'timeout') }), te(Q, { dns: dns(Q.host, 'resolved', { fromHostsFile: true }) })]))?.target, 'proxy.example');
  assert.is(fetchDecided(f, input(plan([f]), [te(P, { dns: dns(P.host, 'resolved', { fromHostsFile: true }) })])), null);
});

test('through an HTTP proxy: the proxy decides, not the module proxy\'s own direct path', () => {
  const proxy = 'http://squid.example:3128';
  const S = target('p2', 'squid.example', { port: 3128, roles: ['proxy'], tls: false, httpProxy: proxy });
  const f = fetch('g0', 'https://proxy.example');
  const env = { HTTPS_PROXY: proxy };
  const directDead = te({ ...P, httpProxy: proxy }, { dns: dns(P.host, 'timeout') });
  assert.is(fetchDecided(f, input(plan([f], [P, S]), [directDead, te(S, { dns: dns(S.host, 'resolved'), tcp: tcp(S.host, 'connected') })], { env })), null);
  assert.equal(fetchDecided(f, input(plan([f], [P, S]), [directDead, te(S, { dns: dns(S.host, 'resolved'), tcp: tcp(S.host, 'refused') })], { env })), { id: 'proxy-env.proxy', target: proxy, what: 'proxy tcp refused' });
  // direct goes through the same proxy.
  assert.equal(fetchDecided(fetch('g1', 'direct'), input(plan([f], [P, S]), [directDead, te(S, { dns: dns(S.host, 'nxdomain') })], { env }))?.id, 'proxy-env.proxy');
});

test('jobs already ended or already stopped are not stopped again; private fetches never', () => {
  const p = plan([fetch('g0', 'https://proxy.example'), fetch('g1', 'direct', 'private')]);
  const dead = [te(P, { dns: dns(P.host, 'timeout') }), te(Q, { dns: dns(Q.host, 'timeout') })];
  assert.equal([...jobsToStop(input(p, dead, { ended: new Set(['g0']), stopped: new Set(['x0']) })).keys()], []);
});

test('withStopReasons: a stopped fetch carries its reason; others are left as they are', () => {
  const base: FetchEvidence = { fetch: fetch('g0', 'https://proxy.example'), outcome: 'stopped', rc: 143, ms: 2100, requests: [], error: '', zipBytes: null };
  const ok: FetchEvidence = { ...base, fetch: fetch('g1', 'https://mirror.example'), outcome: 'ok', rc: 0 };
  const why = { id: 'tcp.connect', target: 'proxy.example:443', what: 'tcp timeout' };
  const out = withStopReasons({ fetches: [base, ok], transfers: [] }, new Map([['g0', why], ['g1', why]]));
  assert.equal(out.fetches[0]!.stoppedBy, why);
  assert.is(out.fetches[1]!.stoppedBy, undefined);
});

test('an HTTP step through a proxy whose TCP or DNS timed out stops (the target\'s GET and the proxy\'s own CONNECT), explained by proxy-env.proxy', () => {
  const proxy = 'http://10.9.9.9:3128';
  const via = target('t0', 'proxy.example', { httpProxy: proxy });
  const own = target('t1', '10.9.9.9', { port: 3128, roles: ['proxy'], tls: false, httpProxy: proxy });
  const p = plan([], [via, own]);
  const dead = te(own, { dns: dns(own.host, 'resolved', { tool: 'literal' }), tcp: tcp(own.host, 'timeout') });
  const got = jobsToStop({ ...input(p, [te(via, { dns: dns(via.host, 'resolved'), tcp: tcp(via.host, 'timeout') }), dead]), plan: { ...p, transfers: [] } });
  assert.equal([...got.keys()], ['t0', 't1']);
  assert.equal(got.get('t0'), { id: 'proxy-env.proxy', target: proxy, what: 'proxy tcp timeout' });
  // A refusing proxy ends the request at once with its own answer: nothing to stop.
  const refused = te(own, { dns: dns(own.host, 'resolved', { tool: 'literal' }), tcp: tcp(own.host, 'refused') });
  assert.equal([...jobsToStop({ ...input(p, [te(via), refused]), plan: { ...p, transfers: [] } }).keys()], []);
  // A step whose block is in, or already told to stop, is left alone.
  const answered: HttpEvidence = { url: via.httpUrl!, proxy, tool: 'curl', outcome: 'timeout', status: null, ttfbMs: null, ms: 2000, bodyHead: '', message: '' };
  assert.equal([...jobsToStop({ ...input(p, [te(via, { http: answered }), dead], { stopped: new Set(['t1']) }), plan: { ...p, transfers: [] } }).keys()], []);
});

test('withStopReasons: a stopped HTTP step carries its reason', () => {
  const via = target('t0', 'proxy.example', { httpProxy: 'http://10.9.9.9:3128' });
  const http: HttpEvidence = { url: via.httpUrl!, proxy: 'http://10.9.9.9:3128', tool: 'curl', outcome: 'stopped', status: null, ttfbMs: null, ms: 300, bodyHead: '', message: '' };
  const why = { id: 'proxy-env.proxy', target: 'http://10.9.9.9:3128', what: 'proxy tcp timeout' };
  const out = withStopReasons({ targets: [te(via, { http })], fetches: [], transfers: [] }, new Map([['t0', why]]));
  assert.equal(out.targets[0]!.http!.stoppedBy, why);
});

test.run();
