// An MTU black hole in front of the lab's HTTPS module proxy, like a host whose uplink (a VPN) has
// a smaller MTU than the docker network and drops oversized packets without an ICMP.
//
// A network namespace hangs off a veth pair: host side MTU 1400 (the "uplink"), namespace side
// MTU 1500. A TCP relay in the namespace forwards <address>:443 to lab.gateway:443, so TLS runs end
// to end between the client and the lab server. The host's own connections advertise MSS 1360
// (from the 1400 route) and work. A container advertises MSS 1460, the namespace answers with
// 1500-byte frames, the veth drops them (too big for the receiving end), no ICMP is sent, and the
// TLS handshake stalls after TCP connected: only in the container.
//
// Two details make the namespace really send 1500-byte frames:
// - The relay coalesces what the lab server sends (the server's handshake flight arrives from the
//   host in 1360-byte segments and would otherwise be written out in the same small pieces).
// - The namespace's veth end has gso_max_segs 1. The kernel forwards a GSO skb through a veth
//   whatever its size (is_skb_forwardable() only checks the length of non-GSO skbs), and a veth
//   never segments it, so with GSO the big packets cross the small MTU. One segment per skb means
//   plain 1500-byte frames, which the veth drops: a real NIC with TSO puts those on the wire too.
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import type { Lab } from './lab.js';

const NETNS_PREFIX = 'gmd-lab-mtu-';
/** Host-side veth names: `gmdm` + 8 hex = 12 chars (IFNAMSIZ allows 15). */
const VETH_PREFIX = 'gmdm';
/** The name to give the upstream; the lab certificate covers every *.lab.test name. */
export const MTU_HOST = 'mtu.lab.test';
/** MTU of the namespace side (and of the docker network whose containers it black-holes). */
const NS_MTU = 1500;

/** One TCP connection on the relay's port, as `ss -tin` shows it. */
export interface RelaySocket {
  /** `ESTAB`, `FIN-WAIT-1`, `LAST-ACK`, ... */
  state: string;
  /** Client address as the namespace sees it (docker masquerades containers to the host's veth address). */
  peer: string;
  /** Sending MSS (the client's advertised MSS, minus 12 bytes of TCP timestamps). */
  mss: number;
  /** Path MTU the namespace believes in: 1500, since no ICMP ever tells it otherwise. */
  pmtu: number;
  /** Bytes sent, retransmissions included. */
  bytesSent: number;
  /** Bytes the client acknowledged. */
  bytesAcked: number;
  /** The raw `ss` detail line. */
  info: string;
}

export interface MtuUpstream {
  /** Namespace side of the veth, where the relay listens (`10.213.X.2`). */
  address: string;
  /** Host side of the veth (`10.213.X.1`). */
  hostAddress: string;
  /** `mtu.lab.test`: map it to `address` (`--add-host`, `curl --resolve mtu.lab.test:443:<address>`). */
  name: string;
  /** 443. */
  port: number;
  /** MTU of the host side of the veth (the "uplink"). */
  hostMtu: number;
  /** Host-side veth interface (`gmdm<hex>`). */
  device: string;
  /** The network namespace (`gmd-lab-mtu-<hex>`). */
  netns: string;
  /** Frames the veth dropped so far because they were larger than `hostMtu` (namespace eth0 tx_dropped). */
  drops(): number;
  /** The relay's client connections right now, any state but listening (MSS / PMTU / retransmission evidence). */
  sockets(): Promise<RelaySocket[]>;
  /** Kill the relay, remove the veth pair and the namespace. Idempotent. */
  stop(): Promise<void>;
}

function sh(cmd: string, args: string[]): string {
  return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

// The lab servers run in the test process: anything that may take a while must not block it.
function shAsync(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { encoding: 'utf8', timeout: 5000 }, (err, stdout) => (err ? reject(err) : resolve(stdout)));
  });
}

// Runs in the namespace under plain node (no tsx): argv = [node, listenHost, listenPort, upHost, upPort].
// Client → upstream is passed on as is; upstream → client is coalesced for a few ms so the client
// gets full-MSS segments. Exits when its stdin closes, i.e. when the test process goes, even by SIGKILL.
const RELAY = `
const net = require('net');
const [, lh, lp, uh, up] = process.argv;
const server = net.createServer((c) => {
  const u = net.connect(Number(up), uh);
  // The client is gone (it closed, or errored): RST at once. A graceful close would leave the
  // namespace retransmitting the segments the black hole ate for a minute after the client died.
  const abort = () => { if (!c.destroyed) c.resetAndDestroy(); u.destroy(); };
  c.on('error', abort);
  c.on('end', abort);
  c.on('close', () => u.destroy());
  u.on('error', abort);
  c.on('data', (d) => { if (!u.write(d)) { c.pause(); u.once('drain', () => c.resume()); } });
  let pending = [];
  let size = 0;
  let timer;
  const flush = () => {
    clearTimeout(timer);
    timer = undefined;
    if (!size || c.destroyed) return;
    const buf = Buffer.concat(pending);
    pending = [];
    size = 0;
    if (!c.write(buf)) { u.pause(); c.once('drain', () => u.resume()); }
  };
  u.on('data', (d) => {
    pending.push(d);
    size += d.length;
    if (size >= 65536) flush();
    else timer ??= setTimeout(flush, 5);
  });
  u.on('end', () => { flush(); if (!c.destroyed) c.end(); });
});
server.on('error', (e) => { console.error(String(e)); process.exit(2); });
server.listen(Number(lp), lh, () => console.log('listening'));
process.stdin.on('end', () => process.exit(0));
process.stdin.on('error', () => process.exit(0));
process.stdin.resume();
`;

