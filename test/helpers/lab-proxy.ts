// The lab's fake Go module proxy (HTTP handler) and its request log.
import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import { networkInterfaces } from 'node:os';
import type { LabSumdb } from './lab-sumdb.js';
import { hash1 } from './lab-sumdb.js';
import { storedZip } from './lab-zip.js';

/** One request a lab HTTP(S) server received. */
export interface LabRequest {
  /** HTTP method. */
  method: string;
  /** The Host header as sent (may carry a port). */
  host: string;
  /** Request path with query string. */
  path: string;
  /** Local port of the server that answered (80, 443, or a fault port). */
  port: number;
}

const QUOTE_VERSIONS = ['v1.5.0', 'v1.5.1', 'v1.5.2'];
const QUOTE_TIMES: Record<string, string> = {
  'v1.5.0': '2018-02-14T00:54:53Z',
  'v1.5.1': '2018-02-14T14:44:20Z',
  'v1.5.2': '2018-02-14T15:44:20Z',
};
const QUOTE_MOD = 'module rsc.io/quote\n\nrequire rsc.io/sampler v1.3.0\n';

/** A Go vanity import served on `?go-get=1`: `prefix` (host/path) lives in the `vcs` repo at `repoUrl`. */
export interface GoImport {
  prefix: string;
  vcs: 'git';
  repoUrl: string;
}

const QUOTE_GO = `// Package quote collects pithy sayings.
package quote // import "rsc.io/quote"

// Hello returns a greeting.
func Hello() string {
	return "Hello, world."
}
`;

/** The files of the canary's module zip, under rsc.io/quote@VERSION/. */
export function quoteFiles(version: string): Record<string, string> {
  const prefix = `rsc.io/quote@${version}/`;
  return { [`${prefix}go.mod`]: QUOTE_MOD, [`${prefix}quote.go`]: QUOTE_GO, [`${prefix}LICENSE`]: 'Lab fixture, not the real rsc.io/quote.\n' };
}

/** The go.sum lines of the canary (what the lab's checksum database holds). */
export function quoteGoSum(version: string): string {
  return `rsc.io/quote ${version} ${hash1(quoteFiles(version))}\nrsc.io/quote ${version}/go.mod ${hash1({ 'go.mod': QUOTE_MOD })}\n`;
}

/** The module zip the go command downloads and verifies; `tampered` changes one byte of code. */
export function quoteZip(version: string, tampered = false): Buffer {
  const files = quoteFiles(version);
  if (tampered) files[`rsc.io/quote@${version}/quote.go`] = QUOTE_GO.replace('Hello, world.', 'Hello, world!');
  return storedZip(files);
}

// --- Behaviour prefixes -------------------------------------------------------------------
// Every lab name resolves to the gateway, so GOPROXY=https://goproxy.cn/slow (or any lab name)
// reaches this handler with the prefix first in the path. The module-proxy paths after a prefix
// (/rsc.io/quote/@v/list, ...) get that prefix's behaviour; without a prefix the proxy is healthy.

/** `/slow/`: every response waits this long before its headers (a slower but working proxy). */
export const SLOW_DELAY_MS = 600;
/** `/trickle/`: `.zip` bodies are paced at this rate, in small chunks (slow, but they finish). */
export const TRICKLE_BYTES_PER_SECOND = 200;
/** `/trickle/`: one chunk every this many ms (50-byte chunks at 200 B/s). */
export const TRICKLE_INTERVAL_MS = 250;
/** `/status/CODE/` answers CODE for every path; these are the codes tests use (any 4xx/5xx works). */
export const STATUS_PREFIX_CODES = [404, 410, 502] as const;

/** A bigger module for throughput measurement, served under the root and under every prefix. */
export const THROUGHPUT_MODULE = 'golang.org/x/text@v0.21.0';
/** Exact byte size of THROUGHPUT_MODULE's `.zip` (4 MiB). */
export const THROUGHPUT_BYTES = 4 * 1024 * 1024;
const [THROUGHPUT_PATH, THROUGHPUT_VERSION] = THROUGHPUT_MODULE.split('@') as [string, string];
const THROUGHPUT_MOD = `module ${THROUGHPUT_PATH}\n`;

