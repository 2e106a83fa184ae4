/** Evidence → rows → verdict → Report. Pure. */
import { compareBuildStep } from '../../checks/build-step.js';
import { runChecks } from '../../checks/index.js';
import { verdict } from '../../checks/verdict.js';
import type { CheckResult, Evidence, RawBlock, Report } from '../model.js';
import type { DoctorOptions } from '../options.js';

type Selection = Pick<DoctorOptions, 'only' | 'skip' | 'verbose'>;

/** Whether --only/--skip keep a row: a selector is a category or a check id. */
export function selected(row: Pick<CheckResult, 'id' | 'category'>, sel: Pick<Selection, 'only' | 'skip'>): boolean {
  const hit = (s: string) => s === row.category || s === row.id;
  return (sel.only.length === 0 || sel.only.some(hit)) && !sel.skip.some(hit);
}

export function buildReport(ev: Evidence, meta: { version: string; startedAt: Date; durationMs: number }, sel: Selection = { only: [], skip: [], verbose: false }): Report {
  // No container ran (the base image could not be pulled): only the engine's and the Dockerfile's rows mean anything.
  const probed = ev.pull?.outcome !== 'failed';
  const runRows = runChecks(ev).filter((r) => probed || (r.category === 'engine' && r.id !== 'engine.probe' && r.id !== 'engine.dns') || r.id === 'build.stage' || r.id === 'build.lint');
  // --mode build: the same checks over what the build step measured, compared with the container's.
  const side = ev.buildStep?.evidence;
  const buildChecks = side ? runChecks({ ...side, host: null, build: ev.build ?? null, engineFacts: null, pull: null, buildStep: null }) : null;
  const checks = [...runRows, ...compareBuildStep(runRows, buildChecks ?? [], ev)].filter((r) => selected(r, sel));
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
    ...(buildChecks ? { buildChecks: buildChecks.filter((r) => selected(r, sel)) } : {}),
    ...(sel.verbose && (ev.raw || ev.buildStep?.log?.length) ? { raw: [...(ev.raw ?? []), ...buildLogBlock(ev)] } : {}),
    summary: { pass: count('pass'), warn: count('warn'), fail: count('fail'), skip: count('skip'), verdict: v.text, layer: v.layer, fix: v.fix, basedOn: v.basedOn, cause: v.cause ?? null },
  };
}

/** -v: the builds' own output (steps, what they printed) as one more raw block. */
function buildLogBlock(ev: Evidence): RawBlock[] {
  const step = ev.buildStep;
  if (!step?.log?.length) return [];
  return [{ id: 'build step', kv: [['builder', step.builder], ...(step.why ? [['why', step.why] as [string, string]] : [])], lines: step.log }];
}
