/**
 * proxy-env: the proxy variables the container really has, judged by the rules of
 * both clients a build runs (the go command: Go's httpproxy; git: libcurl), and the
 * proxies themselves, reached and asked for a CONNECT. Pure over Evidence.
 */
import { explainNoProxyDifference } from '../src/go/curl-proxy.js';
import { goProxyFor } from '../src/go/http-proxy.js';
import type { EnvVar, Evidence, TargetEvidence } from '../src/model.js';
import { type ImageCheck, result, secs, sourceName, type TargetCheck, type ImageRow } from './check.js';
import { localhostProxyFix, proxyAuthFix } from './fixes.js';
import { redactUrl } from '../src/secrets.js';

const PROXY_NAME = /^(https?|all|no|ftp)_proxy$/i;

/** How a proxy value would be read: Go takes a value without scheme as http://VALUE. */
export function proxyValueProblem(value: string): { status: 'warn' | 'fail'; problem: string } | null {
  // An env file's stray blank: URL parsers here would trim it, Go's does not.
  if (/\s/.test(value)) return { status: 'fail', problem: 'contains whitespace: the go command rejects it ("invalid proxy address") and every request fails' };
  const hasScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(value);
  const withScheme = hasScheme ? value : `http://${value}`;
  let u: URL;
  try {
    u = new URL(withScheme);
  } catch {
    return { status: 'fail', problem: 'is not a URL: the go command rejects it ("invalid proxy address") and every request fails' };
  }
  if (!['http:', 'https:', 'socks5:', 'socks5h:'].includes(u.protocol)) {
    return { status: 'fail', problem: `has scheme "${u.protocol.slice(0, -1)}", which the go command and curl do not support (a typo of http?)` };
  }
  // "http//proxy:3128" (no colon) parses as host "http" with path "//proxy:3128", in Go as here.
  if (u.pathname && u.pathname !== '/') {
    return { status: 'fail', problem: `looks mistyped: it parses as host "${u.hostname}" followed by a path (missing ":" after the scheme?)` };
  }
  if (!hasScheme) return { status: 'warn', problem: 'has no scheme: the go command and curl assume http://, other tools may not' };
  return null;
}

function isLoopback(value: string): boolean {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`;
  try {
    const host = new URL(withScheme).hostname.replace(/^\[|\]$/g, '');
    return host === 'localhost' || host.startsWith('127.') || host === '::1' || host === '0.0.0.0';
  } catch {
    return false;
  }
}

function shown(v: EnvVar): string {
  return `${v.name}=${redactUrl(v.value)} (${sourceName(v)})`;
}

function localhostFix(v: EnvVar): string {
  let port = '3128';
  try {
    port = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(v.value) ? v.value : `http://${v.value}`).port || port;
  } catch {
    // Keep the conventional port in the example.
  }
  return `inside a container ${redactUrl(v.value)} is the container itself: ${localhostProxyFix({ names: [v.name], port }).join(' ')}`;
}

