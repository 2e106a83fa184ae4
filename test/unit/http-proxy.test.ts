// src/go/http-proxy.ts against the tables of Go's own golang.org/x/net/http/httpproxy/proxy_test.go
// (proxyForURLTests, UseProxyTests, TestFromEnvironment*, TestInvalidNoProxy, TestAllNoProxy),
// plus the cases the field guide relies on (docs/domain.md, "proxy env").
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { type Env, goProxyConfig, goProxyFor, goUsesProxy, normalizeProxyUrl } from '../../src/go/http-proxy.js';

// --- goProxyFor: Go's proxyForURLTests --------------------------------------------------
const ProxyFor = suite('goProxyFor (Go proxyForURLTests)');

// [env, request URL, proxy the go command would use (null = direct)]
const proxyForURL: Array<[Env, string, string | null]> = [
  [{ HTTP_PROXY: '127.0.0.1:8080' }, 'http://example.com', 'http://127.0.0.1:8080'],
  [{ HTTP_PROXY: 'cache.corp.example.com:1234' }, 'http://example.com', 'http://cache.corp.example.com:1234'],
  [{ HTTP_PROXY: 'cache.corp.example.com' }, 'http://example.com', 'http://cache.corp.example.com'],
  // single label domain is recognized as scheme by url.Parse
  [{ HTTP_PROXY: 'localhost' }, 'http://example.com', 'http://localhost'],
  [{ HTTP_PROXY: 'https://cache.corp.example.com' }, 'http://example.com', 'https://cache.corp.example.com'],
  [{ HTTP_PROXY: 'http://127.0.0.1:8080' }, 'http://example.com', 'http://127.0.0.1:8080'],
  [{ HTTP_PROXY: 'https://127.0.0.1:8080' }, 'http://example.com', 'https://127.0.0.1:8080'],
  [{ HTTP_PROXY: 'socks5://127.0.0.1' }, 'http://example.com', 'socks5://127.0.0.1'],
  // Preserve unknown schemes.
  [{ HTTP_PROXY: 'foo://host' }, 'http://example.com', 'foo://host'],
  // Don't use secure for http; use secure for https.
  [{ HTTP_PROXY: 'http.proxy.tld', HTTPS_PROXY: 'secure.proxy.tld' }, 'http://insecure.tld/', 'http://http.proxy.tld'],
  [{ HTTP_PROXY: 'http.proxy.tld', HTTPS_PROXY: 'secure.proxy.tld' }, 'https://secure.tld/', 'http://secure.proxy.tld'],
  [{ HTTP_PROXY: 'http.proxy.tld', HTTPS_PROXY: 'https://secure.proxy.tld' }, 'https://secure.tld/', 'https://secure.proxy.tld'],
  [{ HTTP_PROXY: 'http.proxy.tld' }, 'https://secure.tld/', null],
  [{ HTTP_PROXY: 'http.proxy.tld' }, 'ftp://insecure.tld/', null],
  [{ HTTPS_PROXY: 'https://secure.proxy.tld' }, 'https://secure.tld/', 'https://secure.proxy.tld'],
  [{}, 'http://example.com', null],
  [{ NO_PROXY: 'example.com', HTTP_PROXY: 'proxy' }, 'http://example.com/', null],
  [{ NO_PROXY: '.example.com', HTTP_PROXY: 'proxy' }, 'http://example.com/', 'http://proxy'],
  [{ NO_PROXY: 'ample.com', HTTP_PROXY: 'proxy' }, 'http://example.com/', 'http://proxy'],
  [{ NO_PROXY: 'example.com', HTTP_PROXY: 'proxy' }, 'http://foo.example.com/', null],
  [{ NO_PROXY: '.foo.com', HTTP_PROXY: 'proxy' }, 'http://example.com/', 'http://proxy'],
  [{ NO_PROXY: 'xn--fsq092h.com', HTTP_PROXY: 'proxy' }, 'http://www.示例.com', null],
  // Go converts NO_PROXY entries to punycode, as URL hosts already are.
  [{ NO_PROXY: '.示例.com', HTTP_PROXY: 'proxy' }, 'http://www.示例.com', null],
  [{ NO_PROXY: '示例.com', HTTP_PROXY: 'proxy' }, 'http://www.xn--fsq092h.com', null],
];

