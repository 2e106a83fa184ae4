// src/agent/parse.ts on real tool output. The fixtures were recorded on loopback with the agent's own
// command lines (test/fixtures/unit/README.md); blocks are built from them the way agent.sh prints them.
import { readFileSync } from 'node:fs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { certProblem } from '../../checks/tls.js';
import { parseDns, parseFacts, parseHttp, parseResolvConf, parseTcp, parseTls } from '../../src/agent/parse.js';
import { type Block, WireReader } from '../../src/agent/wire.js';
import type { DnsEvidence, HttpEvidence, TcpAttempt, TlsEvidence } from '../../src/model.js';

const fx = (name: string) => readFileSync(new URL(`../fixtures/unit/${name}`, import.meta.url), 'utf8');

/** agent.sh raw(): each line behind PREFIX, PEM bodies dropped, at most MAX lines then `truncated`. */
function rawLines(text: string, max = 60, prefix = '|'): string[] {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const out: string[] = [];
  let pem = false;
  for (const line of lines) {
    if (line.includes('-----BEGIN ')) pem = true;
    else if (line.includes('-----END ')) pem = false;
    else if (!pem) out.push(`${prefix} ${line}`);
  }
  return out.length > max ? [...out.slice(0, max), '@gmd kv truncated 1'] : out;
}

/** A block as the agent prints it (kv lines, raw output, body), read back through WireReader. */
function agentBlock(id: string, kvs: Array<[string, string | number]>, raw = '', body = ''): Block {
  const text = [`@gmd begin ${id}`, ...kvs.map(([k, v]) => `@gmd kv ${k} ${v}`), ...rawLines(raw), ...(body ? rawLines(body, 5, '|body') : []), `@gmd end ${id}`, ''];
  const [ev] = new WireReader().push(text.join('\n'));
  if (ev?.type !== 'block') throw new Error(`no block for ${id}`);
  return ev.block;
}
const lines = (...l: string[]) => `${l.join('\n')}\n`;

const Dns = suite('parseDns');

