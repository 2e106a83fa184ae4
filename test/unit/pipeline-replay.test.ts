/**
 * The whole pipeline, `run(io)` from argv to the rendered report and the exit code, over
 * runs recorded from the real engine and lab (test/fixtures/replay/, `npm run record:replays`).
 * No engine: the replay engine answers, and DOCKER_HOST points at no socket.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { type CheckResult, ExitCode, type Report } from '../../src/model.js';
import { loadRecording, recordingNames, replayRun } from '../helpers/replay-engine.js';
import { type RecordedRow, rowsOf } from '../helpers/replay-format.js';

const test = suite('pipeline replay');

/** Recording temp dirs appear in targets (a Dockerfile's path): one name for them. */
const norm = (s: string | null | undefined) => (s ?? '').replace(/\/tmp\/gmd-re(cord|play)-[A-Za-z0-9]+/g, '$FILES');
const codes = (rows: RecordedRow[]) => rows.map((c) => `${c.id}@${norm(c.target)} ${c.status} ${c.cause ?? '-'}${c.explainedBy ? ` ← ${c.explainedBy.id}@${c.explainedBy.target}` : ''}`);
const rows = (r: Report) => codes(rowsOf(r));
const stops = (texts: string[]) => texts.join('').split('\n').filter((l) => l.startsWith('stop ')).sort();
const withoutFormat = (argv: string[]) => argv.filter((a, i) => a !== '--format' && argv[i - 1] !== '--format');

function row(report: Report, id: string, target = ''): CheckResult {
  const found = report.checks.find((c) => c.id === id && (c.target ?? '').includes(target));
  if (!found) throw new Error(`no ${id} row for ${target}; rows: ${rows(report).join(', ')}`);
  return found;
}

async function replayJson(name: string) {
  const rec = loadRecording(name);
  const r = await replayRun(rec);
  if (!r.report) throw new Error(`${name}: stdout is not JSON (exit ${r.exitCode}): ${r.stderr}${r.stdout.slice(0, 300)}`);
  return { rec, ...r, report: r.report };
}

for (const name of recordingNames()) {
  test(`${name}: the replayed run gives the recorded rows, verdict, plan, stop lines and exit code`, async () => {
    const { rec, report, exitCode, stderr, engine, hostAsked } = await replayJson(name);
    const was = { checks: rec.outcome.rows, summary: rec.outcome.summary! };
    assert.is(exitCode, rec.outcome.exitCode, stderr);
    assert.equal(rows(report), codes(was.checks));
    assert.equal(report.summary.fix === null, was.summary.fix === null);
    // The verdict's words may change with the fix texts; what it decides may not.
    assert.ok(report.summary.verdict.length > 0);
    assert.is(report.summary.layer, was.summary.layer);
    assert.is(report.summary.cause, was.summary.cause);
    assert.equal(report.summary.basedOn.map(norm), was.summary.basedOn.map(norm));
    const agent = rec.engine.runAgent[0]!;
    // The plan is made from the recorded facts exactly as it was; so are the stops.
    assert.is(engine.stdin[0]![0], agent.stdin[0]!.text);
    assert.equal(stops(engine.stdin[0]!.slice(1)), stops(agent.stdin.slice(1).map((s) => s.text)));
    assert.equal(engine.missingStops, []);
    assert.is(hostAsked.length, rec.hostProbe.length);
  });
}

test('every recording names its scenario and was made with the JSON format', () => {
  const names = recordingNames();
  for (const want of ['healthy', 'dns-silent', 'blackholed', 'tls-no-ca', 'tls-ca-cert', 'proxy-missing', 'proxy-refused', 'nonroot-modcache', 'private-auth-failed', 'private-auth-ok', 'host-same-failure', 'dockerfile', 'goproxy-502-comma', 'busybox']) assert.ok(names.includes(want), want);
  for (const name of names) assert.ok(loadRecording(name).argv.join(' ').endsWith('--format json'), name);
});

