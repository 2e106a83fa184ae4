/**
 * The network chain's blocks → Evidence: `dns:` (getent, busybox or bind nslookup), `tcp:`
 * (bash /dev/tcp, nc), `tls:` (openssl s_client, curl -v, busybox wget) and `http:` (curl -w,
 * wget -S). Its own file because these four read the tools' own words for one target's
 * chain, layer by layer, apart from the go command's and git's blocks (parse.ts). Pure; it
 * never judges: a 404 is a status here, a failure only in checks/.
 */
import type { DnsEvidence, HttpEvidence, HttpOutcome, TcpAttempt, TcpEvidence, TcpOutcome, TlsEvidence } from '../model.js';
import { killedByTimeout, lastMeaningful } from './tool-output.js';
import { type Block, kv, kvAll, kvInt } from './wire.js';

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;
const IPV6 = /^[0-9a-fA-F:]+:[0-9a-fA-F:.]*$/;

function splitFamilies(addresses: string[]): { v4: string[]; v6: string[] } {
  const v4 = new Set<string>();
  const v6 = new Set<string>();
  for (const a of addresses) {
    if (IPV4.test(a)) v4.add(a);
    else if (IPV6.test(a) && !a.toLowerCase().startsWith('::ffff:')) v6.add(a.toLowerCase());
  }
  return { v4: [...v4], v6: [...v6] };
}

/** Addresses in busybox's or bind's nslookup output: `Address: X` lines after the first `Name:`. */
function nslookupAddresses(raw: string[]): string[] {
  const out: string[] = [];
  let answers = false;
  for (const line of raw) {
    if (/^Name:/.test(line)) answers = true;
    const m = /^Address(?:\s+\d+)?:\s*([0-9a-fA-F.:]+)\s*$/.exec(line);
    if (answers && m?.[1]) out.push(m[1]);
  }
  return out;
}

export function parseDns(block: Block, host: string): DnsEvidence {
  const tool = kv(block, 'tool') ?? null;
  const rc = kvInt(block, 'rc');
  const ms = kvInt(block, 'ms');
  const hostsAddrs = kvAll(block, 'hosts');
  const text = block.raw.join('\n');
  const base = { host, tool, ms, fromHostsFile: hostsAddrs.length > 0, message: block.raw.slice(0, 3).join(' ').trim() };
  if (tool === 'none') return { ...base, tool: null, outcome: 'no_tool', v4: [], v6: [] };
  const addresses =
    tool === 'nslookup' ? nslookupAddresses(block.raw) : block.raw.map((l) => l.trim().split(/\s+/)[0] ?? '');
  const { v4, v6 } = splitFamilies(addresses);
  if (v4.length + v6.length > 0) return { ...base, outcome: 'resolved', v4, v6 };
  if (killedByTimeout(rc) || /timed out|no servers could be reached/i.test(text)) {
    return { ...base, outcome: 'timeout', v4, v6 };
  }
  if (/NXDOMAIN/.test(text)) return { ...base, outcome: 'nxdomain', v4, v6 };
  if (/SERVFAIL|REFUSED/.test(text)) return { ...base, outcome: 'servfail', v4, v6 };
  if (/No answer/i.test(text)) return { ...base, outcome: 'no_answer', v4, v6 };
  // busybox prints nothing at all for a NOERROR answer without records.
  if (tool === 'nslookup' && rc === 0) return { ...base, outcome: 'no_answer', v4, v6 };
  // getent exits 2 when the name is not found (NXDOMAIN or an unusable answer).
  if (tool === 'getent' && rc === 2) return { ...base, outcome: 'nxdomain', v4, v6 };
  return { ...base, outcome: 'error', v4, v6 };
}

function tcpOutcome(rc: number, message: string): TcpOutcome {
  if (rc === 0) return 'connected';
  if (killedByTimeout(rc) || /timed? ?out/i.test(message)) return 'timeout';
  if (/refused/i.test(message)) return 'refused';
  if (/unreachable|no route|cannot assign|not available/i.test(message)) return 'unreachable';
  return 'error';
}

export function parseTcp(block: Block, host: string): TcpEvidence {
  const attempts: TcpAttempt[] = [];
  let tool: string | null = null;
  for (const line of kvAll(block, 'attempt')) {
    const [, address = '', port = '0', rc = '1', ms = '', t = '', ...msg] = line.split(' ');
    tool = t;
    const message = msg.join(' ').trim();
    const code = Number(rc);
    attempts.push({
      address,
      port: Number(port),
      outcome: t === 'none' ? 'no_tool' : tcpOutcome(code, message),
      ms: /^\d+$/.test(ms) ? Number(ms) : null,
      message,
    });
  }
  return { host, tool: tool === 'none' ? null : tool, attempts };
}