// [fixture or inline output, tool, rc, expected]
const dns: Array<[string, string, number, Partial<DnsEvidence>]> = [
  ['dns-getent-ok.txt', 'getent', 0, { outcome: 'resolved', v4: ['10.0.0.5', '10.0.0.6'], v6: ['2001:db8::5'] }],
  ['dns-getent-mapped.txt', 'getent', 0, { outcome: 'resolved', v4: ['10.0.0.8'], v6: [] }],
  ['dns-getent-nxdomain.txt', 'getent', 2, { outcome: 'nxdomain', v4: [], v6: [] }],
  ['dns-getent-timeout.txt', 'getent', 124, { outcome: 'timeout' }],
  ['dns-nslookup-ok.txt', 'nslookup', 0, { outcome: 'resolved', v4: ['10.0.0.5', '10.0.0.6'], v6: ['2001:db8::5'] }],
  ['dns-nslookup-v4only.txt', 'nslookup', 0, { outcome: 'resolved', v4: ['10.0.0.7'], v6: [] }],
  ['dns-nslookup-mapped.txt', 'nslookup', 0, { outcome: 'resolved', v4: ['10.0.0.8'], v6: [] }],
  ['dns-nslookup-nxdomain.txt', 'nslookup', 1, { outcome: 'nxdomain', v4: [], v6: [] }],
  ['dns-nslookup-servfail.txt', 'nslookup', 1, { outcome: 'servfail' }],
  ['dns-nslookup-refused.txt', 'nslookup', 1, { outcome: 'servfail' }],
  ['dns-nslookup-timeout.txt', 'nslookup', 1, { outcome: 'timeout' }],
  // busybox 1.35 prints no "No answer" line for a NOERROR answer without records: rc 0, no address, no error.
  ['dns-nslookup-empty.txt', 'nslookup', 0, { outcome: 'no_answer', v4: [], v6: [] }],
  [lines('Server:\t\t10.0.0.1', 'Address:\t10.0.0.1:53', ''), 'nslookup', 0, { outcome: 'no_answer', v4: [], v6: [] }],
  // The same output with a failing exit is not an empty answer.
  ['dns-nslookup-empty.txt', 'nslookup', 1, { outcome: 'error' }],
  // busybox's format with the resolver on 10.0.0.1: its own "Address: 10.0.0.1:53" is not an answer.
  [lines('Server:\t\t10.0.0.1', 'Address:\t10.0.0.1:53', '', '** server can\'t find x.example: NXDOMAIN'), 'nslookup', 1, { outcome: 'nxdomain', v4: [] }],
  [lines('Server:\t\t10.0.0.1', 'Address:\t10.0.0.1:53', '', 'Name:\tx.example', 'Address: 10.0.0.9', '', '*** Can\'t find x.example: No answer'), 'nslookup', 0, { outcome: 'resolved', v4: ['10.0.0.9'], v6: [] }],
  [lines('Server:\t\t10.0.0.1', 'Address:\t10.0.0.1:53', '', '*** Can\'t find x.example: No answer'), 'nslookup', 0, { outcome: 'no_answer' }],
  [lines(';; connection timed out; no servers could be reached'), 'nslookup', 1, { outcome: 'timeout' }],
  ['', 'nslookup', 124, { outcome: 'timeout' }],
  [lines('10.0.0.5'), 'hosts-file', 0, { outcome: 'resolved', v4: ['10.0.0.5'] }],
  ['', 'none', 1, { outcome: 'no_tool', tool: null, v4: [], v6: [] }],
];
for (const [source, tool, rc, want] of dns) {
  Dns(`${source.endsWith('.txt') ? source : JSON.stringify(source.slice(0, 40))} (${tool}, rc ${rc}) → ${want.outcome}`, () => {
    const raw = source.endsWith('.txt') ? fx(source) : source;
    const got = parseDns(agentBlock('dns:t0', [['tool', tool], ['rc', rc], ['ms', 12]], raw), 'x.example');
    for (const [k, v] of Object.entries(want)) assert.equal(got[k as keyof DnsEvidence], v, k);
    if (tool !== 'none') assert.is(got.tool, tool);
    assert.is(got.ms, 12);
    assert.is(got.host, 'x.example');
  });
}
Dns('/etc/hosts answers are flagged; the message is the first lines', () => {
  const got = parseDns(agentBlock('dns:t0', [['tool', 'getent'], ['rc', 0], ['ms', 3], ['hosts', '127.0.0.1']], fx('dns-getent-ok.txt')), 'goproxy.test');
  assert.is(got.fromHostsFile, true);
  assert.match(got.message, /^10\.0\.0\.5\s+STREAM goproxy\.test/);
  assert.is(parseDns(agentBlock('dns:t0', [['tool', 'getent'], ['rc', 0]], fx('dns-getent-ok.txt')), 'g').fromHostsFile, false);
});

const Tcp = suite('parseTcp');

/** One `attempt IDX ADDR PORT RC MS TOOL MESSAGE` line: the message is the last line of the tool's output. */
const attempt = (i: number, addr: string, port: number, rc: number, ms: number | '', tool: string, output = '') =>
  ['attempt', `${i} ${addr} ${port} ${rc} ${ms} ${tool} ${output.trimEnd().split('\n').at(-1) ?? ''}`] as [string, string];

