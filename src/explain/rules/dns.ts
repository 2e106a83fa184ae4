/**
 * `explain` rules of the dns family: name resolution inside the build.
 * Field guide: shared/docs/domain.md. Conventions for patterns: ./index.ts.
 */
import type { Rule } from './types.js';
import { lines } from './fix-helpers.js';
import { daemonDnsFix } from '../../../checks/engine-fixes.js';

const PUBLIC_GO_HOSTS = /(?:^|\.)(?:golang\.org|googleapis\.com|googlesource\.com|goproxy\.cn|goproxy\.io|gocenter\.io|github\.com|gitlab\.com|bitbucket\.org|gopkg\.in|docker\.io|docker\.com)$/;

function dnsFix(host: string, resolver: string | undefined): string {
  const where = resolver?.startsWith('127.0.0.11')
    ? `127.0.0.11 is Docker's embedded DNS (compose/user-defined networks); it forwards to the engine host's resolvers.`
    : resolver?.startsWith('127.0.0.53')
      ? `127.0.0.53 is the engine host's systemd-resolved stub: the pull or a host-network step used it; \`resolvectl status\` shows its upstream servers.`
      : resolver
        ? `The build asked ${resolver}.`
        : null;
  return lines(
    where,
    `Give the engine resolvers that answer ${host}: ${daemonDnsFix('docker', ["<your network's DNS server>", '1.1.1.1'])}`,
    `or build on the host's network: docker build --network host .`,
  );
}

export const dnsRules: Rule[] = [
  {
    family: 'dns',
    id: 'dns.resolver_unreachable',
    cause: 'dns.no_resolver',
    specificity: 58,
    patterns: [/lookup ([^\s:]+) on (\S+?): (?:read|dial|write) udp \S+: (?:read|write|connect): (?:no route to host|connection refused|network is unreachable)/],
    meaning: "The resolver in the container's resolv.conf cannot be reached from the Docker network (a host-only or VPN resolver, a stub address copied from the host).",
    fix: (m) => dnsFix(m[1]!, m[2]),
  },
  {
    family: 'dns',
    id: 'dns.resolver_blocked',
    cause: 'dns.no_resolver',
    specificity: 58,
    patterns: [/lookup ([^\s:]+) on (\S+?): (?:read|dial|write) udp \S+: (?:socket|connect|write|sendto|sendmsg): (?:permission denied|operation not permitted)/],
    meaning:
      "The kernel refused the DNS query before it left the build (permission denied on the UDP socket): the engine's sandbox (a snap-packaged Docker under AppArmor, a seccomp or SELinux profile) or a host firewall rule that rejects outgoing UDP 53.",
    fix: (m) =>
      lines(
        `the query to ${m[2]} never left the build: check the engine's confinement (snap list docker; journalctl -k | grep -i -e apparmor -e denied) and OUTPUT/DOCKER-USER rules (iptables -S)`,
        `a snap-packaged engine: install Docker from its own packages (docs.docker.com/engine/install) instead of the snap`,
        `meanwhile build on the host's network: docker build --network host .`,
      ),
  },
  {
    family: 'dns',
    id: 'dns.server_misbehaving',
    cause: 'dns.servfail',
    specificity: 55,
    patterns: [/lookup ([^\s:]+)(?: on (\S+?))?: server misbehaving/],
    meaning: "The resolver answered with an error (SERVFAIL/REFUSED): Docker's embedded DNS or the host's stub could not get an answer upstream.",
    fix: (m) => dnsFix(m[1]!, m[2]),
  },
  {
    family: 'dns',
    id: 'dns.no_such_host',
    cause: 'dns.nxdomain',
    specificity: 55,
    patterns: [/lookup ([^\s:]+)(?: on (\S+?))?: no such host/],
    meaning: "The resolver says the name does not exist: an internal (split-horizon) name the container's resolver does not know, a filtered resolver, or a typo.",
    fix: (m) =>
      PUBLIC_GO_HOSTS.test(m[1]!)
        ? dnsFix(m[1]!, m[2])
        : lines(
            `${m[1]} is only known to your network's DNS. Either give the engine that DNS: ${daemonDnsFix('docker', ['<corporate DNS IP>'])}`,
            `or pin it for the build: docker build --add-host ${m[1]}:<IP> .   (or --network host)`,
          ),
  },
  {
    family: 'dns',
    id: 'dns.timeout',
    cause: 'dns.timeout',
    specificity: 55,
    patterns: [/lookup ([^\s:]+)(?: on (\S+?))?: (?:read udp \S+: )?i\/o timeout/],
    meaning: "The resolver in the container's resolv.conf never answered: unreachable from the Docker network, or UDP 53 is filtered.",
    fix: (m) => dnsFix(m[1]!, m[2]),
  },
  {
    family: 'dns',
    id: 'dns.could_not_resolve',
    specificity: 50,
    patterns: [/Could not resolve host: ([^\s':]+)/, /Temporary failure in name resolution/],
    meaning: 'git/curl in the container could not resolve the host name.',
    fix: (m) => dnsFix(m[1] ?? 'the host', undefined),
  },
  {
    // Any other failed lookup inside a dial: the name, not the connection, failed.
    family: 'dns',
    id: 'dns.lookup_failed',
    specificity: 48,
    patterns: [/dial tcp: lookup ([^\s:]+)(?: on ([^\s:]+:\d+))?: /],
    meaning: "The name lookup for the host failed before any connection was tried (the words after it say how).",
    fix: (m) => dnsFix(m[1]!, m[2]),
  },
];
