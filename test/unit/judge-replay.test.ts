/**
 * Judging over Evidence from recorded runs (collectEvidence over the replay engine,
 * test/fixtures/replay/): the prerequisite logic of runChecks, the verdict and buildReport,
 * each on recorded cases that fail and pass. Codes, not prose.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { runChecks } from '../../checks/index.js';
import { verdict } from '../../checks/verdict.js';
import type { CheckResult, Evidence } from '../../src/model.js';
import { buildReport } from '../../src/judge/report.js';
import { loadRecording, replayEvidence } from '../helpers/replay-engine.js';

const NAMES = ['healthy', 'dns-silent', 'blackholed', 'tls-no-ca', 'tls-ca-cert', 'proxy-missing', 'proxy-refused', 'nonroot-modcache', 'private-auth-failed', 'private-auth-ok', 'host-same-failure', 'goproxy-502-comma', 'busybox'] as const;
type Name = (typeof NAMES)[number];

const evidence = new Map<Name, Evidence>();

const test = suite('judging recorded evidence');

test.before(async () => {
  for (const name of NAMES) evidence.set(name, (await replayEvidence(loadRecording(name))).evidence);
});

const ev = (name: Name) => evidence.get(name)!;
const rowOf = (rows: CheckResult[], id: string, tgt: string) => rows.find((r) => r.id === id && (r.target ?? '').includes(tgt))!;
const recorded = (name: string) => loadRecording(name).outcome;
const META = { version: 'test', startedAt: new Date(0), durationMs: 1 };

// --- runChecks: the prerequisites ------------------------------------------------------------

test('runChecks: a failed DNS row skips its target\'s TCP, TLS and HTTP rows with prereq.failed, naming the root', () => {
  const rows = runChecks(ev('dns-silent'));
  for (const id of ['tcp.connect', 'tls.handshake', 'http.goproxy']) {
    const r = rowOf(rows, id, 'proxy.golang.org');
    assert.is(r.status, 'skip', id);
    assert.is(r.cause, 'prereq.failed', id);
    assert.equal(r.explainedBy, { id: 'dns.resolve', target: 'proxy.golang.org' }, id);
    assert.is(r.evidence.prerequisite, 'dns.resolve failed for proxy.golang.org');
  }
});

test('runChecks: a chain of skips names its first failure (tls and http after a tcp timeout)', () => {
  const rows = runChecks(ev('blackholed'));
  assert.is(rowOf(rows, 'tls.handshake', 'proxy.golang.org').evidence.prerequisite, 'tcp.connect failed for proxy.golang.org:443');
  assert.is(rowOf(rows, 'http.goproxy', 'proxy.golang.org').evidence.prerequisite, 'tcp.connect failed for proxy.golang.org:443', 'not "tls.handshake was skipped"');
});

test('runChecks: a target only the built-in list names warns instead of failing, and its chain ends after the warning', () => {
  const rows = runChecks(ev('dns-silent'));
  const dns = rowOf(rows, 'dns.resolve', 'goproxy.cn');
  assert.is(dns.status, 'warn');
  assert.is(dns.cause, 'dns.timeout');
  const tcp = rowOf(rows, 'tcp.connect', 'goproxy.cn');
  assert.is(tcp.status, 'skip');
  assert.is(tcp.cause, 'prereq.failed');
  assert.equal(tcp.explainedBy, { id: 'dns.resolve', target: 'goproxy.cn' });
});

test('runChecks: a tool-missing skip does not cascade: with no TLS tool the HTTP row still runs (busybox)', () => {
  const rows = runChecks(ev('busybox'));
  assert.equal([rowOf(rows, 'tls.handshake', 'proxy.golang.org').status, rowOf(rows, 'tls.handshake', 'proxy.golang.org').cause], ['skip', 'tool.missing']);
  assert.is(rowOf(rows, 'http.goproxy', 'proxy.golang.org').status, 'pass');
});

test('runChecks: every row passes its prerequisites when the chain works (healthy); an unmeasured step is a skip without a cause', () => {
  const rows = runChecks(ev('healthy'));
  assert.not.ok(rows.some((r) => r.cause === 'prereq.failed'));
  // The same evidence with the container's TLS step missing (the deadline came first).
  const e = ev('healthy');
  const cut: Evidence = { ...e, targets: e.targets.map((t, i) => (i === 0 ? { ...t, finished: false, tls: null, http: null } : t)) };
  const tls = rowOf(runChecks(cut), 'tls.handshake', 'proxy.golang.org');
  assert.is(tls.status, 'skip');
  assert.is(tls.cause, null);
  assert.match(tls.summary, 'deadline');
});

test('runChecks: over every recording, the rows are those the recorded run reported', () => {
  for (const name of NAMES) {
    const got = runChecks(ev(name)).map((r) => `${r.id}@${r.target} ${r.status} ${r.cause}`);
    const was = recorded(name).rows.map((r) => `${r.id}@${r.target} ${r.status} ${r.cause}`);
    assert.equal(got, was, name);
  }
});

// --- the verdict ---------------------------------------------------------------------------------

test('verdict: the layer and cause of every recording; none for the healthy ones', () => {
  const want: Record<Name, [string | null, string | null]> = {
    healthy: [null, null],
    'tls-ca-cert': [null, null],
    'private-auth-ok': [null, null],
    'dns-silent': ['dns', 'host.dns_differs'],
    blackholed: ['tcp', 'host.same_failure'],
    'tls-no-ca': ['tls', 'tls.unknown_ca'],
    'proxy-missing': ['dns', 'host.proxy_differs'],
    'proxy-refused': ['http', 'http.proxy_refused'],
    'nonroot-modcache': ['fs', 'fs.not_writable'],
    'private-auth-failed': ['auth', 'auth.failed'],
    'host-same-failure': ['dns', 'host.same_failure'],
    'goproxy-502-comma': ['http', 'host.same_failure'],
    busybox: [null, null],
  };
  for (const name of NAMES) {
    const v = verdict(runChecks(ev(name)), ev(name));
    assert.equal([v.layer, v.cause ?? null], want[name], name);
    if (want[name][0]) assert.ok(v.fix, `${name}: a fix`);
  }
});

test('verdict: the host comparison row is what it rests on when it explains the failure', () => {
  const v = verdict(runChecks(ev('host-same-failure')), ev('host-same-failure'));
  assert.ok(v.basedOn.includes('host.compare@proxy.golang.org'));
  const fix = rowOf(runChecks(ev('host-same-failure')), 'host.compare', 'proxy.golang.org').fix;
  assert.is(v.fix, fix);
});

// --- buildReport ------------------------------------------------------------------------------

test('buildReport: counts, verdict and rows of a recording', () => {
  const r = buildReport(ev('blackholed'), META);
  const was = recorded('blackholed');
  assert.is(r.schemaVersion, 1);
  assert.equal([r.summary.pass, r.summary.warn, r.summary.fail, r.summary.skip], [was.summary!.pass, was.summary!.warn, was.summary!.fail, was.summary!.skip]);
  assert.is(r.summary.layer, 'tcp');
  assert.is(r.checks.length, was.rows.length);
  assert.is(r.raw, undefined, 'raw blocks only with -v');
  assert.ok(buildReport(ev('blackholed'), META, { only: [], skip: [], verbose: true }).raw?.length);
});

test('buildReport: --only and --skip select rows by category or id; the verdict follows what is left', () => {
  const onlyDns = buildReport(ev('dns-silent'), META, { only: ['dns'], skip: [], verbose: false });
  assert.ok(onlyDns.checks.every((c) => c.category === 'dns'));
  assert.is(onlyDns.summary.layer, 'dns');
  const noHost = buildReport(ev('dns-silent'), META, { only: [], skip: ['host'], verbose: false });
  assert.not.ok(noHost.checks.some((c) => c.category === 'host'));
  assert.is(noHost.summary.cause, 'dns.timeout', 'without the host rows the DNS rows decide');
  const oneId = buildReport(ev('healthy'), META, { only: ['tcp.connect'], skip: [], verbose: false });
  assert.ok(oneId.checks.length > 0 && oneId.checks.every((c) => c.id === 'tcp.connect'));
});

test('buildReport: a base image that could not be pulled keeps the engine rows only', () => {
  const e = ev('healthy');
  const r = buildReport({ ...e, pull: { image: e.image, outcome: 'failed', ms: 5, error: 'pull access denied' } }, META);
  assert.ok(r.checks.length > 0);
  assert.ok(r.checks.every((c) => c.category === 'engine'), r.checks.map((c) => c.id).join(','));
  assert.not.ok(r.checks.some((c) => c.id === 'engine.probe' || c.id === 'engine.dns'));
  assert.ok(r.checks.some((c) => c.id === 'engine.pull' && c.status === 'fail'));
});

test.run();