const tcp: Array<[string, [string, string], Partial<TcpAttempt>]> = [
  ['bash connected', attempt(0, '127.0.0.1', 18450, 0, 4, 'bash', fx('tcp-bash-connected.txt')), { outcome: 'connected', ms: 4, message: '' }],
  ['bash refused', attempt(0, '127.0.0.1', 9, 1, 3, 'bash', fx('tcp-bash-refused.txt')), { outcome: 'refused', message: '127.0.0.1: line 1: /dev/tcp/127.0.0.1/9: Connection refused' }],
  ['bash refused (v6)', attempt(1, '::1', 9, 1, 3, 'bash', fx('tcp-bash-refused6.txt')), { outcome: 'refused', address: '::1', port: 9 }],
  ['bash timeout (rc 124)', attempt(0, '127.0.0.1', 18447, 124, 2004, 'bash', fx('tcp-bash-timeout.txt')), { outcome: 'timeout', ms: 2004 }],
  ['bash unreachable', attempt(0, '127.0.0.1', 443, 1, 1, 'bash', fx('tcp-bash-unreachable.txt')), { outcome: 'unreachable' }],
  ['nc refused', attempt(0, '127.0.0.1', 9, 1, 2, 'nc', fx('tcp-nc-refused.txt')), { outcome: 'refused' }],
  // curl 7.88 says "Couldn't connect to server", not "refused": an error without a finer class.
  ['curl telnet refused', attempt(0, '127.0.0.1', 9, 7, 2, 'curl', fx('tcp-curl-refused.txt')), { outcome: 'error', message: fx('tcp-curl-refused.txt').trim() }],
  ['curl telnet on a silent server (rc 124)', attempt(0, '127.0.0.1', 18446, 124, 2001, 'curl', fx('tcp-curl-stall.txt')), { outcome: 'timeout' }],
  ['no tool', attempt(0, '10.0.0.5', 443, 1, '', 'none'), { outcome: 'no_tool', ms: null }],
];
for (const [name, line, want] of tcp) {
  Tcp(name, () => {
    const got = parseTcp(agentBlock('tcp:t0', [line]), 'goproxy.test');
    assert.is(got.attempts.length, 1);
    for (const [k, v] of Object.entries(want)) assert.equal(got.attempts[0]![k as keyof TcpAttempt], v, k);
  });
}
Tcp('several attempts in order, tool reported', () => {
  const got = parseTcp(agentBlock('tcp:t0', [attempt(0, '10.0.0.5', 443, 0, 12, 'bash'), attempt(1, '2001:db8::5', 443, 124, 5003, 'bash')]), 'goproxy.test');
  assert.is(got.tool, 'bash');
  assert.equal(got.attempts.map((a) => [a.address, a.port, a.outcome, a.ms]), [['10.0.0.5', 443, 'connected', 12], ['2001:db8::5', 443, 'timeout', 5003]]);
  assert.is(parseTcp(agentBlock('tcp:t0', [attempt(0, '10.0.0.5', 443, 1, '', 'none')]), 'h').tool, null);
});

const Tls = suite('parseTls');

