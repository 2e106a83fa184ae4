/**
 * Fix text for the engine's own settings, worded for where they live: a rootful dockerd
 * (/etc/docker/daemon.json, the systemd unit), a rootless one (~/.config, the user unit),
 * Docker Desktop (its settings screen), Podman (containers.conf, registries.conf) or an engine
 * on another machine. Pure: each function takes what it needs. Every check and every `explain`
 * rule that names daemon.json words it through these functions (explain as a plain dockerd).
 */
import type { Evidence } from '../src/model.js';

export type EngineKind = 'docker' | 'rootless' | 'desktop' | 'podman' | 'remote';

/** Which kind of engine the settings belong to. `endpoint` is the resolved endpoint URL. */
export function engineKind(p: { endpoint: string; product: string | null; rootless: boolean; source: string }): EngineKind {
  if (p.source === 'podman' || /podman/i.test(p.product ?? '')) return 'podman';
  if (/docker desktop/i.test(p.product ?? '')) return 'desktop';
  if (!/^(unix|npipe):\/\//.test(p.endpoint)) return 'remote';
  return p.rootless ? 'rootless' : 'docker';
}

const RESTART: Record<'docker' | 'rootless', string> = {
  docker: 'sudo systemctl restart docker',
  rootless: 'systemctl --user restart docker',
};

/** The engine a run's fixes are worded for: a plain local dockerd when its settings could not be read. */
export function engineOf(ev: Pick<Evidence, 'engine' | 'engineFacts'>): { kind: EngineKind; daemonJson: string | null } {
  const f = ev.engineFacts;
  const endpoint = ev.engine?.endpoint ?? 'unix:///var/run/docker.sock';
  if (!f) return { kind: engineKind({ endpoint, product: null, rootless: false, source: '' }), daemonJson: null };
  return { kind: engineKind({ endpoint, product: f.product, rootless: f.rootless, source: f.endpointSource }), daemonJson: f.daemonConfigPath };
}

/** One daemon.json key, and how to make the engine read it. */
export function daemonJsonFix(kind: EngineKind, setting: string, path: string | null): string {
  if (kind === 'desktop') return `${setting} in Docker Desktop → Settings → Docker Engine, then Apply & restart`;
  if (kind === 'rootless') return `${setting} in ${path ?? '~/.config/docker/daemon.json'}, then ${RESTART.rootless}`;
  const line = `${setting} in ${path ?? '/etc/docker/daemon.json'}, then ${RESTART.docker}`;
  return kind === 'remote' ? `on the engine's machine: ${line}` : line;
}

export interface ProxyValues {
  https: string;
  http: string;
  no: string;
}

/** Give the engine (not the build) a proxy: it is what pulls FROM images. */
export function engineProxyFix(kind: EngineKind, p: ProxyValues, loopback: boolean): string {
  const env = [`HTTPS_PROXY=${p.https}`, `HTTP_PROXY=${p.http}`, `NO_PROXY=${p.no}`];
  if (kind === 'desktop') return `set the proxy in Docker Desktop → Settings → Resources → Proxies (${p.https})`;
  if (kind === 'podman') {
    return `env = [${env.map((e) => `"${e}"`).join(', ')}] under [engine] in containers.conf (/etc/containers/containers.conf; rootless: ~/.config/containers/containers.conf)`;
  }
  const daemonJson = `"proxies": {"https-proxy": "${p.https}", "http-proxy": "${p.http}", "no-proxy": "${p.no}"}`;
  const envLine = `[Service] Environment=${env.map((e) => `"${e}"`).join(' ')}`;
  if (kind === 'rootless') {
    return (
      `${envLine} in ~/.config/systemd/user/docker.service.d/http-proxy.conf, then systemctl --user daemon-reload && systemctl --user restart docker ` +
      `(Docker 23+: ${daemonJson} in ~/.config/docker/daemon.json)` +
      (loopback ? '; a rootless engine lives in its own network namespace, so a proxy on this machine\'s 127.0.0.1 is not reachable from it: use the machine\'s LAN address' : '')
    );
  }
  const line =
    `${envLine} in /etc/systemd/system/docker.service.d/http-proxy.conf, then sudo systemctl daemon-reload && sudo systemctl restart docker ` +
    `(Docker 23+: ${daemonJson} in /etc/docker/daemon.json)`;
  return kind === 'remote' ? `on the engine's machine: ${line}` : line;
}

/** Resolvers for every container, and so for every build's RUN steps: daemon.json's `dns` (containers.conf's `dns_servers` on Podman). */
export function daemonDnsFix(kind: EngineKind, servers: string[], path: string | null = null): string {
  const list = `[${servers.map((s) => `"${s}"`).join(', ')}]`;
  if (kind === 'podman') return `dns_servers = ${list} under [containers] in containers.conf`;
  return daemonJsonFix(kind, `"dns": ${list}`, path);
}

/** The resolvers containers should get when the host's own are a stub they cannot reach (engine.dns). */
export function engineDnsFix(kind: EngineKind, upstream: string[], path: string | null): string {
  const find = upstream.length ? '' : ' (the resolvers behind the host\'s stub: resolvectl status)';
  return daemonDnsFix(kind, upstream.length ? upstream : ['<upstream-resolver-ip>'], path) + find;
}

/** The daemon.json key of a registry mirror for Docker Hub pulls. */
export const MIRROR_SETTING = '"registry-mirrors": ["https://mirror.gcr.io"]';

export function engineMtuFix(kind: EngineKind, mtu: number, path: string | null): string {
  if (kind === 'podman') return `create the build network with the path's MTU: podman network create -o mtu=${mtu} build, and build with --network build`;
  return `${daemonJsonFix(kind, `"mtu": ${mtu}`, path)} (user networks: docker network create -o com.docker.network.driver.mtu=${mtu})`;
}

/** A rootless engine's network is not this machine's: what that means and what to change. */
export function rootlessFix(kind: EngineKind): string {
  if (kind === 'podman') {
    return 'rootless Podman runs containers on pasta/slirp4netns: compare with a rootful run (sudo podman), or set the network options under [network] in ~/.config/containers/containers.conf';
  }
  return (
    'compare with a rootful engine (DOCKER_HOST=unix:///var/run/docker.sock), or change RootlessKit\'s network: ' +
    'Environment="DOCKERD_ROOTLESS_ROOTLESSKIT_NET=pasta" (or "DOCKERD_ROOTLESS_ROOTLESSKIT_MTU=1400") under [Service] in ' +
    '~/.config/systemd/user/docker.service.d/override.conf, then systemctl --user daemon-reload && systemctl --user restart docker'
  );
}

// ---------------------------------------------------------------------------
// Pulls.

export type PullProblem = 'proxy' | 'dns' | 'x509' | 'rate_limit' | 'platform' | 'denied_or_missing' | 'not_found' | 'auth' | 'network' | 'other';

/**
 * The engine's pull error, by what fixes it. Texts as dockerd words them, e.g.
 * `Get "https://registry-1.docker.io/v2/": dial tcp: lookup registry-1.docker.io on 127.0.0.53:53: no such host`,
 * `... net/http: request canceled while waiting for connection (Client.Timeout exceeded while awaiting headers)`,
 * `toomanyrequests: You have reached your pull rate limit. ...`,
 * `pull access denied for X, repository does not exist or may require 'docker login': denied: requested access to the resource is denied`,
 * `manifest for golang:1.99 not found: manifest unknown: manifest unknown`,
 * `no matching manifest for linux/arm64/v8 in the manifest list entries`.
 */
export function classifyPullError(message: string): PullProblem {
  const m = message.toLowerCase();
  if (m.includes('proxyconnect')) return 'proxy';
  if (/lookup \S+( on \S+)?: (no such host|server misbehaving|i\/o timeout|temporary failure)|no such host/.test(m)) return 'dns';
  if (/x509:|certificate signed by unknown authority|tls: failed to verify/.test(m)) return 'x509';
  if (/toomanyrequests|rate limit|429 too many requests/.test(m)) return 'rate_limit';
  if (/no matching manifest for|no supported platform/.test(m)) return 'platform';
  if (m.includes('pull access denied')) return 'denied_or_missing';
  if (/manifest unknown|name unknown|not found/.test(m)) return 'not_found';
  if (/unauthorized|authentication required|denied|403 forbidden/.test(m)) return 'auth';
  if (/dial tcp|i\/o timeout|request canceled|client\.timeout|connection refused|connection reset|network is unreachable|no route to host|tls handshake timeout|\beof\b|context deadline exceeded|timeout/.test(m)) return 'network';
  return 'other';
}

/** The registry an image reference names: its first component when that looks like a host, else Docker Hub. */
export function registryOf(image: string): string {
  const first = image.split('/')[0] ?? '';
  return image.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost') ? first : 'docker.io';
}

export interface PullFixInput {
  image: string;
  error: string;
  kind: EngineKind;
  /** The engine's HTTPS proxy ('' when none). */
  engineProxy: string;
  mirrors: string[];
  daemonJsonPath: string | null;
  /** A proxy the build or this machine uses, to suggest for the engine ('' when none). */
  proxyHint: ProxyValues | null;
}

function mirrorFix(p: PullFixInput, registry: string): string {
  if (registry !== 'docker.io') return `registry mirrors only serve Docker Hub images: ${registry} itself must be reachable from the engine`;
  if (p.mirrors.length) return `the engine's registry mirrors (${p.mirrors.join(', ')}) did not serve it either: check them`;
  if (p.kind === 'podman') {
    return 'a registry mirror: [[registry]] location = "docker.io" with [[registry.mirror]] location = "mirror.gcr.io" (or your company\'s mirror) in /etc/containers/registries.conf';
  }
  return `a registry mirror: ${daemonJsonFix(p.kind, MIRROR_SETTING, p.daemonJsonPath)} (or your company's mirror)`;
}

function proxyPart(p: PullFixInput): string | null {
  if (p.engineProxy) return `the engine's own proxy (${p.engineProxy}) did not get through: check it`;
  const hint = p.proxyHint ?? { https: 'http://<proxy-host>:<port>', http: 'http://<proxy-host>:<port>', no: 'localhost,127.0.0.1' };
  return `if this network gets out only through a proxy, the engine needs it too (it pulls, not the build): ${engineProxyFix(p.kind, hint, false)}`;
}

/** What to do about a failed pull, from the engine's own words. */
export function pullFix(p: PullFixInput): string {
  const registry = registryOf(p.image);
  const login = registry === 'docker.io' ? 'docker login' : `docker login ${registry}`;
  const pullYourself = `docker pull ${p.image} (it uses your docker login), then rerun`;
  const parts: Array<string | null> = [];
  switch (classifyPullError(p.error)) {
    case 'proxy':
      parts.push(`the engine's own proxy${p.engineProxy ? ` (${p.engineProxy})` : ''} failed: fix its address in the engine's settings`, mirrorFix(p, registry));
      break;
    case 'dns':
      parts.push(`the engine's machine cannot resolve ${registry === 'docker.io' ? 'registry-1.docker.io' : registry}: fix that machine's DNS (resolvectl status)`, proxyPart(p), mirrorFix(p, registry));
      break;
    case 'x509':
      parts.push(
        `the engine does not trust ${registry}'s certificate (TLS interception?): put the CA in /etc/docker/certs.d/${registry === 'docker.io' ? 'registry-1.docker.io' : registry}/ca.crt, ` +
          'or in the system trust store (update-ca-certificates) and restart the engine',
      );
      break;
    case 'rate_limit':
      parts.push(`Docker Hub's anonymous pull limit: ${login} (authenticated pulls have a higher limit) or ${pullYourself}`, mirrorFix(p, registry));
      break;
    case 'platform':
      parts.push(`the tag has no image for the engine's platform: pick a tag that has one (docker manifest inspect ${p.image}) or pass --platform`);
      break;
    case 'denied_or_missing':
      parts.push(`check the image name/tag (${p.image} on ${registry}); if it is private: ${login}, or ${pullYourself}`);
      break;
    case 'not_found':
      parts.push(`check the image name/tag: ${registry} has no ${p.image} (docker manifest inspect ${p.image})`);
      break;
    case 'auth':
      parts.push(`${login}, or ${pullYourself}`);
      break;
    case 'network':
      parts.push(mirrorFix(p, registry), proxyPart(p));
      break;
    default:
      parts.push(mirrorFix(p, registry), `or ${pullYourself}`);
  }
  return parts.filter((x): x is string => !!x).join('; ');
}
