/**
 * `explain` rules of the proxy-env family: the proxy variables the build really has, and the proxy's own answers.
 * Field guide: shared/docs/domain.md. Conventions for patterns: ./index.ts.
 */
import type { FixContext, Rule } from './types.js';
import { engineProxyFix, lines, REGISTRY_LINE } from './fix-helpers.js';
import { localhostProxyFix, proxyCredentialsArg } from '../../../checks/fixes.js';

type Fix = Rule['fix'];

/** On the engine's pull the proxy is the engine's, whatever the rule's own fix says of the build's. */
function orEngine(fix: Fix): Fix {
  return (m: RegExpExecArray, ctx: FixContext) => {
    const own = typeof fix === 'string' ? fix : fix(m, ctx);
    return REGISTRY_LINE.test(m.input) ? lines(engineProxyFix(), own) : own;
  };
}

const ENGINE_TIE = {
  family: 'base-image' as const,
  why: "the engine's pull of an image failed on its own proxy settings, before any build step",
  when: REGISTRY_LINE,
};

const PROXY_HELLO = 'Go speaks TLS to a proxy only when its URL says https://';

export const proxyEnvRules: Rule[] = [
  {
    family: 'proxy-env',
    id: 'proxy-env.handshake_timeout',
    cause: 'proxy.bad_url',
    // Above tls-stall.handshake_timeout: the handshake that timed out is the one with the proxy.
    specificity: 89,
    patterns: [/proxyconnect tcp: net\/http: TLS handshake timeout/],
    ties: [
      { family: 'tls-stall', why: `${PROXY_HELLO}; if the proxy really serves TLS on that port, the handshake to it stalls like any other (MTU on the way to the proxy)` },
      ENGINE_TIE,
    ],
    meaning: `The TLS handshake with the proxy itself never completed. ${PROXY_HELLO}: a plain-HTTP proxy (most are, even for HTTPS traffic) waits for a request line and never answers the TLS hello.`,
    fix: orEngine(
      lines(
        `write the proxy URL as http://, not https://: docker build --build-arg HTTPS_PROXY=http://proxy.corp.example:3128 --build-arg HTTP_PROXY=http://proxy.corp.example:3128 .`,
        `and the same in ~/.docker/config.json "proxies" and any ENV HTTPS_PROXY in the Dockerfile`,
        `if the proxy does speak TLS there: check the MTU on the way to it (see tls-stall.handshake_timeout)`,
      ),
    ),
  },
  {
    family: 'proxy-env',
    id: 'proxy-env.empty_host',
    cause: 'proxy.bad_url',
    specificity: 88,
    patterns: [/proxyconnect tcp: dial tcp :\d*: /, /proxyconnect tcp: dial tcp: missing address/],
    ties: [ENGINE_TIE],
    meaning: 'A proxy is configured without a host (the address dialled is empty): a proxy variable that expanded to nothing or to "http://", or proxy settings left enabled with empty fields.',
    fix: orEngine(
      lines(
        `find the empty one: env | grep -i _proxy; docker info | grep -i proxy; ~/.docker/config.json "proxies"`,
        `set a full URL (http://proxy.corp.example:3128) or unset it: --build-arg HTTPS_PROXY= is still a (blank) proxy for some tools`,
      ),
    ),
  },
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
    ties: [ENGINE_TIE],
    meaning: 'HTTPS_PROXY is written as https://… but the proxy speaks plain HTTP, so the TLS hello to the proxy fails.',
    fix: orEngine(
      lines(
        `docker build --build-arg HTTPS_PROXY=http://proxy.corp.example:3128 --build-arg HTTP_PROXY=http://proxy.corp.example:3128 .   # http://, not https://`,
        `and the same in ~/.docker/config.json "proxies" and any ENV HTTPS_PROXY in the Dockerfile`,
      ),
    ),
  },
  {
    family: 'proxy-env',
    id: 'proxy-env.localhost',
    cause: 'proxy.localhost',
    specificity: 88,
    patterns: [/proxyconnect tcp: dial tcp (127\.\d+\.\d+\.\d+|\[::1\]|localhost):(\d+): /],
    ties: [ENGINE_TIE],
    meaning: 'The proxy variables point at localhost, which inside the build container is the container itself, not the machine running the proxy.',
    fix: orEngine((m) => lines(...localhostProxyFix({ names: ['HTTPS_PROXY', 'HTTP_PROXY'], port: m[2] ?? '3128' }))),
  },
  {
    family: 'proxy-env',
    id: 'proxy-env.unreachable',
    cause: 'proxy.unreachable',
    specificity: 80,
    patterns: [/proxyconnect tcp: dial tcp:? (?:lookup )?(\[[^\]]+\]:\d+|[^\s:]+(?::\d+)?)/],
    ties: [ENGINE_TIE],
    meaning: 'The build has a proxy configured but cannot reach it: wrong address, a name only the host resolves, or a proxy not reachable from the Docker network.',
    fix: orEngine(
      (m) =>
        lines(
          `docker run --rm -e HTTPS_PROXY curlimages/curl -sSI https://proxy.golang.org   # test ${m[1]} from a container`,
          `fix the address in --build-arg HTTPS_PROXY=... / ~/.docker/config.json "proxies" / ENV in the Dockerfile (an IP if only the host resolves its name)`,
          `and NO_PROXY for hosts that must go direct: --build-arg NO_PROXY=localhost,127.0.0.1,.corp.example`,
        ),
    ),
  },
  {
    family: 'proxy-env',
    id: 'proxy-env.dropped',
    cause: 'proxy.connect_failed',
    specificity: 75,
    patterns: [/proxyconnect tcp: (EOF|read: connection reset by peer|write: broken pipe)/],
    ties: [ENGINE_TIE],
    meaning: 'The build reached its proxy, which then closed the connection before the tunnel was up: a proxy that wants another protocol (http:// vs https:// in the variable), wants credentials it does not ask for, or blocks the destination.',
    fix: orEngine(
      () =>
        lines(
          `check the scheme in HTTPS_PROXY: most proxies are plain HTTP even for HTTPS traffic (HTTPS_PROXY=http://proxy:3128, not https://)`,
          `test it from a container: docker run --rm -e HTTPS_PROXY curlimages/curl -sSv https://proxy.golang.org/   # look at the CONNECT answer`,
          `credentials, if it wants them: --build-arg HTTPS_PROXY=http://user:password@proxy:3128 (from a CI secret)`,
        ),
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
      `docker build ${proxyCredentialsArg('proxy.corp.example:3128')} --build-arg HTTP_PROXY=http://<user>:<password>@proxy.corp.example:3128 .`,
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
  {
    // Any other failure on the way to the proxy: the proxy, not the destination, is the problem.
    family: 'proxy-env',
    id: 'proxy-env.proxyconnect',
    cause: 'proxy.connect_failed',
    specificity: 72,
    patterns: [/proxyconnect tcp: /],
    ties: [
      ENGINE_TIE,
      { family: 'tls-trust', why: "the proxy's own certificate is not trusted: trust its CA, or reach it over http:// if it serves plain HTTP too", when: /x509:|certificate/ },
    ],
    meaning: 'The connection to the configured proxy failed (the words after "proxyconnect tcp:" say how): the proxy, not the module host, is what the build could not reach.',
    fix: orEngine(
      lines(
        `docker run --rm -e HTTPS_PROXY curlimages/curl -sSv https://proxy.golang.org/   # the proxy as a container sees it`,
        `fix its address or scheme in --build-arg HTTPS_PROXY=... / ~/.docker/config.json "proxies" / ENV in the Dockerfile, or unset it if the network needs none`,
      ),
    ),
  },
];