for (const [env, url, want] of proxyForURL) {
  ProxyFor(`${JSON.stringify(env)} ${url} → ${want}`, () => {
    assert.is(goProxyFor(url, env), want);
  });
}

// --- goProxyFor: the rules users trip on -------------------------------------------------
const Rules = suite('goProxyFor (field rules)');

const P = 'http://proxy.corp:3128';
const rules: Array<[string, Env, string, string | null]> = [
  ['HTTPS requests use HTTPS_PROXY', { HTTP_PROXY: 'h:1', HTTPS_PROXY: 's:2' }, 'https://proxy.golang.org/', 'http://s:2'],
  ['HTTP requests use HTTP_PROXY', { HTTP_PROXY: 'h:1', HTTPS_PROXY: 's:2' }, 'http://athens:3000/', 'http://h:1'],
  ['HTTPS without HTTPS_PROXY goes direct', { HTTP_PROXY: P }, 'https://proxy.golang.org/', null],
  ['upper case wins over lower case', { HTTPS_PROXY: 'http://upper:1', https_proxy: 'http://lower:2' }, 'https://a.example/', 'http://upper:1'],
  ['lower case alone is honoured', { https_proxy: 'lower:2' }, 'https://a.example/', 'http://lower:2'],
  ['an empty upper-case value falls back to lower case', { HTTPS_PROXY: '', https_proxy: 'lower:2' }, 'https://a.example/', 'http://lower:2'],
  ['no_proxy (lower) is honoured', { HTTPS_PROXY: P, no_proxy: 'a.example' }, 'https://a.example/', null],
  ['NO_PROXY wins over no_proxy', { HTTPS_PROXY: P, NO_PROXY: 'b.example', no_proxy: 'a.example' }, 'https://a.example/', P],
  ['NO_PROXY=* disables the proxy', { HTTPS_PROXY: P, NO_PROXY: '*' }, 'https://proxy.golang.org/', null],
  ['exact host', { HTTPS_PROXY: P, NO_PROXY: 'goproxy.corp' }, 'https://goproxy.corp/', null],
  ['domain suffix matches subdomains', { HTTPS_PROXY: P, NO_PROXY: 'example.com' }, 'https://foo.example.com/', null],
  ['domain suffix matches the domain itself', { HTTPS_PROXY: P, NO_PROXY: 'example.com' }, 'https://example.com/', null],
  ['suffix is on label boundaries', { HTTPS_PROXY: P, NO_PROXY: 'example.com' }, 'https://badexample.com/', P],
  ['leading dot: subdomains only', { HTTPS_PROXY: P, NO_PROXY: '.example.com' }, 'https://foo.example.com/', null],
  ['leading dot: not the domain itself', { HTTPS_PROXY: P, NO_PROXY: '.example.com' }, 'https://example.com/', P],
  ['*. matches subdomains', { HTTPS_PROXY: P, NO_PROXY: '*.example.com' }, 'https://a.b.example.com/', null],
  ['*. does not match the domain itself', { HTTPS_PROXY: P, NO_PROXY: '*.example.com' }, 'https://example.com/', P],
  ['host:port matches the default port', { HTTPS_PROXY: P, NO_PROXY: 'example.com:443' }, 'https://example.com/', null],
  ['host:port with another port', { HTTPS_PROXY: P, NO_PROXY: 'example.com:8443' }, 'https://example.com/', P],
  ['host:port with the explicit port', { HTTPS_PROXY: P, NO_PROXY: 'example.com:8443' }, 'https://example.com:8443/', null],
  ['case-insensitive entries and hosts', { HTTPS_PROXY: P, NO_PROXY: 'Example.COM' }, 'https://WWW.example.com/', null],
  ['spaces around entries', { HTTPS_PROXY: P, NO_PROXY: ' a.example , goproxy.corp ,' }, 'https://goproxy.corp/', null],
  ['exact IPv4', { HTTPS_PROXY: P, NO_PROXY: '10.1.2.3' }, 'https://10.1.2.3/', null],
  ['other IPv4', { HTTPS_PROXY: P, NO_PROXY: '10.1.2.3' }, 'https://10.1.2.4/', P],
  ['IPv4 CIDR', { HTTPS_PROXY: P, NO_PROXY: '10.0.0.0/8' }, 'https://10.200.3.4/', null],
  ['IPv4 outside the CIDR', { HTTPS_PROXY: P, NO_PROXY: '10.0.0.0/8' }, 'https://11.0.0.1/', P],
  ['IPv6 CIDR', { HTTPS_PROXY: P, NO_PROXY: 'fd00::/8' }, 'https://[fd12:3456::1]/', null],
  ['IPv6 outside the CIDR', { HTTPS_PROXY: P, NO_PROXY: 'fd00::/8' }, 'https://[2001:db8::1]/', P],
  ['a CIDR does not match host names', { HTTPS_PROXY: P, NO_PROXY: '10.0.0.0/8' }, 'https://ten.example/', P],
  ['[IPv6]:port', { HTTPS_PROXY: P, NO_PROXY: '[2001:db8::1]:443' }, 'https://[2001:db8::1]/', null],
  ['localhost is never proxied', { HTTP_PROXY: P, HTTPS_PROXY: P }, 'http://localhost:3000/', null],
  ['127.0.0.1 is never proxied', { HTTPS_PROXY: P }, 'https://127.0.0.1:8443/', null],
  ['all of 127/8 is loopback', { HTTPS_PROXY: P }, 'https://127.0.0.2/', null],
  ['::1 is never proxied', { HTTPS_PROXY: P }, 'https://[::1]:8443/', null],
  ['::2 is not loopback', { HTTPS_PROXY: P }, 'https://[::2]/', P],
  ['localhost.example is not localhost', { HTTPS_PROXY: P }, 'https://localhost.example/', P],
  // Go compares IP entries with net.IP.Equal: the address counts, not its spelling.
  ['uncompressed IPv6 entry', { HTTPS_PROXY: P, NO_PROXY: '2001:db8:0:0:0:52:0:1' }, 'https://[2001:db8::52:0:1]/', null],
  ['compressed IPv6 entry, uncompressed URL', { HTTPS_PROXY: P, NO_PROXY: '2001:db8::52:0:1' }, 'https://[2001:db8:0:0:0:52:0:1]/', null],
  ['IPv6 entry with leading zeros', { HTTPS_PROXY: P, NO_PROXY: '2001:0db8::0052:0:1' }, 'https://[2001:db8::52:0:1]/', null],
  ['uncompressed [IPv6]:port entry', { HTTPS_PROXY: P, NO_PROXY: '[2001:db8:0:0:0:52:0:1]:443' }, 'https://[2001:db8::52:0:1]/', null],
  ['uncompressed [IPv6]:port entry, other port', { HTTPS_PROXY: P, NO_PROXY: '[2001:db8:0:0:0:52:0:1]:8443' }, 'https://[2001:db8::52:0:1]/', P],
  ['another IPv6 address', { HTTPS_PROXY: P, NO_PROXY: '2001:db8:0:0:0:52:0:1' }, 'https://[2001:db8::52:0:2]/', P],
  ['IPv4-mapped non-loopback', { HTTPS_PROXY: P }, 'https://[::ffff:10.0.0.1]/', P],
  ['punycoded entry, unicode URL', { HTTPS_PROXY: P, NO_PROXY: 'xn--fsq092h.com' }, 'https://goproxy.示例.com/', null],
  ['unicode *. entry', { HTTPS_PROXY: P, NO_PROXY: '*.示例.com' }, 'https://goproxy.示例.com/', null],
  ['unicode entry does not match another domain', { HTTPS_PROXY: P, NO_PROXY: '示例.com' }, 'https://example.com/', P],
];
for (const [name, env, url, want] of rules) {
  Rules(name, () => assert.is(goProxyFor(url, env), want));
}