const CUR = { notBefore: '2026-11-23T14:18:12.000Z', notAfter: '2027-11-23T14:18:12.000Z' };
const ISSUER = 'O = gmd test, CN = gmd test CA';
// [fixture, tool, rc, expected evidence, certProblem() of it (checks/tls.ts)]
const tls: Array<[string, string, number, Partial<TlsEvidence>, string | null]> = [
  ['tls-openssl-ok.txt', 'openssl', 0, { outcome: 'ok', verifiable: true, verifyCode: 0, verifyMessage: 'ok', protocol: 'TLSv1.3', subject: 'CN = goproxy.test', issuer: ISSUER, ...CUR }, null],
  ['tls-openssl-18.txt', 'openssl', 0, { outcome: 'ok', verifyCode: 18, verifyMessage: 'self-signed certificate', issuer: 'CN = goproxy.test', protocol: 'TLSv1.3' }, 'unknown_ca'],
  ['tls-openssl-19.txt', 'openssl', 0, { outcome: 'ok', verifyCode: 19, verifyMessage: 'self-signed certificate in certificate chain', ...CUR }, 'unknown_ca'],
  // A leaf whose issuer is unknown: openssl logs num=20, then ends with 21.
  ['tls-openssl-20.txt', 'openssl', 0, { outcome: 'ok', verifyCode: 21, verifyMessage: 'unable to verify the first certificate', issuer: ISSUER }, 'unknown_ca'],
  ['tls-openssl-62.txt', 'openssl', 0, { outcome: 'ok', verifyCode: 62, verifyMessage: 'hostname mismatch', subject: 'CN = goproxy.test' }, 'wrong_name'],
  ['tls-openssl-10.txt', 'openssl', 0, { outcome: 'ok', verifyCode: 10, verifyMessage: 'certificate has expired', notBefore: '2020-01-01T00:00:00.000Z', notAfter: '2021-01-01T00:00:00.000Z' }, 'expired'],
  ['tls-openssl-9.txt', 'openssl', 0, { outcome: 'ok', verifyCode: 9, verifyMessage: 'certificate is not yet valid', notBefore: '2099-01-01T00:00:00.000Z', notAfter: '2099-12-31T00:00:00.000Z' }, 'not_yet_valid'],
  // Handshake stall: s_client's stdout is a file, so even CONNECTED(...) dies in its buffer.
  ['tls-openssl-stall.txt', 'openssl', 124, { outcome: 'timeout', verifyCode: null, protocol: null }, null],
  [lines('CONNECTED(00000003)'), 'openssl', 124, { outcome: 'timeout' }, null],
  [lines('CONNECTED(00000003)', 'write:errno=104'), 'openssl', 1, { outcome: 'error', message: 'write:errno=104' }, null],
  // A server that does not speak TLS: s_client prints "New, (NONE), Cipher is (NONE)" and
  // "Verify return code: 0 (ok)" with exit 1. No handshake happened, so nothing was verified.
  ['tls-openssl-notls.txt', 'openssl', 1, { outcome: 'error', protocol: null }, null],
  ['tls-openssl-notls.txt', 'openssl', 0, { outcome: 'error' }, null],
  // OpenSSL 1.1.1 against a non-TLS server: an SSL-Session with "Protocol : TLSv1.2" but no cipher.
  [lines('CONNECTED(00000003)', '140245:error:1408F10B:SSL routines:ssl3_get_record:wrong version number:ssl/record/ssl3_record.c:332:', '---', 'no peer certificate available', '---', 'New, (NONE), Cipher is (NONE)', 'SSL-Session:', '    Protocol  : TLSv1.2', '    Cipher    : 0000', '    Verify return code: 0 (ok)', '---'), 'openssl', 1, { outcome: 'error' }, null],
  ['tls-curl-ok.txt', 'curl', 0, { outcome: 'ok', verifiable: true, verifyCode: 0, protocol: 'TLSv1.3', subject: 'CN=goproxy.test', issuer: 'O=gmd test; CN=gmd test CA', ...CUR }, null],
  // curl prints no certificate details when the chain fails: issuer and dates stay unknown.
  ['tls-curl-60-issuer.txt', 'curl', 60, { outcome: 'ok', verifyCode: -1, verifyMessage: 'unable to get local issuer certificate' }, 'unknown_ca'],
  ['tls-curl-60-self.txt', 'curl', 60, { outcome: 'ok', verifyCode: -1, verifyMessage: 'self-signed certificate' }, 'unknown_ca'],
  ['tls-curl-60-chain.txt', 'curl', 60, { outcome: 'ok', verifyCode: -1, verifyMessage: 'self-signed certificate in certificate chain' }, 'unknown_ca'],
  ['tls-curl-60-name.txt', 'curl', 60, { outcome: 'ok', verifyCode: -1, verifyMessage: "no alternative certificate subject name matches target host name 'other.test'", subject: 'CN=goproxy.test' }, 'wrong_name'],
  ['tls-curl-60-expired.txt', 'curl', 60, { outcome: 'ok', verifyCode: -1, verifyMessage: 'certificate has expired', notAfter: null, issuer: null }, 'expired'],
  ['tls-curl-60-future.txt', 'curl', 60, { outcome: 'ok', verifyCode: -1, verifyMessage: 'certificate is not yet valid' }, 'not_yet_valid'],
  ['tls-curl-timeout.txt', 'curl', 28, { outcome: 'timeout', verifyCode: null, message: 'curl: (28) Connection timed out after 2000 milliseconds' }, null],
  ['', 'busybox-wget', 0, { outcome: 'ok', verifiable: false, verifyCode: null }, null],
  [lines('wget: server returned error: HTTP/1.1 404 Not Found'), 'busybox-wget', 1, { outcome: 'ok', verifiable: false }, null],
  ['tls-wget-reset.txt', 'busybox-wget', 1, { outcome: 'error', verifiable: false, message: 'wget: error getting response: Connection reset by peer' }, null],
  ['tls-wget-stall.txt', 'busybox-wget', 124, { outcome: 'timeout', verifiable: false }, null],
  ['', 'none', 1, { outcome: 'no_tool', tool: null, verifiable: false }, null],
];
for (const [source, tool, rc, want, problem] of tls) {
  Tls(`${source.endsWith('.txt') ? source : JSON.stringify(source.slice(0, 30))} (${tool}, rc ${rc}) → ${want.outcome}${problem ? ` / ${problem}` : ''}`, () => {
    const raw = source.endsWith('.txt') ? fx(source) : source;
    const got = parseTls(agentBlock('tls:t0', [['tool', tool], ['rc', rc], ['ms', 35], ['address', '127.0.0.1']], raw), 'goproxy.test', 18441);
    for (const [k, v] of Object.entries(want)) assert.equal(got[k as keyof TlsEvidence], v, k);
    assert.equal([got.host, got.port, got.address, got.ms], ['goproxy.test', 18441, '127.0.0.1', 35]);
    if (problem) assert.is(certProblem(got.verifyCode, got.verifyMessage), problem);
  });
}

const Http = suite('parseHttp');

