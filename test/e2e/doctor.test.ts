/**
 * The doctor against the real engine and the fixture lab: each scenario runs the real
 * bin, as a user would, and asserts what they would see (status, cause, fix, exit code).
 */
import * as assert from 'uvu/assert';
import { suite } from 'uvu';
import type { Report } from '../../src/model.js';
import { runCli, runJson, row } from '../helpers/cli.js';
import { docker } from '../helpers/engine.js';
import { probeContainersLeft } from '../helpers/probe-containers.js';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUSYBOX_TAG, ensureDerivedImage, GOBUILDER_TAG } from '../helpers/fixtures.js';
import { type Lab, startLab } from '../helpers/lab.js';
import { loud, withTimeout } from '../helpers/timeout.js';

const DEFAULT_NAMES = ['proxy.golang.org', 'goproxy.cn', 'goproxy.io', 'github.com', 'sum.golang.org'];
const T = 2; // --timeout in the failure scenarios, seconds

async function leftovers(): Promise<number> {
  return (await probeContainersLeft()).length;
}

const test = suite<{ lab: Lab; base: string[] }>('doctor e2e');

test.before(loud('doctor', async (ctx) => {
  ctx.lab = await startLab();
  // What a user behind their own DNS and TLS-intercepting proxy would pass.
  // GOSUMDB: the lab's checksum database, so the go command's own fetch can verify the canary.
  ctx.base = ['--dns', ctx.lab.gateway, '--ca-cert', ctx.lab.caFile, '-e', `GOSUMDB=${ctx.lab.sumdb.gosumdb}`];
}));

test.after(async (ctx) => {
  await ctx.lab?.stop();
});

test.after.each(loud('doctor after each', async () => {
  assert.is(await leftovers(), 0, 'a probe container was left behind');
}));

test('healthy: every default target passes DNS, TCP, TLS and the proxy protocol request', async ({ lab, base }) => {
  lab.requests.length = 0;
  const r = await withTimeout(runJson(['--image', GOBUILDER_TAG, ...base]), 60_000, 'healthy');
  assert.is(r.code, 0, r.stderr);
  const { report } = r;
  assert.is(report.schemaVersion, 1);
  assert.is(report.summary.fail, 0, JSON.stringify(report.checks.filter((c) => c.status !== 'pass'), null, 1));
  for (const host of DEFAULT_NAMES) {
    const dns = row(report, 'dns.resolve', host);
    assert.is(dns.status, 'pass');
    assert.equal(dns.evidence.a, [lab.gateway]);
    assert.is(row(report, 'tcp.connect', `${host}:443`).status, 'pass');
    const tls = row(report, 'tls.handshake', `${host}:443`);
    assert.is(tls.status, 'pass');
    assert.match(String(tls.evidence.issuer), 'gomod-doctor test CA');
  }
  const http = row(report, 'http.goproxy', 'https://proxy.golang.org/rsc.io/quote/@v/list');
  assert.is(http.status, 'pass');
  assert.type(http.ms, 'number');
  // The request really came from the container, through the lab's resolver.
  assert.ok(lab.requests.some((q) => q.path === '/rsc.io/quote/@v/list' && q.host?.startsWith('proxy.golang.org')));
  assert.ok(lab.dns.queries('proxy.golang.org') > 0);
  assert.match(report.summary.verdict, /go mod download works from this image: rsc\.io\/quote@v1\.5\.2 in [\d.]+ s/);
  assert.is(report.user, 'root');
  assert.is(row(report, 'engine.probe', GOBUILDER_TAG).evidence.uid, 0);
});

test('healthy table (--format table, every row): a person sees the rows, the timings and the verdict', async ({ base }) => {
  const r = await runCli(['--image', GOBUILDER_TAG, ...base, '--no-default-targets', '--format', 'table']);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /dns\.resolve\s+│\s+proxy\.golang\.org/);
  assert.match(r.stdout, /GET \/rsc\.io\/quote\/@v\/list 200 in \d+ ms/);
  assert.match(r.stdout, 'Verdict: go mod download works from this image');
  assert.not.match(r.stderr, /\S/, 'stderr should be empty without a terminal');
});

