// Proves the lab's MTU black hole with real traffic: the host's own TLS handshake through it
// completes (MSS from the small uplink), a container's stalls after TCP connected (MSS 1460, the
// 1500-byte answers are dropped without ICMP), and the same container request on a network whose
// MTU matches the uplink completes, so the MTU and nothing else is what breaks it.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import https from 'node:https';
import tls from 'node:tls';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { runContainer, type ContainerResult } from '../helpers/container.js';
import { docker, ensureEngine } from '../helpers/engine.js';
import { ensureFixtureImages } from '../helpers/fixtures.js';
import { startLab, TEST_LABEL, type Lab } from '../helpers/lab.js';
import { startMtuUpstream, type MtuUpstream, type RelaySocket } from '../helpers/lab-mtu.js';
import { loud, withTimeout } from '../helpers/timeout.js';

interface Ctx {
  lab: Lab;
  mtu: MtuUpstream;
  images: { busybox: string; gobuilder: string };
}

const LIST_PATH = '/rsc.io/quote/@v/list';
const CA_IN_CONTAINER = '/tmp/lab-ca.pem';

const test = suite<Ctx>('lab-mtu');

test.before(loud('lab-mtu', async (ctx) => {
  await withTimeout(ensureEngine(), 100_000, 'ensureEngine');
  ctx.images = await withTimeout(ensureFixtureImages(), 300_000, 'ensureFixtureImages');
  ctx.lab = await withTimeout(startLab(), 30_000, 'startLab');
  ctx.mtu = await withTimeout(startMtuUpstream(ctx.lab), 15_000, 'startMtuUpstream');
}));

