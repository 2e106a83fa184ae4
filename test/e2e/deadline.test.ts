/**
 * A dead network with the options a user types (default targets, the go command's fetch and
 * the host probes on): the run ends once the answer is complete. A fetch whose module proxy
 * the DNS or TCP rows already failed is stopped and says so (e2e.stopped), explained by that
 * row; nothing is left to run into its bound (no e2e.hung, no row cut by the deadline).
 */
import * as assert from 'uvu/assert';
import { suite } from 'uvu';
import type { CheckResult, Report } from '../../src/model.js';
import { runJson, row } from '../helpers/cli.js';
import { probeContainersLeft } from '../helpers/probe-containers.js';
import { GOBUILDER_TAG } from '../helpers/fixtures.js';
import { type Lab, startLab } from '../helpers/lab.js';
import { DEFAULT_NAMES } from '../helpers/lab-dns.js';
import { loud, withTimeout } from '../helpers/timeout.js';

const T = 2;
const test = suite<{ lab: Lab; base: string[] }>('dead network, default options');

test.before(loud('deadline', async (ctx) => {
  ctx.lab = await startLab();
  ctx.base = ['--image', GOBUILDER_TAG, '--network', ctx.lab.network, '--dns', ctx.lab.gateway, '--timeout', String(T)];
}));

test.after(async (ctx) => {
  await ctx.lab?.stop();
});

test.after.each(loud('deadline after each', async (ctx) => {
  ctx.lab.dns.reset();
  assert.is((await probeContainersLeft()).length, 0, 'a probe container was left behind');
}));

/** Nothing ran into a bound the answer did not need: no hung fetch, no row the deadline cut. */
function endedByAnswer(report: Report): void {
  const cut = report.checks.filter((c) => /hit its deadline/.test(c.summary));
  assert.equal(cut.map((c) => `${c.id}@${c.target}`), [], 'rows cut by the container deadline');
  const hung = report.checks.filter((c) => c.cause === 'e2e.hung');
  assert.equal(hung.map((c) => c.target), [], 'fetches that ran into their own bound');
}

function stoppedBy(r: CheckResult, id: string, target: string, cause = 'e2e.stopped'): void {
  assert.is(r.cause, cause, `${r.id}@${r.target}: ${r.summary}`);
  assert.equal(r.explainedBy, { id, target });
}

test('every target blackholed: each fetch through a dead proxy is stopped, explained by its tcp.connect row; exit 1, tcp layer', ({ lab, base }) =>
  withTimeout((async () => {
    const hosts = DEFAULT_NAMES.flatMap((h) => ['--add-host', `${h}:${lab.blackhole}`]);
    const r = await runJson([...base, ...hosts], { hostDns: lab.gateway });
    assert.is(r.code, 1, r.stderr);
    for (const host of DEFAULT_NAMES) assert.is(row(r.report, 'tcp.connect', `${host}:443`).cause, 'tcp.timeout');
    assert.is(r.report.summary.layer, 'tcp');
    assert.match(r.report.summary.verdict, 'time out');
    // The image's GOPROXY (proxy.golang.org,direct): "," stops at the dead first entry.
    const configured = row(r.report, 'e2e.fetch', 'GOPROXY=https://proxy.golang.org,direct');
    assert.is(configured.status, 'fail');
    stoppedBy(configured, 'tcp.connect', 'proxy.golang.org:443');
    for (const proxy of ['proxy.golang.org', 'goproxy.cn', 'goproxy.io']) {
      const alone = row(r.report, 'e2e.fetch', `https://${proxy} alone`);
      assert.is(alone.status, 'warn');
      stoppedBy(alone, 'tcp.connect', `${proxy}:443`);
    }
    // The host reaches them (its resolver gives the lab's address): the difference is named.
    assert.is(row(r.report, 'host.compare', 'proxy.golang.org').cause, 'host.tcp_differs');
    endedByAnswer(r.report);
  })(), 90_000, 'blackholed'));

