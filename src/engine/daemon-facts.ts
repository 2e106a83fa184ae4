/**
 * The engine's own settings as EngineEvidence: what /info, /version, /_ping and the default
 * bridge network say, the daemon.json a local engine reads, and this machine's default route.
 * `engineFactsFrom` is pure and never throws on missing or garbled fields; the small edge
 * functions below gather its inputs without dockerode (the lead's docker.ts makes the API calls).
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { parseIpRouteGet } from '../host/readings.js';
import type { EngineEvidence } from '../model.js';
import { redactUrl } from '../secrets.js';
import type { EndpointIo, EngineEndpoint } from './endpoint.js';

export interface RawEngineFacts {
  /** GET /info (docker.info()). */
  info: unknown;
  /** GET /version (docker.version()). */
  version: unknown;
  /** The Builder-Version header of GET /_ping (pingBuilderVersion). */
  pingBuilderVersion: string | null;
  /** GET /networks/bridge (docker.getNetwork('bridge').inspect()); null when it failed. */
  bridgeNetwork: unknown;
  daemonJson: { path: string; text: string } | null;
  hostRoute: { device: string | null; mtu: number | null } | null;
}

type Json = Record<string, unknown>;

const obj = (v: unknown): Json => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string' && x !== '') : []);

/** Docker lists `name=rootless` among SecurityOptions when it runs rootless; Podman's compat /info does the same. */
export function isRootless(info: unknown): boolean {
  return strings(obj(info).SecurityOptions).some((o) => o.split(',').some((f) => f === 'name=rootless' || f === 'rootless'));
}

/**
 * Version, API version and product from GET /version. Podman names its component
 * "Podman Engine"; Docker's Platform.Name is "Docker Engine - Community", "Docker Desktop 4.x (…)"
 * or empty for distribution builds, whose component is plain "Engine".
 */
export function engineVersionFrom(version: unknown): { version: string | null; apiVersion: string | null; product: string | null } {
  const v = obj(version);
  const components = Array.isArray(v.Components) ? v.Components.map(obj) : [];
  const podman = components.find((c) => /podman/i.test(str(c.Name)));
  const platform = str(obj(v.Platform).Name);
  let product: string | null = null;
  if (podman) product = str(podman.Name);
  else if (platform && !platform.includes('/')) product = platform; // Podman's is "linux/amd64/fedora-40"
  else if (components.some((c) => str(c.Name) === 'Engine')) product = 'Docker Engine';
  return { version: str(v.Version) || null, apiVersion: str(v.ApiVersion) || null, product };
}

/** The default bridge's MTU: its driver option, else Docker's default 1500; null when the network could not be read. */
export function bridgeMtuOf(network: unknown): number | null {
  const n = obj(network);
  if (!('Options' in n) && !('Name' in n) && !('Id' in n)) return null; // not a network inspect
  const raw = obj(n.Options)['com.docker.network.driver.mtu'];
  if (raw === undefined || raw === '') return 1500;
  const mtu = Number(raw);
  return Number.isInteger(mtu) && mtu > 0 ? mtu : null;
}

/** `dns` of a daemon.json text: the list, [] when the file has none (or is empty), null when it does not parse. */
export function daemonDnsOf(text: string): string[] | null {
  if (!text.trim()) return [];
  try {
    const parsed: unknown = JSON.parse(text);
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return null;
    return strings((parsed as Json).dns);
  } catch {
    return null; // dockerd refuses a daemon.json that does not parse, so this one is not what it runs with
  }
}

export function engineFactsFrom(raw: RawEngineFacts, endpoint: EngineEndpoint): EngineEvidence {
  const info = obj(raw.info);
  return {
    endpointSource: endpoint.source,
    context: endpoint.context,
    tls: endpoint.tls,
    product: engineVersionFrom(raw.version).product,
    rootless: isRootless(raw.info),
    // dockerd masks proxy passwords itself (xxxxx); redact again in case an engine does not.
    proxies: { http: redactUrl(str(info.HttpProxy)), https: redactUrl(str(info.HttpsProxy)), no: str(info.NoProxy) },
    registryMirrors: strings(obj(info.RegistryConfig).Mirrors),
    bridgeMtu: bridgeMtuOf(raw.bridgeNetwork),
    hostRouteMtu: raw.hostRoute?.mtu ?? null,
    hostRouteDevice: raw.hostRoute?.device ?? null,
    daemonDns: raw.daemonJson ? daemonDnsOf(raw.daemonJson.text) : null,
    daemonConfigPath: raw.daemonJson?.path ?? null,
    builderVersion: raw.pingBuilderVersion || null,
  };
}

// ---------------------------------------------------------------------------
// Edges: gather the raw inputs.

/** Sockets whose engine runs on this machine with the stock config path (not Docker Desktop's VM, not a forwarded socket). */
function localSocket(endpoint: EngineEndpoint, io: EndpointIo): boolean {
  const path = endpoint.endpoint.startsWith('unix://') ? endpoint.endpoint.slice(7) : null;
  if (!path || endpoint.source === 'podman') return false; // Podman reads containers.conf, not daemon.json
  const runtime = io.env.XDG_RUNTIME_DIR;
  return path === '/var/run/docker.sock' || path === '/run/docker.sock' || (!!runtime && path === join(runtime, 'docker.sock'));
}

