/**
 * One plain-English verdict from all rows: the lowest broken layer, what the
 * failing rows there have in common, and the single most useful fix. Pure.
 * Rows skipped because of that layer are its collateral, not extra problems.
 */
import { CATEGORIES, type Cause, type CheckResult, type Evidence, type Verdict } from '../src/model.js';
import { resolverName } from './check.js';

function list(names: string[]): string {
  const uniq = [...new Set(names)];
  return uniq.length <= 3 ? uniq.join(', ') : `${uniq.slice(0, 3).join(', ')} and ${uniq.length - 3} more`;
}

function hostOf(target: string | null): string {
  return (target ?? '').replace(/^https?:\/\//, '').replace(/[:/].*$/, '');
}

function headline(cause: Cause | null, rows: CheckResult[], ev: Evidence): string {
  const hosts = list(rows.map((r) => hostOf(r.target)));
  const resolver = resolverName(ev);
  switch (cause) {
    case 'dns.timeout':
      return `The container cannot resolve names: its resolver (${resolver}) does not answer, so the DNS the Docker daemon hands containers is not reachable from this network (${hosts}).`;
    case 'dns.nxdomain':
    case 'dns.no_answer':
      return `The container's resolver (${resolver}) says ${hosts} do not exist: split-horizon or filtering DNS.`;
    case 'dns.servfail':
      return `The container's resolver (${resolver}) fails to answer for ${hosts}.`;
    case 'dns.no_resolver':
      return 'The container has no resolver configured at all.';
    case 'tcp.timeout':
      return `The container resolves names but connections to ${hosts} time out: egress is dropped (firewall, regional blocking, or no route).`;
    case 'tcp.refused':
      return `Connections from the container to ${hosts} are refused.`;
    case 'tcp.unreachable':
      return `The container has no route to ${hosts}.`;
    case 'tls.timeout':
      return `TCP connects to ${hosts} but the TLS handshake never finishes: the mark of an MTU mismatch on a VPN or overlay network, or a middlebox.`;
    case 'tls.unknown_ca':
      return `TLS to ${hosts} is signed by an authority the image does not trust: TLS interception without the company CA in the image, or an image without CA certificates.`;
    case 'tls.wrong_name':
      return `The certificate ${hosts} presents is for another name: something else answers in its place.`;
    case 'tls.expired':
    case 'tls.not_yet_valid':
      return `The certificate of ${hosts} is outside its validity period.`;
    case 'tls.clock_skew':
      return `The container's clock is wrong, so valid certificates look expired or not yet valid (${hosts}).`;
    case 'http.proxy_refused':
      return `The HTTP proxy the container is told to use refuses connections (${hosts}).`;
    case 'http.proxy_auth':
      return `The HTTP proxy wants credentials the container does not send (${hosts}).`;
    case 'http.timeout':
      return `Requests to the module proxy ${hosts} get no response in time.`;
    case 'proxy.localhost':
      return 'The container is told to use a proxy on localhost, which inside a container is the container itself.';
    case 'proxy.unreachable':
      return `The container cannot reach the proxy its environment names (${list(rows.map((r) => r.target ?? ''))}).`;
    case 'proxy.auth':
      return 'The proxy the container is told to use wants credentials (407).';
    case 'go.goproxy_invalid':
      return 'GOPROXY has an entry the go command rejects, so every module download fails before any network traffic.';
    case 'fs.not_writable':
    case 'fs.read_only':
      return `The build user (${ev.user || 'root'}) cannot write where the go command keeps modules and builds (${list(rows.map((r) => r.target ?? ''))}).`;
    case 'fs.undefined':
      return `The go command has nowhere to keep its caches: ${rows[0]?.summary ?? ''}.`;
    case 'auth.no_credentials':
    case 'auth.failed':
    case 'auth.publickey':
      return `Private modules cannot be fetched: git has no working credentials for ${list(rows.map((r) => r.target ?? ''))}.`;
    case 'auth.host_key':
      return `Private modules over ssh fail: the image does not know the host key of ${list(rows.map((r) => r.target ?? ''))}.`;
    default:
      return `${rows[0]?.id ?? 'A check'} fails for ${hosts}: ${rows[0]?.summary ?? ''}`;
  }
}

export function verdict(results: CheckResult[], ev: Evidence): Verdict {
  const fails = results.filter((r) => r.status === 'fail');
  if (fails.length === 0) {
    const warns = results.filter((r) => r.status === 'warn');
    const text = warns.length
      ? `Nothing fails; ${warns.length} warning${warns.length > 1 ? 's' : ''} to read (first: ${warns[0]?.id} ${warns[0]?.target ?? ''}).`
      : 'The container reaches every module source it needs: go mod download should work from this image.';
    return { layer: null, text, basedOn: warns.map((r) => `${r.id}@${r.target ?? ''}`) };
  }
  const layer = CATEGORIES.find((c) => fails.some((r) => r.category === c)) ?? fails[0]!.category;
  const inLayer = fails.filter((r) => r.category === layer);
  // The cause most failing rows of that layer share decides the headline.
  const counts = new Map<Cause | null, CheckResult[]>();
  for (const r of inLayer) counts.set(r.cause, [...(counts.get(r.cause) ?? []), r]);
  const [cause, rows] = [...counts.entries()].sort((a, b) => b[1].length - a[1].length)[0]!;
  const fix = rows.find((r) => r.fix)?.fix;
  const text = headline(cause, rows, ev) + (fix ? ` Fix: ${fix}` : '');
  return { layer, text, basedOn: rows.map((r) => `${r.id}@${r.target ?? ''}`) };
}