test('healthy: every default target passes its chain, the go command fetch passes, exit 0', async () => {
  const { report, exitCode, engine } = await replayJson('healthy');
  assert.is(exitCode, 0);
  for (const host of ['proxy.golang.org', 'goproxy.cn', 'goproxy.io', 'github.com', 'sum.golang.org']) {
    for (const id of ['dns.resolve', 'tcp.connect', 'tls.handshake']) assert.is(row(report, id, host).status, 'pass', `${id} ${host}`);
    assert.is(row(report, 'host.compare', host).status, 'pass');
  }
  assert.is(row(report, 'http.goproxy', 'https://proxy.golang.org/').status, 'pass');
  assert.is(row(report, 'e2e.fetch', 'GOPROXY=https://proxy.golang.org,direct').status, 'pass');
  assert.is(report.summary.fail, 0);
  assert.is(report.summary.layer, null);
  assert.equal(stops(engine.stdin[0]!.slice(1)), [], 'nothing to stop');
  assert.match(engine.stdin[0]![0]!, /^target t0 proxy\.golang\.org 443 1 /m);
});

test('dns-silent: every name times out in the container, the host resolves them: host.dns_differs decides, fetches stopped', async () => {
  const { report, exitCode, engine } = await replayJson('dns-silent');
  assert.is(exitCode, 1);
  assert.is(row(report, 'dns.resolve', 'proxy.golang.org').cause, 'dns.timeout');
  assert.is(row(report, 'dns.resolve', 'proxy.golang.org').status, 'fail');
  assert.is(row(report, 'dns.resolve', 'goproxy.cn').status, 'warn', 'a default-only target warns');
  assert.is(row(report, 'tcp.connect', 'proxy.golang.org').cause, 'prereq.failed');
  assert.is(row(report, 'host.compare', 'proxy.golang.org').cause, 'host.dns_differs');
  assert.is(report.summary.layer, 'dns');
  assert.is(report.summary.cause, 'host.dns_differs');
  const fetch = row(report, 'e2e.fetch', 'GOPROXY=https://proxy.golang.org,direct');
  assert.is(fetch.cause, 'e2e.stopped');
  assert.equal(fetch.explainedBy, { id: 'dns.resolve', target: 'proxy.golang.org' });
  // Every fetch and download is stopped, each once.
  const lines = stops(engine.stdin[0]!.slice(1));
  assert.equal(lines, [...new Set(lines)]);
  for (const key of ['g0', 'g1', 'g2', 'g3', 'g4', 'x0', 'x1', 'x2']) assert.ok(lines.includes(`stop ${key}`), key);
});

test('blackholed: DNS passes from --add-host, TCP times out, the fetch is stopped by tcp.connect', async () => {
  const { report, exitCode, engine } = await replayJson('blackholed');
  assert.is(exitCode, 1);
  assert.is(row(report, 'dns.resolve', 'proxy.golang.org').status, 'pass');
  assert.is(row(report, 'dns.resolve', 'proxy.golang.org').evidence.fromHostsFile, true);
  assert.is(row(report, 'tcp.connect', 'proxy.golang.org').cause, 'tcp.timeout');
  assert.is(row(report, 'tls.handshake', 'proxy.golang.org').cause, 'prereq.failed');
  assert.is(report.summary.layer, 'tcp');
  const fetch = row(report, 'e2e.fetch', 'GOPROXY=https://proxy.golang.org,direct');
  assert.is(fetch.cause, 'e2e.stopped');
  assert.is(fetch.explainedBy?.id, 'tcp.connect');
  assert.ok(stops(engine.stdin[0]!.slice(1)).includes('stop g4'));
  assert.is(engine.specs[0]!.addHosts.length, 5);
});

test('tls-no-ca: tls.unknown_ca fails, http skipped after it; with --ca-cert the same target passes', async () => {
  const bad = await replayJson('tls-no-ca');
  assert.is(bad.exitCode, 1);
  assert.is(row(bad.report, 'tls.handshake', 'proxy.golang.org').cause, 'tls.unknown_ca');
  assert.is(row(bad.report, 'http.goproxy', 'proxy.golang.org').cause, 'prereq.failed');
  assert.is(bad.report.summary.layer, 'tls');
  assert.is(bad.report.summary.cause, 'tls.unknown_ca');
  assert.equal(bad.engine.specs[0]!.files, []);
  const ok = await replayJson('tls-ca-cert');
  assert.is(ok.exitCode, 0);
  assert.is(row(ok.report, 'tls.handshake', 'proxy.golang.org').status, 'pass');
  assert.equal(ok.engine.specs[0]!.files.map((f) => f.name), ['extra-ca.pem'], 'the CA is handed to the agent');
});