/** Byte size of the canary's module zip (what a healthy proxy sends for rsc.io/quote/@v/VERSION.zip). */
export function quoteZipBytes(version: string): number {
  return quoteZip(version).length;
}

const throughputZips = new Map<boolean, Buffer>();

/**
 * THROUGHPUT_MODULE's zip: a valid module zip (go.mod, LICENSE and an ASCII filler file) of exactly
 * THROUGHPUT_BYTES, deterministic; `tampered` changes one filler byte (same size).
 */
export function throughputZip(tampered = false): Buffer {
  let zip = throughputZips.get(tampered);
  if (zip) return zip;
  const prefix = `${THROUGHPUT_MODULE}/`;
  const files = (filler: string): Record<string, string> => ({
    [`${prefix}go.mod`]: THROUGHPUT_MOD,
    [`${prefix}LICENSE`]: 'Lab fixture, not the real golang.org/x/text.\n',
    [`${prefix}filler.txt`]: filler,
  });
  // Stored entries: the zip grows byte for byte with the filler, so size it from an empty one.
  const need = THROUGHPUT_BYTES - storedZip(files('')).length;
  const line = (i: number) => `lab throughput filler line ${String(i).padStart(8, '0')}\n`; // 36 bytes
  let filler = '';
  for (let i = 0; filler.length < need; i++) filler += line(i);
  filler = filler.slice(0, need);
  if (tampered) filler = `L${filler.slice(1)}`;
  zip = storedZip(files(filler));
  if (zip.length !== THROUGHPUT_BYTES) throw new Error(`throughput zip is ${zip.length} bytes`);
  throughputZips.set(tampered, zip);
  return zip;
}

/** A module the fake proxy holds: its versions, their times, go.mod and zip. */
interface FixtureModule {
  versions: string[];
  times: Record<string, string>;
  mod: string;
  zip(version: string, tampered: boolean): Buffer;
}

const MODULES: Record<string, FixtureModule> = {
  'rsc.io/quote': { versions: QUOTE_VERSIONS, times: QUOTE_TIMES, mod: QUOTE_MOD, zip: quoteZip },
  [THROUGHPUT_PATH]: {
    versions: [THROUGHPUT_VERSION],
    times: { [THROUGHPUT_VERSION]: '2024-12-04T18:43:46Z' },
    mod: THROUGHPUT_MOD,
    zip: (_v, tampered) => throughputZip(tampered),
  },
};

/** What the handler sends: status, content type, body; `zip` marks a module zip (paced by /hang/, /trickle/). */
interface Reply {
  status: number;
  type: string;
  body: string | Buffer;
  zip?: boolean;
}

const TEXT = 'text/plain; charset=utf-8';
const ok = (type: string, body: string | Buffer, zip = false): Reply => ({ status: 200, type, body, zip });
const NOT_FOUND: Reply = { status: 404, type: TEXT, body: 'not found' };

/** A proxy behaviour selected by the first path segment(s). */
type Mode =
  | { kind: 'root' } // healthy; /sumdb/... is 404 so the go command asks the checksum database directly
  | { kind: 'corrupt' } // zips whose content does not match their checksum
  | { kind: 'empty' } // 404 for everything
  | { kind: 'slow' } // SLOW_DELAY_MS before every response
  | { kind: 'hang' } // .zip: headers, then never a body byte
  | { kind: 'trickle' } // .zip: TRICKLE_BYTES_PER_SECOND
  | { kind: 'mirror' } // healthy, and proxies the lab checksum database (/sumdb/NAME/...)
  | { kind: 'status'; code: number } // CODE for everything
  | { kind: 'escape' } // 200 with terminal escape sequences in the body (a hostile server)
  | { kind: 'hostonly' }; // healthy for this machine's own address, 403 for any other source (an allowlist by address)