test.after(async (ctx) => {
  const { mtu } = ctx;
  await mtu?.stop();
  await ctx.lab?.stop();
  const left = await docker().listContainers({ all: true, filters: { label: [`${TEST_LABEL}=1`] } });
  assert.is(left.length, 0, 'no test containers left behind');
  if (mtu) {
    assert.not.match(execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' }), mtu.netns, 'namespace removed');
    assert.not.match(execFileSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' }), mtu.device, 'veth removed');
  }
});

const e2e = (name: string, fn: (ctx: Ctx) => Promise<void>, ms = 15_000): void =>
  test(name, (ctx) => withTimeout(fn(ctx), ms, name));

/** curl the module list through the MTU upstream by name, the lab CA copied in; prints eth0's MTU first. */
function curlScript(mtu: MtuUpstream): string {
  return [
    'echo "mtu=$(cat /sys/class/net/eth0/mtu)"',
    `timeout 3 bash -c 'exec 3<>/dev/tcp/${mtu.address}/${mtu.port}'; echo "tcp=$?"`,
    `curl -sS --cacert ${CA_IN_CONTAINER} --resolve ${mtu.name}:${mtu.port}:${mtu.address} --max-time 4 -o /dev/null -w 'http=%{http_code}\\n' https://${mtu.name}${LIST_PATH}; echo "curl=$?"`,
  ].join('\n');
}

const inGobuilder = (ctx: Ctx, network: string): Promise<ContainerResult> =>
  runContainer(ctx.images.gobuilder, ['bash', '-c', curlScript(ctx.mtu)], {
    network,
    files: { [CA_IN_CONTAINER]: ctx.lab.caPem },
  });

/** Run `p` while sampling the relay's sockets; the sample with the most bytes sent, if any. */
async function sampling<T>(mtu: MtuUpstream, p: Promise<T>): Promise<[T, RelaySocket | undefined]> {
  let best: RelaySocket | undefined;
  let done = false;
  const result = p.finally(() => (done = true));
  while (!done) {
    await Promise.race([result.catch(() => undefined), new Promise((r) => setTimeout(r, 200))]);
    for (const s of await mtu.sockets().catch(() => [])) if (!best || s.bytesSent > best.bytesSent) best = s;
  }
  return [await result, best];
}

e2e('from the host, TLS through the small uplink completes and the module list is served', async ({ lab, mtu }) => {
  const drops = mtu.drops();
  // Handshake first, the socket held open to read its MSS in the namespace.
  const sock = tls.connect({ host: mtu.address, port: mtu.port, servername: mtu.name, ca: lab.caPem });
  try {
    await new Promise<void>((resolve, reject) => sock.once('secureConnect', resolve).once('error', reject));
    assert.ok(sock.authorized, String(sock.authorizationError));
    const [s] = await mtu.sockets();
    assert.ok(s, 'the relay holds the connection');
    assert.ok(s.mss <= mtu.hostMtu - 40, `MSS ${s.mss} fits the ${mtu.hostMtu} uplink (${s.info})`);
  } finally {
    sock.destroy();
  }

  lab.requests.length = 0;
  const body = await new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = https.get(
      { host: mtu.address, port: mtu.port, servername: mtu.name, headers: { host: mtu.name }, path: LIST_PATH, ca: lab.caPem, agent: false, timeout: 4000 },
      (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (d: string) => (text += d)).on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
  });
  assert.is(body.status, 200);
  assert.is(body.text, 'v1.5.0\nv1.5.1\nv1.5.2\n');
  assert.equal(lab.requests, [{ method: 'GET', host: mtu.name, path: LIST_PATH, port: 443 }]);
  assert.is(mtu.drops(), drops, 'nothing dropped on the veth');
});

e2e('from a container (MTU 1500), TCP connects but the TLS handshake stalls', async (ctx) => {
  const { lab, mtu } = ctx;
  const drops = mtu.drops();
  lab.requests.length = 0;
  const [r, sock] = await sampling(mtu, inGobuilder(ctx, lab.network));
  const out = `${r.stdout}${r.stderr}`;
  assert.match(r.stdout, 'mtu=1500');
  assert.match(r.stdout, 'tcp=0', out);
  assert.match(r.stdout, 'curl=28', out);
  assert.match(r.stderr, /Connection timed out after 4\d{3} milli/);
  assert.equal(lab.requests, [], 'no request got through');
  assert.ok(mtu.drops() > drops, `the veth dropped the server's packets (${mtu.drops() - drops})`);
  // The namespace sent full 1500-byte segments the client never acknowledged.
  assert.ok(sock, 'sampled the relay socket');
  assert.ok(sock.mss > mtu.hostMtu - 40, `MSS ${sock.mss} from the container's SYN (${sock.info})`);
  assert.is(sock.pmtu, 1500);
  assert.ok(sock.bytesSent > sock.bytesAcked + sock.mss, `unacknowledged retransmissions (${sock.info})`);
  // The client is gone and the relay reset the connection: nothing keeps retransmitting into the hole.
  const lingering = (await mtu.sockets()).filter((s) => s.state !== 'TIME-WAIT');
  assert.equal(lingering, [], 'no relay connection left');
});

e2e('control: the same request from a container on an MTU-1400 network completes', async (ctx) => {
  const { lab, mtu } = ctx;
  const name = `gmd-lab-mtu${mtu.hostMtu}-${randomBytes(4).toString('hex')}`;
  const network = await docker().createNetwork({
    Name: name,
    Driver: 'bridge',
    CheckDuplicate: true,
    Labels: { [TEST_LABEL]: '1' },
    Options: { 'com.docker.network.driver.mtu': String(mtu.hostMtu) },
  });
  try {
    const drops = mtu.drops();
    lab.requests.length = 0;
    const r = await inGobuilder(ctx, name);
    const out = `${r.stdout}${r.stderr}`;
    assert.match(r.stdout, `mtu=${mtu.hostMtu}`, out);
    assert.match(r.stdout, 'tcp=0', out);
    assert.match(r.stdout, 'http=200', out);
    assert.match(r.stdout, 'curl=0', out);
    assert.equal(lab.requests, [{ method: 'GET', host: mtu.name, path: LIST_PATH, port: 443 }]);
    assert.is(mtu.drops(), drops, 'nothing dropped on the veth');
  } finally {
    await network.remove();
  }
});

test.run();
