/** The host's side of the comparison: the same network probes from this machine, plus the MTU of the container's network. */
import createDebug from 'debug';
import { probeHost } from '../host/probe.js';
import type { HostEvidence, ProbePlan } from '../model.js';
import type { DoctorOptions } from '../options.js';
import type { RunDeps } from './collect.js';

const debug = createDebug('gomod-doctor:host');

export type HostProber = typeof probeHost;

/** Never throws: the host side is a comparison, its own failure never fails the run. */
export async function runHostProbes(opts: DoctorOptions, plan: ProbePlan, deps: RunDeps): Promise<HostEvidence | null> {
  try {
    const [probed, networkMtu] = await Promise.all([
      (deps.hostProbe ?? probeHost)({ targets: plan.targets, env: deps.hostEnv, timeoutMs: opts.timeoutMs, extraCaPem: opts.caCertPem, addHosts: [...opts.addHosts] }),
      deps.engine.networkMtu(opts.network),
    ]);
    debug('host probes done');
    return { ...probed, networkMtu, networkName: opts.network ?? 'bridge' };
  } catch {
    return null;
  }
}
