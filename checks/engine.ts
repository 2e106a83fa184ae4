/**
 * The engine's own part (field guide, "Docker's own part"): which engine the user's docker CLI
 * talks to, and its settings that a build inherits before Go is ever involved: its proxy (it
 * pulls FROM images, not the build), its default bridge MTU, the DNS it hands containers, and
 * whether the image could be pulled at all; and the probe container itself (engine.probe: who it
 * ran as, with which tools). Pure over Evidence (`engineFacts`, `pull`, `facts`).
 */
import type { EngineEvidence, Evidence, TargetEvidence } from '../src/model.js';
import { redactUrl } from '../src/secrets.js';
import { type ImageCheck, type ImageRow, secs } from './check.js';
import { engineDnsFix, engineMtuFix, engineOf, engineProxyFix, type EngineKind, type ProxyValues, pullFix, rootlessFix } from './engine-fixes.js';

const row = (target: string | null, over: Partial<ImageRow> & Pick<ImageRow, 'status' | 'summary'>): ImageRow => ({ target, ms: null, cause: null, evidence: {}, fix: null, ...over });

function kindOf(ev: Evidence): EngineKind {
  return engineOf(ev).kind;
}

const isLoopback = (address: string) => /^127\./.test(address) || address === '::1' || address === 'localhost';

function sourceWords(f: EngineEvidence): string {
  if (f.context) return `via context ${f.context} (${f.endpointSource})`;
  if (f.endpointSource === 'podman') return "(no /var/run/docker.sock: Podman's Docker-compatible socket)";
  return `(${f.endpointSource})`;
}

function builderWords(v: string | null): string {
  if (v === '2') return 'builder BuildKit';
  if (v === '1') return 'builder classic';
  return 'builder not advertised (docker CLI 23+ builds with BuildKit)';
}

/** Steps that fail in the container while the same step works from this machine. */
function containerOnlyFailures(ev: Evidence): string[] {
  const host = ev.host;
  if (!host) return [];
  return ev.targets.flatMap((te: TargetEvidence) => {
    const h = host.targets.find((x) => x.key === te.target.key);
    if (!h) return [];
    if (te.dns && te.dns.outcome !== 'resolved' && h.dns?.outcome === 'resolved') return [`DNS for ${te.target.host}`];
    const connected = te.tcp?.attempts.some((a) => a.outcome === 'connected');
    if (te.tcp && !connected && h.tcp?.outcome === 'connected') return [`TCP to ${te.target.host}`];
    if (te.tls && te.tls.outcome === 'timeout' && h.tls?.outcome === 'ok') return [`TLS to ${te.target.host}`];
    return [];
  });
}

/** engine.endpoint: which engine, found how, rootless or not, which builder. A rootless engine warns only when its network explains a difference. */
export const engineEndpoint = {
  id: 'engine.endpoint',
  category: 'engine',
  title: 'Docker engine',
  evaluate(ev: Evidence): ImageRow[] {
    const f = ev.engineFacts;
    const where = `${ev.engine.version} (API ${ev.engine.apiVersion}) at ${ev.engine.endpoint}`;
    if (!f) return [row(ev.engine.endpoint, { status: 'pass', summary: `engine ${where} · its settings could not be read`, evidence: { engine: ev.engine } })];
    const summary = `${f.product ?? 'engine'} ${where} ${sourceWords(f)}${f.tls ? ', TLS' : ''} · ${f.rootless ? 'rootless' : 'rootful'} · ${builderWords(f.builderVersion)}`;
    const evidence = { engine: ev.engine, source: f.endpointSource, context: f.context, tls: f.tls, product: f.product, rootless: f.rootless, builderVersion: f.builderVersion };
    if (!f.rootless) return [row(ev.engine.endpoint, { status: 'pass', summary, evidence })];
    const differs = containerOnlyFailures(ev);
    const hostNet = ev.context.network === 'host';
    if (!differs.length && !hostNet) {
      return [row(ev.engine.endpoint, { status: 'pass', summary: `${summary} (containers use a user-mode network; nothing here points at it)`, evidence })];
    }
    const why = hostNet
      ? '--network host on a rootless engine is its own network namespace, not this machine\'s'
      : `${differs.slice(0, 3).join(', ')} fail${differs.length === 1 ? 's' : ''} only in the container, whose network is the rootless engine's user-mode stack (slirp4netns/pasta: its own MTU, its own DNS forwarder, no access to this machine's 127.0.0.1)`;
    return [row(ev.engine.endpoint, { status: 'warn', cause: 'engine.rootless', summary: `${summary}: ${why}`, evidence: { ...evidence, containerOnly: differs }, fix: rootlessFix(kindOf(ev)) })];
  },
} satisfies ImageCheck;

