/**
 * `explain` rules of the tls-stall family: tLS that starts and never finishes: MTU and middleboxes.
 * Field guide: shared/docs/domain.md. Conventions for patterns: ./index.ts.
 */
import type { Rule } from './types.js';
import { lines } from './fix-helpers.js';

export const tlsStallRules: Rule[] = [
  {
    family: 'tls-stall',
    id: 'tls-stall.handshake_timeout',
    cause: 'tls.timeout',
    specificity: 60,
    patterns: [/net\/http: TLS handshake timeout/],
    meaning: "TCP connected but the TLS handshake never completed: usually an MTU mismatch (VPN, overlay, docker-in-docker) drops the large certificate packets while small ones pass.",
    fix: lines(
      `compare the host uplink's MTU (ip link) with the bridge's: docker network inspect bridge -f '{{index .Options "com.docker.network.driver.mtu"}}'`,
      `/etc/docker/daemon.json: { "mtu": 1400 }   # the uplink/VPN MTU; then sudo systemctl restart docker`,
      `docker-in-docker (GitLab CI): start the dind service with --mtu=1400`,
      `or: docker build --network host .`,
    ),
  },
  {
    family: 'tls-stall',
    id: 'tls-stall.git_tls',
    cause: 'tls.error',
    specificity: 45,
    patterns: [/GnuTLS recv error \(-\d+\)/, /gnutls_handshake\(\) failed/, /OpenSSL SSL_connect: SSL_ERROR_SYSCALL/],
    meaning: "git's TLS connection was cut mid-stream: the same MTU or middlebox trouble as a Go TLS handshake timeout.",
    fix: lines(`/etc/docker/daemon.json: { "mtu": 1400 }   # the uplink/VPN MTU; then sudo systemctl restart docker`, `or: docker build --network host .`),
  },
];
