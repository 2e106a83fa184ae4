/**
 * docs/ci.md's job snippets, run: the doctor command of each snippet is read out of the
 * doc and run as that CI would run it (its variables, a project with a Dockerfile and a
 * committed .gomod-doctor.yaml), against the real engine and the lab. What the CI would
 * show is asserted: annotations and the step summary on GitHub, a JUnit report on GitLab.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as assert from 'uvu/assert';
import { suite } from 'uvu';
import { runCli } from '../helpers/cli.js';
import { probeContainersLeft } from '../helpers/probe-containers.js';
import { ensureDerivedImage, GOBUILDER_TAG } from '../helpers/fixtures.js';
import { type Lab, startLab } from '../helpers/lab.js';
import { loud } from '../helpers/timeout.js';

const DOC = fileURLToPath(new URL('../../docs/ci.md', import.meta.url));
const BASE_TAG = 'gomod-doctor-fixture/gobuilder-app:1';

/** The `npx gomod-doctor …` line of the snippet marked `<!-- ci-snippet: NAME -->`: its arguments and its stdout redirect. */
export function snippetCommand(doc: string, name: string): { args: string[]; redirect: string | null } {
  const at = doc.indexOf(`<!-- ci-snippet: ${name} -->`);
  assert.ok(at >= 0, `docs/ci.md has no ${name} snippet`);
  const block = doc.slice(at).split('```')[1] ?? '';
  const line = block.split('\n').find((l) => /npx gomod-doctor/.test(l));
  assert.ok(line, `the ${name} snippet runs no gomod-doctor`);
  const command = line!.replace(/^.*npx gomod-doctor\s*/, '').trim();
  const [argText, redirect] = command.split(/\s*>\s*/);
  return { args: (argText ?? '').split(/\s+/).filter(Boolean), redirect: redirect ?? null };
}

const test = suite<{ lab: Lab; dir: string }>('ci snippets e2e');

test.before(loud('ci', async (ctx) => {
  ctx.lab = await startLab();
  ctx.dir = mkdtempSync(join(tmpdir(), 'gmd-ci-'));
  await ensureDerivedImage(BASE_TAG, `FROM ${GOBUILDER_TAG}\nRUN useradd -m -u 1000 app && chmod -R 0755 /go && chown -R root:root /go`);
}));
test.after(async (ctx) => {
  await ctx.lab?.stop();
  if (ctx.dir) rmSync(ctx.dir, { recursive: true, force: true });
});
test.after.each(loud('ci after each', async () => {
  assert.is((await probeContainersLeft()).length, 0, 'a probe container was left behind');
}));

/** A repository as a team would have it: a Dockerfile and the committed config pointing at its network. */
function repository(lab: Lab, dir: string, name: string, extraProbe: string | null): string {
  const p = join(dir, name);
  mkdirSync(p, { recursive: true });
  writeFileSync(join(p, 'go.mod'), 'module example.com/svc\n\ngo 1.19\n');
  writeFileSync(join(p, 'go.sum'), '');
  writeFileSync(
    join(p, 'Dockerfile'),
    `FROM ${BASE_TAG} AS builder\nENV GOPROXY=https://proxy.golang.org GOSUMDB="${lab.sumdb.gosumdb}"\nWORKDIR /src\nCOPY go.mod go.sum ./\nRUN --mount=type=cache,target=/go/pkg/mod go mod download\n`,
  );
  writeFileSync(join(p, 'lab-ca.pem'), lab.caPem);
  const config = [
    '# the runner network: its resolver and the company CA',
    'dns:',
    `  - ${lab.gateway}`,
    'caCert: lab-ca.pem',
    'defaultTargets: false',
    'host: false',
    'timeout: 3',
    ...(extraProbe ? ['probe:', `  - ${extraProbe}`] : []),
  ];
  writeFileSync(join(p, '.gomod-doctor.yaml'), `${config.join('\n')}\n`);
  return p;
}

