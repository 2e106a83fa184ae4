/**
 * One plain-English verdict from all rows: the lowest broken layer, what the
 * failing rows there have in common, and the single most useful fix. Pure.
 * Rows skipped because of that layer are its collateral, not extra problems.
 * It decides on check ids, statuses, cause codes and the rows' evidence, never on their
 * prose; where it has nothing to add it quotes a row's summary whole.
 */
import { CATEGORIES, type Category, type Cause, type CheckResult, type Evidence, type FetchEvidence, type Verdict } from '../src/model.js';
import { resolverName } from './check.js';
import { fetchedWords } from './go-download.js';
import { hostFinding, type HostRowEvidence } from './host.js';

function list(names: string[]): string {
  const uniq = [...new Set(names)];
  return uniq.length <= 3 ? uniq.join(', ') : `${uniq.slice(0, 3).join(', ')} and ${uniq.length - 3} more`;
}

function hostOf(target: string | null): string {
  return (target ?? '').replace(/^https?:\/\//, '').replace(/[:/].*$/, '');
}

/** The leading row's summary, quoted whole where the verdict has nothing to add: the verdict decides on codes and evidence and never reads it. */
function said(rows: CheckResult[]): string {
  return rows[0]?.summary ?? '';
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
      return `The go command has nowhere to keep its caches: ${said(rows)}.`;
    case 'auth.no_credentials':
    case 'auth.failed':
    case 'auth.publickey':
      return `Private modules cannot be fetched: git has no working credentials for ${list(rows.map((r) => r.target ?? ''))}.`;
    case 'auth.host_key':
      return `Private modules over ssh fail: the image does not know the host key of ${list(rows.map((r) => r.target ?? ''))}.`;
    case 'e2e.checksum':
      return `go mod download refuses the module: it does not match the checksum database, so a proxy or middlebox altered it (${list(rows.map((r) => r.target ?? ''))}).`;
    case 'e2e.sumdb':
    case 'e2e.sumdb_unreachable':
    case 'e2e.sumdb_status':
    case 'e2e.sumdb_unavailable':
      return `go mod download cannot verify modules: the checksum database does not answer on the path the go command uses (${said(rows)}).`;
    case 'e2e.no_fallthrough':
      return `go mod download fails although an entry of GOPROXY works: ${said(rows)}.`;
    case 'e2e.auth':
      return `Private modules cannot be downloaded: the go command's git has no working credentials (${list(rows.map((r) => r.target ?? ''))}).`;
    case 'e2e.not_found':
      return `No GOPROXY entry serves the module, and the list has nothing to fall through to (${list(rows.map((r) => r.target ?? ''))}).`;
    case 'e2e.pq_middlebox':
      return `go mod download stalls in the TLS handshake and works with GODEBUG=tlsmlkem=0: a middlebox on the path cannot take Go's post-quantum ClientHello (${list(rows.map((r) => r.target ?? ''))}).`;
    case 'e2e.hung':
    case 'e2e.timeout':
    case 'e2e.stalled':
      return `go mod download hangs: ${said(rows)}.`;
    case 'e2e.stopped':
      return `go mod download cannot work: ${said(rows)}.`;
    case 'e2e.dns':
    case 'e2e.refused':
    case 'e2e.proxy':
    case 'e2e.tls_timeout':
    case 'e2e.x509':
    case 'e2e.server_error':
      return `go mod download fails: ${said(rows)}.`;
    case 'engine.pull':
      return `The build cannot start: ${said(rows)}. The go command is never reached.`;
    case 'build.failed':
    case 'build.buildkit_network':
    case 'build.differs': {
      const s = said(rows);
      return `${s[0]?.toUpperCase() ?? ''}${s.slice(1)}.`;
    }
    default:
      return `${rows[0]?.id ?? 'A check'} fails for ${hosts}: ${said(rows)}`;
  }
}

/** Which host-comparison causes explain a container failure of which layer. */
const HOST_EXPLAINS: Partial<Record<Category, Cause[]>> = {
  dns: ['host.dns_differs', 'host.proxy_differs', 'host.same_failure'],
  tcp: ['host.proxy_differs', 'host.tcp_differs', 'host.dns_answers_differ', 'host.same_failure'],
  tls: ['host.tls_stalls_in_container', 'host.tls_differs', 'host.ca_differs', 'host.proxy_differs', 'host.dns_answers_differ', 'host.same_failure'],
  http: ['host.proxy_differs', 'host.http_differs', 'host.dns_answers_differ', 'host.same_failure'],
  e2e: ['host.proxy_differs', 'host.dns_differs', 'host.dns_answers_differ', 'host.tcp_differs', 'host.tls_stalls_in_container', 'host.tls_differs', 'host.ca_differs', 'host.same_failure'],
};

