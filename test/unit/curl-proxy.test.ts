// src/go/curl-proxy.ts and curl-noproxy.ts against curl's tests/unit/unit1614.c (the noproxy, cidr4 and cidr6
// tables: curl/curl at 096e04c for the 7.86 era and the later table in greed42/curl at 0fca2fb,
// with each row's answer for 7.88 where curl changed since), lib/url.c's variable order, git's
// http.c get_curl_handle, and the places where Go (src/go/http-proxy.ts) and curl disagree.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { curlCidr4Match, curlCidr6Match, curlNoProxyMatch, curlNoProxyTokens } from '../../src/go/curl-noproxy.js';
import { curlProxyEndpoint, curlProxyEnv, curlProxyFor, explainNoProxyDifference, gitProxyFor, goProxyEndpoint } from '../../src/go/curl-proxy.js';
import type { Env } from '../../src/go/http-proxy.js';

// --- unit1614.c ------------------------------------------------------------------------------
const Unit1614 = suite('curlNoProxyMatch (unit1614.c noproxy list)');
const LONG128 = 'localhost,127.0.0.1.127.0.0.1.127.0.0.1.127.0.0.1.127.0.0.1.127.0.0.1.127.0.0.1.127.0.0.1.127.0.0.1.127.0.0.1.127.0.0.1.127.0.0.1.127.0.0.';
const LONG127 = 'localhost,127.0.0.1.127.0.0.1.127.0.0.1.127.0.0.1.127.0.0.1.127.0.0.1.127.0.0.1.127.0.0.1.127.0.0.1.127.0.0.1.127.0.0.1.127.0.0.1.127.0.0';
// Rows whose answer is the same in 7.88 and in current curl.
const noproxy: Array<[string, string, boolean]> = [
  ['www.example.com', 'localhost,.example.com,.example.de', true],
  ['www.example.com.', 'localhost,.example.com,.example.de', true],
  ['example.com', 'localhost,.example.com,.example.de', true],
  ['example.com.', 'localhost,.example.com,.example.de', true],
  ['www.example.com', 'localhost,.example.com.,.example.de', true],
  ['www.example.com', 'localhost,www.example.com.,.example.de', true],
  ['example.com', 'localhost,example.com,.example.de', true],
  ['example.com.', 'localhost,example.com,.example.de', true],
  ['nexample.com', 'localhost,example.com,.example.de', false],
  // 7.86.0 answered false here (a regression); 7.87.0 restored the tail match.
  ['www.example.com', 'localhost,example.com,.example.de', true],
  ['127.0.0.1', '127.0.0.1,localhost', true],
  ['127.0.0.1', '127.0.0.1,localhost,', true],
  ['127.0.0.1', '127.0.0.1/8,localhost,', true],
  ['127.0.0.1', '127.0.0.1/28,localhost,', true],
  ['127.0.0.1', '127.0.0.1/31,localhost,', true],
  ['127.0.0.1', 'localhost,127.0.0.1', true],
  ['127.0.0.1', LONG128, false], // 128 bytes "address"
  ['127.0.0.1', LONG127, false], // 127 bytes "address"
  ['localhost', 'localhost,127.0.0.1', true],
  ['localhost', '127.0.0.1,localhost', true],
  ['foobar', 'barfoo', false],
  ['foobar', 'foobar', true],
  ['192.168.0.1', 'foobar', false],
  ['192.168.0.1', '192.168.0.0/16', true],
  ['192.168.0.1', '192.168.0.0/24', true],
  ['192.168.0.1', '192.168.0.0/32', false],
  ['192.168.0.1', '192.168.0.0', false],
  ['192.168.1.1', '192.168.0.0/24', false],
  ['192.168.1.1', '192.168.0.0/33', false],
  ['192.168.1.1', 'foo, bar, 192.168.0.0/24', false],
  ['192.168.1.1', 'foo, bar, 192.168.0.0/16', true],
  ['[::1]', 'foo, bar, 192.168.0.0/16', false],
  ['[::1]', 'foo, bar, ::1/64', true],
  ['[::1]', '::1/64', true],
  ['[::1]', '::1/96', true],
  ['[::1]', '::1/129', false],
  ['bar', 'foo, bar, ::1/64', true],
  ['BAr', 'foo, bar, ::1/64', true],
  ['BAr', 'foo,,,,,              bar, ::1/64', true],
  ['www.example.com', 'foo, .example.com', true],
  ['www.example.com', 'www2.example.com, .example.net', false],
  ['example.com', '.example.com, .example.net', true],
  ['nonexample.com', '.example.com, .example.net', false],
  ['192.168.0.1', '0.0.0.0', false],
  ['[::1]', '::', false],
];
for (const [name, list, want] of noproxy) {
  Unit1614(`${name} in ${JSON.stringify(list.length > 60 ? `${list.slice(0, 40)}…` : list)} → ${want}`, () => {
    assert.is(curlNoProxyMatch(name, list), want);
  });
}
// Rows current curl answers differently: [name, list, 7.88, later curl, why]
const changed: Array<[string, string, boolean, boolean, string]> = [
  ['www.example.com', 'localhost .example.com .example.de', true, false, 'space-separated entries: deprecated in 7.88.0, removed in 8.9.0'],
  ['192.168.0.1', '0.0.0.0/0', false, true, '/0 was an exact comparison'],
  ['[::1]', '::/0', false, true, '/0 was read as /128'],
];
for (const [name, list, want788, later, why] of changed) {
  Unit1614(`7.88: ${name} in ${JSON.stringify(list)} → ${want788} (later curl: ${later}; ${why})`, () => {
    assert.is(curlNoProxyMatch(name, list), want788);
  });
}

