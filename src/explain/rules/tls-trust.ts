/**
 * `explain` rules of the tls-trust family: certificates the image does not trust, expired ones, wrong names.
 * Field guide: shared/docs/domain.md. Conventions for patterns: ./index.ts.
 */
import type { Rule } from './types.js';
import { hostIn, lines } from './fix-helpers.js';
import { CA_COPY, CA_UPDATE, caPackage } from '../../../checks/fixes.js';

export const tlsTrustRules: Rule[] = [
  {
    family: 'tls-trust',
    id: 'tls-trust.no_roots',
    cause: 'tls.unknown_ca',
    specificity: 65,
    patterns: [/x509: failed to load system roots and no roots provided/],
    meaning: 'The image has no CA bundle at all (scratch, distroless-static without certs, alpine without ca-certificates).',
    fix: lines(`${caPackage('alpine')}   # alpine; Debian: ${caPackage('debian')}`, `scratch: COPY --from=builder /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/`),
  },
  {
    family: 'tls-trust',
    id: 'tls-trust.unknown_authority',
    cause: 'tls.unknown_ca',
    specificity: 60,
    patterns: [/x509: certificate signed by unknown authority(?: \(possibly because of "[^"]*" while trying to verify candidate authority certificate "([^"]*)"\))?/],
    meaning: "The certificate presented to the build is signed by a CA the image does not trust: a corporate TLS-inspecting proxy (Zscaler, Netskope…) re-signs traffic, or the image lacks ca-certificates.",
    fix: (m) => {
      const host = hostIn(m.input) ?? 'proxy.golang.org';
      return lines(
        `openssl s_client -showcerts -connect ${host}:443 </dev/null   # the top issuer${m[1] ? ` ("${m[1]}")` : ''} is the CA to trust`,
        CA_COPY,
        `${CA_UPDATE}   # alpine: ${caPackage('alpine')} && update-ca-certificates`,
      );
    },
  },
  {
    family: 'tls-trust',
    id: 'tls-trust.not_yet_valid',
    cause: 'tls.not_yet_valid',
    specificity: 62,
    patterns: [/x509: certificate has expired or is not yet valid: current time (\S+) is before (\S+)/],
    meaning: "The container's clock is behind the certificate's start date: the engine host's (or Docker Desktop VM's) clock is wrong.",
    fix: lines(`date -u   # on the engine's machine; fix NTP (timedatectl set-ntp true)`, `Docker Desktop/WSL: restart the VM after sleep to resync its clock`),
  },
  {
    family: 'tls-trust',
    id: 'tls-trust.expired',
    cause: 'tls.expired',
    specificity: 60,
    patterns: [/x509: certificate has expired or is not yet valid(?:: current time (\S+) is after (\S+))?/],
    meaning: "The server's certificate has expired (often a self-hosted GOPROXY mirror), or an inspecting proxy serves a stale one.",
    fix: (m) => {
      const host = hostIn(m.input);
      return lines(
        host && `${host} serves an expired certificate${m[2] ? ` (not after ${m[2]})` : ''}: switch to another GOPROXY until it is renewed:`,
        `ENV GOPROXY=https://proxy.golang.org,direct`,
        `if the clock is wrong instead: date -u on the engine's machine`,
      );
    },
  },
  {
    family: 'tls-trust',
    id: 'tls-trust.wrong_name',
    cause: 'tls.wrong_name',
    specificity: 60,
    patterns: [/x509: certificate is valid for (.+?), not ([^\s)]+)/, /x509: certificate is not valid for any names, but wanted to match ([^\s)]+)/],
    meaning: "The server that answered is not the host asked for: a captive portal, an intercepting proxy, or DNS sending the name somewhere else.",
    fix: (m) => {
      const host = m[2] ?? m[1]!;
      return lines(
        `docker run --rm alpine nslookup ${host}   # does the container resolve ${host} to the right place?`,
        `openssl s_client -connect ${host}:443 -servername ${host} </dev/null | openssl x509 -noout -subject -issuer`,
        `behind an inspecting proxy: trust its CA (see tls-trust.unknown_authority) or route through the proxy with --build-arg HTTPS_PROXY=...`,
      );
    },
  },
  {
    family: 'tls-trust',
    id: 'tls-trust.git_ca',
    cause: 'tls.unknown_ca',
    specificity: 58,
    patterns: [/SSL certificate problem: (unable to get local issuer certificate|self[- ]signed certificate in certificate chain|self[- ]signed certificate)/, /server certificate verification failed\. CAfile/],
    meaning: "git does not trust the git server's certificate: a corporate CA missing from the image's trust store.",
    fix: lines(CA_COPY, `${CA_UPDATE}   # git and Go both read the system store`),
  },
];
