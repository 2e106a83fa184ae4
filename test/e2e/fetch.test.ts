/**
 * e2e.fetch against the real engine: the image's own go command downloads the canary
 * (list/info/mod/zip from the lab's fake module proxy) through each GOPROXY entry and
 * through the configured list, and each failure is named from the go command's words.
 */
import * as assert from 'uvu/assert';
import { suite } from 'uvu';
import type { Report } from '../../src/model.js';
import { runJson, row } from '../helpers/cli.js';
import { probeContainersLeft } from '../helpers/probe-containers.js';
import { BUSYBOX_TAG, GOBUILDER_TAG } from '../helpers/fixtures.js';
import { GIT_HTTP_PASSWORD, GIT_HTTP_USER, type Lab, startLab, VANITY_IMPORT_PATH } from '../helpers/lab.js';
import { SLOW_DELAY_MS, THROUGHPUT_BYTES } from '../helpers/lab-proxy.js';
import { loud } from '../helpers/timeout.js';

const test = suite<{ lab: Lab; base: string[] }>('fetch e2e');

test.before(loud('fetch', async (ctx) => {
  ctx.lab = await startLab();
  ctx.base = ['--dns', ctx.lab.gateway, '--ca-cert', ctx.lab.caFile, '--no-default-targets', '--timeout', '2', '--fetch'];
}));

test.after(async (ctx) => {
  await ctx.lab?.stop();
});

test.after.each(loud('fetch after each', async () => {
  assert.is((await probeContainersLeft()).length, 0, 'a probe container was left behind');
}));

const fetchRow = (report: Report, target: string) => row(report, 'e2e.fetch', target);

test('GOSUMDB=off: the go command downloads info, mod and zip through the proxy; each request is timed', async ({ lab, base }) => {
  lab.requests.length = 0;
  const r = await runJson(['--image', GOBUILDER_TAG, ...base, '-e', 'GOPROXY=https://proxy.golang.org', '-e', 'GOSUMDB=off']);
  const f = fetchRow(r.report, 'GOPROXY=https://proxy.golang.org');
  assert.is(f.status, 'pass', f.summary);
  assert.match(f.summary, /info 200 \d+ ms · mod 200 \d+ ms · zip 200 \d+ ms/);
  assert.ok(lab.requests.some((q) => q.path === '/rsc.io/quote/@v/v1.5.2.zip'), 'the zip was really fetched from the lab');
});

test('with the lab checksum database (a custom GOSUMDB key): lookup and tile verify, the fetch passes', async ({ lab, base }) => {
  lab.requests.length = 0;
  const r = await runJson(['--image', GOBUILDER_TAG, ...base, '-e', 'GOPROXY=https://proxy.golang.org', '-e', `GOSUMDB=${lab.sumdb.gosumdb}`]);
  assert.is(r.code, 0, r.stdout);
  const f = fetchRow(r.report, 'GOPROXY=https://proxy.golang.org');
  assert.is(f.status, 'pass', f.summary);
  assert.match(f.summary, /sumdb lookup 200 \d+ ms · sumdb tile 200/);
  assert.ok(lab.requests.some((q) => q.host.startsWith('sum.lab.test') && q.path === '/lookup/rsc.io/quote@v1.5.2'));
  assert.is(row(r.report, 'go-env.gosumdb', 'GOSUMDB').status, 'pass');
});

test('a proxy serving a tampered zip: the checksum database catches it, e2e.checksum fails with SECURITY ERROR', async ({ lab, base }) => {
  const r = await runJson(['--image', GOBUILDER_TAG, ...base, '-e', 'GOPROXY=https://proxy.golang.org/corrupt', '-e', `GOSUMDB=${lab.sumdb.gosumdb}`]);
  const f = fetchRow(r.report, 'GOPROXY=https://proxy.golang.org/corrupt');
  assert.is(f.status, 'fail');
  assert.is(f.cause, 'e2e.checksum');
  assert.match(f.summary, 'SECURITY ERROR');
  assert.match(f.fix ?? '', 'do not bypass it');
});

test('no checksum database: the go command cannot verify, e2e.sumdb names it', async ({ base }) => {
  const r = await runJson(['--image', GOBUILDER_TAG, ...base, '-e', 'GOPROXY=https://proxy.golang.org']);
  assert.is(r.code, 1);
  const f = fetchRow(r.report, 'GOPROXY=https://proxy.golang.org');
  assert.is(f.status, 'fail');
  assert.is(f.cause, 'e2e.sumdb');
  assert.match(f.summary, 'verifying go.mod');
  assert.match(f.fix ?? '', 'checksum database');
});

