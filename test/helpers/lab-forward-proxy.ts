// The lab's HTTP forward proxies (like squid): CONNECT tunnels for https URLs and absolute-URI
// requests for http URLs. Every upstream connection goes to the lab gateway, whatever was asked.
import http from 'node:http';
import net from 'node:net';
import type { Duplex } from 'node:stream';

/** Credentials the auth proxy accepts (`Proxy-Authorization: Basic`). */
export const PROXY_USER = 'proxyuser';
export const PROXY_PASSWORD = 'proxy-s3cret-pw';

/** One request a lab forward proxy received, with what it answered. */
export interface ProxyRequest {
  /** Which lab proxy answered it. */
  proxy: 'forward' | 'auth';
  /** `CONNECT`, or the method of an absolute-URI request. */
  method: string;
  /** The target as the client asked for it, `host:port` (the proxy always connects to the gateway instead). */
  target: string;
  /** 200 for an established tunnel, the upstream status for a forwarded request, else the proxy's own refusal (400, 403, 407, 502). */
  status: number;
}

export interface ForwardProxyOptions {
  proxy: ProxyRequest['proxy'];
  /** The only address the proxy ever connects to. */
  gateway: string;
  log: ProxyRequest[];
  /** Require these credentials, answering 407 otherwise. */
  auth?: { user: string; password: string };
}

// Hop-by-hop headers a proxy must not forward (RFC 9110 §7.6.1), plus the proxy credentials.
const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-authorization', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade'];

/**
 * Where to connect for a requested `host` and `port`, or undefined to refuse (403).
 * Names are not resolved (so lab.dns counters show only the client's own lookups): any name maps to the
 * gateway. IP literals other than the gateway are refused, so the proxy can never reach another address.
 */
function upstream(gateway: string, host: string, port: number): { host: string; port: number } | undefined {
  if (!Number.isInteger(port) || port < 1 || port > 65535) return undefined;
  const bare = host.replace(/^\[(.*)\]$/, '$1');
  if (net.isIP(bare) && bare !== gateway) return undefined;
  return { host: gateway, port };
}

/** Split a CONNECT authority `host:port` (`[v6]:port` too). */
function splitAuthority(authority: string): { host: string; port: number } | undefined {
  const m = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(authority);
  return m ? { host: m[1]!, port: Number(m[2]) } : undefined;
}

function authorized(header: string | undefined, auth: ForwardProxyOptions['auth']): boolean {
  if (!auth) return true;
  const m = /^Basic\s+(\S+)$/i.exec(header ?? '');
  return !!m && Buffer.from(m[1]!, 'base64').toString() === `${auth.user}:${auth.password}`;
}

const REASON: Record<number, string> = { 400: 'Bad Request', 403: 'Forbidden', 407: 'Proxy Authentication Required', 502: 'Bad Gateway' };

/** Raw refusal on a CONNECT socket (no ServerResponse there); the client retries on a new connection. */
function refuseSocket(socket: Duplex, status: number): void {
  const extra = status === 407 ? 'Proxy-Authenticate: Basic realm="lab"\r\n' : '';
  socket.end(`HTTP/1.1 ${status} ${REASON[status]}\r\n${extra}Content-Length: 0\r\nConnection: close\r\n\r\n`);
}

function refuseResponse(res: http.ServerResponse, status: number): void {
  const body = `${REASON[status]}\n`;
  res.writeHead(status, {
    'content-type': 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    ...(status === 407 ? { 'proxy-authenticate': 'Basic realm="lab"' } : {}),
  });
  res.end(body);
}

/** A forward proxy server, not yet listening. */
export function forwardProxyServer(opts: ForwardProxyOptions): http.Server {
  const record = (method: string, target: string, status: number): void =>
    void opts.log.push({ proxy: opts.proxy, method, target, status });

  // http URLs: the client sends `GET http://host:port/path`; replay it to the gateway.
  const server = http.createServer((req, res) => {
    const method = req.method ?? '';
    let url: URL;
    try {
      url = new URL(req.url ?? '');
    } catch {
      url = new URL('invalid:');
    }
    if (url.protocol !== 'http:') {
      record(method, req.url ?? '', 400); // origin-form, or a scheme this proxy does not speak
      return refuseResponse(res, 400);
    }
    const port = Number(url.port || 80);
    const target = `${url.hostname}:${port}`;
    if (!authorized(req.headers['proxy-authorization'], opts.auth)) {
      record(method, target, 407);
      return refuseResponse(res, 407);
    }
    const to = upstream(opts.gateway, url.hostname, port);
    if (!to) {
      record(method, target, 403);
      return refuseResponse(res, 403);
    }
    const headers = { ...req.headers };
    for (const h of HOP_BY_HOP) delete headers[h];
    const up = http.request({ ...to, agent: false, method, path: `${url.pathname}${url.search}`, headers }, (upRes) => {
      record(method, target, upRes.statusCode ?? 0);
      const back = { ...upRes.headers };
      for (const h of HOP_BY_HOP) delete back[h];
      res.writeHead(upRes.statusCode ?? 502, back);
      upRes.pipe(res);
    });
    up.on('error', () => {
      record(method, target, 502);
      if (!res.headersSent) refuseResponse(res, 502);
      else res.destroy();
    });
    req.pipe(up);
  });

  // https URLs: `CONNECT host:port`, then bytes both ways; TLS stays end to end with the lab server.
  server.on('connect', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => undefined);
    const target = req.url ?? '';
    const hp = splitAuthority(target);
    if (!hp) {
      record('CONNECT', target, 400);
      return refuseSocket(socket, 400);
    }
    if (!authorized(req.headers['proxy-authorization'], opts.auth)) {
      record('CONNECT', target, 407);
      return refuseSocket(socket, 407);
    }
    const to = upstream(opts.gateway, hp.host, hp.port);
    if (!to) {
      record('CONNECT', target, 403);
      return refuseSocket(socket, 403);
    }
    const up = net.connect(to.port, to.host);
    let tunnel = false;
    up.once('connect', () => {
      tunnel = true;
      record('CONNECT', target, 200);
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) up.write(head);
      up.pipe(socket);
      socket.pipe(up);
    });
    up.on('error', () => {
      // Before the tunnel: the gateway port refused, say so. After: the close handlers clean up.
      if (tunnel) return;
      record('CONNECT', target, 502);
      refuseSocket(socket, 502);
    });
    // Closing the proxy destroys client sockets; take their tunnels down with them, and vice versa.
    socket.on('close', () => up.destroy());
    up.on('close', () => tunnel && socket.destroy());
  });
  return server;
}
