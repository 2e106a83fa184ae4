/**
 * Record the replay fixtures: `flock /tmp/gmd-e2e.lock npm run record:replays [NAME...]`.
 * Needs root and the engine, as the e2e tests do. Starts one fixture lab, then runs each
 * scenario's doctor (test/replay/record-one.ts, in its own process) against the real engine,
 * inside a private mount namespace whose /etc/resolv.conf names only the lab's DNS (or
 * 127.0.0.1, where nothing answers), so the host-side probes stay on this machine too.
 * Each run is written to test/fixtures/replay/NAME.json.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolvConfFor } from '../helpers/cli.js';
import { ensureEngine } from '../helpers/engine.js';
import { BUSYBOX_TAG, ensureDerivedImage, ensureFixtureImages, GOBUILDER_TAG } from '../helpers/fixtures.js';
import { GIT_HOST, GIT_HTTP_PASSWORD, GIT_HTTP_USER, type Lab, startLab } from '../helpers/lab.js';
import type { RecordSpec } from './record-one.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const OUT = join(ROOT, 'test/fixtures/replay');
const T = '2';
const NONROOT_TAG = 'gomod-doctor-fixture/gobuilder-nonroot:1';
const NONROOT_GO = `FROM ${GOBUILDER_TAG}\nRUN useradd -m -u 1000 app && chmod -R 0755 /go && chown -R root:root /go\nUSER app`;

interface Scenario {
  name: string;
  description: string;
  /** `$FILES/ca.pem` is the lab CA; other files come from `files`. */
  argv: string[];
  env?: Record<string, string>;
  files?: Record<string, string>;
  /** The resolver of the doctor's own process (the host side): the lab's, or none. */
  hostDns: 'lab' | 'none';
  /** Lab state for this run, undone after it. */
  setup?: (lab: Lab) => void;
}