// Go parity for IPv6 zones and IPv4-mapped addresses (each line is what Go does).
const knownBugs: Array<[string, Env, string, string | null]> = [
  ['Go proxyForURLTests: the IPv6 zone is not a host name', { NO_PROXY: 'example.com', HTTP_PROXY: 'proxy' }, 'http://[1000::%25.example.com]:123', 'http://proxy'],
  ['a URL with an IPv6 zone does not throw', { HTTP_PROXY: P }, 'http://[fe80::1%25eth0]:3000/', P],
  ['a loopback URL with an IPv6 zone is not proxied', { HTTP_PROXY: P }, 'http://[::1%25lo]:3000/', null],
  ['IPv4-mapped loopback', { HTTPS_PROXY: P }, 'https://[::ffff:127.0.0.1]/', null],
  ['IPv4-mapped URL, IPv4 entry', { HTTPS_PROXY: P, NO_PROXY: '10.0.0.1' }, 'https://[::ffff:10.0.0.1]/', null],
  ['IPv4-mapped URL, IPv4 CIDR', { HTTPS_PROXY: P, NO_PROXY: '10.0.0.0/8' }, 'https://[::ffff:10.0.0.1]/', null],
  ['IPv4-mapped entry, IPv4 URL', { HTTPS_PROXY: P, NO_PROXY: '::ffff:10.0.0.1' }, 'https://10.0.0.1/', null],
];
for (const [name, env, url, want] of knownBugs) {
  Rules(`Go parity: ${name}`, () => assert.is(goProxyFor(url, env), want));
}