const PREFIX_RE = /^\/(corrupt|empty|slow|hang|trickle|mirror|escape|hostonly|status\/([45]\d\d))(\/.*)?$/;

/** What /escape/ answers: a title change, a screen clear, colours and a fake prompt. */
export const HOSTILE_BODY = '\u001b]0;owned\u0007\u001b[2J\u001b[31mv9.9.9 \u001b[1A\u001b[Kall good\r\nroot# \n';

/** This machine's own interface addresses (a container's are in its own network namespace). */
function ownAddresses(): Set<string> {
  return new Set(Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((i) => i.address)));
}

/** Split a request path into its behaviour and the module-proxy path after the prefix. */
function splitPrefix(pathname: string): { mode: Mode; path: string } {
  const m = PREFIX_RE.exec(pathname);
  if (!m) return { mode: { kind: 'root' }, path: pathname };
  const path = m[3] ?? '/';
  if (m[2]) return { mode: { kind: 'status', code: Number(m[2]) }, path };
  return { mode: { kind: m[1] as Exclude<Mode['kind'], 'root' | 'status'> }, path };
}

/** A module-proxy file (`/MODULE/@v/list`, `/@latest`, `/@v/VERSION.info|mod|zip`), or undefined. */
function moduleFile(path: string, tampered: boolean): Reply | undefined {
  const json = (v: string, mod: FixtureModule) => ok('application/json', JSON.stringify({ Version: v, Time: mod.times[v] }));
  if (path === '/') return ok(TEXT, 'ok');
  const top = /^\/(.+)\/@(v\/list|latest)$/.exec(path);
  if (top) {
    const mod = MODULES[top[1]!];
    if (!mod) return undefined;
    return top[2] === 'latest' ? json(mod.versions.at(-1)!, mod) : ok(TEXT, mod.versions.map((v) => `${v}\n`).join(''));
  }
  const file = /^\/(.+)\/@v\/([^/]+)\.(info|mod|zip)$/.exec(path);
  const mod = file && MODULES[file[1]!];
  if (!file || !mod || !mod.versions.includes(file[2]!)) return undefined;
  if (file[3] === 'zip') return ok('application/zip', mod.zip(file[2]!, tampered), true);
  return file[3] === 'info' ? json(file[2]!, mod) : ok(TEXT, mod.mod);
}

/** The checksum-database proxy protocol under a mirror: /sumdb/NAME/supported, /lookup/..., /tile/... */
function sumdbProxy(path: string, sumdb: LabSumdb | undefined): Reply {
  const m = /^\/sumdb\/([^/]+)(\/.*)$/.exec(path);
  if (!m || !sumdb || m[1] !== sumdb.name) return NOT_FOUND;
  if (m[2] === '/supported') return ok(TEXT, '');
  const body = sumdb.route(m[2]!);
  return body ? ok(TEXT, body) : NOT_FOUND;
}

/** The reply for a module-proxy request path in the given mode (before any pacing). */
function route(mode: Mode, path: string, sumdb: LabSumdb | undefined): Reply {
  switch (mode.kind) {
    case 'empty':
      return NOT_FOUND;
    case 'escape':
      return ok(TEXT, HOSTILE_BODY);
    case 'status': {
      // Short text bodies, like the real proxies': "not found: ...", "gone: ...", "bad gateway: ...".
      const reason = (STATUS_CODES[mode.code] ?? 'error').toLowerCase();
      return { status: mode.code, type: TEXT, body: `${reason}: ${path.slice(1)}\n` };
    }
    case 'mirror':
      if (path.startsWith('/sumdb/')) return sumdbProxy(path, sumdb);
      break;
    default:
      break;
  }
  return moduleFile(path, mode.kind === 'corrupt') ?? NOT_FOUND;
}

