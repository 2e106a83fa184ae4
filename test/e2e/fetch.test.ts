/**
 * e2e.fetch against the real engine: the image's own go command downloads the canary
 * (list/info/mod/zip from the lab's fake module proxy) through each GOPROXY entry and
 * through the configured list, and each failure is named from the go command's words.
 */
import * as assert from 'uvu/assert';
import { suite } from 'uvu';
import { LABEL_TOOL } from '../../src/engine/types.js';
import type { Report } from '../../src/model.js';
import { runJson, row } from '../helpers/cli.js';
import { docker } from '../helpers/engine.js';
import { BUSYBOX_TAG, GOBUILDER_TAG } from '../helpers/fixtures.js';
import { type Lab, startLab } from '../helpers/lab.js';

const test = suite<{ lab: Lab; base: string[] }>('fetch e2e');

test.before(async (ctx) => {
  ctx.lab = await startLab();
  ctx.base = ['--dns', ctx.lab.gateway, '--ca-cert', ctx.lab.caFile, '--no-default-targets', '--timeout', '2', '--fetch'];
});

test.after(async (ctx) => {
  await ctx.lab?.stop();
});

test.after.each(async () => {
  const list = await docker().listContainers({ all: true, filters: { label: [`${LABEL_TOOL}=gomod-doctor`] } });
  assert.is(list.length, 0, 'a probe container was left behind');
});

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
  assert.ok(['e2e.hung', 'e2e.timeout'].includes(configured.cause ?? ''), String(configured.cause));
  const dead = fetchRow(r.report, 'https://goproxy.cn alone');
  assert.is(dead.status, 'warn');
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

test.run();
