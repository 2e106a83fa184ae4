// The CI-facing choices, pure: --fail-on and the exit code, --only/--skip, config-file
// thresholds, the config file merged under the flags, and what --list-probes says.
import { readFileSync } from 'node:fs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { applyThresholds } from '../../checks/thresholds.js';
import { parseArgs } from '../../src/cli/args.js';
import { exitCodeForReport as exitCodeFor } from '../../src/exit-code.js';
import { UsageError } from '../../src/errors.js';
import type { CheckResult, Report } from '../../src/model.js';
import type { DoctorOptions } from '../../src/options.js';
import { listingPlan } from '../../src/plan/list-probes.js';
import { renderProbeList } from '../../src/render/list-probes.js';
import { selected } from '../../src/judge/report.js';

const load = (name: string): Report => JSON.parse(readFileSync(new URL(`../fixtures/reports/${name}.json`, import.meta.url), 'utf8')) as Report;

const Exit = suite('exit codes: --fail-on');

Exit('fail rows exit 1; warnings exit 0 unless --fail-on warn', () => {
  const healthy = load('healthy');
  const warned: Report = { ...healthy, summary: { ...healthy.summary, warn: 2, fail: 0 } };
  assert.is(exitCodeFor(healthy, 'fail'), 0);
  assert.is(exitCodeFor(warned, 'fail'), 0);
  assert.is(exitCodeFor(warned, 'warn'), 1);
  assert.is(exitCodeFor(load('mtu-black-hole'), 'fail'), 1);
});

Exit.run();

const Select = suite('--only / --skip');

Select('a selector is a category or a check id; skip wins', () => {
  const tls = { id: 'tls.handshake', category: 'tls' as const };
  assert.ok(selected(tls, { only: [], skip: [] }));
  assert.ok(selected(tls, { only: ['tls'], skip: [] }));
  assert.ok(selected(tls, { only: ['tls.handshake'], skip: [] }));
  assert.not.ok(selected(tls, { only: ['dns'], skip: [] }));
  assert.not.ok(selected(tls, { only: ['tls'], skip: ['tls.handshake'] }));
});

Select.run();

const Limits = suite('config-file thresholds');

const row = (id: string, ms: number | null, status: CheckResult['status'] = 'pass'): CheckResult => ({ id, category: id.split('.')[0] as CheckResult['category'], target: 'proxy.corp:443', status, ms, summary: 'TLSv1.3 in 412 ms', cause: null, evidence: {}, fix: null });

Limits('a pass slower than the limit warns with its cause and by how much; faster, failed or unmeasured rows are untouched', () => {
  const t = { dnsMs: null, tcpMs: null, tlsMs: 300, httpMs: null, fetchMs: 5000 };
  const [slow, fast, failed, unmeasured, fetch] = applyThresholds([row('tls.handshake', 412), row('tls.handshake', 120), row('tls.handshake', 900, 'fail'), row('tls.handshake', null), row('e2e.fetch', 7200)], t);
  assert.equal([slow!.status, slow!.cause], ['warn', 'tls.slow']);
  assert.match(slow!.summary, 'over the 300 ms this repository allows for a TLS handshake (thresholds.tlsMs)');
  assert.equal(slow!.evidence.thresholdMs, 300);
  assert.match(slow!.fix ?? '', 'raise thresholds.tlsMs');
  assert.equal([fast!.status, failed!.status, unmeasured!.status], ['pass', 'fail', 'pass']);
  assert.equal([fetch!.status, fetch!.cause], ['warn', 'e2e.slow']);
  assert.equal(applyThresholds([row('tls.handshake', 412)], undefined)[0]!.status, 'pass');
});

Limits.run();

const Merge = suite('the config file under the flags');

