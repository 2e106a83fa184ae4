/**
 * build.step: the same checks, run on what the probe measured as a RUN step of a real
 * build, set beside the container's. Where the two differ, the difference is the
 * diagnosis ("works in a container, fails in the build: the build has no HTTPS_PROXY"),
 * and what differs between the two set-ups (variables, resolver, user, trust, credentials)
 * says why. Pure: rows and Evidence in, rows out.
 */
import type { CheckResult, Evidence } from '../src/model.js';
import { redactUrl } from '../src/secrets.js';
import { sourceName } from './check.js';
import { daemonDnsFix, engineOf } from './engine-fixes.js';
import { CA_COPY, CA_UPDATE } from './fixes.js';

/** Variables whose absence or change in the build explains a network or go difference. */
const COMPARED_VARS = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'NO_PROXY', 'no_proxy', 'ALL_PROXY', 'all_proxy', 'GOPROXY', 'GONOPROXY', 'GOPRIVATE', 'GONOSUMDB', 'GOSUMDB', 'GOFLAGS', 'GOINSECURE'];
/** Rows that describe the set-up rather than measure it: never compared. */
const NOT_COMPARED = /^(engine|build|host)\.|^e2e\.recommend$/;

type BuildSide = NonNullable<NonNullable<Evidence['buildStep']>['evidence']>;

interface Reason {
  words: string;
  fix: string;
}

const rowKey = (r: CheckResult) => `${r.id}@${r.target ?? ''}`;
const broken = (r: CheckResult) => r.status === 'fail';

/** What the build step has that the container did not, or lacks that it had, in the user's words. */
export function buildDifferences(ev: Evidence, build: BuildSide, differing: CheckResult[] = []): Reason[] {
  // Trust, resolver and credential differences explain only the rows of their own kind.
  const about = (re: RegExp) => differing.some((r) => re.test(r.cause ?? '') || re.test(r.category));
  const reasons: Reason[] = [];
  const runVar = (n: string) => ev.env.find((v) => v.name === n);
  const buildVar = (n: string) => build.env.find((v) => v.name === n);
  for (const name of COMPARED_VARS) {
    const r = runVar(name);
    const b = buildVar(name);
    if (r && !b) {
      reasons.push({ words: `the build has no ${name} (the container got it from ${sourceName(r)})`, fix: `docker build --build-arg ${name}=${redactUrl(r.value)} … (docker build does not take -e; or put it under "proxies" in ~/.docker/config.json)` });
    } else if (!r && b) {
      reasons.push({ words: `the build has ${name}=${redactUrl(b.value)} (${sourceName(b)}) and the container does not`, fix: `check ${sourceName(b)}: it sets ${name} for the build only` });
    } else if (r && b && r.value !== b.value) {
      reasons.push({ words: `the build's ${name} is ${redactUrl(b.value)}, the container's ${redactUrl(r.value)}`, fix: `docker build --build-arg ${name}=${redactUrl(r.value)} …` });
    }
  }
  for (const name of ['GOPROXY', 'GOSUMDB', 'GOPRIVATE', 'GOFLAGS']) {
    const r = ev.facts.goEnv?.[name];
    const b = build.facts.goEnv?.[name];
    if (r !== undefined && b !== undefined && r !== b && !reasons.some((x) => x.words.includes(` ${name}`))) {
      reasons.push({ words: `go env ${name} in the build is "${redactUrl(b)}", not "${redactUrl(r)}": a step before the go step changes it (go env -w writes $GOENV)`, fix: `drop the \`go env -w ${name}=…\` step, or set ENV ${name}=${redactUrl(r)} in the stage` });
    }
  }
  const runNs = ev.facts.resolvConf.nameservers.join(',');
  const buildNs = build.facts.resolvConf.nameservers.join(',');
  if (runNs !== buildNs && ev.context.dns.length && about(/^dns|^e2e\.dns/)) {
    reasons.push({
      words: `the build resolves names with ${buildNs || 'no resolver'}, the container with ${runNs} (docker build has no --dns: it uses the daemon's DNS)`,
      fix: `${daemonDnsFix(engineOf(ev).kind, ev.context.dns, engineOf(ev).daemonJson)} (or docker build --network host)`,
    });
  }
  if (ev.facts.uid !== null && build.facts.uid !== null && ev.facts.uid !== build.facts.uid) {
    reasons.push({ words: `the build runs as uid ${build.facts.uid}, the container as uid ${ev.facts.uid}`, fix: `probe as the build's user (drop --user), or make the build's USER own the Go caches (RUN chown -R before USER)` });
  }
  if (ev.context.extraCa && about(/unknown_ca|x509|^auth\.tls|^tls$/)) {
    reasons.push({ words: 'the build does not trust the --ca-cert authority the container was given', fix: `${CA_COPY} and ${CA_UPDATE} in the stage, before the go step` });
  }
  const handed = ev.facts.credentials.handedNetrc || ev.facts.credentials.handedSshKey || ev.facts.credentials.sshAgent;
  if (handed && !build.facts.credentials.netrcMachines?.length && !build.facts.credentials.sshKeys.length && !build.facts.credentials.sshAgent && about(/^auth|^e2e\.auth/)) {
    reasons.push({ words: 'the build has none of the git credentials the container was handed', fix: 'RUN --mount=type=secret,id=netrc,target=/root/.netrc go mod download, with docker build --secret id=netrc,src=$HOME/.netrc (or --mount=type=ssh with --ssh default)' });
  }
  return reasons;
}