test('NXDOMAIN: the name fails with dns.nxdomain, its later steps are skipped, exit 1', async ({ lab, base }) => {
  lab.dns.set('missing.lab.test', 'nxdomain');
  const r = await runJson(['--image', GOBUILDER_TAG, ...base, '--no-default-targets', '--timeout', String(T), '--probe', 'missing.lab.test']);
  assert.is(r.code, 1);
  const dns = row(r.report, 'dns.resolve', 'missing.lab.test');
  assert.is(dns.status, 'fail');
  assert.is(dns.cause, 'dns.nxdomain');
  assert.match(dns.fix ?? '', '--add-host missing.lab.test:<ip>');
  const tcp = row(r.report, 'tcp.connect', 'missing.lab.test:443');
  assert.is(tcp.status, 'skip');
  assert.is(tcp.cause, 'prereq.failed');
  assert.match(tcp.summary, 'dns.resolve failed for missing.lab.test');
  assert.is(r.report.summary.layer, 'dns');
  assert.match(r.report.summary.verdict, 'missing.lab.test');
});

test('DNS server silent: every name times out within one timeout; the fix names --dns', async ({ lab }) => {
  const r = await runJson(['--image', GOBUILDER_TAG, '--dns', lab.blackhole, '--timeout', String(T)]);
  assert.is(r.code, 1);
  for (const host of DEFAULT_NAMES) {
    const dns = row(r.report, 'dns.resolve', host);
    assert.is(dns.status, host === 'proxy.golang.org' || host === 'sum.golang.org' ? 'fail' : 'warn');
    assert.is(dns.cause, 'dns.timeout');
  }
  assert.match(row(r.report, 'dns.resolve', 'proxy.golang.org').fix ?? '', '--dns');
  assert.is(r.report.summary.layer, 'dns');
  assert.match(r.report.summary.verdict, 'cannot resolve names');
  assert.ok(r.report.durationMs < 3 * T * 1000 + 4000, `took ${r.report.durationMs} ms`);
});

test('connection refused: tcp.refused with the failing address', async ({ lab, base }) => {
  const r = await runJson(['--image', GOBUILDER_TAG, ...base, '--no-default-targets', '--probe', `closed.lab.test:${lab.ports.refused}`]);
  assert.is(r.code, 1);
  const tcp = row(r.report, 'tcp.connect', `closed.lab.test:${lab.ports.refused}`);
  assert.is(tcp.status, 'fail');
  assert.is(tcp.cause, 'tcp.refused');
  assert.match(tcp.summary, `${lab.gateway}:${lab.ports.refused} refused`);
  assert.ok(tcp.fix);
  assert.is(row(r.report, 'tls.handshake', `closed.lab.test:${lab.ports.refused}`).status, 'skip');
});

test('blackhole: every target dropped, the run still ends in about one timeout', async ({ lab, base }) => {
  const hosts = DEFAULT_NAMES.flatMap((h) => ['--add-host', `${h}:${lab.blackhole}`]);
  const r = await runJson(['--image', GOBUILDER_TAG, ...base, ...hosts, '--timeout', String(T)]);
  assert.is(r.code, 1);
  for (const host of DEFAULT_NAMES) {
    const dns = row(r.report, 'dns.resolve', host);
    assert.is(dns.evidence.fromHostsFile, true, '--add-host must count, as it does for the go command');
    const tcp = row(r.report, 'tcp.connect', `${host}:443`);
    assert.is(tcp.cause, 'tcp.timeout');
  }
  assert.is(r.report.summary.layer, 'tcp');
  assert.match(r.report.summary.verdict, 'time out');
  // Five targets at once, not five timeouts; the go command's fetch is stopped once the
  // TCP rows of its proxy have failed, not left to its own 3 × --timeout bound.
  assert.ok(r.report.durationMs < 3 * T * 1000 + 4000, `took ${r.report.durationMs} ms`);
  const fetch = row(r.report, 'e2e.fetch', 'GOPROXY=');
  assert.is(fetch.cause, 'e2e.stopped');
  assert.is(fetch.explainedBy?.id, 'tcp.connect');
});

test('TLS handshake stall: TCP connects, the handshake times out, the fix names the MTU', async ({ lab, base }) => {
  const target = `stall.lab.test:${lab.ports.stall}`;
  const r = await runJson(['--image', GOBUILDER_TAG, ...base, '--no-default-targets', '--timeout', String(T), '--probe', target]);
  assert.is(r.code, 1);
  assert.is(row(r.report, 'tcp.connect', target).status, 'pass');
  const tls = row(r.report, 'tls.handshake', target);
  assert.is(tls.status, 'fail');
  assert.is(tls.cause, 'tls.timeout');
  assert.match(tls.fix ?? '', '"mtu"');
  assert.is(r.report.summary.layer, 'tls');
});

