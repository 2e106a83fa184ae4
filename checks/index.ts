/**
 * The ordered list of checks and the pure pass that runs them over Evidence,
 * giving prerequisites a meaning: a failed or skipped prerequisite makes a row a
 * skip that names it (a tool-missing skip does not cascade: the next tool may exist).
 */
import { CATEGORIES, type CheckResult, type Evidence, type TargetEvidence } from '../src/model.js';
import type { ImageCheck, TargetCheck } from './check.js';
import { dnsResolve, dnsResolver } from './dns.js';
import { httpGoproxy } from './http.js';
import { authCredentials, authGit, authRepo } from './auth.js';
import { e2eFetch } from './go-download.js';
import { e2eFallthrough, e2eRecommend } from './goproxy-choice.js';
import { e2eSumdb } from './sumdb.js';
import { e2eThroughput } from './throughput.js';
import { fsWritable } from './fs.js';
import { hostCompare } from './host.js';
import { goEnvGo, goEnvGoauth, goEnvGoflags, goEnvGoinsecure, goEnvGoproxy, goEnvGosumdb, goEnvPrivate, goEnvToolchain } from './go-env.js';
import { engineDns, engineEndpoint, engineMtu, engineProbe, engineProxy, enginePull } from './engine.js';
import { buildLint, buildStage } from './build.js';
import { proxyEnvNoProxy, proxyEnvProxy, proxyEnvVars } from './proxy-env.js';
import { tcpConnect } from './tcp.js';
import { applyThresholds } from './thresholds.js';
import { tlsHandshake } from './tls.js';
import { goOverrulesImageRow, INFORMATIONAL, markCollateral } from './collateral.js';
import { goOverrules } from './tool-limits.js';

export const IMAGE_CHECKS: ImageCheck[] = [
  engineEndpoint,
  enginePull,
  engineProbe,
  engineProxy,
  engineMtu,
  engineDns,
  buildStage,
  buildLint,
  dnsResolver,
  proxyEnvVars,
  proxyEnvNoProxy,
  goEnvGo,
  goEnvGoproxy,
  goEnvGosumdb,
  goEnvPrivate,
  goEnvGoinsecure,
  goEnvGoauth,
  goEnvGoflags,
  goEnvToolchain,
  fsWritable,
  authGit,
  authCredentials,
  authRepo,
  e2eFetch,
  e2eFallthrough,
  e2eSumdb,
  e2eThroughput,
  e2eRecommend,
  hostCompare,
];
export const TARGET_CHECKS: TargetCheck[] = [dnsResolve, tcpConnect, tlsHandshake, httpGoproxy, proxyEnvProxy];

/** Every check id, for docs and --only/--skip. */
export const CHECK_IDS: string[] = [...IMAGE_CHECKS, ...TARGET_CHECKS].map((c) => c.id);

/** A target only the built-in list names (not the image's GOPROXY/GOSUMDB, not --target): its failures warn. */
function informational(te: TargetEvidence): boolean {
  return te.target.roles.every((r) => r === 'default');
}

function satisfied(r: CheckResult | undefined): boolean {
  return !!r && (r.status === 'pass' || r.status === 'warn' || (r.status === 'skip' && (r.cause === 'tool.missing' || r.cause === 'tool.tls_limited')));
}

/** `informationalWarns` collects the failures that only warn because `informational(te)`: their chain still ended there. */
function evaluateTarget(te: TargetEvidence, ev: Evidence, informationalWarns: Set<CheckResult>): CheckResult[] {
  const rows: CheckResult[] = [];
  for (const check of TARGET_CHECKS) {
    if (!check.appliesTo(te.target)) continue;
    const head = { id: check.id, category: check.category, target: check.targetName(te.target) };
    const broken = check.needs(te.target).map((id) => rows.find((r) => r.id === id)).find((r) => !satisfied(r));
    if (broken) {
      // Name the root of a chain of skips, so one dead resolver reads as one problem.
      const root = broken.cause === 'prereq.failed' ? (broken.evidence.prerequisite as string) : `${broken.id} ${broken.status === 'fail' ? 'failed' : 'was skipped'} for ${broken.target}`;
      const explainedBy = broken.explainedBy ?? { id: broken.id, target: broken.target };
      rows.push({ ...head, status: 'skip', ms: null, cause: 'prereq.failed', evidence: { prerequisite: root }, fix: null, summary: `skipped: ${root}`, explainedBy });
      continue;
    }
    if (te[check.step] === null) {
      // A failure an informational target only warns about still ends its chain in the agent.
      const warned = rows.find((p) => informationalWarns.has(p));
      if (warned && te.finished) {
        const root = warned.explainedBy ?? { id: warned.id, target: warned.target };
        rows.push({ ...head, status: 'skip', ms: null, cause: 'prereq.failed', evidence: { prerequisite: `${warned.id} warned for ${warned.target}` }, fix: null, summary: `skipped after the ${warned.category.toUpperCase()} warning (${warned.cause ?? 'failed'} for ${warned.target})`, explainedBy: root });
        continue;
      }
      const why = te.finished ? 'the agent did not measure it' : 'the probe container hit its deadline first';
      rows.push({ ...head, status: 'skip', ms: null, cause: null, evidence: {}, fix: null, summary: `not measured: ${why}` });
      continue;
    }
    const measured = { ...head, ...check.evaluate(te, ev) };
    const r = goOverrules(measured, te.target.host, te[check.step]?.tool ?? null, ev);
    if (r.status === 'fail' && te.target.httpProxy && check.step !== 'http') {
      // The go command reaches this host through the proxy: the direct path is not what the build uses.
      r.status = 'warn';
      r.summary += ' (the go command goes through the proxy for this host: a warning only)';
    } else if (r.status === 'fail' && informational(te)) {
      r.status = 'warn';
      r.summary += INFORMATIONAL;
      informationalWarns.add(r);
    }
    rows.push(r);
  }
  return rows;
}

/**
 * Rows in the order of the stack: the engine and resolver, then each target's
 * network chain (dns → tcp → tls → http), then the environment layers (proxy-env,
 * go-env, fs, auth).
 */
export function runChecks(ev: Evidence): CheckResult[] {
  const image = IMAGE_CHECKS.flatMap((c) => c.evaluate(ev).map((r) => ({ id: c.id, category: c.category, ...r })));
  const network = (r: CheckResult) => CATEGORIES.indexOf(r.category) <= CATEGORIES.indexOf('http');
  const informationalWarns = new Set<CheckResult>();
  const rows = [...image.filter(network), ...ev.targets.flatMap((te) => evaluateTarget(te, ev, informationalWarns)), ...image.filter((r) => !network(r))];
  // Thresholds change only passing rows, so the warned rows keep their identity.
  return markCollateral(applyThresholds(rows.map((r) => goOverrulesImageRow(r, ev)), ev.context.thresholds), informationalWarns);
}
