/**
 * Host vs container against the real engine: the doctor's own process is the "host" (its
 * resolver is set per run, see runCli's hostDns), the probe container gets a different DNS,
 * proxy, trust store or network, and the verdict names the difference and its fix.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as assert from 'uvu/assert';
import { suite } from 'uvu';
import { runJson, row } from '../helpers/cli.js';
import { docker } from '../helpers/engine.js';
import { probeContainersLeft } from '../helpers/probe-containers.js';
import { GOBUILDER_TAG } from '../helpers/fixtures.js';
import { type Lab, startLab, TEST_LABEL } from '../helpers/lab.js';
import { type MtuUpstream, startMtuUpstream } from '../helpers/lab-mtu.js';
import { loud } from '../helpers/timeout.js';

const test = suite<{ lab: Lab; mtu: MtuUpstream; gosumdb: string[] }>('host vs container e2e');
const T = '2';

test.before(loud('host', async (ctx) => {
  ctx.lab = await startLab();
  ctx.mtu = await startMtuUpstream(ctx.lab);
  // Host and container resolve the MTU upstream's name to the same address.
  ctx.lab.dns.set(ctx.mtu.name, { a: [ctx.mtu.address] });
  ctx.gosumdb = ['-e', `GOSUMDB=${ctx.lab.sumdb.gosumdb}`];
}));

test.after(async (ctx) => {
  await ctx.mtu?.stop();
  await ctx.lab?.stop();
});

test.after.each(loud('host after each', async () => {
  assert.is((await probeContainersLeft()).length, 0, 'a probe container was left behind');
}));

test('the host resolves the proxy, the container does not: the verdict gives the host\'s resolver as the fix', async ({ lab, gosumdb }) => {
  const r = await runJson(['--image', GOBUILDER_TAG, '--dns', lab.blackhole, '--ca-cert', lab.caFile, '--no-default-targets', '--timeout', T, ...gosumdb, '-e', 'GOPROXY=https://proxy.golang.org'], { hostDns: lab.gateway });
  assert.is(r.code, 1);
  assert.is(row(r.report, 'dns.resolve', 'proxy.golang.org').cause, 'dns.timeout');
  const h = row(r.report, 'host.compare', 'proxy.golang.org');
  assert.is(h.status, 'warn');
  assert.is(h.cause, 'host.dns_differs');
  assert.match(h.summary, `the host resolves proxy.golang.org, the container does not (timeout`);
  assert.match(h.summary, `resolves ${lab.gateway}`);
  assert.match(h.fix ?? '', `"dns": ["${lab.gateway}"] in /etc/docker/daemon.json`);
  assert.is(r.report.summary.layer, 'dns');
  assert.match(r.report.summary.verdict, 'The host resolves proxy.golang.org, the container does not');
  assert.is(r.report.summary.fix, h.fix);
  assert.ok(r.report.summary.basedOn.includes('host.compare@proxy.golang.org'));
});

test('the host has HTTPS_PROXY, the container does not: the verdict says to pass the proxy into the build', async ({ lab, gosumdb }) => {
  lab.proxyLog.length = 0;
  const proxy = `http://${lab.gateway}:${lab.ports.forwardProxy}`;
  // The host resolves nothing itself (its resolver is dead): it reaches the proxy only through HTTPS_PROXY.
  const r = await runJson(['--image', GOBUILDER_TAG, '--dns', lab.blackhole, '--ca-cert', lab.caFile, '--no-default-targets', '--timeout', T, ...gosumdb, '-e', 'GOPROXY=https://proxy.golang.org'], { env: { HTTPS_PROXY: proxy } });
  assert.is(r.code, 1);
  const h = row(r.report, 'host.compare', 'proxy.golang.org');
  assert.is(h.cause, 'host.proxy_differs');
  assert.match(h.summary, `the host reaches proxy.golang.org through its proxy ${proxy} (HTTPS_PROXY); the container has no proxy for it`);
  assert.match(h.summary, 'HTTP 200');
  assert.match(h.fix ?? '', `--build-arg HTTPS_PROXY=${proxy}`);
  assert.ok(lab.proxyLog.some((p) => p.method === 'CONNECT' && p.target.startsWith('proxy.golang.org')), 'the host really went through the proxy');
  assert.is(r.report.summary.fix, h.fix);
});

test('the host trusts the certificate (SSL_CERT_FILE), the image does not: host.ca_differs, the fix installs the CA in the image', async ({ lab, gosumdb }) => {
  const r = await runJson(['--image', GOBUILDER_TAG, '--dns', lab.gateway, '--no-default-targets', '--timeout', T, ...gosumdb, '-e', 'GOPROXY=https://proxy.golang.org'], { hostDns: lab.gateway, env: { SSL_CERT_FILE: lab.caFile } });
  assert.is(r.code, 1);
  assert.is(row(r.report, 'tls.handshake', 'proxy.golang.org').cause, 'tls.unknown_ca');
  const h = row(r.report, 'host.compare', 'proxy.golang.org');
  assert.is(h.cause, 'host.ca_differs');
  assert.match(h.summary, 'the host trusts the certificate proxy.golang.org presents');
  assert.is(r.report.summary.layer, 'tls');
  assert.match(r.report.summary.verdict, 'The host trusts the certificate');
  assert.match(r.report.summary.fix ?? '', 'update-ca-certificates');
});

test('egress filtered for the Docker network only: the host connects, the container times out (host.tcp_differs)', async ({ lab, gosumdb }) => {
  // Drop TCP 443 arriving from the lab bridge only; the host's own connections (lo) pass.
  const rule = ['INPUT', '-i', lab.bridge, '-p', 'tcp', '--dport', '443', '-m', 'comment', '--comment', `${lab.network}-egress`, '-j', 'DROP'];
  execFileSync('iptables', ['-I', ...rule]);
  try {
    const r = await runJson(['--image', GOBUILDER_TAG, '--network', lab.network, '--dns', lab.gateway, '--ca-cert', lab.caFile, '--no-default-targets', '--timeout', T, ...gosumdb, '-e', 'GOPROXY=https://proxy.golang.org'], { hostDns: lab.gateway });
    assert.is(r.code, 1);
    assert.is(row(r.report, 'tcp.connect', 'proxy.golang.org:443').cause, 'tcp.timeout');
    const h = row(r.report, 'host.compare', 'proxy.golang.org');
    assert.is(h.cause, 'host.tcp_differs');
    assert.match(h.summary, 'the host connects to proxy.golang.org:443, the container cannot (timeout)');
    assert.is(r.report.summary.layer, 'tcp');
    assert.is(r.report.summary.fix, h.fix);
  } finally {
    execFileSync('iptables', ['-D', ...rule]);
  }
});

test('MTU black hole: TCP connects, TLS stalls only in the container; the Docker network MTU (1500) is above the host route MTU (1400)', async ({ lab, mtu, gosumdb }) => {
  const args = ['--image', GOBUILDER_TAG, '--dns', lab.gateway, '--ca-cert', lab.caFile, '--no-default-targets', '--timeout', T, ...gosumdb, '-e', `GOPROXY=https://${mtu.name}`];
  const r = await runJson([...args, '--network', lab.network], { hostDns: lab.gateway });
  assert.is(r.code, 1);
  assert.is(row(r.report, 'tcp.connect', `${mtu.name}:443`).status, 'pass');
  assert.is(row(r.report, 'tls.handshake', mtu.name).cause, 'tls.timeout');
  const h = row(r.report, 'host.compare', mtu.name);
  assert.is(h.cause, 'host.tls_stalls_in_container');
  assert.match(h.summary, `the Docker network ${lab.network} has MTU 1500, the host's route to ${mtu.address} (${mtu.device}) has MTU ${mtu.hostMtu}`);
  assert.match(h.summary, /host: resolves [\d.]+ \(\d+ ms\), TCP \d+ ms, TLS \d+ ms, HTTP 200/);
  assert.is(r.report.summary.layer, 'tls');
  // The go command's fetch is stopped once the TLS row has failed: it cannot work either.
  assert.match(r.report.summary.verdict, 'go mod download itself cannot work');
  assert.is(r.report.summary.fix, h.fix);
  assert.match(h.fix ?? '', `"mtu": ${mtu.hostMtu} in /etc/docker/daemon.json`);

  // The fix, applied: a network with the host's MTU makes the same probe pass.
  const name = `gmd-lab-mtu${mtu.hostMtu}-${randomBytes(3).toString('hex')}`;
  const net = await docker().createNetwork({ Name: name, Driver: 'bridge', CheckDuplicate: true, Labels: { [TEST_LABEL]: '1' }, Options: { 'com.docker.network.driver.mtu': String(mtu.hostMtu) } });
  try {
    const fixed = await runJson([...args, '--network', name], { hostDns: lab.gateway });
    assert.is(row(fixed.report, 'tls.handshake', mtu.name).status, 'pass');
    assert.is(row(fixed.report, 'host.compare', mtu.name).status, 'pass');
    assert.is(row(fixed.report, 'e2e.fetch', `GOPROXY=https://${mtu.name}`).status, 'pass');
    assert.is(fixed.code, 0, fixed.stdout);
  } finally {
    // The run exits before the engine has removed its container (AutoRemove): a network with
    // an endpoint left cannot be removed.
    await probeContainersLeft();
    await net.remove();
  }
});

test('the proxy admits only this machine\'s address: the host gets 200, the container 403 (host.http_differs)', async ({ lab, gosumdb }) => {
  const url = 'https://proxy.lab.test/hostonly';
  const r = await runJson(['--image', GOBUILDER_TAG, '--dns', lab.gateway, '--ca-cert', lab.caFile, '--no-default-targets', '--no-fetch', '--timeout', T, ...gosumdb, '-e', `GOPROXY=${url}`, '--probe', url], { hostDns: lab.gateway });
  assert.is(r.code, 1, r.stderr);
  const http = row(r.report, 'http.goproxy', `${url}/rsc.io/quote/@v/list`);
  assert.is(http.status, 'fail');
  assert.match(http.summary, '403');
  const h = row(r.report, 'host.compare', 'proxy.lab.test');
  assert.is(h.status, 'warn', h.summary);
  assert.is(h.cause, 'host.http_differs');
  assert.match(h.summary, `the host gets 200 from ${url}/rsc.io/quote/@v/list, the container 403`);
  assert.match(h.fix ?? '', 'proxy settings');
  // The lab saw both: the host's request from its own address, the container's from the Docker network.
  assert.ok(lab.requests.filter((q) => q.path.startsWith('/hostonly/')).length >= 2, 'both sides really asked');
});

test('--no-host: no host rows, and the verdict stands on the container alone', async ({ lab, gosumdb }) => {
  const r = await runJson(['--image', GOBUILDER_TAG, '--dns', lab.gateway, '--ca-cert', lab.caFile, '--no-default-targets', '--timeout', T, ...gosumdb, '-e', 'GOPROXY=https://proxy.golang.org', '--no-host'], { hostDns: lab.gateway });
  assert.is(r.code, 0, r.stdout);
  assert.is(r.report.checks.filter((c) => c.category === 'host').length, 0);
});

test.run();