test('proxy-missing: the host gets through its HTTPS_PROXY, the container has none: host.proxy_differs', async () => {
  const { report, exitCode, hostAsked } = await replayJson('proxy-missing');
  assert.is(exitCode, 1);
  assert.is(row(report, 'dns.resolve', 'proxy.golang.org').cause, 'dns.timeout');
  assert.is(row(report, 'host.compare', 'proxy.golang.org').cause, 'host.proxy_differs');
  assert.is(report.summary.cause, 'host.proxy_differs');
  assert.ok(hostAsked[0]!.env.HTTPS_PROXY, 'the host side gets the doctor\'s own environment');
});

test('proxy-refused: proxy-env.proxy unreachable, http.goproxy proxy_refused, fetches fail through the proxy', async () => {
  const { report, exitCode, engine } = await replayJson('proxy-refused');
  assert.is(exitCode, 1);
  assert.is(row(report, 'proxy-env.proxy').cause, 'proxy.unreachable');
  assert.is(row(report, 'http.goproxy', 'proxy.golang.org').cause, 'http.proxy_refused');
  // Each fetch goes through the dead proxy: it fails there, or is stopped once the proxy's row
  // has failed, whichever the real run saw first; the configured one fails either way.
  for (const target of ['https://proxy.golang.org alone', 'direct alone', 'GOPROXY=']) {
    const fetch = row(report, 'e2e.fetch', target);
    if (fetch.cause === 'e2e.stopped') assert.is(fetch.explainedBy?.id, 'proxy-env.proxy', target);
    else assert.is(fetch.cause, 'e2e.proxy', target);
  }
  assert.is(row(report, 'e2e.fetch', 'GOPROXY=').status, 'fail');
  const stopped = report.checks.filter((c) => c.id === 'e2e.fetch' && c.cause === 'e2e.stopped').length;
  assert.ok(stops(engine.stdin[0]!.slice(1)).filter((l) => /^stop g/.test(l)).length >= stopped, 'a stop line for each stopped fetch');
  assert.is(report.summary.layer, 'http');
  assert.is(report.summary.cause, 'http.proxy_refused');
  assert.ok(engine.specs[0]!.env.some((e) => e.startsWith('HTTPS_PROXY=')), '-e reaches the container');
});

test('nonroot-modcache: GOMODCACHE and GOPATH not writable by app, the verdict is the fs layer', async () => {
  const { report, exitCode, engine } = await replayJson('nonroot-modcache');
  assert.is(exitCode, 1);
  assert.is(row(report, 'fs.writable', 'GOMODCACHE').cause, 'fs.not_writable');
  assert.is(row(report, 'fs.writable', 'GOCACHE').status, 'pass');
  assert.is(report.user, 'app');
  assert.is(engine.specs[0]!.user, 'app', "the image's USER");
  assert.is(report.summary.layer, 'fs');
  assert.is(report.summary.cause, 'fs.not_writable');
});

test('private repo: a wrong password is auth.failed, the right one passes; neither password is printed', async () => {
  const bad = await replayJson('private-auth-failed');
  assert.is(bad.exitCode, 1);
  assert.is(row(bad.report, 'auth.repo').cause, 'auth.failed');
  assert.is(bad.report.summary.layer, 'auth');
  assert.is(bad.report.summary.cause, 'auth.failed');
  assert.not.ok(bad.stdout.includes('wrong-pass-123'));
  const ok = await replayJson('private-auth-ok');
  assert.is(ok.exitCode, 0);
  assert.is(row(ok.report, 'auth.repo').status, 'pass');
  assert.ok(ok.engine.specs[0]!.files.some((f) => f.name === 'netrc'), 'the netrc is handed to the agent');
  assert.match(ok.engine.stdin[0]![0]!, /^repo r0 https /m);
});