test('GitHub Actions snippet: a notice and a step summary when healthy; an error annotation naming the check when not', async ({ lab, dir }) => {
  const { args } = snippetCommand(readFileSync(DOC, 'utf8'), 'github');
  const summary = join(dir, 'step-summary.md');
  const env = { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary, CI: 'true' };
  const ok = await runCli(args, { cwd: repository(lab, dir, 'gh-ok', null), env, timeoutMs: 90_000 });
  assert.is(ok.code, 0, ok.stdout + ok.stderr);
  assert.match(ok.stdout, /^::notice /m);
  assert.not.match(ok.stdout, /^::error /m);
  assert.match(readFileSync(summary, 'utf8'), /gomod-doctor/);

  writeFileSync(summary, '');
  const refused = `closed.lab.test:${lab.ports.refused}`;
  const bad = await runCli(args, { cwd: repository(lab, dir, 'gh-bad', refused), env, timeoutMs: 90_000 });
  assert.is(bad.code, 1, bad.stdout + bad.stderr);
  const error = bad.stdout.split('\n').find((l) => l.startsWith('::error ') && l.includes('tcp.connect'));
  assert.ok(error, bad.stdout);
  assert.match(error!, `title=tcp.connect ${refused.replace(/:/g, '%3A')}`);
  assert.match(error!, /refused/);
  assert.match(readFileSync(summary, 'utf8'), /tcp\.connect/);
});

test('GitLab CI snippet: a JUnit report with a testcase per check and the failure carrying its cause and fix', async ({ lab, dir }) => {
  const { args, redirect } = snippetCommand(readFileSync(DOC, 'utf8'), 'gitlab');
  assert.is(redirect, 'gomod-doctor.xml');
  const refused = `closed.lab.test:${lab.ports.refused}`;
  const r = await runCli(args, { cwd: repository(lab, dir, 'gl', refused), env: { GITLAB_CI: 'true', CI: 'true' }, timeoutMs: 90_000 });
  assert.is(r.code, 1, r.stderr);
  const xml = r.stdout;
  assert.match(xml, /^<\?xml version="1.0" encoding="UTF-8"\?>/);
  assert.match(xml, /<testsuites [^>]*name="gomod-doctor"/);
  assert.ok((xml.match(/<testcase /g) ?? []).length > 10, 'a testcase per check');
  const failing = /<testcase [^>]*name="tcp\.connect [^"]*"[^>]*>\s*<failure [^>]*type="tcp\.refused"/.exec(xml);
  assert.ok(failing, xml.slice(0, 3000));
});

test('config-file thresholds: a TLS handshake over the limit warns tls.slow; --fail-on warn (from the file) turns it into exit 1', async ({ lab, dir }) => {
  const p = repository(lab, dir, 'thresholds', null);
  writeFileSync(join(p, '.gomod-doctor.yaml'), `${readFileSync(join(p, '.gomod-doctor.yaml'), 'utf8')}thresholds:\n  tlsMs: 1\n`);
  const r = await runCli(['--format', 'json', '--no-fetch'], { cwd: p, timeoutMs: 90_000 });
  assert.is(r.code, 0, r.stderr);
  const slow = (JSON.parse(r.stdout) as { checks: Array<{ id: string; status: string; cause: string | null; summary: string }> }).checks.find((c) => c.id === 'tls.handshake')!;
  assert.equal([slow.status, slow.cause], ['warn', 'tls.slow']);
  assert.match(slow.summary, 'over the 1 ms this repository allows for a TLS handshake (thresholds.tlsMs)');
  writeFileSync(join(p, '.gomod-doctor.yaml'), `${readFileSync(join(p, '.gomod-doctor.yaml'), 'utf8')}failOn: warn\n`);
  const strict = await runCli(['--format', 'list', '--no-fetch'], { cwd: p, timeoutMs: 90_000 });
  assert.is(strict.code, 1, strict.stdout);
  const relaxed = await runCli(['--format', 'list', '--no-fetch', '--fail-on', 'fail'], { cwd: p, timeoutMs: 90_000 });
  assert.is(relaxed.code, 0, 'the flag wins over the file');
});

test.run();
