/**
 * The judging half of the pipeline over Evidence from recorded runs: collectEvidence over the
 * replay engine gives it (test/fixtures/replay/), then each network check, the fetch rows, the
 * host comparison, the prerequisite logic of runChecks, the verdict and buildReport are held to
 * a recorded case that fails them and one that passes them. Codes, not prose.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { IMAGE_CHECKS, runChecks, TARGET_CHECKS } from '../../checks/index.js';
import { verdict } from '../../checks/verdict.js';
import type { CheckResult, Evidence, TargetEvidence } from '../../src/model.js';
import { buildReport } from '../../src/runner/report.js';
import { loadRecording, replayEvidence } from '../helpers/replay-engine.js';

const NAMES = ['healthy', 'dns-silent', 'blackholed', 'tls-no-ca', 'tls-ca-cert', 'proxy-missing', 'proxy-refused', 'nonroot-modcache', 'private-auth-failed', 'private-auth-ok', 'host-same-failure', 'goproxy-502-comma', 'busybox'] as const;
type Name = (typeof NAMES)[number];

const evidence = new Map<Name, Evidence>();
const calls = new Map<Name, string[]>();

const test = suite('checks over recorded evidence');

test.before(async () => {
  for (const name of NAMES) {
    const out = await replayEvidence(loadRecording(name));
    evidence.set(name, out.evidence);
    calls.set(name, out.replay.calls);
  }
});

const ev = (name: Name) => evidence.get(name)!;
const target = (name: Name, host: string): TargetEvidence => {
  const te = ev(name).targets.find((t) => t.target.host === host);
  if (!te) throw new Error(`${name}: no target ${host}`);
  return te;
};
const targetCheck = (id: string) => TARGET_CHECKS.find((c) => c.id === id)!;
const imageRows = (id: string, name: Name) => IMAGE_CHECKS.find((c) => c.id === id)!.evaluate(ev(name));
const imageRow = (id: string, name: Name, target: string) => {
  const r = imageRows(id, name).find((row) => (row.target ?? '').includes(target));
  if (!r) throw new Error(`${name}: no ${id} row for ${target}`);
  return r;
};
const evaluate = (id: string, name: Name, host: string) => targetCheck(id).evaluate(target(name, host), ev(name));
const rowOf = (rows: CheckResult[], id: string, tgt: string) => rows.find((r) => r.id === id && (r.target ?? '').includes(tgt))!;
const recorded = (name: string) => loadRecording(name).outcome;
const META = { version: 'test', startedAt: new Date(0), durationMs: 1 };

// --- collectEvidence -------------------------------------------------------------------

test('collectEvidence (healthy): the engine asked in order, every planned target finished, the host side and the fetch in', () => {
  const e = ev('healthy');
  assert.equal(calls.get('healthy')!.slice(0, 3), ['info', 'engineFacts', 'sweep']);
  assert.ok(calls.get('healthy')!.includes('runAgent gomod-doctor-fixture/gobuilder:bookworm'));
  assert.ok(calls.get('healthy')!.includes('networkMtu null'), 'the host comparison reads the bridge MTU');
  assert.is(e.user, 'root');
  assert.is(e.facts.uid, 0);
  assert.is(e.pull?.outcome, 'present');
  assert.equal(e.targets.map((t) => t.target.host), ['proxy.golang.org', 'goproxy.cn', 'goproxy.io', 'github.com', 'sum.golang.org', 'sum.lab.test']);
  assert.ok(e.targets.every((t) => t.finished && t.dns?.outcome === 'resolved' && t.tcp?.attempts.some((a) => a.outcome === 'connected')));
  assert.ok(e.fetches.every((f) => f.outcome !== 'stopped'));
  assert.is(e.host?.targets.length, 6);
  assert.is(e.host?.networkName, 'bridge');
  assert.ok(e.context.extraCa);
  assert.ok((e.raw ?? []).some((b) => b.id === 'fetch:g4'), 'the raw blocks, for -v');
  assert.ok(e.env.some((v) => v.name === 'GOSUMDB' && v.source === 'flag'));
});

test('collectEvidence (blackholed, dns-silent): stopped fetches carry the row that decided them', () => {
  const stopped = ev('blackholed').fetches.find((f) => f.fetch.goproxy === 'https://proxy.golang.org,direct')!;
  assert.is(stopped.outcome, 'stopped');
  assert.is(stopped.stoppedBy?.id, 'tcp.connect');
  assert.is(stopped.stoppedBy?.target, 'proxy.golang.org:443');
  const silent = ev('dns-silent').fetches.find((f) => f.fetch.goproxy === 'https://proxy.golang.org')!;
  assert.is(silent.outcome, 'stopped');
  assert.is(silent.stoppedBy?.id, 'dns.resolve');
  assert.ok(ev('dns-silent').transfers.every((x) => x.outcome === 'stopped'));
});

test('collectEvidence (nonroot-modcache, proxy-refused): the image USER and the -e environment, with their sources', () => {
  assert.is(ev('nonroot-modcache').user, 'app');
  assert.is(ev('nonroot-modcache').facts.uid, 1000);
  const proxy = ev('proxy-refused').env.find((v) => v.name === 'HTTPS_PROXY')!;
  assert.is(proxy.source, 'flag');
  assert.ok(ev('proxy-refused').host, 'the host side ran beside the container');
});

// --- the network checks -----------------------------------------------------------------

test('dns.resolve: passes (healthy), fails dns.timeout (dns-silent) and dns.nxdomain (host-same-failure)', () => {
  assert.is(evaluate('dns.resolve', 'healthy', 'proxy.golang.org').status, 'pass');
  assert.is(evaluate('dns.resolve', 'blackholed', 'proxy.golang.org').status, 'pass', 'from /etc/hosts');
  const timeout = evaluate('dns.resolve', 'dns-silent', 'proxy.golang.org');
  assert.is(timeout.status, 'fail');
  assert.is(timeout.cause, 'dns.timeout');
  assert.ok(timeout.fix);
  const nx = evaluate('dns.resolve', 'host-same-failure', 'proxy.golang.org');
  assert.is(nx.status, 'fail');
  assert.is(nx.cause, 'dns.nxdomain');
});

test('tcp.connect: passes (healthy), fails tcp.timeout (blackholed)', () => {
  assert.is(evaluate('tcp.connect', 'healthy', 'proxy.golang.org').status, 'pass');
  const t = evaluate('tcp.connect', 'blackholed', 'proxy.golang.org');
  assert.is(t.status, 'fail');
  assert.is(t.cause, 'tcp.timeout');
  assert.ok(t.fix);
});

test('tls.handshake: passes with --ca-cert (tls-ca-cert), fails tls.unknown_ca without it (tls-no-ca)', () => {
  assert.is(evaluate('tls.handshake', 'tls-ca-cert', 'proxy.golang.org').status, 'pass');
  const t = evaluate('tls.handshake', 'tls-no-ca', 'proxy.golang.org');
  assert.is(t.status, 'fail');
  assert.is(t.cause, 'tls.unknown_ca');
  assert.ok(t.fix);
});

test('http.goproxy: passes (healthy), fails http.proxy_refused through a dead proxy (proxy-refused)', () => {
  assert.is(evaluate('http.goproxy', 'healthy', 'proxy.golang.org').status, 'pass');
  const h = evaluate('http.goproxy', 'proxy-refused', 'proxy.golang.org');
  assert.is(h.status, 'fail');
  assert.is(h.cause, 'http.proxy_refused');
});

test('proxy-env.proxy: the dead proxy fails proxy.unreachable (proxy-refused); no proxy, no row (healthy)', () => {
  const proxyTarget = ev('proxy-refused').targets.find((t) => t.target.roles.includes('proxy'))!;
  const r = targetCheck('proxy-env.proxy').evaluate(proxyTarget, ev('proxy-refused'));
  assert.is(r.status, 'fail');
  assert.is(r.cause, 'proxy.unreachable');
  assert.not.ok(ev('healthy').targets.some((t) => targetCheck('proxy-env.proxy').appliesTo(t.target)));
});

// --- the go command's own rows -----------------------------------------------------------

test('e2e.fetch: passes (healthy), stopped by the deciding row (blackholed), fails through the proxy (proxy-refused)', () => {
  assert.is(imageRow('e2e.fetch', 'healthy', 'GOPROXY=').status, 'pass');
  const stopped = imageRow('e2e.fetch', 'blackholed', 'GOPROXY=');
  assert.is(stopped.status, 'fail');
  assert.is(stopped.cause, 'e2e.stopped');
  assert.equal(stopped.explainedBy, { id: 'tcp.connect', target: 'proxy.golang.org:443' });
  const proxy = imageRow('e2e.fetch', 'proxy-refused', 'direct alone');
  assert.is(proxy.status, 'warn', 'one entry on its own only warns');
  assert.is(proxy.cause, 'e2e.proxy');
});

test('e2e.sumdb and e2e.throughput: pass (healthy); the checksum database unavailable and the zip failed (tls-no-ca)', () => {
  assert.ok(imageRows('e2e.sumdb', 'healthy').every((r) => r.status === 'pass'));
  assert.is(imageRow('e2e.sumdb', 'tls-no-ca', 'sum.lab.test').cause, 'e2e.sumdb_unavailable');
  assert.is(imageRow('e2e.throughput', 'healthy', 'https://proxy.golang.org').status, 'pass');
  const zip = imageRow('e2e.throughput', 'tls-no-ca', 'https://proxy.golang.org');
  assert.is(zip.status, 'fail');
  assert.is(zip.cause, 'e2e.transfer_failed');
});

test('e2e.fallthrough and e2e.recommend: pass (healthy); a 502 before "," does not fall through, a faster list is recommended (goproxy-502-comma)', () => {
  assert.is(imageRow('e2e.fallthrough', 'healthy', 'GOPROXY=').status, 'pass');
  const ft = imageRow('e2e.fallthrough', 'goproxy-502-comma', 'GOPROXY=');
  assert.equal([ft.status, ft.cause], ['fail', 'e2e.no_fallthrough']);
  assert.ok(ft.fix);
  assert.is(imageRow('e2e.recommend', 'healthy', 'GOPROXY').status, 'pass');
  const rec = imageRow('e2e.recommend', 'goproxy-502-comma', 'GOPROXY');
  assert.equal([rec.status, rec.cause], ['warn', 'e2e.faster_proxy']);
});

test('http.goproxy: a 502 from the module proxy fails http.status (goproxy-502-comma)', () => {
  const h = evaluate('http.goproxy', 'goproxy-502-comma', 'proxy.golang.org');
  assert.equal([h.status, h.cause], ['fail', 'http.status']);
});

// --- host vs container ---------------------------------------------------------------------

test('host.compare: passes when both sides work (healthy); dns_differs, proxy_differs, same_failure from the recordings', () => {
  assert.ok(imageRows('host.compare', 'healthy').every((r) => r.status === 'pass'));
  const cases: Array<[Name, string]> = [['dns-silent', 'host.dns_differs'], ['proxy-missing', 'host.proxy_differs'], ['host-same-failure', 'host.same_failure'], ['blackholed', 'host.same_failure']];
  for (const [name, cause] of cases) {
    const r = imageRow('host.compare', name, 'proxy.golang.org');
    assert.is(r.status, 'warn', name);
    assert.is(r.cause, cause, name);
    assert.ok(r.fix, name);
  }
  assert.is(imageRow('host.compare', 'host-same-failure', 'proxy.golang.org').evidence.step, 'dns');
  assert.is(imageRow('host.compare', 'blackholed', 'proxy.golang.org').evidence.step, 'tcp');
});

test('host.compare: without the host side (no host evidence) there is no row', () => {
  assert.equal(IMAGE_CHECKS.find((c) => c.id === 'host.compare')!.evaluate({ ...ev('dns-silent'), host: null }), []);
});

// --- the environment rows the recordings cover ------------------------------------------------

test('fs.writable and auth.repo: fail (nonroot-modcache, private-auth-failed), pass (healthy, private-auth-ok)', () => {
  assert.is(imageRow('fs.writable', 'nonroot-modcache', 'GOMODCACHE').cause, 'fs.not_writable');
  assert.is(imageRow('fs.writable', 'healthy', 'GOMODCACHE').status, 'pass');
  assert.is(imageRows('auth.repo', 'private-auth-failed')[0]!.cause, 'auth.failed');
  assert.is(imageRows('auth.repo', 'private-auth-ok')[0]!.status, 'pass');
});

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