const FILES: Record<string, string> = {
  '/repo/.git': '',
  '/repo/.gomod-doctor.yaml': 'image: golang:1.23\ndns: [10.0.0.2]\nenv:\n  GOFLAGS: -mod=mod\nformat: junit\nfailOn: warn\nskip: [host]\nthresholds:\n  tlsMs: 300\ncaCert: certs/corp.pem\n',
  '/repo/certs/corp.pem': '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
  '/bad/.gomod-doctor.json': '{"privateRepo": ["x"]}',
};
const io = (cwd: string) => ({
  env: {},
  cwd,
  exists: (p: string) => p in FILES,
  readFile: (p: string) => {
    const t = FILES[p];
    if (t === undefined) throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
    return t;
  },
});
const opts = (argv: string[], cwd = '/repo/svc'): DoctorOptions => {
  const p = parseArgs(argv, io(cwd));
  if (p.kind !== 'run') throw new Error(p.kind);
  return p.options;
};

Merge('found from a subdirectory; its values apply; paths are relative to the file; flags win', () => {
  const o = opts([]);
  assert.is(o.configFile, '/repo/.gomod-doctor.yaml');
  assert.equal([o.image, o.dns, o.env, o.format, o.failOn, o.skip, o.thresholds.tlsMs], ['golang:1.23', ['10.0.0.2'], ['GOFLAGS=-mod=mod'], 'junit', 'warn', ['host'], 300]);
  assert.match(o.caCertPem ?? '', 'BEGIN CERTIFICATE');
  const f = opts(['--image', 'golang:1.22', '--dns', '10.9.9.9', '-e', 'GOFLAGS=-x', '--format', 'list', '--fail-on', 'fail']);
  assert.equal([f.image, f.dns, f.env, f.format, f.failOn], ['golang:1.22', ['10.9.9.9'], ['GOFLAGS=-mod=mod', 'GOFLAGS=-x'], 'list', 'fail']);
  assert.is(opts(['--no-config', '--image', 'golang:1.22']).configFile, null);
});

Merge('a bad key in the config file is exit 2 with one line naming it', () => {
  try {
    parseArgs(['--image', 'golang:1.23'], io('/bad'));
    assert.unreachable('expected a UsageError');
  } catch (err) {
    assert.instance(err, UsageError);
    assert.match((err as Error).message, /privateRepo.*did you mean "privateRepos"/);
  }
});

Merge('--only/--skip take ids and categories only; GitHub Actions defaults to --format github', () => {
  assert.throws(() => opts(['--image', 'x:1', '--only', 'tls.handshak']), /did you mean tls\.handshake/);
  const p = parseArgs(['--image', 'golang:1.23', '--no-config'], { env: { GITHUB_ACTIONS: 'true' }, readFile: () => '' });
  assert.is(p.kind === 'run' && p.options.format, 'github');
});

Merge.run();

const List = suite('--list-probes');

List('names the engine calls, the container, every host and command, the host side and the build, and runs nothing', () => {
  const o = opts(['--image', 'golang:1.23', '--no-config', '--probe', 'https://athens.corp.example', '-e', 'HTTPS_PROXY=http://bob:pw-Secret@proxy.corp:3128', '--private-repo', 'https://git.corp.example/acme/lib.git']);
  const listing = listingPlan(o, { user: 'app', env: ['GOPROXY=https://proxy.golang.org,direct'] }, null, Date.now());
  const text = renderProbeList(o, listing, { endpoint: 'unix:///var/run/docker.sock', source: 'default', context: null, tls: false }, null);
  assert.match(text, 'nothing was run');
  assert.match(text, 'inspect image golang:1.23 (on the engine)');
  assert.match(text, 'image golang:1.23, user app');
  assert.match(text, /GET https:\/\/athens\.corp\.example\/rsc\.io\/quote\/@v\/list via http:\/\/bob:\*\*\*@proxy\.corp:3128/);
  assert.match(text, 'git ls-remote https://git.corp.example/acme/lib.git');
  assert.match(text, /go mod download -x rsc\.io\/quote@v1\.5\.2 with GOPROXY=https:\/\/proxy\.golang\.org,direct/);
  assert.match(text, 'From this machine');
  assert.not.match(text, 'pw-Secret');
});

List.run();