test('host-same-failure: NXDOMAIN on both sides, host.same_failure decides the verdict', async () => {
  const { report, exitCode } = await replayJson('host-same-failure');
  assert.is(exitCode, 1);
  assert.is(row(report, 'dns.resolve', 'proxy.golang.org').cause, 'dns.nxdomain');
  const h = row(report, 'host.compare', 'proxy.golang.org');
  assert.is(h.cause, 'host.same_failure');
  assert.is(h.evidence.step, 'dns');
  assert.is(report.summary.cause, 'host.same_failure');
  assert.ok(report.summary.basedOn.includes('host.compare@proxy.golang.org'));
});

test('goproxy-502-comma: a 502 before "," does not fall through; the verdict names the http layer and a faster list', async () => {
  const { report, exitCode } = await replayJson('goproxy-502-comma');
  assert.is(exitCode, 1);
  assert.is(row(report, 'http.goproxy', '/status/502/').cause, 'http.status');
  assert.is(row(report, 'go-env.goproxy').cause, 'go.goproxy_comma');
  assert.is(row(report, 'e2e.fetch', 'GOPROXY=').cause, 'e2e.server_error');
  assert.is(row(report, 'e2e.fallthrough').cause, 'e2e.no_fallthrough');
  assert.is(row(report, 'e2e.recommend').cause, 'e2e.faster_proxy');
  assert.is(report.summary.layer, 'http');
});

test('busybox: no TLS tool is a skip that does not cascade (the HTTP row still runs), no go command a warning, exit 0', async () => {
  const { report, exitCode } = await replayJson('busybox');
  assert.is(exitCode, 0);
  const tls = row(report, 'tls.handshake', 'proxy.golang.org');
  assert.equal([tls.status, tls.cause], ['skip', 'tool.missing']);
  assert.is(row(report, 'http.goproxy', 'proxy.golang.org').status, 'pass');
  assert.equal([row(report, 'go-env.go').status, row(report, 'go-env.go').cause], ['warn', 'go.missing']);
  assert.is(row(report, 'e2e.fetch', 'GOPROXY=').cause, 'tool.missing');
});

test("dockerfile: the stage's base image, ENV GOPROXY and WORKDIR reach the container; the report names the stage", async () => {
  const { report, exitCode, engine } = await replayJson('dockerfile');
  assert.is(exitCode, 0);
  assert.is(report.stage?.name, 'builder');
  assert.is(report.stage?.mode, 'run');
  assert.is(row(report, 'build.stage').status, 'pass');
  assert.is(row(report, 'e2e.fetch', 'GOPROXY=https://goproxy.cn,direct').status, 'pass');
  assert.is(engine.specs[0]!.workingDir, '/src');
  assert.ok(engine.specs[0]!.env.includes('GOPROXY=https://goproxy.cn,direct'));
  assert.is(report.checks.filter((c) => c.category === 'host').length, 0, '--no-host');
});

test('--skip host over the healthy run: the host side is never asked, no host rows, the same exit code', async () => {
  const rec = loadRecording('healthy');
  const r = await replayRun(rec, { argv: (a) => [...a, '--skip', 'host'] });
  assert.is(r.exitCode, 0);
  assert.is(r.hostAsked.length, 0);
  assert.not.ok(r.report!.checks.some((c) => c.category === 'host'));
  assert.is(r.engine.stdin[0]![0], rec.engine.runAgent[0]!.stdin[0]!.text, 'the same plan');
});

// Derived from the recordings: the same runs with one outside answer changed.

test('the agent killed before it finished (its output cut before @gmd done, exit 137): exit 3, one line, no rows', async () => {
  const rec = loadRecording('healthy');
  const agent = rec.engine.runAgent[0]!;
  const cut = agent.stdout.slice(0, agent.stdout.findIndex((c) => c.afterInput > 0) + 3);
  const r = await replayRun({ ...rec, engine: { ...rec.engine, runAgent: [{ ...agent, stdout: cut, result: { value: { exitCode: 137, stderrTail: '', timedOut: false, containerId: 'c' } } }] } });
  assert.is(r.exitCode, ExitCode.CannotProbe);
  assert.is(r.stdout, '');
  assert.match(r.stderr, /^gomod-doctor: .*exit 137/);
  assert.is(r.stderr.trim().split('\n').length, 2, 'the message and its hint');
});