test('"," with a dead first proxy: the configured list fails (no fall-through on a timeout), the second entry alone works', async ({ lab, base }) => {
  const r = await runJson(['--image', GOBUILDER_TAG, ...base, '--add-host', `goproxy.cn:${lab.blackhole}`, '-e', 'GOSUMDB=off', '-e', 'GOPROXY=https://goproxy.cn,https://proxy.golang.org']);
  const configured = fetchRow(r.report, 'GOPROXY=https://goproxy.cn,https://proxy.golang.org');
  assert.is(configured.status, 'fail');
  // Stopped once goproxy.cn's TCP rows failed: the list cannot get past it.
  assert.is(configured.cause, 'e2e.stopped');
  assert.equal(configured.explainedBy, { id: 'tcp.connect', target: 'goproxy.cn:443' });
  const dead = fetchRow(r.report, 'https://goproxy.cn alone');
  assert.is(dead.status, 'warn');
  assert.is(dead.cause, 'e2e.stopped');
  assert.is(fetchRow(r.report, 'https://proxy.golang.org alone').status, 'pass');
  assert.is(row(r.report, 'go-env.goproxy', 'GOPROXY').cause, 'go.goproxy_comma');
});

test('404 from the first proxy: the go command falls through to the next, the entry alone is not_found', async ({ base }) => {
  const r = await runJson(['--image', GOBUILDER_TAG, ...base, '-e', 'GOSUMDB=off', '-e', 'GOPROXY=https://goproxy.lab.test/empty,https://proxy.golang.org']);
  assert.is(fetchRow(r.report, 'GOPROXY=https://goproxy.lab.test/empty,https://proxy.golang.org').status, 'pass');
  const empty = fetchRow(r.report, 'https://goproxy.lab.test/empty alone');
  assert.is(empty.status, 'warn');
  assert.is(empty.cause, 'e2e.not_found');
});

test('an image without go: e2e.fetch is skipped as tool.missing', async ({ base }) => {
  const r = await runJson(['--image', BUSYBOX_TAG, ...base, '-e', 'GOPROXY=https://proxy.golang.org']);
  const f = fetchRow(r.report, 'GOPROXY=https://proxy.golang.org');
  assert.is(f.status, 'skip');
  assert.is(f.cause, 'tool.missing');
});

// --- fall-through, checksum path, throughput, ranking, private modules -----------------------

test('410 then a working proxy after ",": the prediction says the go command moves on, and it does', async ({ lab, base }) => {
  const list = 'https://proxy.golang.org/status/410,https://goproxy.cn';
  const r = await runJson(['--image', GOBUILDER_TAG, ...base, '-e', `GOSUMDB=${lab.sumdb.gosumdb}`, '-e', `GOPROXY=${list}`]);
  assert.is(r.code, 0, r.stdout);
  assert.is(fetchRow(r.report, 'https://proxy.golang.org/status/410 alone').cause, 'e2e.not_found');
  const ft = row(r.report, 'e2e.fallthrough', `GOPROXY=${list}`);
  assert.is(ft.status, 'pass');
  assert.match(ft.summary, 'https://proxy.golang.org/status/410 404/410 → next, https://goproxy.cn serves it');
  assert.is(fetchRow(r.report, `GOPROXY=${list}`).status, 'pass');
});

test('502 then a working proxy after ",": no fall-through; the fix is the same list with "|", the verdict says so', async ({ lab, base }) => {
  const list = 'https://proxy.golang.org/status/502,https://goproxy.cn';
  const r = await runJson(['--image', GOBUILDER_TAG, ...base, '-e', `GOSUMDB=${lab.sumdb.gosumdb}`, '-e', `GOPROXY=${list}`]);
  assert.is(r.code, 1);
  const configured = fetchRow(r.report, `GOPROXY=${list}`);
  assert.is(configured.cause, 'e2e.server_error');
  const ft = row(r.report, 'e2e.fallthrough', `GOPROXY=${list}`);
  assert.is(ft.status, 'fail');
  assert.is(ft.cause, 'e2e.no_fallthrough');
  assert.is(ft.fix, 'ENV GOPROXY=https://proxy.golang.org/status/502|https://goproxy.cn  ("|" falls through on any error)');
  // The checksum database: /sumdb/<name>/supported answers 502 after ",": unavailable, not direct.
  assert.is(row(r.report, 'e2e.sumdb', 'sum.lab.test').cause, 'e2e.sumdb_unavailable');
  assert.is(row(r.report, 'e2e.recommend', 'GOPROXY').fix, 'ENV GOPROXY=https://goproxy.cn');
  // The lowest broken layer is the proxy's 502 (http); the one fix is the list's.
  assert.is(r.report.summary.layer, 'http');
  assert.match(r.report.summary.verdict, '502');
  assert.is(r.report.summary.fix, ft.fix);
  assert.ok(r.report.summary.basedOn.includes(`e2e.fallthrough@GOPROXY=${list}`));
});

