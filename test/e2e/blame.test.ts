/**
 * Blame the right thing (issue 16), on the real engine: the image's tool limits, this
 * machine's own network, a probe tool that disagrees with the go command, and container-only
 * TLS resets and DNS answers. The doctor's own process is the "host"; its resolver is a lab
 * server (runCli's hostDns), so no query leaves the lab. Every iptables rule carries the lab's
 * comment prefix and is removed in the test (and by the after hook, should a test die).
 */
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import type net from 'node:net';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import * as assert from 'uvu/assert';
import { suite } from 'uvu';
import type { Report } from '../../src/model.js';
import { runJson, row } from '../helpers/cli.js';
import { probeContainersLeft } from '../helpers/probe-containers.js';
import { BUSYBOX_TAG, GOBUILDER_TAG } from '../helpers/fixtures.js';
import { makeLabCerts } from '../helpers/lab-certs.js';
import { startDns, type DnsServer } from '../helpers/lab-dns.js';
import { proxyHandler } from '../helpers/lab-proxy.js';
import { type Lab, startLab } from '../helpers/lab.js';
import { loud, withTimeout } from '../helpers/timeout.js';

interface Ctx {
  lab: Lab;
  gosumdb: string[];
  /** An HTTPS module proxy with OpenSSL's default security level, as real proxies have (busybox wget's TLS cannot talk to it). */
  modern: { server: https.Server; port: number; caFile: string };
  /** A second resolver on the lab bridge that answers proxy.golang.org with the blackhole. */
  other: { dns: DnsServer; address: string };
  rules: string[][];
}

const T = '2';
const test = suite<Ctx>('blame the right thing e2e');

/** The address below the lab's blackhole (the last host address of its subnet). */
function belowBlackhole(blackhole: string): string {
  const parts = blackhole.split('.').map(Number);
  parts[3] = parts[3]! - 1;
  return parts.join('.');
}

/** u32: TCP payload starts a TLS handshake record (0x16) holding a ClientHello (type 1). */
const CLIENT_HELLO = '0>>22&0x3C@12>>26&0x3C@0>>24=0x16&&0>>22&0x3C@12>>26&0x3C@4>>16&0xFF=0x01';

function addRule(ctx: Ctx, rule: string[]): void {
  execFileSync('iptables', ['-I', ...rule]);
  ctx.rules.push(rule);
}

function dropRules(ctx: Ctx): void {
  for (const rule of ctx.rules.splice(0)) execFileSync('iptables', ['-D', ...rule]);
}

test.before(loud('blame', async (ctx) => {
  ctx.rules = [];
  ctx.lab = await withTimeout(startLab(), 30_000, 'startLab');
  const { lab } = ctx;
  ctx.gosumdb = ['-e', `GOSUMDB=${lab.sumdb.gosumdb}`];
  const certs = makeLabCerts(lab.gateway);
  const caFile = join(tmpdir(), `${lab.network}-modern-ca.pem`);
  writeFileSync(caFile, certs.caPem);
  const server = https.createServer({ key: certs.good.key, cert: certs.good.cert }, proxyHandler([]));
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, lab.gateway, () => resolve((server.address() as net.AddressInfo).port));
  });
  ctx.modern = { server, port, caFile };
  const address = belowBlackhole(lab.blackhole);
  execFileSync('ip', ['addr', 'add', `${address}/32`, 'dev', lab.bridge]);
  const dns = await startDns(address, { '*.lab.test': { a: [lab.gateway] }, 'proxy.golang.org': { a: [lab.blackhole] } });
  ctx.other = { dns, address };
}));

test.after(async (ctx) => {
  dropRules(ctx);
  await ctx.other?.dns.close();
  if (ctx.other) execFileSync('ip', ['addr', 'del', `${ctx.other.address}/32`, 'dev', ctx.lab.bridge]);
  await new Promise<void>((resolve) => (ctx.modern ? ctx.modern.server.close(() => resolve()) : resolve()));
  if (ctx.modern) rmSync(ctx.modern.caFile, { force: true });
  await ctx.lab?.stop();
});