/** Where the engine's daemon.json is: rootless → $XDG_CONFIG_HOME/docker (or ~/.config/docker), else /etc/docker. Null for remote and Podman engines. */
export function daemonJsonPath(endpoint: EngineEndpoint, rootless: boolean, io: EndpointIo): string | null {
  if (!localSocket(endpoint, io)) return null;
  if (!rootless) return '/etc/docker/daemon.json';
  return join(io.env.XDG_CONFIG_HOME || join(io.homedir, '.config'), 'docker', 'daemon.json');
}

/**
 * The daemon.json a local engine reads. A missing file is `text: ''` (the engine runs on defaults:
 * known, not unknown); an unreadable one (0600 root-owned, doctor not root) is null. dockerd's
 * --config-file and --dns flags are not visible from here.
 */
export function readDaemonJson(endpoint: EngineEndpoint, rootless: boolean, io: EndpointIo): { path: string; text: string } | null {
  const path = daemonJsonPath(endpoint, rootless, io);
  if (!path) return null;
  if (!io.exists(path)) return { path, text: '' };
  try {
    return { path, text: io.readFile(path) };
  } catch {
    return null;
  }
}

/** `ip -j route show default`: the preferred default route (lowest metric) as device and route MTU. */
export function parseDefaultRoute(json: string): { device: string | null; mtu: number | null } | null {
  let routes: unknown;
  try {
    routes = JSON.parse(json);
  } catch {
    return null;
  }
  if (!Array.isArray(routes) || routes.length === 0) return null;
  const metric = (r: unknown) => (typeof obj(r).metric === 'number' ? (obj(r).metric as number) : 0);
  const best = [...routes].sort((a, b) => metric(a) - metric(b))[0];
  const route = parseIpRouteGet(JSON.stringify([best])); // same shape as `ip -j route get`
  return route ? { device: route.device, mtu: route.mtu } : null;
}

/** `ip -j link show DEV`: the device's MTU. */
export function parseLinkMtu(json: string): number | null {
  try {
    const mtu = obj((JSON.parse(json) as unknown[])[0]).mtu;
    return typeof mtu === 'number' && mtu > 0 ? mtu : null;
  } catch {
    return null;
  }
}

const IP_COMMANDS = ['ip', '/usr/sbin/ip', '/sbin/ip'];

function ip(args: string[], ms: number, commands = IP_COMMANDS): Promise<string | null> {
  const [command, ...rest] = commands;
  if (!command || ms <= 0) return Promise.resolve(null);
  return new Promise((resolve) => {
    execFile(command, args, { timeout: ms }, (err, stdout) => {
      if ((err as NodeJS.ErrnoException | null)?.code === 'ENOENT') resolve(ip(args, ms, rest));
      else resolve(err ? null : stdout);
    });
  });
}

/**
 * This machine's route to the internet: the default route's device and its MTU (the route's
 * own mtu metric, else the device's). Reads the kernel's tables only: no packet is sent.
 * Null on any failure, within `ms` in all.
 */
export async function hostRouteMtu(ms = 2000): Promise<{ device: string | null; mtu: number | null } | null> {
  const deadline = Date.now() + ms;
  const routeText = await ip(['-j', 'route', 'show', 'default'], ms);
  const route = routeText === null ? null : parseDefaultRoute(routeText);
  if (!route) return null;
  if (route.mtu !== null || !route.device || !/^[\w.@:-]+$/.test(route.device)) return route;
  // The device's MTU from /sys (a file read, where `ip link show` was a second process).
  const sysMtu = Number((await readFile(`/sys/class/net/${route.device}/mtu`, 'utf8').catch(() => '')).trim()) || null;
  if (sysMtu !== null) return { device: route.device, mtu: sysMtu };
  const linkText = await ip(['-j', 'link', 'show', 'dev', route.device], deadline - Date.now());
  return { device: route.device, mtu: linkText === null ? null : parseLinkMtu(linkText) };
}

/** The part of a docker-modem instance pingBuilderVersion uses (`docker.modem`). */
export interface DialModem {
  dial(options: Record<string, unknown>, callback: (err: unknown, result: unknown) => void): void;
}

/**
 * The Builder-Version header of GET /_ping ("2" BuildKit, "1" classic), which dockerode's
 * ping() drops: a streamed dial hands back the response itself. Null when absent or on error.
 */
export function pingBuilderVersion(modem: DialModem, ms = 5000, cancel?: AbortSignal): Promise<string | null> {
  return new Promise((resolve) => {
    const abort = new AbortController();
    const timer = setTimeout(() => {
      abort.abort();
      resolve(null);
    }, ms);
    const done = (value: string | null) => {
      clearTimeout(timer);
      resolve(value);
    };
    cancel?.addEventListener('abort', () => (abort.abort(), done(null)), { once: true });
    try {
      modem.dial({ path: '/_ping', method: 'GET', isStream: true, statusCodes: { 200: true }, abortSignal: abort.signal }, (err, res) => {
        if (err || !res) return done(null);
        const message = res as IncomingMessage;
        const header = message.headers?.['builder-version'];
        message.resume?.(); // drain the "OK" body so the socket is released
        done(typeof header === 'string' && header ? header : null);
      });
    } catch {
      done(null);
    }
  });
}
