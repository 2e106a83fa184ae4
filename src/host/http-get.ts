/**
 * The module-proxy GET from the host, as the go command on the host makes it: its proxy
 * (HTTPS_PROXY/NO_PROXY by Go's rules), CONNECT through it, its CA roots, credentials from
 * the URLs. Settles on the response headers; every failure becomes evidence.
 */
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';
import { goProxyFor } from '../go/http-proxy.js';
import type { HostHttpEvidence } from '../model.js';
import { redactUrl } from '../secrets.js';
import { bare, codeOf, destroyOnAbort, since, textOf, TIMED_OUT, within } from './bounded.js';
import { type Env, isCertError } from './readings.js';

/** A failure whose outcome is already known (407, a refused proxy, a rejected certificate). */
class HttpFailure extends Error {
  constructor(
    readonly outcome: HostHttpEvidence['outcome'],
    message: string,
    readonly status: number | null = null,
  ) {
    super(message);
  }
}

interface Answer {
  status: number;
  statusText: string;
}

/** Send `req` and settle on its response headers; the body is not needed. */
function answerOf(req: http.ClientRequest): Promise<Answer> {
  return new Promise((resolve, reject) => {
    req.on('error', reject);
    req.once('response', (res) => {
      resolve({ status: res.statusCode ?? 0, statusText: res.statusMessage ?? '' });
      res.destroy();
    });
    req.end();
  });
}

/** "Basic ..." from a URL's user:password, as Go sets (Proxy-)Authorization from it. */
function basicAuth(url: URL): string | null {
  if (!url.username && !url.password) return null;
  const credentials = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
  return `Basic ${Buffer.from(credentials).toString('base64')}`;
}

/** Reaching the proxy failed at all: Go's "proxyconnect tcp: ..." (curl's 5 and 7 in the container). */
const PROXY_UNREACHABLE = ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH'];

async function viaProxy(target: URL, proxy: URL, secureContext: tls.SecureContext, signal: AbortSignal): Promise<Answer> {
  if (proxy.protocol !== 'http:' && proxy.protocol !== 'https:') {
    throw new HttpFailure('error', `${proxy.protocol.slice(0, -1)} proxies are not probed from the host`);
  }
  const toProxy = {
    host: bare(proxy.hostname),
    port: Number(proxy.port) || (proxy.protocol === 'https:' ? 443 : 80),
    agent: false as const,
    signal,
    ...(proxy.protocol === 'https:' ? { secureContext } : {}),
  };
  const proxyAuth = basicAuth(proxy);
  const send = (options: https.RequestOptions) => (proxy.protocol === 'https:' ? https : http).request(options);
  const proxyFailure = (err: unknown) =>
    PROXY_UNREACHABLE.includes(codeOf(err)) ? new HttpFailure('proxy_refused', `proxy: ${textOf(err)}`) : err;

  if (target.protocol === 'http:') {
    // Plain HTTP: the proxy gets the absolute URI.
    const targetAuth = basicAuth(target);
    const headers = { Host: target.host, ...(proxyAuth ? { 'Proxy-Authorization': proxyAuth } : {}), ...(targetAuth ? { Authorization: targetAuth } : {}) };
    const answer = await answerOf(send({ ...toProxy, method: 'GET', path: target.href, headers })).catch((err) => Promise.reject(proxyFailure(err)));
    if (answer.status === 407) throw new HttpFailure('proxy_auth', 'proxy answered 407 Proxy Authentication Required', 407);
    return answer;
  }

  // HTTPS: CONNECT host:port, then TLS to the origin inside the tunnel.
  const authority = `${target.hostname}:${target.port || 443}`;
  const tunnel = await new Promise<net.Socket>((resolve, reject) => {
    const req = send({ ...toProxy, method: 'CONNECT', path: authority, headers: { Host: authority, ...(proxyAuth ? { 'Proxy-Authorization': proxyAuth } : {}) } });
    req.on('error', (err) => reject(proxyFailure(err)));
    req.once('connect', (res, socket) => {
      socket.on('error', reject);
      destroyOnAbort(signal, socket);
      if (res.statusCode === 200) return resolve(socket); // Go accepts exactly 200
      socket.destroy();
      if (res.statusCode === 407) reject(new HttpFailure('proxy_auth', 'proxy answered 407 Proxy Authentication Required', 407));
      else reject(new HttpFailure('error', `proxy answered CONNECT with ${res.statusCode} ${res.statusMessage ?? ''}`.trim()));
    });
    req.end();
  });
  const host = bare(target.hostname);
  const secured = await new Promise<tls.TLSSocket>((resolve, reject) => {
    const socket = tls.connect({ socket: tunnel, host, servername: net.isIP(host) ? undefined : host, secureContext });
    destroyOnAbort(signal, socket);
    socket.on('error', (err) => reject(isCertError(codeOf(err)) ? new HttpFailure('tls_error', textOf(err)) : err));
    socket.once('secureConnect', () => resolve(socket));
  });
  const targetAuth = basicAuth(target);
  const headers = { Host: target.host, ...(targetAuth ? { Authorization: targetAuth } : {}) };
  return answerOf(http.request({ method: 'GET', host, path: `${target.pathname}${target.search}`, headers, createConnection: () => secured, signal }));
}

function direct(target: URL, secureContext: tls.SecureContext, signal: AbortSignal): Promise<Answer> {
  // Verification on, with the host's roots: this is the request the go command makes.
  // (https passes secureContext on to tls.connect; its RequestOptions type omits it.)
  const tlsOptions: https.RequestOptions & { secureContext: tls.SecureContext } = { agent: false, secureContext, signal };
  const req = target.protocol === 'https:' ? https.request(target, tlsOptions) : http.request(target, { agent: false, signal });
  return answerOf(req);
}

/** The proxy the go command on the host would use, or null (also when the URL cannot be parsed: the GET then says why). */
export function hostProxyFor(url: string, env: Env): string | null {
  try {
    return goProxyFor(url, env);
  } catch {
    return null;
  }
}

export async function httpStep(url: string, proxy: string | null, ms: number, secureContext: tls.SecureContext): Promise<HostHttpEvidence> {
  const base = { url, proxy: proxy === null ? null : redactUrl(proxy) };
  const t0 = performance.now();
  try {
    const target = new URL(url);
    const answer = await within(ms, (signal) => (proxy ? viaProxy(target, new URL(proxy), secureContext, signal) : direct(target, secureContext, signal)));
    if (answer === TIMED_OUT) return { ...base, outcome: 'timeout', status: null, ms: since(t0), message: `no response within ${ms} ms` };
    return { ...base, outcome: 'response', status: answer.status, ms: since(t0), message: `${answer.status} ${answer.statusText}`.trim() };
  } catch (err) {
    if (err instanceof HttpFailure) return { ...base, outcome: err.outcome, status: err.status, ms: since(t0), message: err.message };
    return { ...base, outcome: isCertError(codeOf(err)) ? 'tls_error' : 'error', status: null, ms: since(t0), message: textOf(err) };
  }
}