/** The go-get=1 discovery page for `host` + `path` (the path itself or below a prefix), if any. */
function goGetPage(imports: GoImport[], host: string, path: string): string | undefined {
  const importPath = `${host.replace(/:\d+$/, '')}${path}`.replace(/\/$/, '');
  const hit = imports.find((i) => importPath === i.prefix || importPath.startsWith(`${i.prefix}/`));
  if (!hit) return undefined;
  const meta = `<meta name="go-import" content="${hit.prefix} ${hit.vcs} ${hit.repoUrl}">`;
  return `<!DOCTYPE html>\n<html><head>${meta}</head><body>go get ${hit.prefix}</body></html>\n`;
}

/** Send `reply`; `pace` holds back a module zip's body: 'hang' never sends it, 'trickle' drips it. */
function send(req: IncomingMessage, res: ServerResponse, reply: Reply, pace: 'now' | 'hang' | 'trickle'): void {
  const body = typeof reply.body === 'string' ? Buffer.from(reply.body) : reply.body;
  res.writeHead(reply.status, { 'content-type': reply.type, 'content-length': body.length });
  if (req.method === 'HEAD') return void res.end();
  if (!reply.zip || reply.status !== 200 || pace === 'now') return void res.end(body);
  if (pace === 'hang') return void res.flushHeaders(); // the socket stays open until the client or lab.stop() closes it
  const chunk = Math.max(1, Math.round((TRICKLE_BYTES_PER_SECOND * TRICKLE_INTERVAL_MS) / 1000));
  let sent = 0;
  let timer: NodeJS.Timeout | undefined;
  res.on('close', () => clearTimeout(timer));
  const drip = (): void => {
    const part = body.subarray(sent, sent + chunk);
    sent += part.length;
    if (sent >= body.length) return void res.end(part);
    res.write(part);
    timer = setTimeout(drip, TRICKLE_INTERVAL_MS);
  };
  drip();
}

/**
 * A request handler serving the fake proxy (and go-get=1 pages for `goImports`, and the checksum
 * database `sumdb` on its own host), logging each request into `log`. Module-proxy paths may carry
 * a behaviour prefix: /corrupt/, /empty, /slow/, /hang/, /trickle/, /mirror/, /escape/, /hostonly/, /status/CODE/.
 */
export function proxyHandler(log: LabRequest[], goImports: GoImport[] = [], sumdb?: LabSumdb) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const path = req.url ?? '/';
    log.push({ method: req.method ?? '', host: req.headers.host ?? '', path, port: req.socket.localPort ?? 0 });
    const [pathname, query = ''] = path.split('?') as [string, string?];
    const page = new URLSearchParams(query).get('go-get') === '1' ? goGetPage(goImports, req.headers.host ?? '', pathname) : undefined;
    if (page !== undefined) return send(req, res, ok('text/html; charset=utf-8', page), 'now');
    const host = (req.headers.host ?? '').replace(/:\d+$/, '');
    const sum = sumdb && host === sumdb.name ? sumdb.route(pathname) : undefined;
    if (sum) return send(req, res, ok(TEXT, sum), 'now');

    const { mode, path: rest } = splitPrefix(pathname);
    // This machine connects from one of its own addresses; a container, from its network namespace's.
    const source = (req.socket.remoteAddress ?? '').replace(/^::ffff:/, '');
    if (mode.kind === 'hostonly' && !ownAddresses().has(source)) {
      return send(req, res, { status: 403, type: TEXT, body: `forbidden: ${source} is not on the allowlist\n` }, 'now');
    }
    const reply = route(mode, rest, sumdb);
    const pace = mode.kind === 'hang' || mode.kind === 'trickle' ? mode.kind : 'now';
    if (mode.kind !== 'slow') return send(req, res, reply, pace);
    const timer = setTimeout(() => send(req, res, reply, pace), SLOW_DELAY_MS);
    res.on('close', () => clearTimeout(timer)); // the client gave up, or lab.stop() closed the socket
  };
}