// --- goUsesProxy: Go's UseProxyTests -----------------------------------------------------
const UseProxy = suite('goUsesProxy (Go UseProxyTests)');

const noProxy =
  'foobar.com, .barbaz.net, *.wildcard.io, 192.168.1.1, 192.168.1.2:81, 192.168.1.3:80, 10.0.0.0/30, 2001:db8::52:0:1, [2001:db8::52:0:2]:443, [2001:db8::52:0:3]:80, 2002:db8:a::45/64';
// [host as in Go's table (brackets stripped before the call), uses the proxy]
const useProxyTests: Array<[string, boolean]> = [
  ['localhost', false], ['127.0.0.1', false], ['127.0.0.2', false], ['[::1]', false], ['[::2]', true],
  ['192.168.1.1', false], ['192.168.1.2', true], ['192.168.1.3', false], ['192.168.1.4', true],
  ['10.0.0.2', false], ['[2001:db8::52:0:1]', false], ['[2001:db8::52:0:2]', true], ['[2001:db8::52:0:3]', false],
  ['[2002:db8:a::123]', false], ['[fe80::424b:c8be:1643:a1b6]', true],
  ['barbaz.net', true], ['www.barbaz.net', false], ['foobar.com', false], ['www.foobar.com', false],
  ['foofoobar.com', true], ['baz.com', true], ['localhost.net', true], ['local.localhost', true],
  ['barbarbaz.net', true], ['wildcard.io', true], ['nested.wildcard.io', false], ['awildcard.io', true],
];
const bare = (h: string) => h.replace(/^\[|\]$/g, '');
for (const [host, want] of useProxyTests) {
  UseProxy(`${host}:80 → ${want ? 'proxy' : 'direct'}`, () => assert.is(goUsesProxy(noProxy, bare(host), '80'), want));
}
UseProxy('NO_PROXY=* sends every host direct (TestAllNoProxy)', () => {
  for (const [host] of useProxyTests) assert.is(goUsesProxy('*', bare(host), '80'), false, host);
});
UseProxy('a malformed entry is ignored (TestInvalidNoProxy)', () => {
  assert.is(goUsesProxy(':1', 'example.com', '80'), true);
});
UseProxy('IP entries compare addresses; unicode entries are punycoded; mapped loopback is loopback', () => {
  assert.is(goUsesProxy('2001:db8:0:0:0:52:0:1', '2001:db8::52:0:1', '80'), false);
  assert.is(goUsesProxy('[2001:db8:0:0:0:52:0:3]:80', '2001:db8::52:0:3', '80'), false);
  assert.is(goUsesProxy('.示例.com', 'www.xn--fsq092h.com', '80'), false);
  assert.is(goUsesProxy('示例.com', 'xn--fsq092h.com', '80'), false);
  assert.is(goUsesProxy('示例.com:8080', 'www.xn--fsq092h.com', '80'), true);
  assert.is(goUsesProxy('', '::ffff:127.0.0.1', '80'), false);
});
UseProxy('an empty NO_PROXY proxies everything but loopback', () => {
  assert.is(goUsesProxy('', 'proxy.golang.org', '443'), true);
  assert.is(goUsesProxy('', 'LOCALHOST', '443'), false);
});