test('two proxies of different speed: the ranking puts the faster first and keeps GOPRIVATE as it is', async ({ lab, base }) => {
  const list = 'https://goproxy.cn/slow,https://proxy.golang.org,direct';
  const r = await runJson(['--image', GOBUILDER_TAG, ...base, '-e', `GOSUMDB=${lab.sumdb.gosumdb}`, '-e', `GOPROXY=${list}`, '-e', 'GOPRIVATE=go.lab.test']);
  const slow = fetchRow(r.report, 'https://goproxy.cn/slow alone');
  const fast = fetchRow(r.report, 'https://proxy.golang.org alone');
  assert.is(slow.status, 'pass');
  assert.ok((slow.ms ?? 0) >= 3 * SLOW_DELAY_MS, `the slow proxy took ${slow.ms} ms`);
  assert.ok((fast.ms ?? 0) < (slow.ms ?? 0), `fast ${fast.ms} ms, slow ${slow.ms} ms`);
  const rec = row(r.report, 'e2e.recommend', 'GOPROXY');
  assert.is(rec.status, 'warn');
  assert.is(rec.cause, 'e2e.faster_proxy');
  assert.is(rec.fix, 'ENV GOPROXY=https://proxy.golang.org,https://goproxy.cn/slow,direct');
  assert.match(rec.summary, /keep GOPRIVATE.* as they are/);
  // The build works, just slower than it could: a warning, exit 0.
  assert.is(r.code, 0, r.stdout);
});

test('a proxy that carries the checksum database (/sumdb/<name>/supported 200): checksum traffic goes through it', async ({ lab, base }) => {
  lab.requests.length = 0;
  const r = await runJson(['--image', GOBUILDER_TAG, ...base, '-e', `GOSUMDB=${lab.sumdb.gosumdb}`, '-e', 'GOPROXY=https://proxy.golang.org/mirror']);
  assert.is(r.code, 0, r.stdout);
  const sum = row(r.report, 'e2e.sumdb', 'sum.lab.test via https://proxy.golang.org/mirror');
  assert.is(sum.status, 'pass');
  assert.match(sum.summary, 'https://proxy.golang.org/mirror carries it (/sumdb/sum.lab.test/supported 200)');
  assert.ok(lab.requests.some((q) => q.path === '/mirror/sumdb/sum.lab.test/lookup/rsc.io/quote@v1.5.2'), 'the go command looked up through the proxy');
  // One proxy, and it works: nothing faster to recommend.
  const rec = row(r.report, 'e2e.recommend', 'GOPROXY');
  assert.is(rec.status, 'pass');
  assert.match(rec.summary, 'already uses the fastest proxy that works');
});

test('the checksum database unreachable directly: e2e.sumdb fails on the path the go command takes', async ({ lab, base }) => {
  lab.dns.set('sum.lab.test', 'nxdomain');
  try {
    const r = await runJson(['--image', GOBUILDER_TAG, ...base, '-e', `GOSUMDB=${lab.sumdb.gosumdb}`, '-e', 'GOPROXY=https://proxy.golang.org']);
    assert.is(r.code, 1);
    const sum = row(r.report, 'e2e.sumdb', 'sum.lab.test via https://sum.lab.test');
    assert.is(sum.cause, 'e2e.sumdb_unreachable');
    assert.match(sum.summary, 'goes to https://sum.lab.test directly');
    assert.match(sum.fix ?? '', 'never GOSUMDB=off');
    assert.is(fetchRow(r.report, 'GOPROXY=https://proxy.golang.org').cause, 'e2e.sumdb');
    assert.is(r.report.summary.layer, 'dns');
  } finally {
    lab.dns.reset();
  }
});