const Cidr = suite('curlCidr4Match / curlCidr6Match (unit1614.c list4, list6)');
// [address, network, bits, 7.88, later curl]
const list4: Array<[string, string, number, boolean, boolean]> = [
  ['192.160.0.1', '192.160.0.1', 33, false, false],
  ['192.160.0.1', '192.160.0.1', 32, true, true],
  ['192.160.0.1', '192.160.0.1', 0, true, true],
  ['192.160.0.1', '192.160.0.1', 24, true, true],
  ['192.160.0.1', '192.160.0.1', 26, true, true],
  ['192.160.0.1', '192.160.0.1', 20, true, true],
  ['192.160.0.1', '192.160.0.1', 18, true, true],
  ['192.160.0.1', '192.160.0.1', 12, true, true],
  ['192.160.0.1', '192.160.0.1', 8, true, true],
  ['192.160.0.1', '10.0.0.1', 8, false, false],
  ['192.160.0.1', '10.0.0.1', 32, false, false],
  ['192.160.0.1', '10.0.0.1', 0, false, true],
  ['192.160.0.1', '0.0.0.0', 0, false, true],
  ['192.160.0.1', '0.0.0.0', 32, false, false],
];
for (const [a, n, bits, want, later] of list4) {
  Cidr(`v4 ${a} in ${n}/${bits} → ${want}${want !== later ? ` (later: ${later})` : ''}`, () => assert.is(curlCidr4Match(a, n, bits), want));
}
const list6: Array<[string, string, number, boolean, boolean]> = [
  ['::1', '::1', 0, true, true],
  ['::1', '::1', 128, true, true],
  ['::1', '0:0::1', 128, true, true],
  ['::1', '0:0::1', 129, false, false],
  ['fe80::ab47:4396:55c9:8474', 'fe80::ab47:4396:55c9:8474', 64, true, true],
  ['::', '::1', 0, false, true],
  ['::', 'fd00:ec2::254', 0, false, true],
  // Lengths that are not a multiple of 8: 7.86–8.16 tested the last byte backwards (PR #18891).
  ['fc00::', 'fd00:ec2::254', 7, false, true],
  ['fc00::', 'fe00::1', 7, true, false],
  ['fe80::', 'fe80::ab47:4396:55c9:8474', 10, false, true],
  ['fe80::', 'fd00:ec2::254', 10, false, false],
];
for (const [a, n, bits, want, later] of list6) {
  Cidr(`v6 ${a} in ${n}/${bits} → ${want}${want !== later ? ` (later: ${later})` : ''}`, () => assert.is(curlCidr6Match(a, n, bits), want));
}