const PROXY_VAR = /^(https?|all)_proxy$/i;

function proxyOf(vars: Array<{ name: string; value: string }>): ProxyValues | null {
  const get = (re: RegExp) => vars.find((v) => re.test(v.name) && v.value)?.value ?? '';
  const https = get(/^https_proxy$/i) || get(/^all_proxy$/i) || get(/^http_proxy$/i);
  if (!https) return null;
  return { https: redactUrl(https), http: redactUrl(get(/^http_proxy$/i) || https), no: get(/^no_proxy$/i) || 'localhost,127.0.0.1' };
}

function hostProxyVars(ev: Evidence): Array<{ name: string; value: string }> {
  return Object.entries(ev.host?.proxyEnv ?? {}).map(([name, value]) => ({ name, value }));
}

/** The proxy to give the engine: a local engine runs on this machine, so the host's proxy is the one it reaches; else the build's. */
function suggestedProxy(ev: Evidence, kind: EngineKind): ProxyValues | null {
  const build = proxyOf(ev.env);
  const host = proxyOf(hostProxyVars(ev));
  return kind === 'docker' || kind === 'rootless' ? host ?? build : build ?? host;
}

function proxyHost(value: string): string {
  try {
    return new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`).hostname.replace(/^\[|\]$/g, '');
  } catch {
    return '';
  }
}

/** engine.proxy: the engine pulls FROM images with its own proxy settings, not the build's or the shell's. */
export const engineProxy = {
  id: 'engine.proxy',
  category: 'engine',
  title: 'Engine proxy and mirrors',
  evaluate(ev: Evidence): ImageRow[] {
    const f = ev.engineFacts;
    if (!f) return [];
    const mirrors = `registry mirrors: ${f.registryMirrors.length ? f.registryMirrors.join(', ') : 'none'}`;
    const buildVars = ev.env.filter((v) => PROXY_VAR.test(v.name) && v.value);
    const hostVars = hostProxyVars(ev);
    const evidence = { proxies: f.proxies, registryMirrors: f.registryMirrors, buildProxyVars: buildVars.map((v) => v.name), hostProxyVars: hostVars.filter((v) => PROXY_VAR.test(v.name)).map((v) => v.name) };
    const engineSet = [['HTTPS_PROXY', f.proxies.https], ['HTTP_PROXY', f.proxies.http], ['NO_PROXY', f.proxies.no]].filter(([, v]) => v);
    if (f.proxies.https || f.proxies.http) {
      return [row(null, { status: 'pass', summary: `engine proxy: ${engineSet.map(([n, v]) => `${n}=${v}`).join(', ')} (pulls go through it) · ${mirrors}`, evidence })];
    }
    const build = proxyOf(ev.env);
    const host = proxyOf(hostVars);
    if (!build && !host) {
      return [row(null, { status: 'pass', summary: `engine proxy: none (pulls go direct; neither the build nor this machine uses a proxy) · ${mirrors}`, evidence })];
    }
    const users = [build ? `the build (${buildVars.map((v) => v.name).join(', ')})` : '', host ? 'this machine' : ''].filter(Boolean).join(' and ');
    if (ev.pull?.outcome === 'pulled') {
      return [row(null, { status: 'pass', summary: `engine proxy: none, yet it pulled ${ev.pull.image} directly; ${users} use${users.includes(' and ') ? '' : 's'} a proxy · ${mirrors}`, evidence })];
    }
    const kind = kindOf(ev);
    const suggest = suggestedProxy(ev, kind)!;
    return [row(null, {
      status: 'warn',
      cause: 'engine.no_proxy',
      summary: `${users} use${users.includes(' and ') ? '' : 's'} a proxy (${suggest.https}) but the engine has none: it pulls FROM images directly, which fails where only the proxy gets out · ${mirrors}`,
      evidence,
      fix: engineProxyFix(kind, suggest, isLoopback(proxyHost(suggest.https))),
    })];
  },
} satisfies ImageCheck;

/** engine.mtu: the default bridge (which builds use) against this machine's route to the internet; bigger than the path means lost packets and stalled TLS. */
export const engineMtu = {
  id: 'engine.mtu',
  category: 'engine',
  title: 'Engine network MTU',
  evaluate(ev: Evidence): ImageRow[] {
    const f = ev.engineFacts;
    if (!f) return [];
    const bridge = f.bridgeMtu;
    const route = f.hostRouteMtu;
    const dev = f.hostRouteDevice ? ` (${f.hostRouteDevice})` : '';
    const evidence = { bridgeMtu: bridge, hostRouteMtu: route, hostRouteDevice: f.hostRouteDevice };
    const kind = kindOf(ev);
    const both = `default bridge MTU ${bridge ?? 'unknown'}, this machine's default route MTU ${route ?? 'unknown'}${dev}`;
    if (kind === 'rootless' || (kind === 'podman' && f.rootless) || kind === 'desktop') {
      const how = kind === 'desktop' ? "Docker Desktop's VM reaches the network through this machine's own sockets" : "a rootless engine's user-mode network re-sends container traffic on this machine's own sockets";
      return [row('bridge', { status: 'pass', summary: `${both}: not comparable, ${how}`, evidence })];
    }
    if (kind === 'remote') return [row('bridge', { status: 'pass', summary: `default bridge MTU ${bridge ?? 'unknown'}; the engine runs on another machine, so this machine's route is not its path`, evidence })];
    if (bridge === null || route === null) return [row('bridge', { status: 'pass', summary: `${both}: nothing to compare`, evidence })];
    if (bridge <= route) return [row('bridge', { status: 'pass', summary: `${both}: containers send packets the path can carry`, evidence })];
    return [row('bridge', {
      status: 'warn',
      cause: 'engine.mtu',
      summary: `the default bridge has MTU ${bridge}, this machine's default route${dev} ${route} (VPN or overlay): containers announce a TCP segment size the path cannot carry, so small requests pass while full-size packets (certificates, downloads) are lost and TLS stalls`,
      evidence,
      fix: engineMtuFix(kind, route, f.daemonConfigPath),
    })];
  },
} satisfies ImageCheck;

