// The engine's own settings: facts parsed from recorded API responses (src/engine/daemon-facts.ts)
// and the engine.* rows judged from them (checks/engine.ts). Each test asserts what the user
// reads: status, cause, summary and fix.
import { readFileSync } from 'node:fs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { engineDns, engineEndpoint, engineMtu, engineProxy, enginePull } from '../../checks/engine.js';
import { classifyPullError, registryOf } from '../../checks/engine-fixes.js';
import { bridgeMtuOf, daemonDnsOf, engineFactsFrom, engineVersionFrom, isRootless, parseDefaultRoute, parseLinkMtu, pingBuilderVersion, readDaemonJson, type RawEngineFacts } from '../../src/engine/daemon-facts.js';
import type { EndpointIo, EngineEndpoint } from '../../src/engine/endpoint.js';
import { evidence as baseEvidence } from '../helpers/evidence.js';
import type { CheckResult, EngineEvidence, Evidence, HostEvidence, PullEvidence, RunContext, TargetEvidence } from '../../src/model.js';

type Row = Omit<CheckResult, 'id' | 'category'>;

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`../fixtures/engine/${name}.json`, import.meta.url), 'utf8'));
const REAL = { info: fixture('docker-20.10-info'), version: fixture('docker-20.10-version'), bridge: fixture('docker-20.10-networks-bridge') };

const DEFAULT_ENDPOINT: EngineEndpoint = { endpoint: 'unix:///var/run/docker.sock', source: 'default', context: null, tls: false, tlsDir: null, dockerodeOptions: { socketPath: '/var/run/docker.sock' } };

function raw(over: Partial<RawEngineFacts> = {}): RawEngineFacts {
  return { info: REAL.info, version: REAL.version, pingBuilderVersion: null, bridgeNetwork: REAL.bridge, daemonJson: { path: '/etc/docker/daemon.json', text: '' }, hostRoute: { device: 'eth0', mtu: 1500 }, ...over };
}

/** Facts as this machine's real engine reports them, with overrides. */
function facts(over: Partial<EngineEvidence> = {}): EngineEvidence {
  return { ...engineFactsFrom(raw(), DEFAULT_ENDPOINT), ...over };
}

function host(over: Partial<HostEvidence> = {}): HostEvidence {
  return { proxyEnv: {}, nameservers: ['10.0.0.2'], networkMtu: 1500, networkName: 'bridge', targets: [], ...over };
}

function evidence(over: { engineFacts?: EngineEvidence | null; pull?: PullEvidence | null; env?: Array<[string, string]>; host?: HostEvidence | null; context?: Partial<RunContext>; nameservers?: string[]; endpoint?: string; targets?: TargetEvidence[] } = {}): Evidence {
  return baseEvidence({
    engine: { endpoint: over.endpoint ?? 'unix:///var/run/docker.sock', version: '20.10.24+dfsg1' },
    nameservers: over.nameservers ?? ['10.0.0.2'],
    targets: over.targets ?? [],
    host: over.host === undefined ? host() : over.host,
    env: (over.env ?? []).map(([name, value]) => [name, value, 'image']),
    context: over.context ?? {},
    engineFacts: over.engineFacts === undefined ? facts() : over.engineFacts,
    pull: over.pull ?? null,
  });
}

const only = (rows: Row[]): Row => {
  assert.is(rows.length, 1, JSON.stringify(rows.map((r) => r.summary)));
  return rows[0]!;
};
const brief = (r: Row) => [r.status, r.cause];

// ---------------------------------------------------------------------------
const Facts = suite('engineFactsFrom');

Facts('this machine\'s real /info, /version and /networks/bridge', () => {
  const f = engineFactsFrom(raw({ pingBuilderVersion: '2' }), DEFAULT_ENDPOINT);
  assert.equal(f, {
    endpointSource: 'default', context: null, tls: false, product: 'Docker Engine', rootless: false,
    proxies: { http: '', https: '', no: '' }, registryMirrors: [], bridgeMtu: 1500, hostRouteMtu: 1500, hostRouteDevice: 'eth0',
    daemonDns: [], daemonConfigPath: '/etc/docker/daemon.json', builderVersion: '2',
  });
  assert.equal(engineVersionFrom(REAL.version), { version: '20.10.24+dfsg1', apiVersion: '1.41', product: 'Docker Engine' });
});