test('unknown CA: the certificate kind, the issuer and the update-ca-certificates fix', async ({ lab, base }) => {
  const target = `https://rogue.lab.test:${lab.ports.rogueCa}`;
  const r = await runJson(['--image', GOBUILDER_TAG, ...base, '--no-default-targets', '--probe', target]);
  assert.is(r.code, 1);
  const tls = row(r.report, 'tls.handshake', `rogue.lab.test:${lab.ports.rogueCa}`);
  assert.is(tls.status, 'fail');
  assert.is(tls.cause, 'tls.unknown_ca');
  assert.match(tls.summary, 'rogue');
  assert.match(tls.fix ?? '', 'update-ca-certificates');
  assert.is(row(r.report, 'http.goproxy', target).status, 'skip');
  assert.match(r.report.summary.verdict, 'does not trust');
});

test("the image's own trust: a CA installed with update-ca-certificates (hashed store) and one appended to the bundle by hand both pass", async ({ lab }) => {
  // The TLS tools read the hashed store when it holds the bundle's roots, else the bundle.
  const pem = readFileSync(lab.caFile, 'utf8').trim().split('\n');
  const printf = `printf '%s\\n' '${pem.join("' '")}'`;
  const id = createHash('sha256').update(pem.join('\n')).digest('hex').slice(0, 12);
  const installed = await ensureDerivedImage(`gomod-doctor-fixture/gobuilder-ca-installed:${id}`, `FROM ${GOBUILDER_TAG}\nRUN ${printf} > /usr/local/share/ca-certificates/lab.crt && update-ca-certificates`);
  const appended = await ensureDerivedImage(`gomod-doctor-fixture/gobuilder-ca-appended:${id}`, `FROM ${GOBUILDER_TAG}\nRUN ${printf} >> /etc/ssl/certs/ca-certificates.crt`);
  try {
    const target = 'proxy.golang.org:443';
    const tlsCmd = (report: Report) => report.raw?.find((b) => b.id.startsWith('tls:'))?.kv.find(([k]) => k === 'cmd')?.[1] ?? '';
    const args = ['--dns', lab.gateway, '--no-default-targets', '--probe', 'https://proxy.golang.org', '--no-host', '--no-fetch', '-v'];
    const a = await runJson(['--image', installed, ...args]);
    assert.is(row(a.report, 'tls.handshake', target).status, 'pass', row(a.report, 'tls.handshake', target).summary);
    assert.is(row(a.report, 'http.goproxy', 'https://proxy.golang.org').status, 'pass');
    // openssl's or curl's spelling: the TLS step is curl's when the target's own request goes direct.
    assert.match(tlsCmd(a.report), /(-CApath|--capath) \/etc\/ssl\/certs/);
    const b = await runJson(['--image', appended, ...args]);
    assert.is(row(b.report, 'tls.handshake', target).status, 'pass', row(b.report, 'tls.handshake', target).summary);
    assert.is(row(b.report, 'http.goproxy', 'https://proxy.golang.org').status, 'pass');
    assert.match(tlsCmd(b.report), /(-CAfile|--cacert) \/etc\/ssl\/certs\/ca-certificates\.crt/);
    assert.not.match(tlsCmd(b.report), /-CApath|--capath/);
  } finally {
    for (const tag of [installed, appended]) await docker().getImage(tag).remove({ force: true }).catch(() => undefined);
  }
});

test('without --ca-cert the intercepted proxy is an unknown authority too', async ({ lab }) => {
  const r = await runJson(['--image', GOBUILDER_TAG, '--dns', lab.gateway, '--timeout', String(T)]);
  assert.is(r.code, 1);
  assert.is(row(r.report, 'tls.handshake', 'proxy.golang.org:443').cause, 'tls.unknown_ca');
});

test('wrong name, expired, not yet valid: each certificate failure says which kind', async ({ lab, base }) => {
  const cases = [
    [lab.ports.wrongName, 'tls.wrong_name'],
    [lab.ports.expired, 'tls.expired'],
    [lab.ports.notYetValid, 'tls.not_yet_valid'],
  ] as const;
  const targets = cases.flatMap(([port]) => ['--probe', `cert.lab.test:${port}`]);
  const r = await runJson(['--image', GOBUILDER_TAG, ...base, '--no-default-targets', ...targets]);
  assert.is(r.code, 1);
  for (const [port, cause] of cases) {
    const tls = row(r.report, 'tls.handshake', `cert.lab.test:${port}`);
    assert.is(tls.cause, cause, tls.summary);
    assert.ok(tls.fix);
  }
  assert.match(row(r.report, 'tls.handshake', `cert.lab.test:${lab.ports.expired}`).summary, "container's clock agrees");
});

