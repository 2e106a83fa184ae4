/**
 * The host side's name lookup. On Linux: /etc/hosts, then the resolv.conf servers through
 * c-ares, as the go command's own resolver does. Not getaddrinfo: that runs in libuv's
 * thread pool and cannot be cancelled, and a thread still waiting on a resolver that never
 * answers holds the process's exit until the resolver's own timeout (glibc: 5 s × 2
 * attempts per query). Measured: a run against a silent resolver at --timeout 2 wrote its
 * report and then took 11.6 s to exit. A c-ares query is cancelled with the step.
 */
import { lookup as getaddrinfo, Resolver } from 'node:dns/promises';
import { readFileSync } from 'node:fs';
import net from 'node:net';

export interface Address {
  address: string;
  family: number;
}

/** The addresses /etc/hosts gives NAME, in file order (names are case-insensitive). Pure. */
export function hostsFileAddresses(text: string, name: string): string[] {
  const want = name.toLowerCase();
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const [address, ...names] = line.replace(/#.*/, '').trim().split(/\s+/);
    if (address && net.isIP(address) && names.some((n) => n.toLowerCase() === want) && !out.includes(address)) out.push(address);
  }
  return out;
}

function hostsFile(): string {
  try {
    return readFileSync('/etc/hosts', 'utf8');
  } catch {
    return '';
  }
}

/**
 * A and AAAA at once; the answer is every address either gave. When neither gave one, A's
 * error: its code (ENOTFOUND, ENODATA, ETIMEOUT, ESERVFAIL, ECONNREFUSED) is the outcome.
 */
async function query(host: string, signal: AbortSignal | undefined): Promise<Address[]> {
  const resolver = new Resolver({ tries: 1 });
  signal?.addEventListener('abort', () => resolver.cancel(), { once: true });
  const [v4, v6] = await Promise.allSettled([resolver.resolve4(host), resolver.resolve6(host)]);
  const addresses = [...(v4.status === 'fulfilled' ? v4.value : []), ...(v6.status === 'fulfilled' ? v6.value : [])];
  if (addresses.length) return addresses.map((address) => ({ address, family: net.isIP(address) }));
  throw v4.status === 'rejected' ? v4.reason : v6.status === 'rejected' ? v6.reason : Object.assign(new Error(`no address for ${host}`), { code: 'ENODATA' });
}

/** Look HOST up as the go command on this machine would; `signal` ends the query. */
export async function lookupHost(host: string, signal?: AbortSignal): Promise<Address[]> {
  // Elsewhere the system resolver is the go command's too (cgo on macOS; Windows' own).
  if (process.platform !== 'linux') return getaddrinfo(host, { all: true, verbatim: true });
  const fromFile = hostsFileAddresses(hostsFile(), host);
  if (fromFile.length) return fromFile.map((address) => ({ address, family: net.isIP(address) }));
  return query(host, signal);
}
