// Proves the fixture lab with real containers: DNS, the fake module proxy, the blackhole,
// the refused and stall ports, and TLS trust, from the default bridge and from the lab network;
// the proxy's behaviour prefixes (/slow/, /status/CODE/, /hang/, /trickle/, /mirror/) from the host.
import type { IncomingHttpHeaders } from 'node:http';
import https from 'node:https';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { runContainer } from '../helpers/container.js';
import { docker, ensureEngine } from '../helpers/engine.js';
import { ensureFixtureImages } from '../helpers/fixtures.js';
import { startLab, TEST_LABEL, type Lab } from '../helpers/lab.js';
import {
  quoteZip,
  quoteZipBytes,
  SLOW_DELAY_MS,
  STATUS_PREFIX_CODES,
  THROUGHPUT_BYTES,
  THROUGHPUT_MODULE,
  TRICKLE_BYTES_PER_SECOND,
} from '../helpers/lab-proxy.js';
import { loud, withTimeout } from '../helpers/timeout.js';

interface Ctx {
  lab: Lab;
  images: { busybox: string; gobuilder: string };
}

/** Run `cmd` in a labelled throwaway container; always removed. */
const run = runContainer;

interface Got {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** From request to response headers. */
  headersMs: number;
  /** From request to the end of the body, or to `maxMs` if the body had not ended. */
  ms: number;
  /** Whether the body ended before `maxMs`. */
  ended: boolean;
  /** Whether the server closed the connection before the body ended. */
  aborted: boolean;
}

/**
 * GET `path` from the lab's HTTPS server on the gateway, as `host` (SNI and Host header), from the
 * host itself (no container). Stops listening after `maxMs` and reports what arrived by then.
 */
function get(lab: Lab, path: string, opts: { host?: string; maxMs?: number } = {}): Promise<Got> {
  const { host = 'proxy.golang.org', maxMs = 10_000 } = opts;
  const start = Date.now();
  return new Promise((resolve, reject) => {
    const req = https.get(
      { host: lab.gateway, port: lab.ports.https, path, servername: host, headers: { host }, ca: lab.caPem, agent: false },
      (res) => {
        const headersMs = Date.now() - start;
        const chunks: Buffer[] = [];
        let finished = false;
        const done = (ended: boolean, aborted = false) => {
          if (finished) return;
          finished = true;
          clearTimeout(timer);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), headersMs, ms: Date.now() - start, ended, aborted });
          req.destroy();
        };
        const timer = setTimeout(() => done(false), Math.max(0, maxMs - headersMs));
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done(true));
        res.on('close', () => done(false, !res.complete)); // after 'end' when complete
        res.on('error', () => done(false, true));
      },
    );
    req.on('error', reject);
  });
}

const LIST = '/rsc.io/quote/@v/list';
const ZIP = '/rsc.io/quote/@v/v1.5.2.zip';
const [TEXT_PATH, TEXT_VERSION] = THROUGHPUT_MODULE.split('@') as [string, string];
const TEXT_ZIP = `/${TEXT_PATH}/@v/${TEXT_VERSION}.zip`;

const test = suite<Ctx>('lab');

test.before(loud('lab', async (ctx) => {
  await withTimeout(ensureEngine(), 100_000, 'ensureEngine');
  ctx.images = await withTimeout(ensureFixtureImages(), 300_000, 'ensureFixtureImages');
  ctx.lab = await withTimeout(startLab(), 30_000, 'startLab');
}));

test.after(async (ctx) => {
  await ctx.lab?.stop();
  const left = await docker().listContainers({ all: true, filters: { label: [`${TEST_LABEL}=1`] } });
  assert.is(left.length, 0, 'no test containers left behind');
});

const e2e = (name: string, fn: (ctx: Ctx) => Promise<void>, ms = 30_000): void =>
  test(name, (ctx) => withTimeout(fn(ctx), ms, name));

e2e('nslookup of a public name answers the gateway', async ({ lab, images }) => {
  const before = lab.dns.queries('proxy.golang.org');
  const r = await run(images.busybox, ['nslookup', 'proxy.golang.org'], { dns: [lab.gateway] });
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, `Address: ${lab.gateway}`);
  assert.ok(lab.dns.queries('PROXY.golang.org') > before, 'the lab DNS saw the query');
});