// --- the rest of Curl_check_noproxy -------------------------------------------------------
const Rules = suite('curlNoProxyMatch (noproxy.c rules)');
Rules('* only as the whole value', () => {
  assert.ok(curlNoProxyMatch('proxy.golang.org', '*'));
  assert.not.ok(curlNoProxyMatch('proxy.golang.org', '*,localhost'));
  assert.not.ok(curlNoProxyMatch('proxy.golang.org', ' *'));
});
Rules('*.domain is a literal name, ports are part of the name', () => {
  assert.not.ok(curlNoProxyMatch('a.corp.example', '*.corp.example'));
  assert.ok(curlNoProxyMatch('a.corp.example', 'corp.example'));
  assert.not.ok(curlNoProxyMatch('goproxy.corp', 'goproxy.corp:443'));
  assert.not.ok(curlNoProxyMatch('10.0.0.1', '10.0.0.1:3000'));
});
Rules('no name, no list', () => {
  assert.not.ok(curlNoProxyMatch('', '*'));
  assert.not.ok(curlNoProxyMatch('example.com', ''));
  assert.not.ok(curlNoProxyMatch('example.com', null));
  assert.not.ok(curlNoProxyMatch('[::1', '::1'));
});
Rules('IPv6 hosts as url.c passes them (no brackets) are compared as text', () => {
  assert.ok(curlNoProxyMatch('::1', '::1'));
  assert.not.ok(curlNoProxyMatch('::1', '0:0::1'));
  assert.not.ok(curlNoProxyMatch('fd12::1', 'fd00::/8'));
  assert.ok(curlNoProxyMatch('[fd12::1]', 'fd00::/8'));
});
Rules('tokens: commas and blanks, but not other white space', () => {
  assert.equal(curlNoProxyTokens(' a, b c,,\td '), ['a', 'b', 'c', 'd']);
  assert.equal(curlNoProxyTokens('a\nb'), ['a\nb']);
});

// --- variables ---------------------------------------------------------------------------
const Env = suite('curlProxyEnv (url.c detect_proxy, create_conn_helper_init_proxy)');
const envs: Array<[string, string, Env, Partial<ReturnType<typeof curlProxyEnv>>]> = [
  ['lower https_proxy wins', 'https', { https_proxy: 'l:1', HTTPS_PROXY: 'U:2' }, { proxy: 'l:1', proxyVar: 'https_proxy' }],
  ['upper HTTPS_PROXY is a fallback', 'https', { HTTPS_PROXY: 'U:2' }, { proxy: 'U:2', proxyVar: 'HTTPS_PROXY' }],
  ['an empty lower-case value is unset', 'https', { https_proxy: '', HTTPS_PROXY: 'U:2' }, { proxy: 'U:2', proxyVar: 'HTTPS_PROXY' }],
  ['HTTP_PROXY is never read', 'http', { HTTP_PROXY: 'U:1' }, { proxy: null, proxyVar: null }],
  ['HTTP_PROXY is skipped for all_proxy', 'http', { HTTP_PROXY: 'U:1', all_proxy: 'a:3' }, { proxy: 'a:3', proxyVar: 'all_proxy' }],
  ['all_proxy before ALL_PROXY', 'https', { ALL_PROXY: 'A:4', all_proxy: 'a:3' }, { proxy: 'a:3', proxyVar: 'all_proxy' }],
  ['ALL_PROXY last', 'https', { ALL_PROXY: 'A:4' }, { proxy: 'A:4', proxyVar: 'ALL_PROXY' }],
  ['no_proxy before NO_PROXY', 'https', { no_proxy: 'a', NO_PROXY: 'b' }, { noProxy: 'a', noProxyVar: 'no_proxy' }],
  ['empty no_proxy falls back to NO_PROXY', 'https', { no_proxy: '', NO_PROXY: 'b' }, { noProxy: 'b', noProxyVar: 'NO_PROXY' }],
  ['ftp_proxy / FTP_PROXY', 'ftp', { FTP_PROXY: 'f:21' }, { proxy: 'f:21', proxyVar: 'FTP_PROXY' }],
];
for (const [name, scheme, env, want] of envs) {
  Env(name, () => {
    const got = curlProxyEnv(scheme, env);
    for (const [k, v] of Object.entries(want)) assert.is(got[k as keyof typeof got], v, k);
  });
}