/** A host row explains a layer when its cause does and, for the same failure, at that very step. */
function hostExplains(h: CheckResult, layer: Category): boolean {
  if (h.id !== 'host.compare' || h.status !== 'warn' || !HOST_EXPLAINS[layer]?.includes(h.cause as Cause)) return false;
  return h.cause !== 'host.same_failure' || layer === 'e2e' || h.evidence.step === layer;
}

/** The headline when this machine fails the same way: the machine's network, not Docker. */
function machineHeadline(step: unknown, hosts: string): string {
  switch (step) {
    case 'dns':
      return `This machine cannot resolve names either: ${hosts} fail the same way on the host and in the container, so Docker is not the problem; this machine's DNS is.`;
    case 'tcp':
      return `Connections to ${hosts} time out or fail from this machine too, not only from the container: Docker is not the problem; this machine's egress is.`;
    case 'tls':
      return `The TLS handshake with ${hosts} fails from this machine too: Docker is not the problem; a middlebox or the server on this machine's path is.`;
    default:
      return `This machine gets the same answer from ${hosts} as the container: Docker is not the problem; the module proxy is.`;
  }
}

/** The go command's download through the image's GOPROXY as configured (not one entry on its own, not a private module). */
function configuredFetch(r: CheckResult): boolean {
  return r.id === 'e2e.fetch' && (r.evidence as Partial<FetchEvidence>).fetch?.kind === 'configured';
}

/** Which e2e finding leads the verdict: the one whose fix is most direct. */
const E2E_FIRST = ['e2e.fallthrough', 'e2e.sumdb', 'e2e.throughput', 'e2e.fetch'];
function e2eRank(r: CheckResult): number {
  const i = E2E_FIRST.indexOf(r.id);
  // Private modules and the configured list before one entry on its own.
  return (i < 0 ? E2E_FIRST.length : i) * 10 + (configuredFetch(r) ? 1 : 0);
}

/** The container's side of a host finding, where its own rows' evidence says it: what the container's resolver answered. */
function containerSide(h: CheckResult, results: CheckResult[], ev: Evidence): { dns?: string; resolver?: string } {
  const dns = results.find((r) => r.id === 'dns.resolve' && r.target === h.target)?.evidence.outcome;
  return h.cause === 'host.dns_differs' && typeof dns === 'string' ? { dns, resolver: resolverName(ev) } : {};
}

const ref = (r: CheckResult) => `${r.id}@${r.target ?? ''}`;

/** The go command's own result for the configured GOPROXY, in a few words. */
function goCommandWords(results: CheckResult[]): string | null {
  const fetch = results.find(configuredFetch);
  if (!fetch || fetch.status === 'skip') return null;
  if (fetch.cause === 'e2e.stopped') return 'go mod download itself cannot work: it was stopped once that was known';
  return fetch.status === 'pass' ? 'go mod download itself works' : `go mod download itself fails (${fetch.cause?.replace('e2e.', '') ?? 'error'})`;
}

/**
 * The verdict: the lowest layer with a failing row (the network chain first, the go
 * command's own end-to-end result last), the cause most of its failing rows share,
 * the host comparison when it explains them, and one fix. Ties between unrelated causes
 * are said as such rather than guessed at.
 */