e2e('unknown names are NXDOMAIN, set() overrides answers', async ({ lab, images }) => {
  const nx = await run(images.busybox, ['nslookup', 'nope.example'], { dns: [lab.gateway] });
  assert.match(nx.stdout + nx.stderr, 'NXDOMAIN');
  lab.dns.set('goproxy.cn', 'servfail');
  try {
    const sf = await run(images.busybox, ['nslookup', 'goproxy.cn'], { dns: [lab.gateway] });
    assert.match(sf.stdout + sf.stderr, 'SERVFAIL');
  } finally {
    lab.dns.reset();
  }
});

e2e('busybox wget fetches the module list through the fake proxy', async ({ lab, images }) => {
  lab.requests.length = 0;
  const url = 'https://proxy.golang.org/rsc.io/quote/@v/list';
  const r = await run(images.busybox, ['wget', '-S', '-O-', url], { dns: [lab.gateway] });
  assert.is(r.code, 0, r.stderr);
  assert.is(r.stdout, 'v1.5.0\nv1.5.1\nv1.5.2\n');
  assert.match(r.stderr, 'HTTP/1.1 200');
  assert.equal(lab.requests, [{ method: 'GET', host: 'proxy.golang.org', path: '/rsc.io/quote/@v/list', port: 443 }]);
});

e2e('a connect to the blackhole hangs until the client gives up', async ({ lab, images }) => {
  const r = await run(images.busybox, ['nc', '-w', '2', lab.blackhole, '443']);
  assert.is.not(r.code, 0);
  assert.match(r.stderr, 'timed out');
  assert.ok(r.ms >= 1900, `took ${r.ms} ms, expected the 2 s connect timeout`);
});

e2e('the refused port is refused at once', async ({ lab, images }) => {
  // r.ms includes the container's start: a 10 s client timeout leaves room for a loaded engine
  // and still tells "refused at once" from "waited for the timeout".
  const r = await run(images.busybox, ['nc', '-w', '10', lab.gateway, String(lab.ports.refused)]);
  assert.is.not(r.code, 0);
  assert.match(r.stderr, 'Connection refused');
  assert.ok(r.ms < 8000, `took ${r.ms} ms`);
});

e2e('the stall port accepts but never sends a byte', async ({ lab, images }) => {
  // nc -e runs the script with the socket as stdin/stdout once connected; report on stderr.
  const script = 'echo connected >&2; timeout 2 cat | wc -c >&2';
  const r = await run(images.busybox, ['nc', '-w', '2', lab.gateway, String(lab.ports.stall), '-e', 'sh', '-c', script]);
  assert.match(r.stderr, /^connected$/m);
  assert.match(r.stderr, /^\s*0$/m, 'zero bytes received');
  assert.ok(r.ms >= 1900, `took ${r.ms} ms`);
});

e2e('on the lab network, embedded DNS forwards to the lab and the blackhole still hangs', async ({ lab, images }) => {
  const script = `nslookup foo.lab.test && nc -w 2 ${lab.blackhole} 443; echo "nc=$?"`;
  const r = await run(images.busybox, ['sh', '-c', script], { dns: [lab.gateway], network: lab.network });
  assert.match(r.stdout, 'Server:\t\t127.0.0.11');
  assert.match(r.stdout, `Address: ${lab.gateway}`);
  assert.ok(lab.dns.queries('foo.lab.test') > 0, 'the embedded resolver forwarded to the lab');
  assert.match(r.stderr, 'timed out');
  assert.match(r.stdout, 'nc=1');
});

e2e('curl in the gobuilder trusts the test CA and rejects the rogue CA', async ({ lab, images }) => {
  const script = [
    'curl -sS --cacert /tmp/lab-ca.pem https://proxy.golang.org/rsc.io/quote/@v/list',
    `curl -sS --cacert /tmp/lab-ca.pem https://proxy.golang.org:${lab.ports.rogueCa}/ ; echo "rogue=$?"`,
  ].join('; ');
  const r = await run(images.gobuilder, ['bash', '-c', script], { dns: [lab.gateway], files: { '/tmp/lab-ca.pem': lab.caPem } });
  assert.match(r.stdout, /^v1\.5\.0\nv1\.5\.1\nv1\.5\.2\n/);
  assert.match(r.stdout, 'rogue=60');
});