test.after.each(loud('blame after each', async (ctx) => {
  dropRules(ctx);
  ctx.lab.dns.reset();
  // Other sessions may run a quick doctor on the shared engine at the same time: a leak of
  // ours stays, their short-lived probe containers go within seconds.
  assert.is((await probeContainersLeft([], 15_000)).length, 0, 'a probe container was left behind');
}));

const e2e = (name: string, fn: (ctx: Ctx) => Promise<void>, ms = 90_000): void => test(name, (ctx) => withTimeout(fn(ctx), ms, name));

const fails = (r: Report) => r.checks.filter((c) => c.status === 'fail').map((c) => `${c.id}@${c.target} ${c.cause}`);

e2e('busybox against a healthy proxy its wget cannot speak TLS to: tool.tls_limited skips, no network blame, no zero-byte pass', async ({ lab, modern, gosumdb }) => {
  const goproxy = `https://modern.lab.test:${modern.port}`;
  const r = await runJson(['--image', BUSYBOX_TAG, '--dns', lab.gateway, '--ca-cert', modern.caFile, '--no-default-targets', '--timeout', T, ...gosumdb, '-e', `GOPROXY=${goproxy}`], { hostDns: lab.gateway });
  assert.equal(fails(r.report), [], r.stdout);
  assert.is(r.code, 0);
  const tls = row(r.report, 'tls.handshake', `modern.lab.test:${modern.port}`);
  assert.is(tls.status, 'skip', tls.summary);
  assert.is(tls.cause, 'tool.tls_limited');
  assert.is(tls.evidence.tool, 'busybox-wget');
  const http = row(r.report, 'http.goproxy', `${goproxy}/rsc.io/quote/@v/list`);
  assert.is(http.cause, 'tool.tls_limited', http.summary);
  const xfer = row(r.report, 'e2e.throughput', `${goproxy} canary zip`);
  assert.is.not(xfer.status, 'pass', xfer.summary);
  assert.is(xfer.cause, 'tool.tls_limited');
  // The host's own TLS to the same proxy passes, and nothing is blamed on tls/tcp/dns.
  const host = row(r.report, 'host.compare', 'modern.lab.test');
  assert.is(host.status, 'pass', host.summary);
  assert.is(r.report.summary.layer, null);
  assert.ok(!r.report.checks.some((c) => ['dns', 'tcp', 'tls', 'http'].includes(c.category) && c.status === 'fail'));
});

e2e('neither this machine nor the container resolves the proxy: host.same_failure, the machine\'s DNS is the fix, collateral folded', async ({ lab, gosumdb }) => {
  lab.dns.set('proxy.golang.org', 'nxdomain');
  const r = await runJson(['--image', GOBUILDER_TAG, '--dns', lab.gateway, '--ca-cert', lab.caFile, '--no-default-targets', '--timeout', T, ...gosumdb, '-e', 'GOPROXY=https://proxy.golang.org'], { hostDns: lab.gateway });
  assert.is(r.code, 1);
  assert.is(row(r.report, 'dns.resolve', 'proxy.golang.org').cause, 'dns.nxdomain');
  const h = row(r.report, 'host.compare', 'proxy.golang.org');
  assert.is(h.cause, 'host.same_failure', h.summary);
  assert.is(h.evidence.step, 'dns');
  assert.is(r.report.summary.layer, 'dns');
  assert.is(r.report.summary.cause, 'host.same_failure');
  assert.is(r.report.summary.fix, h.fix);
  assert.ok(r.report.summary.basedOn.includes('host.compare@proxy.golang.org'));
  const fetch = row(r.report, 'e2e.fetch', 'GOPROXY=https://proxy.golang.org');
  assert.equal(fetch.explainedBy, { id: 'dns.resolve', target: 'proxy.golang.org' });
  const xfer = r.report.checks.find((c) => c.id === 'e2e.throughput' && c.status !== 'skip');
  if (xfer) assert.equal(xfer.explainedBy, { id: 'dns.resolve', target: 'proxy.golang.org' });
});