function scenarios(lab: Lab): Scenario[] {
  const gosumdb = ['-e', `GOSUMDB=${lab.sumdb.gosumdb}`];
  const trusted = ['--dns', lab.gateway, '--ca-cert', '$FILES/ca.pem', ...gosumdb];
  const narrow = ['--no-default-targets', '--timeout', T, '-e', 'GOPROXY=https://proxy.golang.org'];
  const labGoproxy = ['--no-default-targets', '--timeout', T, '-e', 'GOPROXY=https://proxy.golang.org,direct'];
  // git's two round trips (the 401, then the credentials) on a loaded machine: more than 2 s.
  const privateRepo = ['--no-default-targets', '--timeout', '5', '-e', 'GOPROXY=https://proxy.golang.org,direct', '-e', `GOPRIVATE=${GIT_HOST}`, '--private-repo', lab.git.httpsUrl];
  const netrc = (password: string) => `machine ${GIT_HOST} login ${GIT_HTTP_USER} password ${password}\n`;
  const blackholed = ['proxy.golang.org', 'goproxy.cn', 'goproxy.io', 'github.com', 'sum.golang.org'].flatMap((h) => ['--add-host', `${h}:${lab.blackhole}`]);
  return [
    { name: 'healthy', description: 'default targets, the lab DNS and CA, the go command fetch on: everything passes', argv: ['--image', GOBUILDER_TAG, ...trusted], hostDns: 'lab' },
    { name: 'dns-silent', description: 'the container\'s DNS server never answers; the host resolves through the lab', argv: ['--image', GOBUILDER_TAG, '--dns', lab.blackhole, '--ca-cert', '$FILES/ca.pem', ...gosumdb, '--timeout', T], hostDns: 'lab' },
    { name: 'blackholed', description: 'every default target --add-host\'ed to an address that drops every packet', argv: ['--image', GOBUILDER_TAG, ...trusted, ...blackholed, '--timeout', T], hostDns: 'none' },
    { name: 'tls-no-ca', description: 'the TLS-intercepting lab without --ca-cert: unknown authority', argv: ['--image', GOBUILDER_TAG, '--dns', lab.gateway, ...gosumdb, ...narrow], hostDns: 'none' },
    { name: 'tls-ca-cert', description: 'the same with --ca-cert: trusted', argv: ['--image', GOBUILDER_TAG, ...trusted, ...narrow], hostDns: 'lab' },
    {
      name: 'proxy-missing',
      description: 'the host reaches the module proxy through HTTPS_PROXY, the container has no proxy and no DNS',
      argv: ['--image', GOBUILDER_TAG, '--dns', lab.blackhole, '--ca-cert', '$FILES/ca.pem', ...gosumdb, ...narrow],
      env: { HTTPS_PROXY: `http://${lab.gateway}:${lab.ports.forwardProxy}` },
      hostDns: 'none',
    },
    { name: 'proxy-refused', description: 'HTTPS_PROXY in the container names a port where nothing listens', argv: ['--image', GOBUILDER_TAG, ...trusted, ...labGoproxy, '-e', `HTTPS_PROXY=http://${lab.gateway}:${lab.ports.refused}`], hostDns: 'none' },
    { name: 'nonroot-modcache', description: 'USER app (uid 1000) with a root-owned /go: GOMODCACHE unwritable', argv: ['--image', NONROOT_TAG, ...trusted, ...labGoproxy], hostDns: 'none' },
    {
      name: 'private-auth-failed',
      description: 'a private repo over HTTPS with a wrong password in --netrc',
      argv: ['--image', GOBUILDER_TAG, ...trusted, ...privateRepo, '--netrc', '$FILES/wrong.netrc'],
      files: { 'wrong.netrc': netrc('wrong-pass-123') },
      hostDns: 'none',
    },
    {
      name: 'private-auth-ok',
      description: 'the same private repo with the right --netrc',
      argv: ['--image', GOBUILDER_TAG, ...trusted, ...privateRepo, '--netrc', '$FILES/good.netrc'],
      files: { 'good.netrc': netrc(GIT_HTTP_PASSWORD) },
      hostDns: 'none',
    },
    {
      name: 'goproxy-502-comma',
      description: 'GOPROXY lists a proxy answering 502 before a working one, joined by ",": the go command does not fall through',
      argv: ['--image', GOBUILDER_TAG, ...trusted, '--no-default-targets', '--timeout', T, '-e', 'GOPROXY=https://proxy.golang.org/status/502,https://goproxy.cn'],
      hostDns: 'lab',
    },
    { name: 'busybox', description: 'a busybox image: nslookup, nc and wget; no TLS tool to verify with, no go command', argv: ['--image', BUSYBOX_TAG, ...trusted, ...labGoproxy], hostDns: 'lab' },
    {
      name: 'host-same-failure',
      description: 'the module proxy\'s name is NXDOMAIN for the container and for the host alike: the host\'s problem',
      argv: ['--image', GOBUILDER_TAG, ...trusted, ...narrow],
      hostDns: 'lab',
      setup: (l) => l.dns.set('proxy.golang.org', 'nxdomain'),
    },
    {
      name: 'dockerfile',
      description: 'a Dockerfile\'s builder stage (its ENV GOPROXY, USER, WORKDIR) probed from its base image',
      argv: ['-f', '$FILES/project/Dockerfile', '--context', '$FILES/project', '--dns', lab.gateway, '--ca-cert', '$FILES/ca.pem', '--no-default-targets', '--no-host', '--timeout', T],
      files: {
        'project/Dockerfile': `FROM ${GOBUILDER_TAG} AS builder\nENV GOSUMDB="${lab.sumdb.gosumdb}"\nENV GOPROXY=https://goproxy.cn,direct\nWORKDIR /src\nCOPY go.mod go.sum ./\nRUN go mod download\n`,
        'project/go.mod': 'module example.com/hello\n\ngo 1.19\n\nrequire rsc.io/quote v1.5.2\n',
        'project/go.sum': '',
      },
      hostDns: 'none',
    },
  ];
}

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const known = scenarios({ gateway: '0.0.0.0', blackhole: '0.0.0.0', ports: {}, sumdb: {}, git: {} } as Lab).map((s) => s.name);
  const unknown = only.filter((n) => !known.includes(n));
  if (unknown.length) {
    process.stderr.write(`record:replays: no such scenario: ${unknown.join(', ')} (known: ${known.join(', ')})\n`);
    process.exitCode = 2;
    return;
  }
  await ensureEngine();
  await ensureFixtureImages();
  await ensureDerivedImage(NONROOT_TAG, NONROOT_GO);
  const lab = await startLab();
  const dir = mkdtempSync(join(tmpdir(), 'gmd-record-specs-'));
  let failed = 0;
  try {
    for (const s of scenarios(lab)) {
      if (only.length && !only.includes(s.name)) continue;
      s.setup?.(lab);
      try {
        const spec: RecordSpec = {
          scenario: s.name,
          description: s.description,
          argv: [...s.argv, '--format', 'json'],
          env: s.env ?? {},
          files: { ...(s.argv.includes('$FILES/ca.pem') ? { 'ca.pem': lab.caPem } : {}), ...s.files },
          out: join(OUT, `${s.name}.json`),
        };
        const specFile = join(dir, `${s.name}.json`);
        writeFileSync(specFile, JSON.stringify(spec));
        const resolv = resolvConfFor(s.hostDns === 'lab' ? lab.gateway : '127.0.0.1');
        // As runCli starts the bin: the doctor's resolver is the lab's (or none) in a private mount namespace.
        // Asynchronously: the lab's servers live in this process and must answer meanwhile.
        const child = spawn('unshare', ['-m', 'sh', '-c', 'mount --bind "$0" /etc/resolv.conf && exec "$@"', resolv, process.execPath, '--import', 'tsx', join(ROOT, 'test/replay/record-one.ts'), specFile], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'], timeout: 120_000 });
        const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
        if (code !== 0) {
          failed++;
          process.stderr.write(`${s.name}: recorder exited ${code}\n`);
        }
      } finally {
        lab.dns.reset();
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await lab.stop();
  }
  if (failed) process.exitCode = 1;
}

await main();