// --- goProxyConfig: Go's TestFromEnvironment* ----------------------------------------------
const Config = suite('goProxyConfig (Go TestFromEnvironment)');

const configs: Array<[string, Env, ReturnType<typeof goProxyConfig>]> = [
  ['upper case', { HTTP_PROXY: 'httpproxy', HTTPS_PROXY: 'httpsproxy', NO_PROXY: 'noproxy' }, { httpProxy: 'httpproxy', httpsProxy: 'httpsproxy', noProxy: 'noproxy' }],
  ['lower case', { http_proxy: 'httpproxy', https_proxy: 'httpsproxy', no_proxy: 'noproxy' }, { httpProxy: 'httpproxy', httpsProxy: 'httpsproxy', noProxy: 'noproxy' }],
  ['both: upper wins', { HTTP_PROXY: 'U1', http_proxy: 'l1', HTTPS_PROXY: 'U2', https_proxy: 'l2', NO_PROXY: 'U3', no_proxy: 'l3' }, { httpProxy: 'U1', httpsProxy: 'U2', noProxy: 'U3' }],
  ['empty upper falls back', { HTTP_PROXY: '', http_proxy: 'l1' }, { httpProxy: 'l1', httpsProxy: '', noProxy: '' }],
  ['nothing set', { PATH: '/bin' }, { httpProxy: '', httpsProxy: '', noProxy: '' }],
];
for (const [name, env, want] of configs) Config(name, () => assert.equal(goProxyConfig(env), want));

// --- normalizeProxyUrl: Go's parseProxy ------------------------------------------------------
const Normalize = suite('normalizeProxyUrl (Go parseProxy)');

const normalized: Array<[string, string | null]> = [
  ['proxy.corp:3128', 'http://proxy.corp:3128'],
  ['10.0.0.1:3128', 'http://10.0.0.1:3128'],
  ['[::1]:3128', 'http://[::1]:3128'],
  ['localhost', 'http://localhost'],
  ['http://user:secret@proxy.corp:3128', 'http://user:secret@proxy.corp:3128'],
  ['https://proxy.corp', 'https://proxy.corp'],
  ['socks5://127.0.0.1:1080', 'socks5://127.0.0.1:1080'],
  ['HTTP://Proxy.Corp:3128', 'HTTP://Proxy.Corp:3128'],
  ['', null],
  ['http://', null],
];
for (const [value, want] of normalized) Normalize(`${JSON.stringify(value)} → ${want}`, () => assert.is(normalizeProxyUrl(value), want));

ProxyFor.run();
Rules.run();
UseProxy.run();
Config.run();
Normalize.run();