/** What runs instead of `docker build --network NAME` under BuildKit, which gives RUN steps no custom network. */
export function buildkitNetworkFix(network: string): string {
  return `build on --network default or host (publish what the build needs there), or a buildx builder on that network (docker buildx create --driver docker-container --driver-opt network=${network} --use), or the classic builder (DOCKER_BUILDKIT=0, deprecated)`;
}

function failedBuild(ev: Evidence): CheckResult[] {
  const step = ev.buildStep!;
  const err = step.error!;
  const head = { id: 'build.step', category: 'build' as const, target: `${step.builder} builder`, ms: step.ms };
  const why = step.why ? ` (${step.builder}: ${step.why})` : '';
  if (/classic builder cannot build/.test(err.message)) {
    return [{ ...head, status: 'skip', cause: null, summary: `not run: ${err.message}${why}`, evidence: { error: err, builderWhy: step.why ?? null }, fix: null }];
  }
  if (step.builder === 'buildkit' && /network mode .* not supported by buildkit/i.test(err.message)) {
    const net = ev.context.network ?? '';
    return [
      {
        ...head,
        status: 'fail',
        cause: 'build.buildkit_network',
        summary: `docker build --network ${net} fails with BuildKit${why}: the engine says "${err.message}" (BuildKit runs RUN steps on the default, host or none network only)`,
        evidence: { error: err, network: net, builderWhy: step.why ?? null },
        fix: buildkitNetworkFix(net),
      },
    ];
  }
  const where = err.step ? `at \`${err.step}\`` : 'before the go step';
  return [
    {
      ...head,
      status: 'fail',
      cause: 'build.failed',
      summary: `the build fails ${where}, before the go command runs${why}: ${err.message}`,
      evidence: { error: err, builderWhy: step.why ?? null },
      fix: err.step && /^RUN /.test(err.step) ? `fix that step first (its output is in this row's evidence); it runs with the build's network and variables, not the container's` : null,
    },
  ];
}

/**
 * Rows for the build step: one summary row, then one row per check whose outcome the
 * build changes. `runRows` are the container's rows, `buildRows` the same checks over
 * the build step's evidence.
 */
export function compareBuildStep(runRows: CheckResult[], buildRows: CheckResult[], ev: Evidence): CheckResult[] {
  const step = ev.buildStep;
  if (!step) return [];
  if (!step.evidence) return failedBuild(ev);
  const byKey = new Map(runRows.map((r) => [rowKey(r), r]));
  const worse: Array<[CheckResult, CheckResult]> = [];
  const better: Array<[CheckResult, CheckResult]> = [];
  for (const b of buildRows) {
    if (NOT_COMPARED.test(b.id)) continue;
    const r = byKey.get(rowKey(b));
    if (!r || r.status === 'skip' || b.status === 'skip' || broken(r) === broken(b)) continue;
    (broken(b) ? worse : better).push([r, b]);
  }
  const reasons = buildDifferences(ev, step.evidence, [...worse, ...better].map(([, b]) => b));
  const because = reasons.length ? reasons.map((x) => x.words).join('; ') : 'the probes do not show why: compare the rows';
  const head = { id: 'build.step', category: 'build' as const, target: `${step.builder} builder`, ms: step.ms };
  const evidence = { builder: step.builder, builderWhy: step.why ?? null, differences: reasons.map((x) => x.words), buildUser: step.evidence.user, buildEnv: step.evidence.env.map((v) => ({ name: v.name, origin: sourceName(v) })) };
  if (worse.length === 0 && better.length === 0) {
    const agree = buildRows.filter((b) => !NOT_COMPARED.test(b.id) && byKey.has(rowKey(b))).length;
    return [{ ...head, status: 'pass', cause: null, summary: `as a build step (${step.builder} builder${step.why ? `: ${step.why}` : ''}) the probes agree with the container: ${agree} checks the same`, evidence, fix: null }];
  }
  const rows: CheckResult[] = [];
  if (worse.length) {
    const [, first] = worse[0]!;
    rows.push({
      ...head,
      status: 'fail',
      cause: 'build.differs',
      summary: `works in a container, fails in the build: ${first.id} ${first.target ?? ''} — ${first.summary}; ${because}`,
      evidence,
      fix: reasons[0]?.fix ?? first.fix,
    });
  }
  if (better.length) {
    const [, first] = better[0]!;
    rows.push({ ...head, status: 'warn', cause: 'build.differs', summary: `fails in the container but works in the build: ${first.id} ${first.target ?? ''}; ${because}`, evidence, fix: reasons[0]?.fix ?? null });
  }
  for (const [r, b] of [...worse, ...better]) {
    rows.push({ ...b, id: 'build.step', category: 'build', target: `${b.id}@${b.target ?? ''}`, status: broken(b) ? 'fail' : 'warn', cause: 'build.differs', summary: `in the build: ${b.summary} (in the container: ${r.status})`, evidence: { container: r.summary, build: b.summary, buildCause: b.cause } });
  }
  return rows;
}
