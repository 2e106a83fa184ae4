// The agent script itself, run on this machine under the shells users' images have (dash, as in
// Debian's golang images; busybox ash, as in alpine and busybox; bash, where /bin/sh is bash), against a fake host: the test
// reads the wire, writes a plan and a `stop` line, as src/collect/container.ts does. Only loopback.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parseFs, parseHttp, parseTcp, parseTls } from '../../src/agent/parse.js';
import { type Block, encodePlan, kv, WireReader } from '../../src/agent/wire.js';
import type { PlannedPath, ProbePlan } from '../../src/model.js';
import { staticBusybox } from '../helpers/fixtures.js';
import { makeLabCerts } from '../helpers/lab-certs.js';
import { withTimeout } from '../helpers/timeout.js';

const AGENT = readFileSync(new URL('../../src/agent/agent.sh', import.meta.url), 'utf8');

interface Conversation {
  blocks: Map<string, Block>;
  done: boolean;
  exitCode: number | null;
}

/**
 * Run the agent under `shell` the way the engine runs it (`sh -c SCRIPT DIR/agent.sh`): wait for
 * `@gmd ready`, send the plan, hand `afterPlan` a writer for `stop KEY` lines, and collect every
 * block until the agent exits.
 */
function converse(shell: string[], dir: string, plan: ProbePlan, afterPlan: (write: (line: string) => void) => void): Promise<Conversation> {
  return new Promise((resolve, reject) => {
    const child = spawn(shell[0]!, [...shell.slice(1), '-c', AGENT, join(dir, 'agent.sh')], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir },
      stdio: ['pipe', 'pipe', 'ignore'],
    });
    const reader = new WireReader();
    const result: Conversation = { blocks: new Map(), done: false, exitCode: null };
    const write = (line: string) => void child.stdin.write(line);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (text: string) => {
      for (const event of reader.push(text)) {
        if (event.type === 'ready') {
          write(encodePlan(plan));
          afterPlan(write);
        } else if (event.type === 'done') result.done = true;
        else result.blocks.set(event.block.id, event.block);
      }
    });
    child.on('error', reject);
    child.on('close', (code) => {
      result.exitCode = code;
      resolve(result);
    });
  });
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