export function verdict(results: CheckResult[], ev: Evidence): Verdict {
  // Collateral rows (explainedBy) are their root's problem, not problems of their own.
  const fails = results.filter((r) => r.status === 'fail' && !r.explainedBy);
  const goWords = goCommandWords(results);
  if (fails.length === 0) {
    const warns = results.filter((r) => r.status === 'warn');
    const fetch = results.find((r) => configuredFetch(r) && r.status === 'pass');
    const works = fetch
      ? `go mod download works from this image: ${fetchedWords(fetch.evidence as unknown as FetchEvidence)}.`
      : 'The container reaches every module source it needs: go mod download should work from this image.';
    // The go command works where a probe tool fails: say so first, it is what a user wonders about.
    const disagree = warns.filter((r) => r.cause === 'tool.disagrees');
    const ordered = [...disagree, ...warns.filter((r) => !disagree.includes(r))];
    const tools = disagree.length
      ? ` The image's ${list(disagree.map((r) => String(r.evidence.tool ?? 'probe tool')))} fail${disagree.length > 1 ? '' : 's'} where the go command works (${list(disagree.map((r) => hostOf(r.target)))}): the network treats their handshakes differently; the build is not affected.`
      : '';
    const text = warns.length ? `${works}${tools} ${warns.length} warning${warns.length > 1 ? 's' : ''} to read (first: ${ordered[0]?.id} ${ordered[0]?.target ?? ''}).` : works;
    return { layer: null, text, fix: null, basedOn: [...(fetch ? [ref(fetch)] : []), ...ordered.map(ref)], cause: disagree.length ? 'tool.disagrees' : null };
  }
  const layer = CATEGORIES.find((c) => c !== 'host' && fails.some((r) => r.category === c)) ?? fails[0]!.category;
  const inLayer = fails.filter((r) => r.category === layer);
  const byCause = new Map<Cause | null, CheckResult[]>();
  for (const r of inLayer) byCause.set(r.cause, [...(byCause.get(r.cause) ?? []), r]);
  const ranked = [...byCause.entries()].sort((a, b) => b[1].length - a[1].length);
  // The go command's rows explain one another (a hung fetch and a stalled zip are one
  // problem): there the most specific finding leads, in E2E_FIRST order.
  if (layer === 'e2e') ranked.sort((a, b) => e2eRank(a[1][0]!) - e2eRank(b[1][0]!));
  const [cause, rows] = ranked[0]!;
  const tie = layer !== 'e2e' && ranked.length > 1 && ranked[1]![1].length === rows.length;
  if (tie) {
    const parts = ranked.map(([c, rs]) => `${c ?? 'unclassified'} (${list(rs.map((r) => r.target ?? r.id))})`);
    return {
      layer,
      text: `The evidence does not single out one cause: in the ${layer} layer, ${parts.join(' and ')} fail independently.${goWords ? ` ${goWords[0]!.toUpperCase()}${goWords.slice(1)}.` : ''} Read those rows' fixes in turn.`,
      fix: null,
      basedOn: inLayer.map(ref),
      cause: null,
    };
  }
  // The host comparison of the same targets, when it explains this layer's failure.
  const hosts = new Set(rows.map((r) => hostOf(r.target)));
  const explaining = results.find((r) => hostExplains(r, layer) && (layer === 'e2e' || hosts.has(hostOf(r.target))));
  if (layer === 'e2e' && cause === 'e2e.error' && !explaining) {
    const r = rows[0]!;
    return {
      layer,
      text: `go mod download fails, but no probe below it does, so the evidence does not single out a cause: ${said([r])}`,
      fix: null,
      basedOn: rows.map(ref),
      cause,
    };
  }
  // A GOPROXY list that stops at a failing entry although a later one works: fixing the
  // list is the single change that makes the build work, whatever broke the entry.
  const listRow = ['dns', 'tcp', 'tls', 'http', 'e2e'].includes(layer) ? results.find((r) => r.id === 'e2e.fallthrough' && r.status === 'fail') : undefined;
  // The image's own CA fix (worded for its package manager) beats the host row's generic one.
  const machine = explaining?.cause === 'host.same_failure';
  // The same failure on this machine: a working GOPROXY list still beats the machine's fix.
  const hostFix = explaining?.cause === 'host.ca_differs' || (machine && listRow) ? null : explaining?.fix;
  const fix = hostFix ?? listRow?.fix ?? rows.find((r) => r.fix)?.fix ?? (layer === 'e2e' ? results.find((r) => r.id === 'e2e.recommend' && r.status === 'warn')?.fix : null) ?? null;
  const finding = explaining ? hostFinding(explaining.cause, explaining.target ?? '', explaining.evidence as unknown as HostRowEvidence, containerSide(explaining, results, ev)) : null;
  const why = finding ? ` ${finding[0]!.toUpperCase()}${finding.slice(1)}.` : '';
  const agrees = layer !== 'e2e' && goWords ? ` (${goWords}.)` : '';
  const head = machine ? machineHeadline(layer === 'e2e' ? explaining.evidence.step : layer, list([...hosts])) : headline(cause, rows, ev);
  const text = `${head}${why}${agrees}${fix ? ` Fix: ${fix}` : ''}`;
  const also = [explaining, listRow].filter((r): r is CheckResult => !!r && !rows.includes(r));
  return { layer, text, fix, basedOn: [...rows.map(ref), ...also.map(ref)], cause: explaining?.cause ?? cause };
}