const ipToInt = (ip: string): number => ip.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);

/** Every IPv4 prefix the host has as an address or a route (any table), `default` excluded. */
function hostPrefixes(): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  const add = (cidr: string | undefined): void => {
    const [addr = '', bits = '32'] = (cidr ?? '').split('/');
    if (/^\d+\.\d+\.\d+\.\d+$/.test(addr)) out.push([ipToInt(addr), Number(bits)]);
  };
  for (const line of sh('ip', ['-4', '-o', 'addr', 'show']).split('\n')) add(/\binet (\S+)/.exec(line)?.[1]);
  const types = new Set(['local', 'broadcast', 'unicast', 'multicast', 'anycast', 'blackhole', 'unreachable', 'prohibit', 'throw']);
  for (const line of sh('ip', ['-4', 'route', 'show', 'table', 'all']).split('\n')) {
    const words = line.trim().split(/\s+/);
    add(types.has(words[0] ?? '') ? words[1] : words[0]);
  }
  return out;
}

/** X for a 10.213.X.0/30 that overlaps no address or route of the host. */
function freeSubnet(): number {
  const known = hostPrefixes();
  const overlaps = (base: number): boolean =>
    known.some(([net, bits]) => {
      const size = 2 ** (32 - Math.min(bits, 30)); // the larger of the two blocks decides
      return Math.floor(net / size) === Math.floor(base / size);
    });
  for (let tries = 0; tries < 64; tries++) {
    const x = randomInt(0, 256);
    if (!overlaps(ipToInt(`10.213.${x}.0`))) return x;
  }
  throw new Error('no free 10.213.X.0/30 for the MTU upstream');
}

/** Resolve once the relay prints "listening"; reject if it exits or stays silent for `ms`. */
function relayReady(child: ChildProcess, ms: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const onOut = (d: Buffer): void => {
      out += d.toString();
      if (out.includes('listening')) done();
    };
    const onErr = (d: Buffer): void => void (err = (err + d.toString()).slice(-2000));
    const onExit = (code: number | null, signal: string | null): void =>
      done(new Error(`MTU relay exited (${code ?? signal}): ${err.trim()}`));
    const timer = setTimeout(() => done(new Error(`MTU relay not listening after ${ms} ms: ${err.trim()}`)), ms);
    function done(e?: Error): void {
      clearTimeout(timer);
      child.off('exit', onExit);
      child.stdout?.off('data', onOut);
      child.stderr?.off('data', onErr);
      child.stdout?.resume(); // keep draining: a full pipe must never block the relay
      child.stderr?.resume();
      if (e) reject(e);
      else resolve();
    }
    child.stdout?.on('data', onOut);
    child.stderr?.on('data', onErr);
    child.on('exit', onExit);
  });
}

