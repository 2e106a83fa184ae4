// The lab's fake Go module proxy (HTTP handler) and its request log.
import type { IncomingMessage, ServerResponse } from 'node:http';
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

const info = (v: string): string => JSON.stringify({ Version: v, Time: QUOTE_TIMES[v] });

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

/** Body for a module-proxy path, or undefined for 404. Only rsc.io/quote exists. */
function route(path: string): { type: string; body: string | Buffer } | undefined {
  const text = (body: string) => ({ type: 'text/plain; charset=utf-8', body });
  // A proxy at /corrupt serves a zip whose content does not match its checksum.
  const corrupt = /^\/corrupt\/rsc\.io\/quote\/@v\/(v[0-9.]+)\.zip$/.exec(path);
  if (corrupt && QUOTE_VERSIONS.includes(corrupt[1]!)) return { type: 'application/zip', body: quoteZip(corrupt[1]!, true) };
  if (path.startsWith('/corrupt/')) path = path.slice('/corrupt'.length);
  const json = (body: string) => ({ type: 'application/json', body });
  if (path === '/') return text('ok');
  if (path === '/rsc.io/quote/@v/list') return text(QUOTE_VERSIONS.map((v) => `${v}\n`).join(''));
  if (path === '/rsc.io/quote/@latest') return json(info('v1.5.2'));
  const m = /^\/rsc\.io\/quote\/@v\/(v[0-9.]+)\.(info|mod|zip)$/.exec(path);
  if (m && QUOTE_VERSIONS.includes(m[1]!)) {
    if (m[2] === 'zip') return { type: 'application/zip', body: quoteZip(m[1]!) };
    return m[2] === 'info' ? json(info(m[1]!)) : text(QUOTE_MOD);
  }
  return undefined;
}

/** The go-get=1 discovery page for `host` + `path` (the path itself or below a prefix), if any. */
function goGetPage(imports: GoImport[], host: string, path: string): string | undefined {
  const importPath = `${host.replace(/:\d+$/, '')}${path}`.replace(/\/$/, '');
  const hit = imports.find((i) => importPath === i.prefix || importPath.startsWith(`${i.prefix}/`));
  if (!hit) return undefined;
  const meta = `<meta name="go-import" content="${hit.prefix} ${hit.vcs} ${hit.repoUrl}">`;
  return `<!DOCTYPE html>\n<html><head>${meta}</head><body>go get ${hit.prefix}</body></html>\n`;
}

/** A request handler serving the fake proxy (and go-get=1 pages for `goImports`), logging each request into `log`. */
export function proxyHandler(log: LabRequest[], goImports: GoImport[] = [], sumdb?: LabSumdb) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const path = req.url ?? '/';
    log.push({ method: req.method ?? '', host: req.headers.host ?? '', path, port: req.socket.localPort ?? 0 });
    const [pathname, query = ''] = path.split('?') as [string, string?];
    const page = new URLSearchParams(query).get('go-get') === '1' ? goGetPage(goImports, req.headers.host ?? '', pathname) : undefined;
    const host = (req.headers.host ?? '').replace(/:\d+$/, '');
    const sum = sumdb && host === sumdb.name ? sumdb.route(pathname) : undefined;
    const hit = page !== undefined ? { type: 'text/html; charset=utf-8', body: page } : sum ? { type: 'text/plain; charset=utf-8', body: sum } : route(pathname);
    const body = hit?.body ?? 'not found';
    res.writeHead(hit ? 200 : 404, {
      'content-type': hit?.type ?? 'text/plain; charset=utf-8',
      'content-length': Buffer.byteLength(body),
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  };
}