e2e('proxy /slow/: every answer comes after SLOW_DELAY_MS, the root proxy answers at once', async ({ lab }) => {
  const root = await get(lab, LIST);
  assert.is(root.status, 200);
  assert.ok(root.ms < SLOW_DELAY_MS, `root took ${root.ms} ms`);
  lab.requests.length = 0;
  const slow = await get(lab, `/slow${LIST}`, { host: 'goproxy.cn' });
  assert.is(slow.status, 200);
  assert.is(slow.body.toString(), 'v1.5.0\nv1.5.1\nv1.5.2\n');
  assert.ok(slow.headersMs >= SLOW_DELAY_MS, `headers after ${slow.headersMs} ms`);
  // One delay before the headers, none before the body.
  assert.ok(slow.ms - slow.headersMs < SLOW_DELAY_MS, `body after ${slow.ms - slow.headersMs} ms more`);
  assert.equal(lab.requests, [{ method: 'GET', host: 'goproxy.cn', path: `/slow${LIST}`, port: 443 }]);
  const missing = await get(lab, '/slow/rsc.io/nope/@v/list');
  assert.is(missing.status, 404);
  assert.ok(missing.headersMs >= SLOW_DELAY_MS, `404 headers after ${missing.headersMs} ms`);
});

e2e('proxy /status/404/, /410/, /502/: that code and a short text body for every module path', async ({ lab }) => {
  const reasons: Record<number, string> = { 404: 'not found', 410: 'gone', 502: 'bad gateway' };
  for (const code of STATUS_PREFIX_CODES) {
    for (const path of [LIST, '/rsc.io/quote/@v/v1.5.2.info', ZIP, TEXT_ZIP]) {
      const r = await get(lab, `/status/${code}${path}`);
      assert.is(r.status, code, `${code}${path}`);
      assert.is(r.body.toString(), `${reasons[code]}: ${path.slice(1)}\n`);
      assert.match(String(r.headers['content-type']), 'text/plain');
    }
  }
});

e2e('proxy /hang/: list answers, a zip sends its headers and content-length, then no body byte', async ({ lab }) => {
  const list = await get(lab, `/hang${LIST}`);
  assert.is(list.status, 200);
  assert.is(list.body.toString(), 'v1.5.0\nv1.5.1\nv1.5.2\n');
  const zip = await get(lab, `/hang${ZIP}`, { maxMs: 1500 });
  assert.is(zip.status, 200);
  assert.ok(zip.headersMs < 1000, `headers after ${zip.headersMs} ms`);
  assert.is(zip.headers['content-length'], String(quoteZipBytes('v1.5.2')));
  assert.is(zip.body.length, 0);
  assert.not.ok(zip.ended || zip.aborted, 'the body neither ended nor was cut');
  const big = await get(lab, `/hang${TEXT_ZIP}`, { maxMs: 500 });
  assert.is(big.headers['content-length'], String(THROUGHPUT_BYTES));
  assert.is(big.body.length, 0);
});

e2e('proxy /trickle/: a zip comes at about TRICKLE_BYTES_PER_SECOND and completes', async ({ lab }) => {
  const info = await get(lab, `/trickle/rsc.io/quote/@v/v1.5.2.info`);
  assert.is(info.status, 200);
  assert.ok(info.ms < SLOW_DELAY_MS, `info took ${info.ms} ms`);
  const first = await get(lab, `/trickle${ZIP}`, { maxMs: 1000 });
  assert.is(first.status, 200);
  assert.is(first.headers['content-length'], String(quoteZipBytes('v1.5.2')));
  assert.ok(first.body.length > 0 && first.body.length <= 2 * TRICKLE_BYTES_PER_SECOND, `${first.body.length} bytes in the first second`);
  const whole = await get(lab, `/trickle${ZIP}`);
  assert.ok(whole.ended, 'the body ended');
  assert.ok(whole.body.equals(quoteZip('v1.5.2')), 'the same bytes as the root proxy');
  const expected = (1000 * whole.body.length) / TRICKLE_BYTES_PER_SECOND;
  assert.ok(whole.ms > expected * 0.7 && whole.ms < expected * 1.5 + 500, `${whole.body.length} bytes in ${whole.ms} ms`);
});

