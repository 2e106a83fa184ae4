/**
 * Each check over Evidence from recorded runs: collectEvidence over the replay engine gives it
 * (test/fixtures/replay/), then each network check, the fetch rows and the host comparison are
 * held to a recorded case that fails them and one that passes them. Codes, not prose.
 * runChecks, the verdict and buildReport over the same Evidence: judge-replay.test.ts.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { IMAGE_CHECKS, TARGET_CHECKS } from '../../checks/index.js';
import type { Evidence, TargetEvidence } from '../../src/model.js';
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
  // docker build has no --dns: the fix names the daemon's setting every build inherits.
  assert.match(timeout.fix ?? '', /"dns": \["<resolver-ip>"\] in \/etc\/docker\/daemon\.json/);
  assert.not.match(timeout.fix ?? '', /docker build --dns/);
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

test('e2e.fetch: passes (healthy), stopped by the deciding row (blackholed), fails with the proxy\'s 502 (goproxy-502-comma)', () => {
  assert.is(imageRow('e2e.fetch', 'healthy', 'GOPROXY=').status, 'pass');
  const stopped = imageRow('e2e.fetch', 'blackholed', 'GOPROXY=');
  assert.is(stopped.status, 'fail');
  assert.is(stopped.cause, 'e2e.stopped');
  assert.equal(stopped.explainedBy, { id: 'tcp.connect', target: 'proxy.golang.org:443' });
  const failed = imageRow('e2e.fetch', 'goproxy-502-comma', 'GOPROXY=');
  assert.equal([failed.status, failed.cause], ['fail', 'e2e.server_error']);
  assert.ok(failed.fix);
  const alone = imageRow('e2e.fetch', 'goproxy-502-comma', '/status/502 alone');
  assert.equal([alone.status, alone.cause], ['warn', 'e2e.server_error'], 'one entry on its own only warns');
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

test.run();
