/**
 * The docker client's config.json `proxies`, injected into the probe the way the
 * docker CLI injects them into `docker run` and `docker build`
 * (docker/cli cli/config/configfile/file.go, ParseProxyConfig): the entry keyed by
 * the engine's host, else `default`; each of HTTP_PROXY, HTTPS_PROXY, NO_PROXY,
 * FTP_PROXY, ALL_PROXY in both cases, unless the user already set that name with -e.
 * Pure, except `dockerConfigPath`, which only computes a path.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';

interface ProxyConfig {
  httpProxy?: string;
  httpsProxy?: string;
  noProxy?: string;
  ftpProxy?: string;
  allProxy?: string;
}

const FIELDS: Array<[keyof ProxyConfig, string]> = [
  ['httpProxy', 'HTTP_PROXY'],
  ['httpsProxy', 'HTTPS_PROXY'],
  ['noProxy', 'NO_PROXY'],
  ['ftpProxy', 'FTP_PROXY'],
  ['allProxy', 'ALL_PROXY'],
];

/** Where the docker CLI keeps config.json: $DOCKER_CONFIG, else ~/.docker. */
export function dockerConfigPath(env: Readonly<Record<string, string | undefined>>): string {
  return join(env.DOCKER_CONFIG || join(homedir(), '.docker'), 'config.json');
}

export interface ConfigProxyEnv {
  /** KEY=VALUE entries to add before the user's -e values. */
  env: string[];
  /** The proxies key used: the engine host or `default`. */
  key: string;
}

/**
 * The variables the docker CLI would add for `host` (e.g. unix:///var/run/docker.sock).
 * Returns null when config.json has no usable proxies. Throws on JSON that does not parse.
 */
export function configProxyEnv(configText: string, host: string, userEnv: string[]): ConfigProxyEnv | null {
  const parsed = JSON.parse(configText) as { proxies?: Record<string, ProxyConfig> } | null;
  const proxies = parsed && typeof parsed === 'object' ? parsed.proxies : undefined;
  if (!proxies || typeof proxies !== 'object') return null;
  const key = host in proxies ? host : 'default';
  const config = proxies[key];
  if (!config || typeof config !== 'object') return null;
  const taken = new Set(userEnv.map((e) => e.slice(0, Math.max(0, e.indexOf('=')))));
  const env: string[] = [];
  for (const [field, name] of FIELDS) {
    const value = config[field];
    if (typeof value !== 'string' || value === '') continue;
    for (const n of [name, name.toLowerCase()]) if (!taken.has(n)) env.push(`${n}=${value}`);
  }
  return env.length ? { env, key } : null;
}