/** Docker's fallback when no usable resolver is left after dropping loopback entries (libnetwork resolvconf). */
const DOCKER_FALLBACK = ['8.8.8.8', '8.8.4.4'];

/** engine.dns: the DNS the engine hands containers; a loopback address there, or Docker's fallback replacing a host stub, leaves builds without a reachable resolver. */
export const engineDns = {
  id: 'engine.dns',
  category: 'engine',
  title: 'Engine DNS',
  evaluate(ev: Evidence): ImageRow[] {
    const f = ev.engineFacts;
    if (!f) return [];
    const kind = kindOf(ev);
    const file = f.daemonConfigPath;
    const hostNs = ev.host?.nameservers ?? [];
    const upstream = hostNs.filter((n) => !isLoopback(n));
    const containerNs = ev.facts.resolvConf.nameservers;
    const evidence = { daemonDns: f.daemonDns, daemonConfigPath: file, containerNameservers: containerNs, hostNameservers: hostNs };
    const target = file;
    if (f.daemonDns?.length) {
      const loop = f.daemonDns.filter(isLoopback);
      if (loop.length) {
        return [row(target, {
          status: 'warn',
          cause: 'engine.dns',
          summary: `"dns" in ${file} lists ${loop.join(', ')}: inside a container that is the container itself, so builds cannot resolve names`,
          evidence,
          fix: engineDnsFix(kind, upstream, file),
        })];
      }
      return [row(target, { status: 'pass', summary: `the engine gives containers ${f.daemonDns.join(', ')} ("dns" in ${file})`, evidence })];
    }
    const origin = f.daemonDns === null ? 'the engine\'s "dns" setting is not readable from here' : `no "dns" in ${file}`;
    const copied = `${origin}: containers get the host's /etc/resolv.conf, copied at container start (loopback entries dropped)`;
    if (ev.context.dns.length || ev.context.network === 'host') {
      return [row(target, { status: 'pass', summary: `${copied}; this run used ${ev.context.dns.length ? `--dns ${ev.context.dns.join(', ')}` : '--network host'}`, evidence })];
    }
    const hostStub = hostNs.some(isLoopback);
    const fallback = containerNs.length > 0 && containerNs.every((n) => DOCKER_FALLBACK.includes(n));
    // The fallback answering every lookup of this run is not a problem here and now.
    const lookups = ev.targets.flatMap((te) => (te.dns && te.dns.outcome !== 'no_tool' ? [te.dns.outcome] : []));
    const answered = fallback && lookups.length > 0 && lookups.every((o) => o === 'resolved');
    if (hostStub && (containerNs.length === 0 || fallback) && !answered) {
      const got = containerNs.length ? `Docker's fallback ${containerNs.join(', ')}` : 'no nameserver at all';
      return [row(target, {
        status: 'warn',
        cause: 'engine.dns',
        summary: `${copied}; this machine resolves through a local stub (${hostNs.join(', ')}), so containers got ${got}, which networks that allow only their own resolvers block`,
        evidence,
        fix: engineDnsFix(kind, upstream, file),
      })];
    }
    const got = answered && hostStub ? `; the container got Docker's fallback ${containerNs.join(', ')}, which answers on this network` : containerNs.length ? `; the container got ${containerNs.join(', ')}` : '';
    return [row(target, { status: 'pass', summary: `${copied}${got}`, evidence })];
  },
} satisfies ImageCheck;