function killRelay(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 2000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Parse `ss -tinH` output: "state recvq sendq local peer" lines, each followed by an indented detail line. */
function parseSs(out: string): RelaySocket[] {
  const lines = out.split('\n');
  const sockets: RelaySocket[] = [];
  for (let i = 0; i < lines.length; i++) {
    const cols = (lines[i] ?? '').trim().split(/\s+/);
    const info = (lines[i + 1] ?? '').trim();
    if (cols.length < 5 || !/^\s/.test(lines[i + 1] ?? '')) continue;
    const num = (key: string): number => Number(new RegExp(`\\b${key}:(\\d+)`).exec(info)?.[1] ?? 0);
    sockets.push({
      state: cols[0] ?? '',
      peer: cols[cols.length - 1] ?? '',
      mss: num('mss'),
      pmtu: num('pmtu'),
      bytesSent: num('bytes_sent'),
      bytesAcked: num('bytes_acked'),
      info,
    });
    i++;
  }
  return sockets;
}

/**
 * Start the MTU black-hole upstream in front of `lab`'s HTTPS module proxy (`lab.gateway:443`).
 * `opts.mtu` is the host-side ("uplink") MTU, 1400 by default. Needs root.
 */
export async function startMtuUpstream(lab: Lab, opts: { mtu?: number } = {}): Promise<MtuUpstream> {
  const hostMtu = opts.mtu ?? 1400;
  if (hostMtu >= NS_MTU) throw new Error(`MTU upstream: mtu ${hostMtu} must be below ${NS_MTU}`);
  const hex = randomBytes(4).toString('hex');
  const netns = `${NETNS_PREFIX}${hex}`;
  const device = `${VETH_PREFIX}${hex}`;
  const x = freeSubnet();
  const hostAddress = `10.213.${x}.1`;
  const address = `10.213.${x}.2`;
  const port = 443;

  const undo: Array<() => unknown> = []; // run in reverse by stop()
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      const errors: unknown[] = [];
      for (const step of undo.reverse()) {
        try {
          await step();
        } catch (err) {
          errors.push(err);
        }
      }
      if (errors.length) throw new Error(`MTU upstream ${netns} stop: ${errors.map(String).join('; ')}`);
    })());

  const inNs = (...args: string[]): string => sh('ip', ['-n', netns, ...args]);

  try {
    sh('ip', ['netns', 'add', netns]);
    undo.push(() => sh('ip', ['netns', 'delete', netns]));
    // Both ends at once, the peer straight into the namespace as its eth0.
    sh('ip', ['link', 'add', device, 'mtu', String(hostMtu), 'type', 'veth', 'peer', 'name', 'eth0', 'mtu', String(NS_MTU), 'netns', netns]);
    undo.push(() => sh('ip', ['link', 'delete', device])); // takes the peer with it
    sh('ip', ['addr', 'add', `${hostAddress}/30`, 'dev', device]);
    sh('ip', ['link', 'set', device, 'up']);
    inNs('link', 'set', 'lo', 'up');
    // No GSO super-packets out of the namespace: a veth lets those through at any size (see top).
    inNs('link', 'set', 'eth0', 'gso_max_segs', '1');
    inNs('addr', 'add', `${address}/30`, 'dev', 'eth0');
    inNs('link', 'set', 'eth0', 'up');
    inNs('route', 'add', 'default', 'via', hostAddress);

    const relay = spawn('ip', ['netns', 'exec', netns, process.execPath, '-e', RELAY, address, String(port), lab.gateway, String(lab.ports.https)], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    relay.stdin.on('error', () => undefined);
    undo.push(() => killRelay(relay));
    await relayReady(relay, 10_000);

    return {
      address,
      hostAddress,
      name: MTU_HOST,
      port,
      hostMtu,
      device,
      netns,
      drops: () => {
        const stats = JSON.parse(inNs('-s', '-j', 'link', 'show', 'eth0')) as Array<{ stats64?: { tx?: { dropped?: number } } }>;
        return stats[0]?.stats64?.tx?.dropped ?? 0;
      },
      sockets: async () =>
        parseSs(await shAsync('ip', ['netns', 'exec', netns, 'ss', '-tinH', 'state', 'connected', `( sport = :${port} )`])),
      stop,
    };
  } catch (err) {
    await stop().catch(() => undefined);
    throw err;
  }
}

/**
 * Remove what a killed run left: gmd-lab-mtu-* namespaces (and any process still in them, the
 * relay: it exits on its own when its parent dies) and gmdm* veths. Docker networks named
 * gmd-lab-* and iptables rules commented gmd-lab-* are sweepLabLeftovers' job. Call it before
 * starting upstreams, never while one of this machine's is running.
 */
export async function sweepMtuLeftovers(): Promise<{ namespaces: number; links: number; processes: number }> {
  let processes = 0;
  const namespaces = sh('ip', ['netns', 'list'])
    .split('\n')
    .map((line) => line.trim().split(/\s+/)[0] ?? '')
    .filter((name) => name.startsWith(NETNS_PREFIX));
  for (const ns of namespaces) {
    for (const pid of sh('ip', ['netns', 'pids', ns]).split(/\s+/).filter(Boolean)) {
      try {
        process.kill(Number(pid), 'SIGKILL');
        processes++;
      } catch {
        // already gone
      }
    }
    sh('ip', ['netns', 'delete', ns]);
  }
  // Deleting a namespace deletes its veth pairs; list the links after that.
  const links = sh('ip', ['-o', 'link', 'show'])
    .split('\n')
    .map((line) => /^\d+:\s+([^:@\s]+)/.exec(line)?.[1] ?? '')
    .filter((name) => name.startsWith(VETH_PREFIX));
  for (const link of links) {
    try {
      sh('ip', ['link', 'delete', link]);
    } catch (err) {
      // A namespace going away takes its veth pairs with it, asynchronously: gone is fine.
      if (sh('ip', ['-o', 'link', 'show']).includes(` ${link}@`)) throw err;
    }
  }
  return { namespaces: namespaces.length, links: links.length, processes };
}