/** `Mon DD HH:MM:SS YYYY GMT` dates, as openssl and curl print them, to ISO. */
export function certDate(text: string | undefined): string | null {
  if (!text) return null;
  const d = new Date(text.trim().replace(/\s+/g, ' '));
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

export function parseTls(block: Block, host: string, port: number): TlsEvidence {
  const tool = kv(block, 'tool') ?? null;
  const rc = kvInt(block, 'rc');
  const raw = block.raw;
  const text = raw.join('\n');
  const find = (re: RegExp) => {
    for (const line of raw) {
      const m = re.exec(line);
      if (m?.[1]) return m[1].trim();
    }
    return null;
  };
  const ev: TlsEvidence = {
    host,
    port,
    address: kv(block, 'address') ?? null,
    tool: tool === 'none' ? null : tool,
    outcome: 'error',
    verifiable: tool === 'openssl' || tool === 'curl',
    verifyCode: null,
    verifyMessage: null,
    protocol: null,
    subject: null,
    issuer: null,
    notBefore: null,
    notAfter: null,
    ms: kvInt(block, 'ms'),
    message: '',
  };
  if (tool === 'none' || tool === null) return { ...ev, outcome: 'no_tool', verifiable: false };
  if (tool === 'openssl') {
    const code = /Verify return code: (\d+) \(([^)]*)\)/.exec(text);
    ev.verifyCode = code ? Number(code[1]) : null;
    ev.verifyMessage = code?.[2] ?? find(/verify error:num=\d+:(.*)$/);
    ev.protocol = find(/^\s*Protocol\s*:\s*(\S+)/) ?? find(/^New, (TLSv[\d.]+)/);
    ev.subject = find(/^subject=\s*(.*)$/);
    ev.issuer = find(/^issuer=\s*(.*)$/);
    ev.notBefore = certDate(find(/NotBefore: ([^;]*)/) ?? undefined);
    ev.notAfter = certDate(find(/NotAfter: (.*)$/) ?? undefined);
    // A failed handshake still prints "New, (NONE), Cipher is (NONE)" and "Verify return code: 0".
    const completed = /^New, TLS/m.test(text) || (/^\s*Protocol\s*:\s*TLS/m.test(text) && !/Cipher is \(NONE\)/.test(text));
    ev.outcome = completed ? 'ok' : killedByTimeout(rc) ? 'timeout' : 'error';
    ev.message = completed ? '' : lastMeaningful(raw);
  } else if (tool === 'curl') {
    ev.protocol = find(/SSL connection using (TLSv[\d.]+)/);
    ev.subject = find(/^\*\s+subject: (.*)$/);
    ev.issuer = find(/^\*\s+issuer: (.*)$/);
    ev.notBefore = certDate(find(/^\*\s+start date: (.*)$/) ?? undefined);
    ev.notAfter = certDate(find(/^\*\s+expire date: (.*)$/) ?? undefined);
    const problem = find(/curl: \(60\) (.*)$/);
    if (problem) {
      ev.outcome = 'ok';
      ev.verifyCode = -1;
      ev.verifyMessage = problem.replace(/^SSL certificate problem: /, '').replace(/^SSL: /, '');
    } else if (/SSL certificate verify ok/.test(text) || (rc === 0 && ev.protocol)) {
      ev.outcome = 'ok';
      ev.verifyCode = 0;
      ev.verifyMessage = 'ok';
    } else {
      ev.outcome = killedByTimeout(rc) || /curl: \(28\)/.test(text) ? 'timeout' : 'error';
      ev.message = lastMeaningful(raw);
    }
  } else {
    // busybox wget through its own TLS: it cannot verify, but an HTTP answer means the handshake completed.
    ev.verifiable = false;
    if (rc === 0 || /server returned error/.test(text)) ev.outcome = 'ok';
    else ev.outcome = killedByTimeout(rc) || /timed out/.test(text) ? 'timeout' : 'error';
    if (ev.outcome !== 'ok') ev.message = lastMeaningful(raw);
  }
  return ev;
}

function httpFailure(text: string, rc: number | null, proxied: boolean): HttpOutcome {
  if (/\b407\b|Proxy Authentication Required/i.test(text)) return 'proxy_auth';
  if (killedByTimeout(rc) || /curl: \(28\)|timed out/i.test(text)) return 'timeout';
  if (/curl: \(60\)|certificate/i.test(text)) return 'tls_error';
  if (proxied && (/curl: \(7\)|curl: \(5\)|Could not resolve proxy|proxyconnect/i.test(text) || /refused/i.test(text))) {
    return 'proxy_refused';
  }
  return 'error';
}

export function parseHttp(block: Block, url: string, proxy: string | null): HttpEvidence {
  const tool = kv(block, 'tool') ?? null;
  const rc = kvInt(block, 'rc');
  const ms = kvInt(block, 'ms');
  const text = block.raw.join('\n');
  const ev: HttpEvidence = {
    url,
    proxy,
    tool: tool === 'none' ? null : tool,
    outcome: 'error',
    status: null,
    ttfbMs: null,
    ms,
    bodyHead: block.body.join('\n'),
    message: '',
  };
  if (tool === 'none' || tool === null) return { ...ev, outcome: 'no_tool' };
  // The host stopped it: the proxy it goes through is already dead (the collector attaches the deciding row).
  if (kv(block, 'stopped') === '1') return { ...ev, outcome: 'stopped' };
  if (tool === 'curl') {
    const w = /^@w (\d{3}) ([\d.]+) ([\d.]+)(?: (\d{3}))?/m.exec(text);
    const code = w ? Number(w[1]) : 0;
    const connectCode = w?.[4] ? Number(w[4]) : 0;
    if (code === 407 && proxy) return { ...ev, outcome: 'proxy_auth', status: 407, message: 'proxy answered 407' };
    if (code > 0) {
      ev.outcome = 'response';
      ev.status = code;
      ev.ttfbMs = Math.round(Number(w?.[2]) * 1000);
      return ev;
    }
    if (connectCode === 407) return { ...ev, outcome: 'proxy_auth', status: 407, message: 'proxy answered 407' };
  } else {
    // wget: `-S` prints the status line(s); the last one is the answer that counts.
    const statuses = [...text.matchAll(/HTTP\/[\d.]+ (\d{3})/g)].map((m) => Number(m[1]));
    const last = statuses.at(-1);
    if (last !== undefined && !(proxy && last === 407)) {
      return { ...ev, outcome: 'response', status: last, ttfbMs: ms };
    }
  }
  return { ...ev, outcome: httpFailure(text, rc, proxy !== null), message: lastMeaningful(block.raw.filter((l) => !l.startsWith('@w'))) };
}