/** engine.pull: whether the engine had the image or could pull it; a failed pull stops a build at FROM. */
export const enginePull = {
  id: 'engine.pull',
  category: 'engine',
  title: 'Image pull',
  evaluate(ev: Evidence): ImageRow[] {
    const p = ev.pull;
    if (!p) return [];
    const evidence = { ...p };
    if (p.outcome === 'present') return [row(p.image, { status: 'pass', summary: `${p.image} is on this engine (a build uses it as is, unless --pull)`, evidence })];
    if (p.outcome === 'pulled') return [row(p.image, { status: 'pass', ms: p.ms, summary: `pulled ${p.image} in ${secs(p.ms)}`, evidence })];
    const error = redactUrl((p.error ?? 'no reason given').replace(/^Error response from daemon:\s*/i, '').trim());
    const f = ev.engineFacts;
    const kind = kindOf(ev);
    const hint = suggestedProxy(ev, kind);
    return [row(p.image, {
      status: 'fail',
      cause: 'engine.pull',
      ms: p.ms,
      summary: `cannot pull ${p.image}: ${error}`,
      evidence,
      fix: pullFix({ image: p.image, error, kind, engineProxy: f?.proxies.https || f?.proxies.http || '', mirrors: f?.registryMirrors ?? [], daemonJsonPath: f?.daemonConfigPath ?? null, proxyHint: hint }),
    })];
  },
} satisfies ImageCheck;

/** engine.probe: the probe really ran, as whom, with which tools. Always pass: it is the context for every other row. */
export const engineProbe = {
  id: 'engine.probe',
  category: 'engine',
  title: 'Probe container',
  evaluate(ev: Evidence) {
    const f = ev.facts;
    const who = `${f.userName ?? ev.user} (uid ${f.uid ?? '?'}, gid ${f.gid ?? '?'})`;
    const tools = Object.keys(f.tools).join(' ') || 'none';
    return [
      {
        target: ev.image,
        status: 'pass' as const,
        ms: null,
        cause: null,
        summary: `ran as ${who} · tools: ${tools} · engine ${ev.engine.version} (API ${ev.engine.apiVersion})`,
        evidence: { engine: ev.engine, user: ev.user, uid: f.uid, gid: f.gid, home: f.home, os: f.os, tools: f.tools, clockSource: f.clockSource, goEnvError: f.goEnvError },
        fix: null,
      },
    ];
  },
} satisfies ImageCheck;
