/**
 * Fix text: small pure functions that take what they need and return lines a user
 * can paste (field guide: shared/docs/domain.md, "fix to print"). With engine-fixes.ts
 * (the engine's own settings) this is the one place advice is worded: the checks and
 * `explain`'s rules both call it.
 */
import { daemonDnsFix, engineDnsFix, engineMtuFix, type EngineKind } from './engine-fixes.js';

/** Which engine a fix names and where its daemon.json is (engine-fixes.ts `engineOf`). */
export interface EngineRef {
  kind: EngineKind;
  daemonJson: string | null;
}

/**
 * A resolver for the build. docker build has no --dns flag: a build's containers take
 * the engine's setting, so that comes first; docker run's --dns only helps a run.
 */
export function resolverFix(engine: EngineRef): string {
  return `${daemonDnsFix(engine.kind, ['<resolver-ip>'], engine.daemonJson)} (docker run: --dns <resolver-ip>)`;
}

export function dnsFix(p: { host: string; cause: 'timeout' | 'nxdomain' | 'other'; resolver: string; network: string | null; engine: EngineRef }): string {
  if (p.cause === 'nxdomain') {
    return (
      `${p.host} does not exist for ${p.resolver}: fix the record in that resolver (split-horizon DNS), ` +
      `or pin it for the build: docker build --add-host ${p.host}:<ip> .`
    );
  }
  return `give the build a resolver it can reach: ${resolverFix(p.engine)}; a resolver only reachable through the host's VPN needs docker build --network host .`;
}

export function stubResolverFix(engine: EngineRef): string {
  return (
    'the container got the host\'s systemd-resolved stub (127.0.0.53), which only answers on the host: ' +
    `${engineDnsFix(engine.kind, [], engine.daemonJson)}; or build with --network host`
  );
}

export function tcpFix(p: { host: string; port: number; cause: 'refused' | 'timeout' | 'unreachable' | 'error'; alternative: string | null }): string {
  const via = 'or reach it through your HTTP proxy: docker build --build-arg HTTPS_PROXY=http://<proxy-host>:<port> .';
  if (p.alternative) return `ENV GOPROXY=${p.alternative},direct  (it answers from this container), ${via}`;
  if (p.cause === 'refused') return `nothing accepts connections at ${p.host}:${p.port} from the container: allow egress to it, ${via}`;
  if (p.cause === 'unreachable') return `the container has no route to ${p.host}: check the Docker network's routes (IPv6?), ${via}`;
  return `packets to ${p.host}:${p.port} are dropped (egress firewall or regional blocking): open egress, ${via}`;
}

/** The Dockerfile lines that add a CA to the image's system store, which git, Go and curl all read. */
export const CA_COPY = 'COPY corp-ca.crt /usr/local/share/ca-certificates/corp-ca.crt';
export const CA_UPDATE = 'RUN update-ca-certificates';

/** The line that installs the CA bundle itself, for the image's package manager. */
export function caPackage(os: string | null): string {
  return os === 'alpine' ? 'RUN apk add --no-cache ca-certificates' : 'RUN apt-get update && apt-get install -y ca-certificates';
}

/** Lines that install a CA into the image, by distribution. */
export function caFix(p: { os: string | null; hasBundle: boolean; issuer: string | null }): string {
  const alpine = p.os === 'alpine';
  if (!p.hasBundle) return `the image has no CA certificates at all: ${caPackage(p.os)}`;
  return (
    `add the CA that signs ${p.issuer ? `"${p.issuer}"` : 'these certificates'} (corporate TLS interception?) to the image: ` +
    `${CA_COPY}  then  ${CA_UPDATE}` +
    (alpine ? '  (needs ca-certificates: apk add --no-cache ca-certificates)' : '')
  );
}

export function tlsStallFix(engine: EngineRef): string {
  return (
    'TCP connects but the handshake never completes, the mark of an MTU mismatch (VPN/overlay networks drop large packets): ' +
    `lower the engine's MTU to the path's, e.g. ${engineMtuFix(engine.kind, 1400, engine.daemonJson)}; or build with --network host`
  );
}

/** The short form, for a download that stalls after TCP connected: what the tls.handshake fix says at length. */
export function stallFix(what: string): string {
  return `${what} stalls: large packets lost on a VPN/overlay network (MTU: "mtu": 1400 in daemon.json), or a middlebox holding the connection`;
}

export function clockFix(skewMin: number): string {
  return `the container's clock is ${Math.round(skewMin)} min off the host's: fix the clock (NTP) of the machine or VM that runs the engine`;
}

export function wrongNameFix(p: { host: string; subject: string | null }): string {
  return (
    `the certificate at ${p.host} is for ${p.subject ?? 'another name'}: a middlebox answers in its place, or DNS/--add-host ` +
    `points ${p.host} at the wrong server; fix the record, or the proxy's certificate`
  );
}

export function proxyRefusedFix(proxy: string): string {
  return (
    `the proxy ${proxy} refused the connection: check HTTPS_PROXY; inside a container localhost is the container itself, ` +
    `so use the host's address (e.g. host.docker.internal with --add-host host.docker.internal:host-gateway)`
  );
}

/** A proxy URL with credentials in it, handed to the build as the predefined proxy build arg. */
export function proxyCredentialsArg(hostPort = '<proxy-host>:<port>'): string {
  return `--build-arg HTTPS_PROXY=http://<user>:<password>@${hostPort}`;
}

export function proxyAuthFix(proxy: string): string {
  return `the proxy ${proxy} wants credentials (407): pass them in the URL, e.g. docker build ${proxyCredentialsArg()} .`;
}

/**
 * A proxy at localhost, which inside a container is the container: the build reaches the
 * machine through the host gateway. The parts of the advice, one per line in `explain`,
 * joined in a check's fix: the same words in both places.
 */
export function localhostProxyFix(p: { names: readonly string[]; port: string | number }): string[] {
  const args = p.names.map((n) => `--build-arg ${n}=http://host.docker.internal:${p.port}`).join(' ');
  return [
    `point it at the host: docker build --add-host host.docker.internal:host-gateway ${args} .`,
    '(the proxy must listen on the docker0 address, not only on 127.0.0.1), or build with --network host',
    'and fix "proxies" in ~/.docker/config.json if it says localhost',
  ];
}

export function goproxyFix(p: { alternative: string | null }): string {
  return p.alternative
    ? `ENV GOPROXY=${p.alternative},direct  (it answered the canary request from this container)`
    : 'set GOPROXY to a module proxy that answers from this network: ENV GOPROXY=https://<your-proxy>,direct';
}