e2e('a middlebox resets only the container\'s TLS ClientHellos: host.tls_differs decides the verdict', async (ctx) => {
  const { lab, gosumdb } = ctx;
  addRule(ctx, ['INPUT', '-i', lab.bridge, '-s', lab.subnet, '-p', 'tcp', '--dport', '443', '-m', 'u32', '--u32', CLIENT_HELLO, '-m', 'comment', '--comment', `${lab.network}-tls-reset`, '-j', 'REJECT', '--reject-with', 'tcp-reset']);
  const r = await runJson(['--image', GOBUILDER_TAG, '--network', lab.network, '--dns', lab.gateway, '--ca-cert', lab.caFile, '--no-default-targets', '--timeout', T, ...gosumdb, '-e', 'GOPROXY=https://proxy.golang.org'], { hostDns: lab.gateway });
  assert.is(r.code, 1);
  assert.is(row(r.report, 'tcp.connect', 'proxy.golang.org:443').status, 'pass');
  const tls = row(r.report, 'tls.handshake', 'proxy.golang.org:443');
  assert.is(tls.status, 'fail', tls.summary);
  const h = row(r.report, 'host.compare', 'proxy.golang.org');
  assert.is(h.cause, 'host.tls_differs', h.summary);
  assert.is(r.report.summary.layer, 'tls');
  assert.is(r.report.summary.cause, 'host.tls_differs');
  assert.is(r.report.summary.fix, h.fix);
});

e2e('a middlebox drops ClientHellos over 400 bytes from the Docker network: curl stalls, go passes — exit 0 with tool.disagrees', async (ctx) => {
  const { lab, gosumdb } = ctx;
  addRule(ctx, ['INPUT', '-i', lab.bridge, '-s', lab.subnet, '-p', 'tcp', '--dport', '443', '-m', 'length', '--length', '400:65535', '-m', 'u32', '--u32', CLIENT_HELLO, '-m', 'comment', '--comment', `${lab.network}-big-hello`, '-j', 'DROP']);
  const r = await runJson(['--image', GOBUILDER_TAG, '--network', lab.network, '--dns', lab.gateway, '--ca-cert', lab.caFile, '--no-default-targets', '--timeout', T, ...gosumdb, '-e', 'GOPROXY=https://proxy.golang.org'], { hostDns: lab.gateway });
  assert.equal(fails(r.report), [], r.stdout);
  assert.is(r.code, 0);
  assert.is(row(r.report, 'e2e.fetch', 'GOPROXY=https://proxy.golang.org').status, 'pass');
  const http = row(r.report, 'http.goproxy', 'https://proxy.golang.org/rsc.io/quote/@v/list');
  assert.is(http.status, 'warn', http.summary);
  assert.is(http.cause, 'tool.disagrees');
  assert.is(http.evidence.toolCause, 'http.timeout');
  assert.is(row(r.report, 'e2e.throughput', 'https://proxy.golang.org canary zip').cause, 'tool.disagrees');
  assert.is(r.report.summary.layer, null);
  assert.is(r.report.summary.cause, 'tool.disagrees');
});

e2e('the container\'s resolver answers another address than this machine\'s: host.dns_answers_differ', async ({ lab, other, gosumdb }) => {
  const r = await runJson(['--image', GOBUILDER_TAG, '--dns', other.address, '--ca-cert', lab.caFile, '--no-default-targets', '--timeout', T, ...gosumdb, '-e', 'GOPROXY=https://proxy.golang.org'], { hostDns: lab.gateway });
  assert.is(r.code, 1);
  assert.equal(row(r.report, 'dns.resolve', 'proxy.golang.org').evidence.a, [lab.blackhole]);
  assert.is(row(r.report, 'tcp.connect', 'proxy.golang.org:443').cause, 'tcp.timeout');
  const h = row(r.report, 'host.compare', 'proxy.golang.org');
  assert.is(h.cause, 'host.dns_answers_differ', h.summary);
  assert.is(r.report.summary.layer, 'tcp');
  assert.is(r.report.summary.cause, 'host.dns_answers_differ');
  assert.is(r.report.summary.fix, h.fix);
});

test.run();