async function run(shell: string[], clock: string): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'gmd-agent-'));
  const hung = http.createServer(() => undefined); // takes the request, never answers
  await new Promise<void>((r) => hung.listen(0, '127.0.0.1', r));
  const requested = new Promise<void>((r) => hung.once('request', () => r()));
  try {
    mkdirSync(join(dir, 'cache'));
    writeFileSync(join(dir, 'a-file'), '');
    const paths: PlannedPath[] = [
      { key: 'p0', variable: 'GOMODCACHE', path: join(dir, 'cache'), note: null },
      { key: 'p1', variable: 'GOCACHE', path: join(dir, 'a-file', 'below'), note: null },
    ];
    const refused = await closedPort();
    const url = `http://127.0.0.1:${(hung.address() as AddressInfo).port}/rsc.io/quote/@v/v1.5.2.zip`;
    const plan: ProbePlan = {
      timeoutMs: 20_000, // the stop, not this bound, must end the download
      targets: [{ key: 't0', host: '127.0.0.1', port: refused, roles: ['user'], tls: false, httpUrl: null, httpProxy: null }],
      paths,
      repos: [],
      fetches: [],
      sumdbGets: [],
      transfers: [{ key: 'x0', goproxy: url, module: 'rsc.io/quote@v1.5.2', purpose: 'canary', url, httpProxy: null }],
      extraCa: false,
    };
    const started = Date.now();
    const talk = await converse(shell, dir, plan, (write) => void requested.then(() => write('stop x0\n')));
    const ms = Date.now() - started;

    assert.ok(talk.done, 'the agent printed @gmd done');
    assert.is(talk.exitCode, 0);
    assert.ok([...talk.blocks.keys()].some((k) => k.startsWith('facts')), `blocks: ${[...talk.blocks.keys()].join(' ')}`);
    // The step clock costs no fork: the shell's own EPOCHREALTIME, else /proc/uptime (dash).
    assert.is(kv(talk.blocks.get('facts')!, 'clock_source'), clock);
    assert.ok(Math.abs(Number(kv(talk.blocks.get('facts')!, 'clock_ms')) - Date.now()) < 60_000, 'clock_ms is the wall clock');
    const fsOk = parseFs(talk.blocks.get('fs:p0')!, paths[0]!);
    assert.equal([fsOk.exists, fsOk.isDir, fsOk.writable], [true, true, true]);
    const fsBad = parseFs(talk.blocks.get('fs:p1')!, paths[1]!);
    assert.is(fsBad.writable, false);
    const tcp = parseTcp(talk.blocks.get('tcp:t0')!, '127.0.0.1');
    assert.equal(tcp.attempts.map((a) => a.outcome), ['refused'], `tcp: ${JSON.stringify(tcp)}`);
    const xfer = talk.blocks.get('xfer:x0')!;
    assert.is(kv(xfer, 'stopped'), '1', 'the download was stopped, not run to its bound');
    assert.ok(ms < 15_000, `the run took ${ms} ms: the stop did not end the download`);
  } finally {
    hung.closeAllConnections();
    hung.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const lab = makeLabCerts('127.0.0.1');

/**
 * A direct HTTPS target: TLS and HTTP in one curl (its -v lines are the TLS block). The same
 * target with a token as the URL's user takes the two steps apart: curl -v names the user.
 */
async function runTls(shell: string[]): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'gmd-agent-tls-'));
  const server = https.createServer({ ...lab.good }, (_req, res) => res.end('v1.5.2\n'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  try {
    writeFileSync(join(dir, 'extra-ca.pem'), lab.caPem);
    const target = (key: string, url: string) => ({ key, host: '127.0.0.1', port, roles: ['goproxy' as const], tls: true, httpUrl: url, httpProxy: null });
    const plan: ProbePlan = {
      timeoutMs: 10_000,
      targets: [target('t0', `https://127.0.0.1:${port}/rsc.io/quote/@v/list`), target('t1', `https://${TOKEN}@127.0.0.1:${port}/rsc.io/quote/@v/list`)],
      paths: [], repos: [], fetches: [], sumdbGets: [], transfers: [], extraCa: true,
    };
    const talk = await converse(shell, dir, plan, () => undefined);
    assert.ok(talk.done, 'the agent printed @gmd done');
    const one = talk.blocks.get('tls:t0')!;
    assert.is(kv(one, 'tool'), 'curl', 'one curl made the TLS step');
    const tls = parseTls(one, '127.0.0.1', port);
    assert.equal([tls.outcome, tls.verifyCode], ['ok', 0], JSON.stringify(tls));
    assert.match(tls.issuer ?? '', 'gomod-doctor test CA');
    assert.is(parseHttp(talk.blocks.get('http:t0')!, plan.targets[0]!.httpUrl!, null).status, 200);
    assert.is(kv(talk.blocks.get('tls:t1')!, 'tool'), 'openssl', 'a URL with user info: the TLS step on its own');
    assert.is(parseHttp(talk.blocks.get('http:t1')!, plan.targets[1]!.httpUrl!, null).status, 200);
    const printed = [...talk.blocks.values()].flatMap((b) => [...b.raw, ...b.kv.map(([k, v]) => `${k} ${v}`)]).join('\n');
    assert.not.match(printed, TOKEN, 'the token is printed nowhere');
  } finally {
    server.closeAllConnections();
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
const TOKEN = 'tok-S3cr3t';

const SHELLS: Array<[name: string, argv: () => string[], clock: string]> = [
  ['dash', () => ['dash'], 'uptime'],
  ['busybox sh', () => [staticBusybox(), 'sh'], 'epoch'],
  ['bash', () => ['bash'], 'epoch'],
];

for (const [name, argv, clock] of SHELLS) {
  const test = suite(`agent.sh under ${name}`);

  test('facts, then a plan: a writable and an impossible cache path, a refused port, a hung download the host stops', () =>
    withTimeout(run(argv(), clock), 30_000, `agent under ${name}`),
  );

  test('a direct HTTPS target: TLS and HTTP in one curl, apart when the URL holds a user', () =>
    withTimeout(runTls(argv()), 30_000, `agent TLS under ${name}`),
  );

  test.run();
}