Facts('Podman\'s /version names its engine; Docker Desktop\'s and Docker CE\'s Platform.Name is the product', () => {
  assert.equal(engineVersionFrom(fixture('podman-5.2-version')), { version: '5.2.2', apiVersion: '1.41', product: 'Podman Engine' });
  assert.is(engineVersionFrom({ Platform: { Name: 'Docker Desktop 4.30.0 (149282)' }, Components: [{ Name: 'Engine' }], Version: '26.1.1' }).product, 'Docker Desktop 4.30.0 (149282)');
  assert.is(engineVersionFrom({ Platform: { Name: 'Docker Engine - Community' }, Version: '26.1.4', ApiVersion: '1.45' }).product, 'Docker Engine - Community');
});

Facts('rootless, proxies (passwords redacted), mirrors, the bridge MTU option, daemon.json dns', () => {
  const info = { SecurityOptions: ['name=seccomp,profile=builtin', 'name=rootless', 'name=cgroupns'], HttpProxy: 'http://alice:s3cret@proxy.corp:3128', HttpsProxy: 'http://proxy.corp:3128', NoProxy: '.corp.example', RegistryConfig: { Mirrors: ['https://mirror.gcr.io/'] } };
  const f = engineFactsFrom(raw({ info, bridgeNetwork: { Options: { 'com.docker.network.driver.mtu': '1400' } }, daemonJson: { path: '/x/daemon.json', text: '{"dns": ["10.1.1.1", 5]}' } }), DEFAULT_ENDPOINT);
  assert.equal([f.rootless, f.proxies, f.registryMirrors, f.bridgeMtu, f.daemonDns], [true, { http: 'http://alice:***@proxy.corp:3128', https: 'http://proxy.corp:3128', no: '.corp.example' }, ['https://mirror.gcr.io/'], 1400, ['10.1.1.1']]);
  assert.ok(isRootless({ SecurityOptions: ['name=rootless'] }));
  assert.not.ok(isRootless(REAL.info));
});

Facts('garbled or missing fields never throw: unknowns are null or empty', () => {
  for (const junk of [null, undefined, 'text', 42, [], { SecurityOptions: 'name=rootless', RegistryConfig: { Mirrors: 'x' }, HttpProxy: 7 }]) {
    const f = engineFactsFrom({ info: junk, version: junk, pingBuilderVersion: '', bridgeNetwork: junk, daemonJson: { path: '/etc/docker/daemon.json', text: '{not json' }, hostRoute: null }, DEFAULT_ENDPOINT);
    assert.equal([f.product, f.rootless, f.proxies, f.registryMirrors, f.bridgeMtu, f.daemonDns, f.hostRouteMtu, f.builderVersion], [null, false, { http: '', https: '', no: '' }, [], null, null, null, null], String(junk));
  }
  assert.is(bridgeMtuOf({ Name: 'bridge', Options: {} }), 1500); // the default when the option is absent
  assert.is(bridgeMtuOf({ Options: { 'com.docker.network.driver.mtu': 'abc' } }), null);
  assert.equal([daemonDnsOf(''), daemonDnsOf('{}'), daemonDnsOf('[1]'), daemonDnsOf('{"dns":["1.1.1.1"]}')], [[], [], null, ['1.1.1.1']]);
});

Facts('the default route: lowest metric wins, the route\'s mtu metric when set; ip link for the device MTU', () => {
  const routes = JSON.stringify([
    { dst: 'default', gateway: '192.168.1.1', dev: 'eth0', protocol: 'dhcp', metric: 600, flags: [] },
    { dst: 'default', dev: 'wg0', scope: 'link', metric: 50, flags: [], metrics: [{ mtu: 1380 }] },
  ]);
  assert.equal(parseDefaultRoute(routes), { device: 'wg0', mtu: 1380 });
  assert.equal(parseDefaultRoute('[{"dst":"default","gateway":"192.0.2.1","dev":"eth0","flags":[]}]'), { device: 'eth0', mtu: null });
  assert.equal([parseDefaultRoute('[]'), parseDefaultRoute('nope')], [null, null]);
  assert.is(parseLinkMtu('[{"ifindex":2,"ifname":"eth0","mtu":1420}]'), 1420);
  assert.is(parseLinkMtu(''), null);
});

