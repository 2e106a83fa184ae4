/**
 * `explain` rules of the tcp family: connections that time out, are refused or are cut.
 * Field guide: shared/docs/domain.md. Conventions for patterns: ./index.ts.
 */
import type { Rule } from './types.js';
import { hostIn, lines } from './fix-helpers.js';
import { daemonJsonFix } from '../../../checks/engine-fixes.js';

function egressFix(host: string | null): string {
  const google = host && /(?:^|\.)(?:golang\.org|googleapis\.com)$/.test(host);
  return lines(
    google && `${host} is blocked or throttled from this network (e.g. in mainland China): use a reachable mirror:`,
    google && `  ENV GOPROXY=https://goproxy.cn,direct`,
    `If the network only lets traffic out through a proxy, hand it to the build:`,
    `  docker build --build-arg HTTPS_PROXY=http://proxy.corp.example:3128 --build-arg HTTP_PROXY=http://proxy.corp.example:3128 .`,
    !google && host && `else open egress to ${host}:443 from the Docker network (firewall/security group), or: docker build --network host .`,
  );
}

export const tcpRules: Rule[] = [
  {
    family: 'tcp',
    id: 'tcp.ipv6_unreachable',
    cause: 'tcp.unreachable',
    specificity: 55,
    patterns: [/dial tcp (\[[0-9a-fA-F:]+\]:\d+): connect: (?:cannot assign requested address|network is unreachable|no route to host)/],
    meaning: 'The name resolved to an IPv6 address but the container has no IPv6 route (Docker networks are IPv4-only by default).',
    fix: lines(
      `give the network IPv6: ${daemonJsonFix('docker', '"ipv6": true, "fixed-cidr-v6": "fd00:d0c::/64"', null)}`,
      `or build on the host's network: docker build --network host .`,
    ),
  },
  {
    family: 'tcp',
    id: 'tcp.timeout',
    cause: 'tcp.timeout',
    specificity: 45,
    patterns: [/dial tcp(?: (\[[0-9a-fA-F:.]+\]:\d+|[0-9.]+:\d+))?: (?:i\/o timeout|connect: connection timed out)/, /Failed to connect to (\S+) port \d+(?: after \d+ ms)?: (?:Operation|Connection) timed out/],
    meaning: 'No answer to the TCP connection: an egress firewall drops it, or the destination is blocked from this network.',
    fix: (m) => egressFix(hostIn(m.input) ?? (m[1] && !/^[\d.[]/.test(m[1]) ? m[1] : null)),
  },
  {
    family: 'tcp',
    id: 'tcp.refused',
    cause: 'tcp.refused',
    specificity: 45,
    patterns: [/dial tcp (\S+): connect: connection refused/, /Failed to connect to (\S+) port \d+(?: after \d+ ms)?: Connection refused/],
    meaning: 'The connection was actively refused: a firewall rejecting it (or a national firewall), or nothing listening at that address.',
    fix: (m) => egressFix(hostIn(m.input)),
  },
  {
    family: 'tcp',
    id: 'tcp.unreachable',
    cause: 'tcp.unreachable',
    specificity: 45,
    patterns: [/dial tcp (\S+): connect: (?:network is unreachable|no route to host)/],
    meaning: 'The container has no route to that address.',
    fix: (m) => lines(`check the container's routes: docker run --rm alpine ip route`, egressFix(hostIn(m.input))),
  },
  {
    family: 'tcp',
    id: 'tcp.reset',
    cause: 'tcp.error',
    specificity: 40,
    patterns: [/connection reset by peer/],
    meaning: 'The connection was cut mid-transfer: a middlebox resetting long or large transfers, or an overloaded/blocked proxy.',
    fix: (m) => egressFix(hostIn(m.input)),
  },
  {
    family: 'tcp',
    id: 'tcp.client_timeout',
    cause: 'http.timeout',
    specificity: 35,
    confidence: 'medium',
    patterns: [/Client\.Timeout exceeded while awaiting headers/, /request canceled while waiting for connection/],
    meaning: 'The request timed out before any response: the connection or handshake hung.',
    fix: (m) => egressFix(hostIn(m.input)),
  },
];
