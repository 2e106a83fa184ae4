// The lab's authoritative DNS server: a mutable record table served over UDP and TCP with dns-packet.
import dgram from 'node:dgram';
import net from 'node:net';
import dnsPacket from 'dns-packet';

/** What the lab DNS answers for a name: addresses, an error rcode, or no reply at all. */
export type DnsAnswer = { a?: string[]; aaaa?: string[] } | 'nxdomain' | 'servfail' | 'silent';

/** The record table and query counters of a running lab DNS server. */
export interface LabDns {
  /** Set the answer for a name (case-insensitive; `*.suffix` sets a wildcard, `*` every name). */
  set(name: string, answer: DnsAnswer): void;
  /** Number of queries (any type) received for a name since start or the last reset. */
  queries(name: string): number;
  /** Restore the default table and zero the counters. */
  reset(): void;
}

export interface DnsServer extends LabDns {
  close(): Promise<void>;
}

const RCODE = { NOERROR: 0, SERVFAIL: 2, NXDOMAIN: 3 } as const;
const TTL = 5;

const norm = (name: string): string => name.toLowerCase().replace(/\.$/, '');

/** Names answered with the gateway address until a test changes them. */
export const DEFAULT_NAMES = ['proxy.golang.org', 'goproxy.cn', 'goproxy.io', 'github.com', 'sum.golang.org'];

export async function startDns(host: string, defaults: Record<string, DnsAnswer>): Promise<DnsServer> {
  const table = new Map<string, DnsAnswer>();
  const counts = new Map<string, number>();
  const reset = (): void => {
    table.clear();
    counts.clear();
    for (const [name, answer] of Object.entries(defaults)) table.set(norm(name), answer);
  };
  reset();

  // Exact name first, then the closest wildcard (`*.lab.test` covers `a.b.lab.test`).
  const lookup = (name: string): DnsAnswer => {
    const exact = table.get(name);
    if (exact !== undefined) return exact;
    const labels = name.split('.');
    for (let i = 1; i < labels.length; i++) {
      const wild = table.get(`*.${labels.slice(i).join('.')}`);
      if (wild !== undefined) return wild;
    }
    // `*` answers for every name (a resolver that never answers: set('*', 'silent')).
    return table.get('*') ?? 'nxdomain';
  };

  /** Build the reply to one query, or undefined for silence. */
  const respond = (msg: Buffer): Buffer | undefined => {
    let query: dnsPacket.Packet;
    try {
      query = dnsPacket.decode(msg);
    } catch {
      return undefined; // garbage: say nothing
    }
    const q = query.questions?.[0];
    if (!q) return undefined;
    const name = norm(q.name);
    counts.set(name, (counts.get(name) ?? 0) + 1);
    const answer = lookup(name);
    if (answer === 'silent') return undefined;
    const rd = (query.flags ?? 0) & dnsPacket.RECURSION_DESIRED;
    let rcode: number = RCODE.NOERROR;
    const answers: dnsPacket.Answer[] = [];
    if (answer === 'nxdomain') rcode = RCODE.NXDOMAIN;
    else if (answer === 'servfail') rcode = RCODE.SERVFAIL;
    else if (q.type === 'A') for (const ip of answer.a ?? []) answers.push({ type: 'A', name: q.name, ttl: TTL, data: ip });
    else if (q.type === 'AAAA')
      for (const ip of answer.aaaa ?? []) answers.push({ type: 'AAAA', name: q.name, ttl: TTL, data: ip });
    // Other types for a known name: NOERROR with no answers (NODATA).
    return dnsPacket.encode({
      type: 'response',
      id: query.id ?? 0,
      flags: dnsPacket.AUTHORITATIVE_ANSWER | dnsPacket.RECURSION_AVAILABLE | rd | rcode,
      questions: [q],
      answers,
    });
  };

  const udp = dgram.createSocket('udp4');
  udp.on('message', (msg, rinfo) => {
    const reply = respond(msg);
    if (reply) udp.send(reply, rinfo.port, rinfo.address);
  });
  udp.on('error', () => undefined); // e.g. ICMP port unreachable back from a client that gave up
  await new Promise<void>((resolve, reject) => {
    udp.once('error', reject);
    udp.bind(53, host, () => resolve());
  });

  const sockets = new Set<net.Socket>();
  const tcp = net.createServer((sock) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    sock.on('error', () => undefined);
    let buf = Buffer.alloc(0);
    sock.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      // TCP DNS frames each message with a two-byte length.
      while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        const len = buf.readUInt16BE(0);
        const reply = respond(buf.subarray(2, 2 + len));
        buf = buf.subarray(2 + len);
        if (reply) {
          const head = Buffer.alloc(2);
          head.writeUInt16BE(reply.length);
          sock.write(Buffer.concat([head, reply]));
        }
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    tcp.once('error', reject);
    tcp.listen(53, host, () => resolve());
  });

  return {
    set: (name, answer) => void table.set(norm(name), answer),
    queries: (name) => counts.get(norm(name)) ?? 0,
    reset,
    close: async () => {
      for (const s of sockets) s.destroy();
      await Promise.all([
        new Promise<void>((r) => udp.close(() => r())),
        new Promise<void>((r) => tcp.close(() => r())),
      ]);
    },
  };
}