function varRows(ev: Evidence): ImageRow[] {
  const vars = ev.env.filter((v) => PROXY_NAME.test(v.name) && v.value !== '');
  if (vars.length === 0) {
    return [{ target: 'HTTPS_PROXY', status: 'pass', ms: null, cause: null, evidence: { variables: [] }, fix: null, summary: 'no proxy variables: the go command and git connect directly' }];
  }
  const rows: ImageRow[] = [];
  const clean: EnvVar[] = [];
  for (const v of vars) {
    const evidence = { name: v.name, value: redactUrl(v.value), source: v.source };
    if (/^no_proxy$/i.test(v.name)) {
      clean.push(v);
      continue;
    }
    if (isLoopback(v.value) && ev.context.network !== 'host') {
      rows.push({ target: v.name, status: 'fail', ms: null, cause: 'proxy.localhost', evidence, summary: `${shown(v)} points at loopback: inside the container that is the container itself`, fix: localhostFix(v) });
      continue;
    }
    const problem = proxyValueProblem(v.value);
    if (problem) {
      rows.push({ target: v.name, status: problem.status, ms: null, cause: 'proxy.bad_url', evidence, summary: `${shown(v)} ${problem.problem}`, fix: `write it in full: ${v.name}=http://<proxy-host>:<port>` });
      continue;
    }
    clean.push(v);
  }
  // Upper and lower case: the go command prefers HTTPS_PROXY, curl (git) prefers https_proxy.
  for (const base of ['https_proxy', 'http_proxy', 'no_proxy']) {
    const lower = vars.find((v) => v.name === base);
    const upper = vars.find((v) => v.name === base.toUpperCase());
    if (lower && upper && lower.value !== upper.value) {
      rows.push({
        target: `${upper.name}/${lower.name}`,
        status: 'warn',
        ms: null,
        cause: 'proxy.case_mismatch',
        evidence: { upper: redactUrl(upper.value), lower: redactUrl(lower.value) },
        summary: `${shown(upper)} and ${shown(lower)} disagree: the go command uses ${upper.name}, git and curl use ${lower.name}`,
        fix: `set both to the same value: ENV ${upper.name}=<value> ${lower.name}=<value>`,
      });
    }
  }
  const named = (n: string) => vars.some((v) => v.name.toLowerCase() === n);
  if (named('all_proxy') && !named('https_proxy')) {
    rows.push({
      target: 'ALL_PROXY',
      status: 'warn',
      ms: null,
      cause: 'proxy.all_proxy_only',
      evidence: {},
      summary: 'ALL_PROXY is set without HTTPS_PROXY: git and curl use it, the go command ignores ALL_PROXY and connects directly',
      fix: 'set HTTPS_PROXY (and https_proxy) to the same proxy',
    });
  }
  if (rows.length === 0) {
    const creds = vars.some((v) => /:\/\/[^/@\s]+@/.test(v.value)) ? ' · credentials in the URL are redacted' : '';
    rows.push({ target: vars.map((v) => v.name).join(' '), status: 'pass', ms: null, cause: null, evidence: { variables: vars.map((v) => ({ name: v.name, value: redactUrl(v.value), source: v.source })) }, fix: null, summary: `${vars.map(shown).join(', ')}${creds}` });
  } else if (clean.length) {
    rows.push({ target: clean.map((v) => v.name).join(' '), status: 'pass', ms: null, cause: null, evidence: {}, fix: null, summary: `also set: ${clean.map(shown).join(', ')}` });
  }
  return rows;
}

/** proxy-env.vars: what the container has and whether each client can use it. */
export const proxyEnvVars = {
  id: 'proxy-env.vars',
  category: 'proxy-env',
  title: 'Proxy variables',
  evaluate: varRows,
} satisfies ImageCheck;

/** The hosts a build talks to: the module proxies, the checksum DB, private repos, --target. */
function buildHosts(ev: Evidence): TargetEvidence[] {
  return ev.targets.filter((te) => te.target.roles.some((r) => r === 'goproxy' || r === 'gosumdb' || r === 'private' || r === 'user'));
}

function envRecord(ev: Evidence): Record<string, string> {
  return Object.fromEntries(ev.env.map((v) => [v.name, v.value]));
}

function directFailed(te: TargetEvidence): boolean {
  const tcpOk = te.tcp?.attempts.some((a) => a.outcome === 'connected');
  return te.dns?.outcome !== 'resolved' || !tcpOk || (te.target.tls && te.tls?.outcome !== 'ok');
}

/** proxy-env.no_proxy: for each host of the build, does the go command and does git go through the proxy? */
export const proxyEnvNoProxy = {
  id: 'proxy-env.no_proxy',
  category: 'proxy-env',
  title: 'NO_PROXY as Go and git read it',
  evaluate(ev: Evidence): ImageRow[] {
    const env = envRecord(ev);
    const anyProxy = ev.env.some((v) => /^(https?|all)_proxy$/i.test(v.name) && v.value);
    if (!anyProxy) return [];
    const rows: ImageRow[] = [];
    for (const te of buildHosts(ev)) {
      const { host, port } = te.target;
      const diff = explainNoProxyDifference(host, port, env);
      // Both through a proxy but different ones is the case mismatch proxy-env.vars reports.
      if (diff && diff.go !== diff.git) {
        rows.push({
          target: host,
          status: 'warn',
          ms: null,
          cause: 'proxy.no_proxy_mismatch',
          evidence: { go: diff.go, git: diff.git, curl: diff.curl, entry: diff.entry, why: diff.why, goProxy: diff.goProxy && redactUrl(diff.goProxy), curlProxy: diff.curlProxy && redactUrl(diff.curlProxy) },
          summary: `the go command ${diff.go ? 'uses the proxy' : 'connects directly'}, git ${diff.git ? 'uses the proxy' : 'connects directly'}: ${diff.why}`,
          fix: 'write NO_PROXY entries both read the same way: plain names (corp.example matches its subdomains for both), no "*." wildcards, no ports',
        });
        continue;
      }
      const url = te.target.httpUrl ?? `https://${host}:${port}/`;
      const viaGo = goProxyFor(url, env);
      if (!viaGo && te.target.roles.includes('goproxy') && (env.HTTPS_PROXY || env.https_proxy) && directFailed(te)) {
        rows.push({
          target: host,
          status: 'fail',
          ms: null,
          cause: 'proxy.goproxy_excluded',
          evidence: { noProxy: env.NO_PROXY ?? env.no_proxy ?? '' },
          summary: `NO_PROXY excludes the module proxy ${host}, so the go command connects directly, and the direct path fails here`,
          fix: `remove the entry matching ${host} from NO_PROXY, so the go command reaches it through the proxy`,
        });
      }
    }
    if (rows.length === 0) {
      rows.push({ target: 'NO_PROXY', status: 'pass', ms: null, cause: null, evidence: {}, fix: null, summary: `the go command and git agree on the proxy for ${buildHosts(ev).map((t) => t.target.host).join(', ') || 'every host'}` });
    }
    return rows;
  },
} satisfies ImageCheck;

