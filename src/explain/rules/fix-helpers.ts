/** Small pure builders shared by the families' fixes: values picked out of the log, and lines joined. */
import type { FixContext } from './types.js';
import { engineProxyFix as engineProxySetting, type ProxyValues } from '../../../checks/engine-fixes.js';

const MODULE = /(?:^|[\s'"(])([a-z0-9][-a-z0-9.]*\.[a-z]{2,}(?:\/[-A-Za-z0-9_.~!+]+)+)@v\d/;
const URL_HOST = /https?:\/\/(?:[^\s/@'"]*@)?([^\s/:'"?]+)/;
const CODE_HOSTS = /^(?:github\.com|gitlab\.com|bitbucket\.org|gitee\.com|dev\.azure\.com)$/;

/** proxy.golang.org paths escape upper case as `!x`. */
export function unescapeModule(path: string): string {
  return path.replace(/!([a-z])/g, (_m, c: string) => c.toUpperCase());
}

/** The first module path (`host/path@vX`) on the hit line or just before it. */
export function moduleNear(m: RegExpExecArray, ctx: FixContext): string | null {
  for (const line of [m.input, ...[...ctx.near].reverse()]) {
    const hit = MODULE.exec(line);
    if (hit) return unescapeModule(hit[1]!);
  }
  return null;
}

/** The whitespace-separated word just before the match, without its trailing colon (`open /src/go.mod:` → `/src/go.mod`). */
export function wordBefore(m: RegExpExecArray): string {
  const before = m.input.slice(0, m.index).trimEnd();
  return before.slice(before.lastIndexOf(' ') + 1).replace(/:$/, '');
}

export function hostIn(text: string): string | null {
  return URL_HOST.exec(text)?.[1] ?? null;
}

/** A GOPRIVATE pattern for a module: the organisation on shared code hosts, else the whole host. */
export function goprivateFor(modulePath: string): string {
  const [host, org] = modulePath.split('/');
  return CODE_HOSTS.test(host!) && org ? `${host}/${org}/*` : `${host}/*`;
}

/** `1.25.0` → `1.25` (the golang image tag that carries it). */
export function minorOf(version: string): string {
  const v = /^(?:go)?(\d+)\.(\d+)/.exec(version);
  return v ? `${v[1]}.${v[2]}` : version;
}

export const lines = (...xs: Array<string | false | null | undefined>) => xs.filter(Boolean).join('\n');

export function netrcFix(host: string, modulePath: string | null): string {
  return lines(
    modulePath && `ENV GOPRIVATE=${goprivateFor(modulePath)}`,
    `RUN --mount=type=secret,id=netrc,target=/root/.netrc go mod download`,
    `docker build --secret id=netrc,src=$HOME/.netrc .   # .netrc: machine ${host} login <user> password <token>`,
    `(as a non-root USER: target=/home/<user>/.netrc). If the repository is public, check the import path first: a typo asks for credentials too.`,
  );
}

/** Patterns that say the connection itself failed (used inside lookaheads). */
export const NET_ERR = String.raw`(?:dial tcp|i/o timeout|connection refused|no such host|server misbehaving|TLS handshake timeout|connection reset|network is unreachable|no route to host|Client\.Timeout exceeded)`;

/** A line about the engine talking to a registry (a pull, the FROM image, a push), not a RUN step. */
export const REGISTRY = String.raw`(?:https?://[^\s"/]+/v2/|auth\.docker\.io/token|Error response from daemon|failed to resolve source metadata|load metadata for|error pulling image|error pinging docker registry|resolve image config for)`;
export const REGISTRY_LINE = new RegExp(REGISTRY);

/** The proxy the fixes show where the log names none. */
export const EXAMPLE_PROXY: ProxyValues = { https: 'http://proxy.corp.example:3128', http: 'http://proxy.corp.example:3128', no: 'localhost,127.0.0.1' };

/** What to change when the engine itself (not the build's RUN steps) uses a proxy: the checks' wording, for a plain dockerd and Docker Desktop. */
export function engineProxyFix(): string {
  return lines(
    `this is the engine's own proxy (it pulls the FROM image, not a RUN step): Linux: ${engineProxySetting('docker', EXAMPLE_PROXY, false)}`,
    `${engineProxySetting('desktop', EXAMPLE_PROXY, false)}: an http:// URL with a host and port, or switch the manual proxy off`,
  );
}