test('the agent never reports (no facts before the deadline): exit 3', async () => {
  const rec = loadRecording('healthy');
  const agent = rec.engine.runAgent[0]!;
  const r = await replayRun({ ...rec, engine: { ...rec.engine, runAgent: [{ ...agent, stdout: [], result: { value: { exitCode: null, stderrTail: '', timedOut: true, containerId: 'c' } } }] } });
  assert.is(r.exitCode, ExitCode.CannotProbe);
  assert.equal(r.engine.stdin[0], [], 'no plan without facts');
});

test('the engine does not answer: exit 3 before any container', async () => {
  const rec = loadRecording('healthy');
  const error = { name: 'EngineUnavailable', message: 'cannot reach the Docker engine at unix:///var/run/docker.sock' };
  // Every call fails, the image's too (the create waits for the image, not for /version).
  const r = await replayRun({ ...rec, engine: { ...rec.engine, info: { error }, ensureImage: rec.engine.ensureImage.map((e) => ({ ...e, answer: { error } })) } });
  assert.is(r.exitCode, ExitCode.CannotProbe);
  assert.equal(r.engine.specs, []);
});

test('--image that cannot be pulled: exit 3; a Dockerfile base image that cannot be pulled: engine.pull fails, exit 1, no container', async () => {
  const missing = { name: 'ImageMissing', message: 'image gomod-doctor-fixture/gobuilder:bookworm could not be pulled: pull access denied' };
  const image = loadRecording('healthy');
  const a = await replayRun({ ...image, engine: { ...image.engine, ensureImage: image.engine.ensureImage.map((e) => ({ ...e, answer: { error: missing } })) } });
  assert.is(a.exitCode, ExitCode.CannotProbe);
  const df = loadRecording('dockerfile');
  const b = await replayRun({ ...df, engine: { ...df.engine, ensureImage: df.engine.ensureImage.map((e) => ({ ...e, answer: { error: missing } })) } });
  assert.is(b.exitCode, ExitCode.CheckFailed);
  assert.equal(b.engine.specs, []);
  assert.is(row(b.report!, 'engine.pull').status, 'fail');
  assert.ok(b.report!.checks.every((c) => c.category === 'engine' || c.category === 'build'), rows(b.report!).join(', '));
});

test('the default (compact) format of the same runs: the exit code, the failing rows by id and target, the counts', async () => {
  for (const name of ['healthy', 'blackholed', 'tls-no-ca', 'nonroot-modcache']) {
    const rec = loadRecording(name);
    const was = { checks: rec.outcome.rows, summary: rec.outcome.summary! };
    const r = await replayRun(rec, { argv: withoutFormat });
    assert.is(r.exitCode, rec.outcome.exitCode, name);
    assert.is(r.report, null, 'not JSON');
    const s = was.summary;
    assert.match(r.stdout, `${s.pass} pass · ${s.warn} warn · ${s.fail} fail · ${s.skip} skip`);
    assert.match(r.stdout, /^Verdict: /m);
    // Every failing row is named under "Needs action", by id and target (folded collateral aside).
    const first = was.checks.find((c) => c.status === 'fail' && !c.explainedBy);
    if (first) assert.match(r.stdout, new RegExp(`✗ ${first.id.replace('.', '\\.')}\\s+${(first.target ?? '').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    else assert.is(s.fail, 0);
  }
});

test('--format list of the blackholed run: one line per row, and the same exit code', async () => {
  const rec = loadRecording('blackholed');
  const r = await replayRun(rec, { argv: (a) => [...withoutFormat(a), '--format', 'list'] });
  assert.is(r.exitCode, 1);
  assert.match(r.stdout, 'tcp.connect');
});

test.run();