const For = suite('curlProxyFor / gitProxyFor');
const P = 'http://proxy.corp:3128';
For('the usual cases', () => {
  assert.is(curlProxyFor('https://proxy.golang.org/', { https_proxy: P }), P);
  assert.is(curlProxyFor('https://proxy.golang.org/', { HTTPS_PROXY: 'proxy.corp:3128' }), P);
  assert.is(curlProxyFor('https://proxy.golang.org/', { https_proxy: P, no_proxy: '.golang.org' }), null);
  assert.is(curlProxyFor('https://proxy.golang.org/', { https_proxy: P, NO_PROXY: 'golang.org' }), null);
  assert.is(curlProxyFor('http://athens:3000/', { HTTP_PROXY: P }), null);
  assert.is(curlProxyFor('http://athens:3000/', { http_proxy: P }), P);
  assert.is(curlProxyFor('http://localhost:3000/', { http_proxy: P }), P);
  assert.is(curlProxyFor('https://[::1]:8443/', { https_proxy: P, no_proxy: '::1' }), null);
  assert.is(curlProxyFor('https://[fd12::1]/', { https_proxy: P, no_proxy: 'fd00::/8' }), P);
  assert.is(curlProxyFor('https://ftp.example/', { https_proxy: 'ftp.corp:3128' }), 'ftp://ftp.corp:3128');
});
For('git reads the variables itself', () => {
  assert.is(gitProxyFor('https://github.com/acme/x.git', { https_proxy: P, HTTPS_PROXY: 'http://other:1' }), P);
  // An empty lower-case value still wins in git (var_override), and an empty proxy disables proxying.
  assert.is(gitProxyFor('https://github.com/acme/x.git', { https_proxy: '', HTTPS_PROXY: P }), null);
  assert.is(curlProxyFor('https://github.com/acme/x.git', { https_proxy: '', HTTPS_PROXY: P }), P);
  assert.is(gitProxyFor('https://github.com/acme/x.git', { https_proxy: P, no_proxy: '', NO_PROXY: 'github.com' }), P);
  assert.is(gitProxyFor('http://git.corp/x.git', { HTTP_PROXY: P }), null);
  assert.is(gitProxyFor('https://github.com/', { https_proxy: 'socks5h://127.0.0.1:1080' }), 'socks5h://127.0.0.1:1080');
  assert.is(gitProxyFor('https://github.com/', { https_proxy: 'https://user:pw@proxy.corp/path' }), 'https://proxy.corp');
  assert.is(gitProxyFor('https://github.com/', { all_proxy: P }), P);
});
For('proxy endpoints: curl defaults to port 1080, Go to the scheme port', () => {
  assert.equal(curlProxyEndpoint('proxy.corp'), { scheme: 'http', host: 'proxy.corp', port: 1080 });
  assert.equal(curlProxyEndpoint('http://proxy.corp'), { scheme: 'http', host: 'proxy.corp', port: 1080 });
  assert.equal(curlProxyEndpoint('https://proxy.corp'), { scheme: 'https', host: 'proxy.corp', port: 443 });
  assert.equal(curlProxyEndpoint('socks5h://127.0.0.1'), { scheme: 'socks5h', host: '127.0.0.1', port: 1080 });
  assert.equal(curlProxyEndpoint('http://[::1]:3128'), { scheme: 'http', host: '::1', port: 3128 });
  assert.equal(curlProxyEndpoint('foo://host'), { error: "Unsupported proxy scheme for 'foo://host'" });
  assert.equal(goProxyEndpoint('http://proxy.corp'), { scheme: 'http', host: 'proxy.corp', port: 80 });
  assert.equal(goProxyEndpoint('https://proxy.corp'), { scheme: 'https', host: 'proxy.corp', port: 443 });
});