test('a resolver that never answers: every fetch is stopped, explained by dns.resolve, direct too; exit 1, dns layer', ({ lab, base }) =>
  withTimeout((async () => {
    for (const name of ['*', '*.lab.test', ...DEFAULT_NAMES]) lab.dns.set(name, 'silent');
    const r = await runJson(base, { hostDns: lab.gateway });
    assert.is(r.code, 1, r.stderr);
    for (const host of DEFAULT_NAMES) assert.is(row(r.report, 'dns.resolve', host).cause, 'dns.timeout');
    assert.is(r.report.summary.layer, 'dns');
    stoppedBy(row(r.report, 'e2e.fetch', 'GOPROXY=https://proxy.golang.org,direct'), 'dns.resolve', 'proxy.golang.org');
    stoppedBy(row(r.report, 'e2e.fetch', 'https://goproxy.cn alone'), 'dns.resolve', 'goproxy.cn');
    // direct needs the module's own host, which no target names: the resolver that answered
    // no name at all decides it.
    const direct = row(r.report, 'e2e.fetch', 'direct alone');
    assert.is(direct.cause, 'e2e.stopped', direct.summary);
    assert.is(direct.explainedBy?.id, 'dns.resolve');
    assert.match(direct.summary, 'the resolver answers no name');
    // The host asks the same silent resolver: its lookups time out too (and are cancelled
    // with their step, so none holds the process's exit).
    assert.is(row(r.report, 'host.compare', 'proxy.golang.org').cause, 'host.same_failure');
    endedByAnswer(r.report);
  })(), 90_000, 'silent DNS'));

test('an HTTP proxy that never answers: the GETs through it and the fetches are stopped, explained by its proxy-env.proxy row; exit 1', ({ lab, base }) =>
  withTimeout((async () => {
    // The targets are blackholed too, so each GET through the proxy starts once its own TCP
    // step has timed out, when the proxy's row already says it is dead.
    const proxy = `http://${lab.blackhole}:3128`;
    const hosts = DEFAULT_NAMES.flatMap((h) => ['--add-host', `${h}:${lab.blackhole}`]);
    const r = await runJson([...base, ...hosts, '-e', `HTTPS_PROXY=${proxy}`], { hostDns: lab.gateway });
    assert.is(r.code, 1, r.stderr);
    const p = row(r.report, 'proxy-env.proxy', proxy);
    assert.is(p.status, 'fail');
    assert.is(p.cause, 'proxy.unreachable');
    const get = row(r.report, 'http.goproxy', 'https://proxy.golang.org');
    assert.is(get.status, 'fail');
    stoppedBy(get, 'proxy-env.proxy', proxy, 'http.stopped');
    stoppedBy(row(r.report, 'e2e.fetch', 'GOPROXY=https://proxy.golang.org,direct'), 'proxy-env.proxy', proxy);
    const cut = r.report.checks.filter((c) => c.cause === 'http.timeout');
    assert.equal(cut.map((c) => c.target), [], 'GETs that ran into their own bound');
    endedByAnswer(r.report);
  })(), 90_000, 'dead proxy'));

test('healthy: nothing is stopped, the fetches pass with their full bound', ({ lab, base }) =>
  withTimeout((async () => {
    const r = await runJson([...base, '--ca-cert', lab.caFile, '-e', `GOSUMDB=${lab.sumdb.gosumdb}`], { hostDns: lab.gateway });
    const stopped = r.report.checks.filter((c) => c.cause === 'e2e.stopped');
    assert.equal(stopped.map((c) => c.target), []);
    assert.is(row(r.report, 'e2e.fetch', 'GOPROXY=https://proxy.golang.org,direct').status, 'pass');
    assert.is(row(r.report, 'e2e.throughput', 'https://proxy.golang.org canary zip').status, 'pass');
  })(), 90_000, 'healthy'));

test.run();