test('busybox image: the same healthy targets, with what busybox cannot verify said plainly', async ({ lab, base }) => {
  const r = await runJson(['--image', BUSYBOX_TAG, ...base]);
  assert.is(r.code, 0, JSON.stringify(r.report.checks.filter((c) => c.status === 'fail'), null, 1));
  const dns = row(r.report, 'dns.resolve', 'proxy.golang.org');
  assert.is(dns.status, 'pass');
  assert.is(dns.evidence.tool, 'nslookup');
  assert.equal(dns.evidence.a, [lab.gateway]);
  const tcp = row(r.report, 'tcp.connect', 'proxy.golang.org:443');
  assert.is(tcp.status, 'pass');
  assert.is(tcp.evidence.tool, 'nc');
  const tls = row(r.report, 'tls.handshake', 'proxy.golang.org:443');
  assert.is(tls.status, 'skip');
  assert.is(tls.cause, 'tool.missing');
  assert.match(tls.summary, 'cannot verify');
  const http = row(r.report, 'http.goproxy', 'https://proxy.golang.org/rsc.io/quote/@v/list');
  assert.is(http.status, 'pass', http.summary);
  assert.is(row(r.report, 'engine.probe', BUSYBOX_TAG).evidence.goEnvError, 'no go command in the image');
});

test('--user: the probe runs as that uid', async ({ base }) => {
  const r = await runJson(['--image', BUSYBOX_TAG, ...base, '--user', '1000:1000', '--no-default-targets']);
  const probe = row(r.report, 'engine.probe', BUSYBOX_TAG);
  assert.is(probe.evidence.uid, 1000);
  assert.is(probe.evidence.gid, 1000);
  assert.is(r.report.user, '1000:1000');
});

test("the image's own USER: the probe runs as that user without --user", async ({ base }) => {
  const image = await ensureDerivedImage('gomod-doctor-fixture/busybox-app:1', `FROM ${BUSYBOX_TAG}\nUSER app`);
  const r = await runJson(['--image', image, ...base, '--no-default-targets']);
  assert.is(r.report.user, 'app');
  const probe = row(r.report, 'engine.probe', image);
  assert.is(probe.evidence.uid, 1000);
  assert.match(probe.summary, 'ran as app (uid 1000');
});

test('Go settings from --env-file and -e reach the container and decide the targets, as go env reports them', async ({ lab, base }) => {
  const envFile = join(tmpdir(), `gmd-env-${process.pid}`);
  writeFileSync(envFile, '# the build args of a CI job\nGOPROXY=https://mirror.lab.test/go,direct\n');
  const r = await runJson(['--image', GOBUILDER_TAG, ...base, '--no-default-targets', '--env-file', envFile, '-e', 'GOSUMDB=sum.lab.test']);
  // The mirror is in GOPROXY, so it is probed with the proxy protocol; the lab answers 404 there.
  const http = row(r.report, 'http.goproxy', 'https://mirror.lab.test/go/rsc.io/quote/@v/list');
  assert.is(http.status, 'warn');
  assert.is(http.cause, 'http.status');
  assert.match(http.summary, 'falls through to the next GOPROXY entry');
  assert.is(row(r.report, 'tls.handshake', 'sum.lab.test:443').status, 'pass');
  assert.not.ok(r.report.checks.some((c) => c.target?.includes('proxy.golang.org')), 'the default GOPROXY must not be probed when the image sets its own');
  assert.ok(lab.requests.some((q) => q.path === '/go/rsc.io/quote/@v/list'));
});

test('a loopback resolver (the host stub 127.0.0.53) warns with dns.stub_resolver and the daemon.json fix', async () => {
  const r = await runJson(['--image', BUSYBOX_TAG, '--dns', '127.0.0.53', '--no-default-targets', '--timeout', String(T)]);
  const resolver = row(r.report, 'dns.resolver', '/etc/resolv.conf');
  assert.is(resolver.status, 'warn');
  assert.is(resolver.cause, 'dns.stub_resolver');
  assert.match(resolver.fix ?? '', 'daemon.json');
});

test('a module proxy request through a dead HTTP proxy fails with http.proxy_refused', async ({ lab, base }) => {
  const proxy = `http://${lab.gateway}:${lab.ports.refused}`;
  const r = await runJson(['--image', GOBUILDER_TAG, ...base, '--no-default-targets', '-e', `HTTPS_PROXY=${proxy}`]);
  assert.is(r.code, 1);
  const http = row(r.report, 'http.goproxy', 'https://proxy.golang.org/rsc.io/quote/@v/list');
  assert.is(http.status, 'fail');
  assert.is(http.cause, 'http.proxy_refused');
  assert.equal(http.evidence.proxy, proxy, 'the go command would use HTTPS_PROXY for this URL');
  assert.match(http.fix ?? '', 'localhost');
  assert.is(r.report.summary.layer, 'http');
});

test.run();
