/**
 * `explain` rules of the proxy-env family: the proxy variables the build really has, and the proxy's own answers.
 * Field guide: shared/docs/domain.md. Conventions for patterns: ./index.ts.
 */
import type { Rule } from './types.js';
import { lines } from './fix-helpers.js';

export const proxyEnvRules: Rule[] = [
  {
    family: 'proxy-env',
    id: 'proxy-env.https_scheme',
    cause: 'proxy.bad_url',
    specificity: 88,
    patterns: [
      /proxyconnect tcp: (?:tls: first record does not look like a TLS handshake|.*?http: server gave HTTP response to HTTPS client)/,
      // git/OpenSSL saying the same of an https:// proxy URL
      /SSL routines:(?:ssl3_get_record|):wrong version number/,
    ],
    meaning: 'HTTPS_PROXY is written as https://… but the proxy speaks plain HTTP, so the TLS hello to the proxy fails.',
    fix: lines(
      `docker build --build-arg HTTPS_PROXY=http://proxy.corp.example:3128 --build-arg HTTP_PROXY=http://proxy.corp.example:3128 .   # http://, not https://`,
      `and the same in ~/.docker/config.json "proxies" and any ENV HTTPS_PROXY in the Dockerfile`,
    ),
  },
  {
    family: 'proxy-env',
    id: 'proxy-env.localhost',
    cause: 'proxy.localhost',
    specificity: 88,
    patterns: [/proxyconnect tcp: dial tcp (127\.\d+\.\d+\.\d+|\[::1\]|localhost):(\d+): /],
    meaning: 'The proxy variables point at localhost, which inside the build container is the container itself, not the machine running the proxy.',
    fix: (m) =>
      lines(
        `docker build --add-host=host.docker.internal:host-gateway --build-arg HTTPS_PROXY=http://host.docker.internal:${m[2]} --build-arg HTTP_PROXY=http://host.docker.internal:${m[2]} .`,
        `(the proxy must listen on the docker0 address, not only on 127.0.0.1) or: docker build --network host .`,
        `and fix "proxies" in ~/.docker/config.json if it says localhost`,
      ),
  },
  {
    family: 'proxy-env',
    id: 'proxy-env.unreachable',
    cause: 'proxy.unreachable',
    specificity: 80,
    patterns: [/proxyconnect tcp: dial tcp:? (?:lookup )?(\[[^\]]+\]:\d+|[^\s:]+(?::\d+)?)/],
    meaning: 'The build has a proxy configured but cannot reach it: wrong address, a name only the host resolves, or a proxy not reachable from the Docker network.',
    fix: (m) =>
      lines(
        `docker run --rm -e HTTPS_PROXY curlimages/curl -sSI https://proxy.golang.org   # test ${m[1]} from a container`,
        `fix the address in --build-arg HTTPS_PROXY=... / ~/.docker/config.json "proxies" / ENV in the Dockerfile (an IP if only the host resolves its name)`,
        `and NO_PROXY for hosts that must go direct: --build-arg NO_PROXY=localhost,127.0.0.1,.corp.example`,
      ),
  },
  {
    family: 'proxy-env',
    id: 'proxy-env.dropped',
    cause: 'proxy.connect_failed',
    specificity: 75,
    patterns: [/proxyconnect tcp: (EOF|read: connection reset by peer|write: broken pipe)/],
    meaning: 'The build reached its proxy, which then closed the connection before the tunnel was up: a proxy that wants another protocol (http:// vs https:// in the variable), wants credentials it does not ask for, or blocks the destination.',
    fix: () =>
      lines(
        `check the scheme in HTTPS_PROXY: most proxies are plain HTTP even for HTTPS traffic (HTTPS_PROXY=http://proxy:3128, not https://)`,
        `test it from a container: docker run --rm -e HTTPS_PROXY curlimages/curl -sSv https://proxy.golang.org/   # look at the CONNECT answer`,
        `credentials, if it wants them: --build-arg HTTPS_PROXY=http://user:password@proxy:3128 (from a CI secret)`,
      ),
  },
  {
    family: 'proxy-env',
    id: 'proxy-env.auth',
    cause: 'proxy.auth',
    specificity: 80,
    patterns: [/Proxy Authentication Required/, /Received HTTP code 407 from proxy/, /CONNECT tunnel failed, response 407/],
    meaning: 'The proxy wants credentials and the build sent none (or wrong ones): the variables reached the build without the user:password part.',
    fix: lines(
      `docker build --build-arg HTTPS_PROXY=http://<user>:<password>@proxy.corp.example:3128 --build-arg HTTP_PROXY=http://<user>:<password>@proxy.corp.example:3128 .`,
      `(percent-encode @ : / in the password; the predefined *_PROXY build args stay out of the image history)`,
      `NTLM/Kerberos-only proxies: run a local relay (cntlm, px) and point the build at it.`,
    ),
  },
  {
    family: 'proxy-env',
    id: 'proxy-env.connect_rejected',
    cause: 'proxy.connect_failed',
    specificity: 70,
    patterns: [/Get "https?:\/\/([^/"]+)[^"]*": (Forbidden|Bad Gateway|Service Unavailable|Gateway Timeout|Bad Request|Method Not Allowed)$/],
    meaning: "The HTTP proxy refused the CONNECT to the module host (policy block or the proxy's own upstream failure); Go reports the proxy's status text without a code.",
    fix: (m) =>
      lines(
        `ask for ${m[1]}:443 to be allowed through the proxy, or use a GOPROXY it allows: ENV GOPROXY=https://<allowed mirror>,direct`,
        `if ${m[1]} is internal, bypass the proxy: --build-arg NO_PROXY=${m[1]}`,
      ),
  },
];
