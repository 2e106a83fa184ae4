/** Evidence → rows → verdict → Report. Pure. */
import { compareBuildStep } from '../../checks/build-step.js';
import { runChecks } from '../../checks/index.js';
import { verdict } from '../../checks/verdict.js';
import type { Evidence, Report } from '../model.js';

export function buildReport(ev: Evidence, meta: { version: string; startedAt: Date; durationMs: number }): Report {
  // No container ran (the base image could not be pulled): only the engine's and the Dockerfile's rows mean anything.
  const probed = ev.pull?.outcome !== 'failed';
  const runRows = runChecks(ev).filter((r) => probed || (r.category === 'engine' && r.id !== 'engine.probe' && r.id !== 'engine.dns') || r.id === 'build.stage' || r.id === 'build.lint');
  // --mode build: the same checks over what the build step measured, compared with the container's.
  const side = ev.buildStep?.evidence;
  const buildChecks = side ? runChecks({ ...side, host: null, build: ev.build ?? null, engineFacts: null, pull: null, buildStep: null }) : null;
  const checks = [...runRows, ...compareBuildStep(runRows, buildChecks ?? [], ev)];
  const v = verdict(checks, ev);
  const count = (s: string) => checks.filter((c) => c.status === s).length;
  return {
    schemaVersion: 1,
    tool: { name: 'gomod-doctor', version: meta.version },
    image: ev.image,
    user: ev.user,
    ...(ev.build ? { stage: { dockerfile: ev.build.path, name: ev.build.stage, line: ev.build.stageLine, baseImage: ev.build.baseImage, chain: ev.build.chain, mode: ev.buildStep ? ('build' as const) : ('run' as const) } } : {}),
    startedAt: meta.startedAt.toISOString(),
    durationMs: meta.durationMs,
    checks,
    ...(buildChecks ? { buildChecks } : {}),
    summary: { pass: count('pass'), warn: count('warn'), fail: count('fail'), skip: count('skip'), verdict: v.text, layer: v.layer, fix: v.fix, basedOn: v.basedOn },
  };
}