const URL_ = 'https://goproxy.test/rsc.io/quote/@v/list';
const PROXY = 'http://127.0.0.1:18451';
// [fixture or inline output, tool, rc, proxy, body, expected]
const http: Array<[string, string, number, string | null, string, Partial<HttpEvidence>]> = [
  ['http-curl-200.txt', 'curl', 0, null, fx('http-curl-200.body'), { outcome: 'response', status: 200, ttfbMs: 4, bodyHead: 'v1.5.2\nv1.5.1\nv1.5.0' }],
  [lines('', '@w 200 0.095 0.1 000'), 'curl', 0, null, '', { outcome: 'response', status: 200, ttfbMs: 95 }],
  ['http-curl-404.txt', 'curl', 0, null, '', { outcome: 'response', status: 404, ttfbMs: 1 }],
  ['http-curl-connect-407.txt', 'curl', 56, PROXY, '', { outcome: 'proxy_auth', status: 407 }],
  [lines('', '@w 000 0 0 407'), 'curl', 56, PROXY, '', { outcome: 'proxy_auth', status: 407 }],
  // A plain-http URL through a proxy answering 407: curl sees the 407 as the response code
  // (no CONNECT), and it is the proxy asking for credentials, as with wget (http-wget-407.txt below).
  ['http-curl-get-407.txt', 'curl', 0, PROXY, '', { outcome: 'proxy_auth', status: 407 }],
  // Without a proxy, a 407 is just what the server answered.
  ['http-curl-get-407.txt', 'curl', 0, null, '', { outcome: 'response', status: 407 }],
  ['http-curl-proxy-refused.txt', 'curl', 7, 'http://127.0.0.1:9', '', { outcome: 'proxy_refused', status: null, message: "curl: (7) Failed to connect to 127.0.0.1 port 9 after 0 ms: Couldn't connect to server" }],
  ['http-curl-proxy-refused.txt', 'curl', 7, null, '', { outcome: 'error' }],
  ['http-curl-timeout.txt', 'curl', 28, null, '', { outcome: 'timeout', status: null }],
  ['', 'curl', 124, PROXY, '', { outcome: 'timeout' }],
  [lines('curl: (60) SSL certificate problem: unable to get local issuer certificate', '', '@w 000 0.000000 0.003 000'), 'curl', 60, null, '', { outcome: 'tls_error' }],
  ['http-wget-200.txt', 'wget', 0, null, 'v1.5.2\n', { outcome: 'response', status: 200, ttfbMs: 40, bodyHead: 'v1.5.2' }],
  ['http-wget-404.txt', 'wget', 1, null, '', { outcome: 'response', status: 404 }],
  ['http-wget-407.txt', 'wget', 1, PROXY, '', { outcome: 'proxy_auth' }],
  ['http-wget-proxy-refused.txt', 'wget', 1, 'http://127.0.0.1:9', '', { outcome: 'proxy_refused', message: "wget: can't connect to remote host (127.0.0.1): Connection refused" }],
  ['', 'none', 1, null, '', { outcome: 'no_tool', tool: null }],
];
for (const [source, tool, rc, proxy, body, want] of http) {
  Http(`${source.endsWith('.txt') ? source : JSON.stringify(source.slice(0, 30))} (${tool}, rc ${rc}${proxy ? ', proxied' : ''}) → ${want.outcome}`, () => {
    const raw = source.endsWith('.txt') ? fx(source) : source;
    const got = parseHttp(agentBlock('http:t0', [['tool', tool], ['rc', rc], ['ms', 40]], raw, body), URL_, proxy);
    for (const [k, v] of Object.entries(want)) assert.equal(got[k as keyof HttpEvidence], v, k);
    assert.equal([got.url, got.proxy, got.ms], [URL_, proxy, 40]);
  });
}

const Facts = suite('parseFacts / parseResolvConf');

const transcript = new Map<string, Block>();
for (const ev of new WireReader().push(fx('agent-transcript.txt'))) if (ev.type === 'block') transcript.set(ev.block.id, ev.block);

