// The host side starts before the image's go env is known (src/collect/host.ts): the targets
// the options name are probed early, the plan's extra ones after, and the answers are filed
// under the plan's keys.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { earlyHostPlan, hostTargetsFor, startHostProbes, targetsLeft } from '../../src/collect/host.js';
import type { RunDeps } from '../../src/collect/collect.js';
import type { HostTargetEvidence, PlannedTarget, ProbePlan } from '../../src/model.js';
import type { DoctorOptions } from '../../src/options.js';

const target = (key: string, host: string, extra: Partial<PlannedTarget> = {}): PlannedTarget => ({
  key,
  host,
  port: 443,
  roles: ['goproxy'],
  tls: true,
  httpUrl: `https://${host}/rsc.io/quote/@v/list`,
  httpProxy: null,
  ...extra,
});

const answer = (key: string, address: string): HostTargetEvidence => ({
  key,
  dns: { outcome: 'resolved', addresses: [address], ms: 1, message: '' },
  tcp: null,
  tls: null,
  http: null,
  route: null,
});

const plan = (targets: PlannedTarget[]): ProbePlan => ({ timeoutMs: 2000, targets, paths: [], repos: [], fetches: [], sumdbGets: [], transfers: [], extraCa: false });

const test = suite('host side: early targets, then the plan');

test('a target the early plan already probed is not probed again, whatever its key', () => {
  const early = [target('t0', 'proxy.example'), target('t1', 'sum.example', { httpUrl: null })];
  const final = [target('t0', 'corp-proxy.example'), target('t1', 'proxy.example'), target('t2', 'sum.example', { httpUrl: null })];
  assert.equal(targetsLeft(final, early).map((t) => t.host), ['corp-proxy.example']);
});

test('the same host with another GET, port or TLS is another probe', () => {
  const early = [target('t0', 'proxy.example')];
  assert.is(targetsLeft([target('t0', 'proxy.example', { httpUrl: null })], early).length, 1);
  assert.is(targetsLeft([target('t0', 'proxy.example', { port: 8443 })], early).length, 1);
  assert.is(targetsLeft([target('t0', 'proxy.example', { tls: false })], early).length, 1);
});

test('answers are filed under the plan keys; early answers for targets the plan dropped are left out', () => {
  const early = [target('t0', 'dropped.example'), target('t1', 'proxy.example')];
  const final = [target('t0', 'proxy.example'), target('t1', 'new.example')];
  const rows = hostTargetsFor(final, early, [answer('t0', '10.0.0.9'), answer('t1', '10.0.0.1')], [answer('t1', '10.0.0.2')]);
  assert.equal(rows.map((r) => [r.key, r.dns?.addresses[0]]), [['t0', '10.0.0.1'], ['t1', '10.0.0.2']]);
});

test('startHostProbes: one early call, one call for what the plan adds, the network MTU once', async () => {
  const asked: string[][] = [];
  const deps = {
    hostEnv: {},
    engine: { networkMtu: async () => 1400 },
    hostProbe: async (input: { targets: PlannedTarget[] }) => {
      asked.push(input.targets.map((t) => t.host));
      return { proxyEnv: {}, nameservers: ['192.0.2.53'], targets: input.targets.map((t, i) => answer(t.key, `10.0.0.${i + 1}`)) };
    },
  } as unknown as RunDeps;
  const opts = { timeoutMs: 2000, caCertPem: null, addHosts: [], network: 'lab' } as unknown as DoctorOptions;
  const finish = startHostProbes(opts, plan([target('t0', 'proxy.example')]), deps);
  const host = await finish(plan([target('t0', 'image-proxy.example'), target('t1', 'proxy.example')]));
  assert.equal(asked, [['proxy.example'], ['image-proxy.example']]);
  assert.equal(host?.targets.map((t) => [t.key, t.dns?.addresses[0]]), [['t0', '10.0.0.1'], ['t1', '10.0.0.1']]);
  assert.is(host?.networkMtu, 1400);
  assert.is(host?.networkName, 'lab');
});

const planOpts = (over: Partial<DoctorOptions> = {}) =>
  ({ targets: [], defaultTargets: false, privateRepos: [], fetch: true, timeoutMs: 2000, caCertPem: null, canary: 'rsc.io/quote@v1.5.2', throughput: null, ...over }) as unknown as DoctorOptions;

test('early plan: GOPROXY and GOSUMDB from the environment and --probe are probed early; an unset one waits for go env', () => {
  const hosts = (env: Record<string, string>, over: Partial<DoctorOptions> = {}) => earlyHostPlan(planOpts(over), env, 0).targets.map((t) => t.host);
  assert.equal(hosts({ GOPROXY: 'https://corp-proxy.example,direct', GOSUMDB: 'sum.golang.org' }), ['corp-proxy.example', 'sum.golang.org']);
  // Unset: the image's go.env or `go env -w` may name another proxy; proxy.golang.org is not asked for early.
  assert.equal(hosts({}), []);
  assert.equal(hosts({}, { targets: [{ host: 'mirror.example', port: 443, proxyUrl: 'https://mirror.example' }] }), ['mirror.example']);
  // --no-default-targets off: the defaults are probed whatever go env says.
  assert.ok(hosts({}, { defaultTargets: true }).includes('proxy.golang.org'));
});

test('a host prober that throws is no host side, not a failed run', async () => {
  const deps = {
    hostEnv: {},
    engine: { networkMtu: async () => null },
    hostProbe: async () => {
      throw new Error('boom');
    },
  } as unknown as RunDeps;
  const opts = { timeoutMs: 2000, caCertPem: null, addHosts: [], network: null } as unknown as DoctorOptions;
  const finish = startHostProbes(opts, plan([target('t0', 'proxy.example')]), deps);
  assert.is(await finish(plan([target('t0', 'proxy.example')])), null);
});

test.run();
