/**
 * The host's side of the comparison: the same network probes from this machine, plus the MTU
 * of the container's network. It starts before the container does, on the targets the options
 * and the image's ENV already name, so it runs while the engine starts the container; once
 * the plan is made from the image's go env, only the targets that plan adds are probed.
 */
import createDebug from 'debug';
import { parseFacts } from '../agent/parse-facts.js';
import { probeHost } from '../host/probe.js';
import { planProbes } from '../plan/plan.js';
import type { HostEvidence, HostTargetEvidence, PlannedTarget, ProbePlan } from '../model.js';
import type { DoctorOptions } from '../options.js';
import type { RunDeps } from './collect.js';

const debug = createDebug('gomod-doctor:host');

export type HostProber = typeof probeHost;

/**
 * The plan as far as it is known before the image's go env: the options and the container's
 * environment. A Go setting the environment does not set may come from the image's go.env or
 * `go env -w` file, so it counts as "off" here: the host side never probes a default the
 * image's go env may replace (proxy.golang.org for a GOPROXY set in go.env).
 */
export function earlyHostPlan(opts: DoctorOptions, env: Record<string, string>, now: number): ProbePlan {
  const fromEnvOnly = { GOPROXY: env.GOPROXY ?? 'off', GOSUMDB: env.GOSUMDB ?? 'off', GOPRIVATE: env.GOPRIVATE ?? '' };
  try {
    return planProbes(opts, { ...parseFacts(new Map(), now), goEnv: fromEnvOnly }, env);
  } catch {
    // The real plan fails the same way, and says so; the host side waits for it.
    return { timeoutMs: opts.timeoutMs, targets: [], paths: [], repos: [], fetches: [], sumdbGets: [], transfers: [], extraCa: opts.caCertPem !== null };
  }
}

/** What makes two targets the same host probe: the host side dials, handshakes and GETs by these. */
export function hostProbeIdentity(t: PlannedTarget): string {
  return [t.host, t.port, t.tls ? 'tls' : 'plain', t.httpUrl ?? '-', t.roles.every((r) => r === 'proxy') ? 'proxy-only' : 'probed'].join(' ');
}

/** The plan's targets that no early probe covered. */
export function targetsLeft(plan: readonly PlannedTarget[], early: readonly PlannedTarget[]): PlannedTarget[] {
  const done = new Set(early.map(hostProbeIdentity));
  return plan.filter((t) => !done.has(hostProbeIdentity(t)));
}

/**
 * The host evidence for the plan's targets, under the plan's keys: from the early probes
 * (keyed by the early plan) or the later ones (keyed by the plan itself). Early probes of
 * targets the plan dropped are left out.
 */
export function hostTargetsFor(plan: readonly PlannedTarget[], early: readonly PlannedTarget[], earlyAnswers: readonly HostTargetEvidence[], lateAnswers: readonly HostTargetEvidence[]): HostTargetEvidence[] {
  const earlyByIdentity = new Map<string, HostTargetEvidence>();
  for (const t of early) {
    const answer = earlyAnswers.find((a) => a.key === t.key);
    if (answer) earlyByIdentity.set(hostProbeIdentity(t), answer);
  }
  return plan.flatMap((t) => {
    const answer = lateAnswers.find((a) => a.key === t.key) ?? earlyByIdentity.get(hostProbeIdentity(t));
    return answer ? [{ ...answer, key: t.key }] : [];
  });
}

/**
 * Start the host probes on `early` (the plan made before the image's facts are known) and
 * return how to finish them for the real plan. The finish never throws: the host side is a
 * comparison, its own failure never fails the run.
 */
export function startHostProbes(opts: DoctorOptions, early: ProbePlan, deps: RunDeps): (plan: ProbePlan) => Promise<HostEvidence | null> {
  const prober = deps.hostProbe ?? probeHost;
  const probe = (targets: PlannedTarget[]) => prober({ targets, env: deps.hostEnv, timeoutMs: opts.timeoutMs, extraCaPem: opts.caCertPem, addHosts: [...opts.addHosts] });
  const first = probe(early.targets);
  first.catch(() => undefined); // awaited in finish
  const networkMtu = deps.engine.networkMtu(opts.network);
  networkMtu.catch(() => undefined);
  return async (plan) => {
    try {
      const left = targetsLeft(plan.targets, early.targets);
      const [earlyProbed, lateProbed, mtu] = await Promise.all([first, left.length ? probe(left) : null, networkMtu]);
      debug('host probes done (%d early, %d after the plan)', early.targets.length, left.length);
      return {
        ...earlyProbed,
        targets: hostTargetsFor(plan.targets, early.targets, earlyProbed.targets, lateProbed?.targets ?? []),
        networkMtu: mtu,
        networkName: opts.network ?? 'bridge',
      };
    } catch {
      return null;
    }
  };
}
