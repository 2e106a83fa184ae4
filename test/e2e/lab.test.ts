// Proves the fixture lab with real containers: DNS, the fake module proxy, the blackhole,
// the refused and stall ports, and TLS trust, from the default bridge and from the lab network.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { runContainer } from '../helpers/container.js';
import { docker, ensureEngine } from '../helpers/engine.js';
import { ensureFixtureImages } from '../helpers/fixtures.js';
import { startLab, TEST_LABEL, type Lab } from '../helpers/lab.js';
import { withTimeout } from '../helpers/timeout.js';

interface Ctx {
  lab: Lab;
  images: { busybox: string; gobuilder: string };
}

/** Run `cmd` in a labelled throwaway container; always removed. */
const run = runContainer;

const test = suite<Ctx>('lab');

test.before(async (ctx) => {
  await withTimeout(ensureEngine(), 100_000, 'ensureEngine');
  ctx.images = await withTimeout(ensureFixtureImages(), 300_000, 'ensureFixtureImages');
  ctx.lab = await withTimeout(startLab(), 30_000, 'startLab');
});

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
  const r = await run(images.busybox, ['nc', '-w', '2', lab.gateway, String(lab.ports.refused)]);
  assert.is.not(r.code, 0);
  assert.match(r.stderr, 'Connection refused');
  assert.ok(r.ms < 1500, `took ${r.ms} ms`);
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

test.run();