test('GOSUMDB=off: e2e.sumdb warns that nothing checks the downloads', async ({ base }) => {
  const r = await runJson(['--image', GOBUILDER_TAG, ...base, '-e', 'GOSUMDB=off', '-e', 'GOPROXY=https://proxy.golang.org']);
  const sum = row(r.report, 'e2e.sumdb', 'GOSUMDB=off');
  assert.is(sum.status, 'warn');
  assert.is(sum.cause, 'e2e.sumdb_off');
});

test('slow, not hung: a proxy trickling the zip — bytes keep coming, the rate and the whole time are estimated', async ({ base }) => {
  const r = await runJson(['--image', GOBUILDER_TAG, ...base, '-e', 'GOSUMDB=off', '-e', 'GOPROXY=https://proxy.golang.org/trickle']);
  const x = row(r.report, 'e2e.throughput', 'https://proxy.golang.org/trickle canary zip');
  assert.is(x.status, 'warn');
  assert.is(x.cause, 'e2e.slow');
  assert.match(x.summary, /slow, not hung: \d+ B of 661 B arrived in 2(\.\d)? s \(\d+ B\/s\) — at this rate the whole file takes about \d/);
  // The go command, with its longer bound, does finish: slow, and it works.
  assert.is(fetchRow(r.report, 'GOPROXY=https://proxy.golang.org/trickle').status, 'pass');
});

test('hung: the zip\'s headers arrive and no byte after; the verdict names the hang', async ({ base }) => {
  const r = await runJson(['--image', GOBUILDER_TAG, ...base, '-e', 'GOSUMDB=off', '-e', 'GOPROXY=https://proxy.golang.org/hang']);
  assert.is(r.code, 1);
  const x = row(r.report, 'e2e.throughput', 'https://proxy.golang.org/hang canary zip');
  assert.is(x.status, 'fail');
  assert.is(x.cause, 'e2e.stalled');
  assert.match(x.summary, 'hung: the answer started but no bytes of 661 B arrived');
  assert.is(fetchRow(r.report, 'GOPROXY=https://proxy.golang.org/hang').cause, 'e2e.hung');
  assert.is(r.report.summary.layer, 'e2e');
  assert.match(r.report.summary.verdict, 'go mod download hangs');
});

test('--throughput: the larger zip is timed from each proxy', async ({ base }) => {
  const r = await runJson(['--image', GOBUILDER_TAG, ...base, '-e', 'GOSUMDB=off', '-e', 'GOPROXY=https://proxy.golang.org', '--throughput']);
  const x = row(r.report, 'e2e.throughput', 'https://proxy.golang.org golang.org/x/text@v0.21.0');
  assert.is(x.status, 'pass', x.summary);
  assert.match(x.summary, new RegExp(`^${(THROUGHPUT_BYTES / 1e6).toFixed(1)} MB in \\d+ ms \\([\\d.]+ [kM]?B/s\\)$`));
});

test('a private module path: fetched direct with the handed credentials; without them e2e.auth', async ({ lab, base }) => {
  const args = ['--image', GOBUILDER_TAG, ...base, '-e', `GOSUMDB=${lab.sumdb.gosumdb}`, '-e', 'GOPROXY=https://proxy.golang.org,direct', '-e', 'GOPRIVATE=go.lab.test', '--private-repo', VANITY_IMPORT_PATH];
  const without = await runJson(args);
  const denied = fetchRow(without.report, `private ${VANITY_IMPORT_PATH}`);
  assert.is(denied.status, 'fail');
  assert.is(denied.cause, 'e2e.auth');
  assert.match(denied.fix ?? '', 'BuildKit secret');
  const withToken = await runJson(args, { env: { GOMOD_DOCTOR_GIT_TOKEN: GIT_HTTP_PASSWORD, GOMOD_DOCTOR_GIT_USER: GIT_HTTP_USER } });
  const ok = fetchRow(withToken.report, `private ${VANITY_IMPORT_PATH}`);
  assert.is(ok.status, 'pass', ok.summary);
  assert.not.ok(withToken.stdout.includes(GIT_HTTP_PASSWORD));
  // Direct: the git host answered, the module proxy was never asked for it.
  assert.not.ok(lab.requests.some((q) => q.host.startsWith('proxy.golang.org') && q.path.includes('go.lab.test')));
});

test.run();