Facts('daemon.json: /etc/docker for a rootful local socket, ~/.config/docker when rootless, none for remote or Podman; missing file is known-empty', () => {
  const files: Record<string, string> = { '/etc/docker/daemon.json': '{"mtu":1400}', '/home/dev/.cfg/docker/daemon.json': '{"dns":["10.0.0.9"]}' };
  const io: EndpointIo = { env: { XDG_CONFIG_HOME: '/home/dev/.cfg', XDG_RUNTIME_DIR: '/run/user/1000' }, homedir: '/home/dev', exists: (p) => p in files, readFile: (p) => files[p] ?? '' };
  assert.equal(readDaemonJson(DEFAULT_ENDPOINT, false, io), { path: '/etc/docker/daemon.json', text: '{"mtu":1400}' });
  const rootless = { ...DEFAULT_ENDPOINT, endpoint: 'unix:///run/user/1000/docker.sock', source: 'DOCKER_HOST' as const };
  assert.equal(readDaemonJson(rootless, true, io), { path: '/home/dev/.cfg/docker/daemon.json', text: '{"dns":["10.0.0.9"]}' });
  assert.is(readDaemonJson({ ...DEFAULT_ENDPOINT, endpoint: 'tcp://ci:2376' }, false, io), null);
  assert.is(readDaemonJson({ ...DEFAULT_ENDPOINT, endpoint: 'unix:///run/podman/podman.sock', source: 'podman' }, false, io), null);
  assert.equal(readDaemonJson(DEFAULT_ENDPOINT, false, { ...io, exists: () => false }), { path: '/etc/docker/daemon.json', text: '' });
  assert.is(readDaemonJson(DEFAULT_ENDPOINT, false, { ...io, readFile: () => { throw new Error('EACCES'); } }), null);
});

Facts('pingBuilderVersion reads the Builder-Version header of a streamed /_ping; errors and silence give null', async () => {
  let asked: Record<string, unknown> = {};
  const modem = { dial: (o: Record<string, unknown>, cb: (e: unknown, r: unknown) => void) => ((asked = o), cb(null, { headers: { 'builder-version': '2' }, resume() {} })) };
  assert.is(await pingBuilderVersion(modem), '2');
  assert.equal([asked.path, asked.method, asked.isStream], ['/_ping', 'GET', true]);
  assert.is(await pingBuilderVersion({ dial: (_o, cb) => cb(null, { headers: {}, resume() {} }) }), null);
  assert.is(await pingBuilderVersion({ dial: (_o, cb) => cb(new Error('ECONNREFUSED'), null) }), null);
  assert.is(await pingBuilderVersion({ dial: () => undefined }, 20), null);
});

// ---------------------------------------------------------------------------
const Endpoint = suite('engine.endpoint');

Endpoint('the real engine, default socket: pass naming product, version, API, how it was found, rootful, builder', () => {
  const r = only(engineEndpoint.evaluate(evidence()));
  assert.equal(brief(r), ['pass', null]);
  assert.is(r.summary, 'Docker Engine 20.10.24+dfsg1 (API 1.41) at unix:///var/run/docker.sock (default) · rootful · builder not advertised (docker CLI 23+ builds with BuildKit)');
});

Endpoint('via a context, over TLS, BuildKit', () => {
  const ev = evidence({ endpoint: 'tcp://ci.example:2376', engineFacts: facts({ endpointSource: 'config.json currentContext', context: 'remote-ci', tls: true, builderVersion: '2', product: 'Docker Engine - Community' }) });
  assert.is(only(engineEndpoint.evaluate(ev)).summary, 'Docker Engine - Community 20.10.24+dfsg1 (API 1.41) at tcp://ci.example:2376 via context remote-ci (config.json currentContext), TLS · rootful · builder BuildKit');
});