/** proxy-env.proxy: each proxy in the environment, reached and asked to CONNECT to a module proxy. */
export const proxyEnvProxy = {
  id: 'proxy-env.proxy',
  category: 'proxy-env',
  title: 'Proxy reachable and CONNECT',
  step: 'http',
  appliesTo: (t) => t.roles.includes('proxy'),
  needs: () => [],
  targetName: (t) => redactUrl(t.httpProxy ?? t.host),
  evaluate(te: TargetEvidence, ev: Evidence) {
    const proxy = redactUrl(te.target.httpProxy ?? '');
    const h = te.http!;
    const through = new URL(h.url).host;
    const evidence = { dns: te.dns?.outcome ?? null, tcp: te.tcp?.attempts.map((a) => `${a.address} ${a.outcome}`) ?? [], http: { ...h, proxy } };
    if (te.dns && te.dns.outcome !== 'resolved') {
      return result('fail', `the proxy host ${te.target.host} does not resolve in the container (${te.dns.outcome})`, { cause: 'proxy.unreachable', evidence, fix: `use a proxy address the container can resolve (an IP, or --add-host ${te.target.host}:<ip>)` });
    }
    const connected = te.tcp?.attempts.find((a) => a.outcome === 'connected');
    if (te.tcp && !connected) {
      const how = te.tcp.attempts.map((a) => a.outcome).join('/') || 'no address';
      return result('fail', `cannot reach the proxy ${proxy} from the container (${how})`, {
        ms: te.tcp.attempts[0]?.ms ?? null,
        cause: 'proxy.unreachable',
        evidence,
        fix: `proxyconnect fails for every request: check the proxy's host and port; inside a container localhost is the container itself, so use the host's address (--add-host host.docker.internal:host-gateway)`,
      });
    }
    switch (h.outcome) {
      case 'no_tool':
        return result('skip', "cannot make requests through a proxy with this image's tools (no curl or wget)", { cause: 'tool.missing', evidence });
      case 'proxy_auth':
        return result('fail', `CONNECT ${through} through ${proxy}: 407 Proxy Authentication Required`, { ms: h.ms, cause: 'proxy.auth', evidence, fix: proxyAuthFix(proxy) });
      case 'response':
        return result('pass', `CONNECT ${through} through ${proxy}: answered ${h.status} in ${h.ttfbMs ?? h.ms ?? '?'} ms`, { ms: h.ttfbMs ?? h.ms, evidence });
      case 'timeout':
        return result('fail', `CONNECT ${through} through ${proxy}: no answer within ${secs(ev.context.timeoutMs)}`, { ms: h.ms, cause: 'proxy.connect_failed', evidence, fix: `the proxy accepts connections but does not get through to ${through}: check its allow-list and upstream` });
      case 'proxy_refused':
        return result('fail', `proxyconnect to ${proxy}: connection refused`, { ms: h.ms, cause: 'proxy.unreachable', evidence, fix: 'nothing listens at the proxy address from inside the container: check HTTPS_PROXY\'s host and port' });
      default:
        return result('fail', `CONNECT ${through} through ${proxy} failed: ${h.message || 'no answer'}`, { ms: h.ms, cause: 'proxy.connect_failed', evidence, fix: `the proxy does not get through to ${through}: check its allow-list, or whether it intercepts TLS (then --ca-cert / install its CA)` });
    }
  },
} satisfies TargetCheck;