// --- Go vs curl ------------------------------------------------------------------------------
const Diff = suite('explainNoProxyDifference');
const HP = { HTTPS_PROXY: P, https_proxy: P };
Diff('agreement gives null', () => {
  assert.is(explainNoProxyDifference('proxy.golang.org', 443, HP), null);
  assert.is(explainNoProxyDifference('proxy.golang.org', 443, { ...HP, NO_PROXY: 'golang.org', no_proxy: 'golang.org' }), null);
  assert.is(explainNoProxyDifference('proxy.golang.org', 443, {}), null);
  assert.is(explainNoProxyDifference('10.1.2.3', 443, { ...HP, NO_PROXY: '10.0.0.0/8', no_proxy: '10.0.0.0/8' }), null);
});
Diff('*.domain: a wildcard to Go, a literal name to curl', () => {
  const d = explainNoProxyDifference('git.corp.example', 443, { ...HP, NO_PROXY: '*.corp.example', no_proxy: '*.corp.example' });
  assert.equal([d?.go, d?.curl, d?.git, d?.entry], [false, true, true, '*.corp.example']);
  assert.match(d?.why ?? '', /wildcard to Go but a literal name to curl/);
});
Diff('host:port entries: honoured by Go, never matched by curl', () => {
  const d = explainNoProxyDifference('goproxy.corp', 8443, { ...HP, NO_PROXY: 'goproxy.corp:8443', no_proxy: 'goproxy.corp:8443' });
  assert.equal([d?.go, d?.curl, d?.entry], [false, true, 'goproxy.corp:8443']);
  assert.match(d?.why ?? '', /host:port/);
  // A port-only entry is ignored by both (Go: "no host part, likely malformed").
  assert.is(explainNoProxyDifference('goproxy.corp', 8080, { ...HP, NO_PROXY: ':8080', no_proxy: ':8080' }), null);
});
Diff('CIDRs: both honour IPv4; IPv6 and /0 differ in 7.88', () => {
  const v6 = explainNoProxyDifference('fd12::1', 443, { ...HP, NO_PROXY: 'fd00::/8', no_proxy: 'fd00::/8' });
  assert.equal([v6?.go, v6?.curl, v6?.entry], [false, true, 'fd00::/8']);
  assert.match(v6?.why ?? '', /IPv6/);
  const all = explainNoProxyDifference('10.1.2.3', 443, { ...HP, NO_PROXY: '0.0.0.0/0', no_proxy: '0.0.0.0/0' });
  assert.match(all?.why ?? '', /\/0/);
});
Diff('a leading dot: curl matches the domain itself, Go only subdomains', () => {
  const d = explainNoProxyDifference('corp.example', 443, { ...HP, NO_PROXY: '.corp.example', no_proxy: '.corp.example' });
  assert.equal([d?.go, d?.curl, d?.entry], [true, false, '.corp.example']);
  assert.match(d?.why ?? '', /leading dot/);
});
Diff('space-separated lists: curl 7.88 splits them, Go does not', () => {
  const d = explainNoProxyDifference('b.corp', 443, { ...HP, NO_PROXY: 'a.corp b.corp', no_proxy: 'a.corp b.corp' });
  assert.equal([d?.go, d?.curl, d?.entry], [true, false, 'b.corp']);
  assert.match(d?.why ?? '', /spaces/);
});
Diff('* in a list', () => {
  const d = explainNoProxyDifference('proxy.golang.org', 443, { ...HP, NO_PROXY: 'localhost,*', no_proxy: 'localhost,*' });
  assert.equal([d?.go, d?.curl, d?.entry], [false, true, '*']);
});
Diff('lowercase http_proxy vs HTTP_PROXY', () => {
  const d = explainNoProxyDifference('athens', 80, { HTTP_PROXY: P });
  assert.equal([d?.go, d?.curl, d?.git], [true, false, false]);
  assert.match(d?.why ?? '', /HTTP_PROXY/);
});
Diff('ALL_PROXY is curl only', () => {
  const d = explainNoProxyDifference('proxy.golang.org', 443, { ALL_PROXY: P });
  assert.equal([d?.go, d?.curl], [false, true]);
  assert.match(d?.why ?? '', /ALL_PROXY/);
});
Diff('NO_PROXY vs no_proxy precedence', () => {
  const d = explainNoProxyDifference('git.corp', 443, { ...HP, NO_PROXY: 'other.corp', no_proxy: 'git.corp' });
  assert.equal([d?.go, d?.curl, d?.entry], [true, false, 'no_proxy']);
});
Diff('loopback: never proxied by Go', () => {
  const d = explainNoProxyDifference('localhost', 3000, { ...HP });
  assert.equal([d?.go, d?.curl], [false, true]);
  assert.match(d?.why ?? '', /loopback/);
});
Diff('both proxied, but not to the same place', () => {
  const port = explainNoProxyDifference('proxy.golang.org', 443, { HTTPS_PROXY: 'http://proxy.corp', https_proxy: 'http://proxy.corp' });
  assert.equal([port?.go, port?.curl, port?.entry], [true, true, null]);
  assert.match(port?.why ?? '', /proxy\.corp:80.*proxy\.corp:1080/);
  const vars = explainNoProxyDifference('proxy.golang.org', 443, { HTTPS_PROXY: 'http://a:1', https_proxy: 'http://b:2' });
  assert.match(vars?.why ?? '', /Go uses HTTPS_PROXY=http:\/\/a:1, curl uses https_proxy=http:\/\/b:2/);
});
Diff('git alone differs on set-but-empty variables', () => {
  const d = explainNoProxyDifference('github.com', 443, { https_proxy: '', HTTPS_PROXY: P });
  assert.equal([d?.go, d?.curl, d?.git], [true, true, false]);
  assert.match(d?.why ?? '', /set-but-empty/);
});

Unit1614.run();
Cidr.run();
Rules.run();
Env.run();
For.run();
Diff.run();