Endpoint('Podman\'s socket, found because /var/run/docker.sock is absent', () => {
  const f = engineFactsFrom(raw({ version: fixture('podman-5.2-version') }), { ...DEFAULT_ENDPOINT, endpoint: 'unix:///run/user/1000/podman/podman.sock', source: 'podman' });
  const r = only(engineEndpoint.evaluate(evidence({ endpoint: 'unix:///run/user/1000/podman/podman.sock', engineFacts: f })));
  assert.match(r.summary, /^Podman Engine .* at unix:\/\/\/run\/user\/1000\/podman\/podman.sock \(no \/var\/run\/docker.sock: Podman's Docker-compatible socket\)/);
});

Endpoint('rootless: pass when nothing points at its network; warn engine.rootless when a step fails only in the container, or with --network host', () => {
  const f = facts({ rootless: true });
  const calm = only(engineEndpoint.evaluate(evidence({ engineFacts: f })));
  assert.equal(brief(calm), ['pass', null]);
  assert.match(calm.summary, '· rootless ·');

  const target = { key: 't0', host: 'proxy.golang.org', port: 443, roles: ['default' as const], tls: true, httpUrl: null, httpProxy: null };
  const te: TargetEvidence = { target, finished: true, dns: null, tls: null, http: null, tcp: { host: target.host, tool: 'bash', attempts: [{ address: '142.250.1.1', port: 443, outcome: 'timeout', ms: 2000, message: '' }] } };
  const h = host({ targets: [{ key: 't0', dns: null, tcp: { address: '142.250.1.1', addressFrom: 'host', outcome: 'connected', ms: 20, message: '' }, tls: null, http: null, route: null }] });
  const r = only(engineEndpoint.evaluate(evidence({ engineFacts: f, targets: [te], host: h })));
  assert.equal(brief(r), ['warn', 'engine.rootless']);
  assert.match(r.summary, 'TCP to proxy.golang.org fails only in the container, whose network is the rootless engine\'s user-mode stack');
  assert.match(r.fix ?? '', 'DOCKERD_ROOTLESS_ROOTLESSKIT_NET=pasta');
  assert.match(r.fix ?? '', 'systemctl --user daemon-reload && systemctl --user restart docker');

  const hostNet = only(engineEndpoint.evaluate(evidence({ engineFacts: f, context: { network: 'host' } })));
  assert.equal(brief(hostNet), ['warn', 'engine.rootless']);
  assert.match(hostNet.summary, '--network host on a rootless engine is its own network namespace');
});

Endpoint('settings unreadable: still a pass naming the engine', () => {
  const r = only(engineEndpoint.evaluate(evidence({ engineFacts: null })));
  assert.equal([r.status, r.summary], ['pass', 'engine 20.10.24+dfsg1 (API 1.41) at unix:///var/run/docker.sock · its settings could not be read']);
});

// ---------------------------------------------------------------------------
const Proxy = suite('engine.proxy');

Proxy('the real engine, nobody uses a proxy: pass, mirrors listed', () => {
  const r = only(engineProxy.evaluate(evidence()));
  assert.equal([r.status, r.summary], ['pass', 'engine proxy: none (pulls go direct; neither the build nor this machine uses a proxy) · registry mirrors: none']);
});

Proxy('the engine has its own proxy: pass listing it and the mirrors', () => {
  const r = only(engineProxy.evaluate(evidence({ engineFacts: facts({ proxies: { https: 'http://proxy.corp:3128', http: '', no: 'localhost' }, registryMirrors: ['https://mirror.gcr.io'] }) })));
  assert.equal([r.status, r.summary], ['pass', 'engine proxy: HTTPS_PROXY=http://proxy.corp:3128, NO_PROXY=localhost (pulls go through it) · registry mirrors: https://mirror.gcr.io']);
});

Proxy('the build uses a proxy, the engine none: warn engine.no_proxy with the systemd drop-in (password redacted)', () => {
  const r = only(engineProxy.evaluate(evidence({ env: [['HTTPS_PROXY', 'http://bob:pw1234@proxy.corp:3128'], ['NO_PROXY', '.corp.example']] })));
  assert.equal(brief(r), ['warn', 'engine.no_proxy']);
  assert.is(r.summary, 'the build (HTTPS_PROXY) uses a proxy (http://bob:***@proxy.corp:3128) but the engine has none: it pulls FROM images directly, which fails where only the proxy gets out · registry mirrors: none');
  assert.is(
    r.fix,
    '[Service] Environment="HTTPS_PROXY=http://bob:***@proxy.corp:3128" "HTTP_PROXY=http://bob:***@proxy.corp:3128" "NO_PROXY=.corp.example" in /etc/systemd/system/docker.service.d/http-proxy.conf, ' +
      'then sudo systemctl daemon-reload && sudo systemctl restart docker (Docker 23+: "proxies": {"https-proxy": "http://bob:***@proxy.corp:3128", "http-proxy": "http://bob:***@proxy.corp:3128", "no-proxy": ".corp.example"} in /etc/docker/daemon.json)',
  );
  assert.not.match(JSON.stringify(r), 'pw1234');
});

Proxy('only this machine uses a proxy: warn, suggesting the host\'s proxy (the engine runs here)', () => {
  const r = only(engineProxy.evaluate(evidence({ env: [['HTTPS_PROXY', 'http://host.docker.internal:3128']], host: host({ proxyEnv: { https_proxy: 'http://10.0.0.7:3128' } }) })));
  assert.equal(brief(r), ['warn', 'engine.no_proxy']);
  assert.match(r.summary, 'the build (HTTPS_PROXY) and this machine use a proxy (http://10.0.0.7:3128)');
});

Proxy('rootless with a loopback proxy: the user unit, and why 127.0.0.1 does not reach it; Podman: containers.conf', () => {
  const rootless = only(engineProxy.evaluate(evidence({ engineFacts: facts({ rootless: true }), host: host({ proxyEnv: { HTTPS_PROXY: 'http://127.0.0.1:3128' } }) })));
  assert.match(rootless.fix ?? '', '~/.config/systemd/user/docker.service.d/http-proxy.conf, then systemctl --user daemon-reload && systemctl --user restart docker');
  assert.match(rootless.fix ?? '', 'a proxy on this machine\'s 127.0.0.1 is not reachable from it');
  const podman = only(engineProxy.evaluate(evidence({ engineFacts: facts({ endpointSource: 'podman', product: 'Podman Engine' }), env: [['HTTPS_PROXY', 'http://proxy.corp:3128']] })));
  assert.match(podman.fix ?? '', 'env = ["HTTPS_PROXY=http://proxy.corp:3128", "HTTP_PROXY=http://proxy.corp:3128", "NO_PROXY=localhost,127.0.0.1"] under [engine] in containers.conf');
});

Proxy('no engine proxy but it did pull the image directly: pass', () => {
  const r = only(engineProxy.evaluate(evidence({ env: [['HTTPS_PROXY', 'http://proxy.corp:3128']], pull: { image: 'golang:1.22', outcome: 'pulled', ms: 4200, error: null } })));
  assert.equal(brief(r), ['pass', null]);
  assert.match(r.summary, 'engine proxy: none, yet it pulled golang:1.22 directly');
});

// ---------------------------------------------------------------------------
const Mtu = suite('engine.mtu');

Mtu('the real engine: bridge 1500, route 1500: pass', () => {
  const r = only(engineMtu.evaluate(evidence()));
  assert.equal([r.status, r.summary], ['pass', "default bridge MTU 1500, this machine's default route MTU 1500 (eth0): containers send packets the path can carry"]);
});

Mtu('bridge bigger than the route (VPN): warn engine.mtu with the route\'s MTU in daemon.json', () => {
  const r = only(engineMtu.evaluate(evidence({ engineFacts: facts({ hostRouteMtu: 1420, hostRouteDevice: 'wg0' }) })));
  assert.equal(brief(r), ['warn', 'engine.mtu']);
  assert.match(r.summary, 'the default bridge has MTU 1500, this machine\'s default route (wg0) 1420');
  assert.is(r.fix, '"mtu": 1420 in /etc/docker/daemon.json, then sudo systemctl restart docker (user networks: docker network create -o com.docker.network.driver.mtu=1420)');
});

Mtu('unknown values, rootless, remote and Docker Desktop engines: pass, saying why there is nothing to compare', () => {
  assert.match(only(engineMtu.evaluate(evidence({ engineFacts: facts({ hostRouteMtu: null, hostRouteDevice: null }) }))).summary, 'route MTU unknown: nothing to compare');
  const rootless = only(engineMtu.evaluate(evidence({ engineFacts: facts({ rootless: true, hostRouteMtu: 1420 }) })));
  assert.equal([rootless.status, /not comparable/.test(rootless.summary)], ['pass', true]);
  assert.match(only(engineMtu.evaluate(evidence({ endpoint: 'tcp://ci:2376', engineFacts: facts({ hostRouteMtu: 1420 }) }))).summary, 'the engine runs on another machine');
  assert.match(only(engineMtu.evaluate(evidence({ engineFacts: facts({ product: 'Docker Desktop 4.30.0 (149282)', hostRouteMtu: 1420 }) }))).summary, "Docker Desktop's VM");
});

// ---------------------------------------------------------------------------
const Dns = suite('engine.dns');

Dns('daemon.json dns: pass naming it; a loopback entry warns engine.dns with the host\'s upstream', () => {
  const ok = only(engineDns.evaluate(evidence({ engineFacts: facts({ daemonDns: ['10.0.0.2', '10.0.0.3'] }) })));
  assert.equal([ok.status, ok.summary], ['pass', 'the engine gives containers 10.0.0.2, 10.0.0.3 ("dns" in /etc/docker/daemon.json)']);
  const loop = only(engineDns.evaluate(evidence({ engineFacts: facts({ daemonDns: ['127.0.0.53'] }), host: host({ nameservers: ['127.0.0.53', '10.9.9.9'] }) })));
  assert.equal(brief(loop), ['warn', 'engine.dns']);
  assert.match(loop.summary, '"dns" in /etc/docker/daemon.json lists 127.0.0.53: inside a container that is the container itself');
  assert.is(loop.fix, '"dns": ["10.9.9.9"] in /etc/docker/daemon.json, then sudo systemctl restart docker');
});

Dns('no daemon dns, the real engine: pass saying containers copy the host\'s resolv.conf', () => {
  const r = only(engineDns.evaluate(evidence()));
  assert.equal([r.status, r.summary], ['pass', 'no "dns" in /etc/docker/daemon.json: containers get the host\'s /etc/resolv.conf, copied at container start (loopback entries dropped); the container got 10.0.0.2']);
});

Dns('host behind a stub, container got Docker\'s 8.8.8.8 fallback (or nothing): warn engine.dns', () => {
  const stub = host({ nameservers: ['127.0.1.1'] });
  const r = only(engineDns.evaluate(evidence({ host: stub, nameservers: ['8.8.8.8', '8.8.4.4'] })));
  assert.equal(brief(r), ['warn', 'engine.dns']);
  assert.match(r.summary, "this machine resolves through a local stub (127.0.1.1), so containers got Docker's fallback 8.8.8.8, 8.8.4.4");
  assert.is(r.fix, '"dns": ["<upstream-resolver-ip>"] in /etc/docker/daemon.json, then sudo systemctl restart docker (the resolvers behind the host\'s stub: resolvectl status)');
  assert.equal(brief(only(engineDns.evaluate(evidence({ host: stub, nameservers: [] })))), ['warn', 'engine.dns']);
  // --dns for this run, or no stub on the host: nothing to blame on the engine.
  assert.equal(brief(only(engineDns.evaluate(evidence({ host: stub, nameservers: ['8.8.8.8'], context: { dns: ['10.0.0.2'] } })))), ['pass', null]);
  assert.equal(brief(only(engineDns.evaluate(evidence({ nameservers: ['8.8.8.8', '8.8.4.4'] })))), ['pass', null]);
  // The fallback answered every lookup of this run: not the problem here.
  const target = { key: 't0', host: 'proxy.golang.org', port: 443, roles: ['default' as const], tls: true, httpUrl: null, httpProxy: null };
  const resolved: TargetEvidence = { target, finished: true, tcp: null, tls: null, http: null, dns: { host: target.host, tool: 'getent', outcome: 'resolved', v4: ['142.250.1.1'], v6: [], fromHostsFile: false, ms: 12, message: '' } };
  const answered = only(engineDns.evaluate(evidence({ host: stub, nameservers: ['8.8.8.8', '8.8.4.4'], targets: [resolved] })));
  assert.equal(brief(answered), ['pass', null]);
  assert.match(answered.summary, "the container got Docker's fallback 8.8.8.8, 8.8.4.4, which answers on this network");
});

Dns('remote engine: its dns setting is not readable from here; Podman: containers.conf', () => {
  assert.match(only(engineDns.evaluate(evidence({ endpoint: 'tcp://ci:2376', engineFacts: facts({ daemonDns: null, daemonConfigPath: null }) }))).summary, 'the engine\'s "dns" setting is not readable from here');
  const podman = only(engineDns.evaluate(evidence({ engineFacts: facts({ endpointSource: 'podman', product: 'Podman Engine', daemonDns: ['127.0.0.1'] }) })));
  assert.is(podman.fix, 'dns_servers = ["10.0.0.2"] under [containers] in containers.conf');
});

// ---------------------------------------------------------------------------
const Pull = suite('engine.pull');

const pulled = (error: string | null, outcome: PullEvidence['outcome'] = 'failed', image = 'golang:1.22'): PullEvidence => ({ image, outcome, ms: 15_100, error });

Pull('no pull evidence: no row; present and pulled pass', () => {
  assert.equal(enginePull.evaluate(evidence()), []);
  assert.equal([only(enginePull.evaluate(evidence({ pull: pulled(null, 'present') }))).summary], ['golang:1.22 is on this engine (a build uses it as is, unless --pull)']);
  const r = only(enginePull.evaluate(evidence({ pull: { image: 'golang:1.22', outcome: 'pulled', ms: 12_300, error: null } })));
  assert.equal([r.status, r.summary, r.ms], ['pass', 'pulled golang:1.22 in 12.3 s', 12_300]);
});

Pull('a network failure: fail engine.pull, the engine\'s words, a mirror and the engine proxy', () => {
  const error = 'Error response from daemon: Get "https://registry-1.docker.io/v2/": net/http: request canceled while waiting for connection (Client.Timeout exceeded while awaiting headers)';
  const r = only(enginePull.evaluate(evidence({ pull: pulled(error) })));
  assert.equal(brief(r), ['fail', 'engine.pull']);
  assert.is(r.summary, 'cannot pull golang:1.22: Get "https://registry-1.docker.io/v2/": net/http: request canceled while waiting for connection (Client.Timeout exceeded while awaiting headers)');
  assert.match(r.fix ?? '', /^a registry mirror: "registry-mirrors": \["https:\/\/mirror.gcr.io"\] in \/etc\/docker\/daemon.json, then sudo systemctl restart docker \(or your company's mirror\); /);
  assert.match(r.fix ?? '', 'if this network gets out only through a proxy, the engine needs it too (it pulls, not the build): [Service] Environment="HTTPS_PROXY=http://<proxy-host>:<port>"');
});

Pull('DNS on the engine\'s machine; the engine\'s own proxy failing; x509', () => {
  const dns = only(enginePull.evaluate(evidence({ pull: pulled('Get "https://registry-1.docker.io/v2/": dial tcp: lookup registry-1.docker.io on 127.0.0.53:53: no such host'), env: [['HTTPS_PROXY', 'http://proxy.corp:3128']] })));
  assert.match(dns.fix ?? '', /^the engine's machine cannot resolve registry-1.docker.io: fix that machine's DNS \(resolvectl status\); .*HTTPS_PROXY=http:\/\/proxy.corp:3128/);
  const withProxy = facts({ proxies: { https: 'http://proxy.corp:3128', http: '', no: '' } });
  const refused = only(enginePull.evaluate(evidence({ engineFacts: withProxy, pull: pulled('Get "https://registry-1.docker.io/v2/": proxyconnect tcp: dial tcp 10.0.0.7:3128: connect: connection refused') })));
  assert.match(refused.fix ?? '', "the engine's own proxy (http://proxy.corp:3128) failed");
  const timeout = only(enginePull.evaluate(evidence({ engineFacts: withProxy, pull: pulled('Get "https://registry-1.docker.io/v2/": dial tcp 54.1.2.3:443: i/o timeout') })));
  assert.match(timeout.fix ?? '', "the engine's own proxy (http://proxy.corp:3128) did not get through: check it");
  const x509 = only(enginePull.evaluate(evidence({ pull: pulled('Get "https://registry-1.docker.io/v2/": x509: certificate signed by unknown authority') })));
  assert.match(x509.fix ?? '', '/etc/docker/certs.d/registry-1.docker.io/ca.crt');
});

Pull('rate limit, denied-or-missing, manifest unknown, unauthorized, platform: the fix that fits', () => {
  const cases: Array<[string, string, string]> = [
    ['toomanyrequests: You have reached your pull rate limit. You may increase the limit by authenticating and upgrading: https://www.docker.com/increase-rate-limit', 'golang:1.22', "Docker Hub's anonymous pull limit: docker login (authenticated pulls have a higher limit) or docker pull golang:1.22 (it uses your docker login), then rerun; a registry mirror"],
    ["pull access denied for golangg, repository does not exist or may require 'docker login': denied: requested access to the resource is denied", 'golangg:1.22', 'check the image name/tag (golangg:1.22 on docker.io); if it is private: docker login, or docker pull golangg:1.22'],
    ['manifest for golang:1.99 not found: manifest unknown: manifest unknown', 'golang:1.99', 'check the image name/tag: docker.io has no golang:1.99 (docker manifest inspect golang:1.99)'],
    ['Head "https://ghcr.io/v2/acme/builder/manifests/1": unauthorized', 'ghcr.io/acme/builder:1', 'docker login ghcr.io, or docker pull ghcr.io/acme/builder:1 (it uses your docker login), then rerun'],
    ['no matching manifest for linux/arm64/v8 in the manifest list entries', 'acme/amd64-only:1', "the tag has no image for the engine's platform"],
  ];
  for (const [error, image, fix] of cases) {
    const r = only(enginePull.evaluate(evidence({ pull: pulled(error, 'failed', image) })));
    assert.equal(brief(r), ['fail', 'engine.pull'], error);
    assert.match(r.fix ?? '', fix, error);
  }
});

Pull('mirrors only serve Docker Hub; configured mirrors that did not help are named', () => {
  const ghcr = only(enginePull.evaluate(evidence({ pull: pulled('Get "https://ghcr.io/v2/": dial tcp 140.82.1.1:443: i/o timeout', 'failed', 'ghcr.io/acme/builder:1') })));
  assert.match(ghcr.fix ?? '', 'registry mirrors only serve Docker Hub images: ghcr.io itself must be reachable from the engine');
  const mirrored = only(enginePull.evaluate(evidence({ engineFacts: facts({ registryMirrors: ['https://mirror.corp'] }), pull: pulled('Get "https://registry-1.docker.io/v2/": dial tcp 54.1.2.3:443: i/o timeout') })));
  assert.match(mirrored.fix ?? '', "the engine's registry mirrors (https://mirror.corp) did not serve it either: check them");
});

Pull('classification and registries', () => {
  assert.is(classifyPullError('Get "https://registry-1.docker.io/v2/": net/http: TLS handshake timeout'), 'network');
  assert.is(classifyPullError('unexpected status: 500 Internal Server Error'), 'other');
  assert.equal(['golang:1.22', 'library/golang', 'ghcr.io/a/b:1', 'localhost:5000/x', 'localhost/x'].map(registryOf), ['docker.io', 'docker.io', 'ghcr.io', 'localhost:5000', 'localhost']);
});

Facts.run();
Endpoint.run();
Proxy.run();
Mtu.run();
Dns.run();
Pull.run();