e2e('proxy /mirror/ proxies the lab checksum database; the root proxy does not (sumdb 404)', async ({ lab }) => {
  const name = lab.sumdb.name;
  const supported = await get(lab, `/mirror/sumdb/${name}/supported`);
  assert.is(supported.status, 200);
  assert.is(supported.body.length, 0);
  const lookup = '/lookup/rsc.io/quote@v1.5.2';
  const direct = await get(lab, lookup, { host: name });
  const mirrored = await get(lab, `/mirror/sumdb/${name}${lookup}`);
  assert.is(direct.status, 200);
  assert.is(mirrored.status, 200);
  assert.ok(mirrored.body.equals(direct.body), 'lookup: the same bytes as the checksum database');
  assert.match(mirrored.body.toString(), /^0\nrsc\.io\/quote v1\.5\.2 h1:/);
  const tile = '/tile/8/0/000.p/1';
  const directTile = await get(lab, tile, { host: name });
  const mirroredTile = await get(lab, `/mirror/sumdb/${name}${tile}`);
  assert.is(mirroredTile.status, 200);
  assert.ok(mirroredTile.body.equals(directTile.body) && directTile.body.length === 32, 'tile: the same 32-byte hash');
  assert.is((await get(lab, '/mirror/sumdb/sum.golang.org/supported')).status, 404);
  assert.is((await get(lab, `/mirror/sumdb/${name}/lookup/rsc.io/nope@v1.0.0`)).status, 404);
  assert.is((await get(lab, `/mirror${LIST}`)).body.toString(), 'v1.5.0\nv1.5.1\nv1.5.2\n');
  assert.is((await get(lab, `/sumdb/${name}/supported`)).status, 404, 'the root proxy sends the go command to the database');
  assert.is((await get(lab, `/sumdb/${name}${lookup}`)).status, 404);
});

e2e('proxy /corrupt/ and /empty keep their behaviour', async ({ lab }) => {
  const corrupt = await get(lab, `/corrupt${ZIP}`);
  assert.is(corrupt.status, 200);
  assert.is(corrupt.body.length, quoteZipBytes('v1.5.2'));
  assert.not.ok(corrupt.body.equals(quoteZip('v1.5.2')), 'the tampered zip differs');
  assert.is((await get(lab, `/corrupt${LIST}`)).status, 200);
  assert.is((await get(lab, `/empty${LIST}`)).status, 404);
  assert.is((await get(lab, '/empty')).status, 404);
});

e2e(`the throughput module ${THROUGHPUT_MODULE}: list, info, mod and a 4 MiB zip`, async ({ lab }) => {
  assert.is((await get(lab, `/${TEXT_PATH}/@v/list`)).body.toString(), `${TEXT_VERSION}\n`);
  assert.is(JSON.parse((await get(lab, `/${TEXT_PATH}/@v/${TEXT_VERSION}.info`)).body.toString()).Version, TEXT_VERSION);
  assert.is((await get(lab, `/${TEXT_PATH}/@v/${TEXT_VERSION}.mod`)).body.toString(), `module ${TEXT_PATH}\n`);
  const zip = await get(lab, TEXT_ZIP);
  assert.is(zip.status, 200);
  assert.is(zip.headers['content-type'], 'application/zip');
  assert.is(zip.headers['content-length'], String(THROUGHPUT_BYTES));
  assert.is(zip.body.length, 4 * 1024 * 1024);
  assert.is(zip.body.readUInt32LE(0), 0x04034b50, 'a zip local file header');
  const again = await get(lab, `/mirror${TEXT_ZIP}`);
  assert.ok(again.body.equals(zip.body), 'deterministic, and the same under a prefix');
  const slow = await get(lab, `/slow${TEXT_ZIP}`);
  assert.ok(slow.headersMs >= SLOW_DELAY_MS && slow.body.length === THROUGHPUT_BYTES, `slow: ${slow.headersMs} ms, ${slow.body.length} bytes`);
});

e2e('lab.stop() closes promptly while /hang/ and /trickle/ zips are still open', async () => {
  const lab = await withTimeout(startLab(), 30_000, 'startLab');
  try {
    const pending = [get(lab, `/hang${ZIP}`, { maxMs: 10_000 }), get(lab, `/trickle${TEXT_ZIP}`, { maxMs: 10_000 }), get(lab, `/slow${LIST}`, { maxMs: 10_000 }).catch((e: Error) => e)];
    await new Promise((r) => setTimeout(r, 300));
    const start = Date.now();
    await lab.stop();
    const [hang, trickle] = (await Promise.all(pending)) as [Got, Got, unknown];
    assert.ok(Date.now() - start < 3000, `stop took ${Date.now() - start} ms`);
    assert.ok(hang.aborted && trickle.aborted, 'the clients saw the connections close');
    assert.ok(hang.ms < 5000 && trickle.ms < 5000, `hang ${hang.ms} ms, trickle ${trickle.ms} ms`);
  } finally {
    await lab.stop().catch(() => undefined);
  }
});

test.run();
