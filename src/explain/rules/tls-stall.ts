/**
 * `explain` rules of the tls-stall family: TLS that starts and never finishes: MTU and middleboxes.
 * Field guide: shared/docs/domain.md. Conventions for patterns: ./index.ts.
 */
import type { Rule } from './types.js';
import { lines, REGISTRY } from './fix-helpers.js';
import { daemonJsonFix, engineMtuFix as mtuSettingFix, MIRROR_SETTING } from '../../../checks/engine-fixes.js';

/** The bridge's MTU, lowered to the uplink's or the VPN's. */
const BRIDGE_MTU = `lower the bridge MTU to the uplink/VPN MTU: ${mtuSettingFix('docker', 1400, null)}`;

const ENGINE_MTU_WHY = 'the registry (or its CDN, or a mirror) may be slow or overloaded itself: if another network or a mirror pulls fine, it is the link';

/** The engine's own pulls use the host's network, not the bridge: the uplink (VPN, PPPoE, a VM's NIC) is what needs the smaller MTU. */
function engineMtuFix(): string {
  return lines(
    `the engine itself (pulling or pushing an image, not a RUN step) stalled on the registry: large packets are lost on a link with a smaller MTU (VPN, PPPoE, nested VM, Vagrant/VMware NIC)`,
    `ip link   # on the engine's machine (or the VM that runs it): compare the uplink's mtu with the path's, e.g. ping -M do -s 1372 registry-1.docker.io`,
    `sudo ip link set dev <uplink> mtu 1400   # persist it in the VM/network config (netplan, Vagrantfile, VMware NIC settings)`,
    `then: docker pull <image>; if it still fails on a healthy link, pull through a mirror: ${daemonJsonFix('docker', MIRROR_SETTING, null)}`,
  );
}

export const tlsStallRules: Rule[] = [
  {
    family: 'tls-stall',
    id: 'tls-stall.registry_handshake',
    cause: 'engine.mtu',
    // Above base-image.registry_unreachable: the handshake timeout says which layer failed.
    specificity: 87,
    patterns: [new RegExp(String.raw`^(?!.*proxyconnect)(?=.*TLS handshake timeout)(?=.*(?:${REGISTRY}|failed to do request|failed to (?:copy|push|export)))`)],
    ties: [{ family: 'base-image', why: ENGINE_MTU_WHY }],
    meaning: "The engine reached the registry over TCP but the TLS handshake never completed: the same MTU stall as a build's, seen from the engine's pull or push.",
    fix: () => engineMtuFix(),
  },
  {
    family: 'tls-stall',
    id: 'tls-stall.registry_408',
    cause: 'engine.mtu',
    specificity: 87,
    patterns: [/error parsing HTTP 408 response body/, /: 408 Request Time-?out\b/],
    ties: [{ family: 'base-image', why: ENGINE_MTU_WHY }],
    meaning:
      "The registry (or the proxy in front of it) gave up waiting for the rest of the request (408): the request's large packets never arrived, the classic sign of a link with a smaller MTU than the interface claims.",
    fix: () => engineMtuFix(),
  },
  {
    family: 'tls-stall',
    id: 'tls-stall.handshake_timeout',
    cause: 'tls.timeout',
    specificity: 60,
    patterns: [/net\/http: TLS handshake timeout/],
    meaning: "TCP connected but the TLS handshake never completed: usually an MTU mismatch (VPN, overlay, docker-in-docker) drops the large certificate packets while small ones pass.",
    fix: lines(
      `compare the host uplink's MTU (ip link) with the bridge's: docker network inspect bridge -f '{{index .Options "com.docker.network.driver.mtu"}}'`,
      BRIDGE_MTU,
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
    fix: lines(BRIDGE_MTU, `or: docker build --network host .`),
  },
];