Facts('the recorded agent transcript', () => {
  const f = parseFacts(transcript, 1_795_443_659_000);
  assert.equal([f.uid, f.gid, f.userName, f.home, f.os, f.caBundle, f.clockMs, f.hostClockMs, f.clockSource], [0, 0, 'root', '/root', 'debian', '/etc/ssl/certs/ca-certificates.crt', 1_795_443_658_000, 1_795_443_659_000, 'date']);
  assert.equal(Object.keys(f.tools).sort(), ['bash', 'curl', 'getent', 'git', 'openssl', 'timeout', 'wget']);
  assert.is(f.tools.curl, '/usr/bin/curl');
  assert.equal(f.resolvConf, { nameservers: ['127.0.0.1'], search: ['corp.example', 'svc.cluster.local'], options: ['ndots:5', 'timeout:2'], present: true });
  assert.match(f.hostsFile, /^127\.0\.0\.1\tlocalhost\n127\.0\.0\.1\tgoproxy\.test/);
  assert.equal([f.goEnv, f.goEnvError], [null, 'no go command in the image']);
});

const withGoenv = (kvs: Array<[string, string | number]>, raw = '') => new Map([...transcript, ['goenv', agentBlock('goenv', kvs, raw)]]);
Facts('go env -json output is read', () => {
  const f = parseFacts(withGoenv([['rc', 0]], fx('go-env.json')), 0);
  assert.is(f.goEnvError, null);
  assert.equal([f.goEnv?.GOPROXY, f.goEnv?.GOPRIVATE, f.goEnv?.GOFLAGS, f.goEnv?.GOVERSION], ['https://goproxy.cn,direct', 'git.corp.example/*', '-mod=mod', 'go1.23.4']);
});
Facts('go env failures say what happened', () => {
  const err = (kvs: Array<[string, string | number]>, raw = '') => parseFacts(withGoenv(kvs, raw), 0).goEnvError;
  assert.is(err([['rc', 127]]), 'no go command in the image');
  assert.is(err([['rc', 0]], 'go: warning: GOPATH set to GOROOT\n{'), 'go env -json printed something that is not JSON');
  assert.match(err([['rc', 124]]) ?? '', /^go env timed out/);
  assert.match(err([['rc', 1]], 'go: GOCACHE is not defined and neither $XDG_CACHE_HOME nor $HOME are defined\n') ?? '', /^go env failed \(exit 1\): go: GOCACHE is not defined/);
  const none = new Map(transcript);
  none.delete('goenv');
  assert.is(parseFacts(none, 0).goEnvError, 'the agent did not report go env');
});
Facts('busybox wget is labelled; a missing resolv.conf is not present', () => {
  const facts = agentBlock('facts', [['uid', 1000], ['gid', ''], ['user', ''], ['home', '/'], ['tool.wget', '/usr/bin/wget'], ['flavor.wget', 'busybox']]);
  const resolv = agentBlock('file:/etc/resolv.conf', [['missing', 1]]);
  const f = parseFacts(new Map([['facts', facts], ['file:/etc/resolv.conf', resolv]]), 0);
  assert.equal([f.uid, f.gid, f.userName, f.home, f.tools.wget, f.os], [1000, null, null, '/', '/usr/bin/wget (busybox)', null]);
  assert.equal(f.resolvConf, { nameservers: [], search: [], options: [], present: false });
  assert.is(parseFacts(new Map(), 0).resolvConf.present, false);
});

const resolvConfs: Array<[string[] | null, ReturnType<typeof parseResolvConf>]> = [
  [null, { nameservers: [], search: [], options: [], present: false }],
  [[], { nameservers: [], search: [], options: [], present: true }],
  [['# Generated by Docker Engine.', 'nameserver 127.0.0.11', 'search corp.example', 'options ndots:0', '', '# ExtServers: [10.0.0.2]'], { nameservers: ['127.0.0.11'], search: ['corp.example'], options: ['ndots:0'], present: true }],
  [['nameserver 127.0.0.53', 'options edns0 trust-ad', 'search .'], { nameservers: ['127.0.0.53'], search: ['.'], options: ['edns0', 'trust-ad'], present: true }],
  [['  nameserver\t10.0.0.2  ', 'nameserver fd00::53', 'nameserver', 'domain corp.example', 'search a.example b.example'], { nameservers: ['10.0.0.2', 'fd00::53'], search: ['corp.example', 'a.example', 'b.example'], options: [], present: true }],
];
for (const [input, want] of resolvConfs) Facts(`parseResolvConf ${JSON.stringify(input)?.slice(0, 50)}`, () => assert.equal(parseResolvConf(input), want));

Dns.run();
Tcp.run();
Tls.run();
Http.run();
Facts.run();
