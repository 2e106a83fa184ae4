/**
 * The verdict as a pure function of the rows, on reports recorded from live lab runs
 * (test/fixtures/reports/*.json, produced by `gomod-doctor --json` against the test lab):
 * re-deriving the verdict from the recorded rows must give what the live run printed, and
 * what a user needs (layer, one fix, the rows it rests on). Two derived cases cover "the
 * evidence does not single out a cause".
 */
import { readFileSync } from 'node:fs';
import * as assert from 'uvu/assert';
import { suite } from 'uvu';
import { verdict } from '../../checks/verdict.js';
import type { CheckResult, Evidence, Report } from '../../src/model.js';
import { evidence as baseEvidence } from '../helpers/evidence.js';

const load = (name: string): Report => JSON.parse(readFileSync(new URL(`../fixtures/reports/${name}.json`, import.meta.url), 'utf8')) as Report;

/** The little of Evidence the verdict reads besides the rows: the resolver and the user. */
function evidenceOf(report: Report): Evidence {
  const resolver = report.checks.find((c) => c.id === 'dns.resolver');
  const nameservers = ((resolver?.evidence.nameservers as string[] | undefined) ?? ['127.0.0.11']);
  return baseEvidence({ user: report.user, nameservers });
}

const test = suite('verdict on recorded reports');

for (const name of ['healthy', 'dns-only-host-resolves', 'mtu-black-hole', 'goproxy-502-comma', 'zip-hangs']) {
  test(`${name}: re-deriving the verdict from the recorded rows gives the recorded layer, fix and rows`, () => {
    const report = load(name);
    const v = verdict(report.checks, evidenceOf(report));
    assert.is(v.layer, report.summary.layer);
    assert.is(v.fix, report.summary.fix);
    assert.equal(v.basedOn, report.summary.basedOn);
  });
}

test('healthy: go mod download works, with the canary\'s time; warnings counted', () => {
  const v = verdict(load('healthy').checks, evidenceOf(load('healthy')));
  assert.is(v.layer, null);
  assert.match(v.text, /^go mod download works from this image: rsc\.io\/quote@v1\.5\.2 in [\d.]+ s/);
  assert.match(v.text, 'warning');
  assert.ok(v.basedOn[0]!.startsWith('e2e.fetch@GOPROXY='));
});

test('only the host resolves the name: dns layer, the host\'s resolver is the fix, the host row is cited', () => {
  const report = load('dns-only-host-resolves');
  const v = verdict(report.checks, evidenceOf(report));
  assert.is(v.layer, 'dns');
  assert.match(v.text, 'The host resolves proxy.golang.org, the container does not');
  assert.match(v.text, 'go mod download itself fails');
  assert.match(v.fix ?? '', '"dns": [');
  assert.ok(v.basedOn.includes('host.compare@proxy.golang.org'));
});

test('MTU black hole: tls layer, the MTU numbers, "mtu": 1400 as the fix', () => {
  const report = load('mtu-black-hole');
  const v = verdict(report.checks, evidenceOf(report));
  assert.is(v.layer, 'tls');
  assert.match(v.text, 'has MTU 1500');
  assert.match(v.text, 'has MTU 1400');
  assert.match(v.fix ?? '', '"mtu": 1400');
});

test('502 before a working proxy after ",": the list with "|" is the one fix, even though the lowest layer is http', () => {
  const report = load('goproxy-502-comma');
  const v = verdict(report.checks, evidenceOf(report));
  assert.is(v.layer, 'http');
  assert.is(v.fix, 'ENV GOPROXY=https://proxy.golang.org/status/502|https://goproxy.cn  ("|" falls through on any error)');
  assert.ok(v.basedOn.some((b) => b.startsWith('e2e.fallthrough@')));
});

test('a zip that never arrives: e2e layer, "hangs", the stalled transfer leads', () => {
  const report = load('zip-hangs');
  const v = verdict(report.checks, evidenceOf(report));
  assert.is(v.layer, 'e2e');
  assert.match(v.text, 'go mod download hangs');
  assert.ok(v.basedOn[0]!.startsWith('e2e.throughput@'));
});

test('two unrelated causes fail equally in the lowest layer: the verdict says it cannot single one out', () => {
  const report = load('dns-only-host-resolves');
  const rows: CheckResult[] = report.checks.map((c) => ({ ...c }));
  // As many names answered NXDOMAIN as time out: neither cause explains more.
  const timeouts = rows.filter((c) => c.id === 'dns.resolve' && c.status === 'fail');
  timeouts.forEach((t, i) => rows.push({ ...t, target: `other${i}.lab.test`, cause: 'dns.nxdomain', summary: 'NXDOMAIN' }));
  const v = verdict(rows, evidenceOf(report));
  assert.is(v.layer, 'dns');
  assert.is(v.fix, null);
  assert.match(v.text, 'The evidence does not single out one cause');
  assert.match(v.text, 'dns.timeout');
  assert.match(v.text, 'dns.nxdomain');
});

test('the go command fails with an unclassified error and nothing below it fails: no guess', () => {
  const report = load('healthy');
  const rows: CheckResult[] = report.checks.map((c) =>
    c.id === 'e2e.fetch' && (c.target ?? '').startsWith('GOPROXY=') ? { ...c, status: 'fail', cause: 'e2e.error', summary: 'go mod download rsc.io/quote@v1.5.2: it failed — something new' } : c,
  );
  const v = verdict(rows, evidenceOf(report));
  assert.is(v.layer, 'e2e');
  assert.is(v.fix, null);
  assert.match(v.text, 'does not single out a cause');
  assert.match(v.text, 'something new');
});

test('a fetch stopped because its proxy\'s DNS failed: the verdict stays on the dns layer, its fix and rows; it says the go command cannot work', () => {
  const report = load('dns-only-host-resolves');
  const checks = report.checks.map((c) =>
    c.id === 'e2e.fetch' && c.status === 'fail'
      ? { ...c, cause: 'e2e.stopped' as const, summary: 'go mod download rsc.io/quote@v1.5.2: stopped after 2 s, it cannot succeed — dns timeout (dns.resolve proxy.golang.org)', explainedBy: { id: 'dns.resolve', target: 'proxy.golang.org' } }
      : c,
  );
  assert.ok(checks.some((c) => c.cause === 'e2e.stopped'), 'the recorded report has a failing fetch row');
  const before = verdict(report.checks, evidenceOf(report));
  const v = verdict(checks, evidenceOf(report));
  assert.is(v.layer, before.layer);
  assert.is(v.fix, before.fix);
  assert.equal(v.basedOn, before.basedOn);
  assert.match(v.text, 'go mod download itself cannot work: it was stopped once that was known');
});

test.run();
