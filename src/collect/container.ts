/**
 * The probe container, in the order things happen: start it from the image as its user;
 * wait for the agent's facts; make the plan from them (pure) and write it to the agent's
 * stdin; as blocks arrive, tell the agent which jobs a lower layer has already decided
 * (`stop KEY`, src/collect/stop.ts); once the agent is done, turn its blocks into Evidence.
 */
import createDebug from 'debug';
import { evidenceFromBlocks, type MeasuredEvidence, rawBlocks, targetsFromBlocks } from '../agent/evidence.js';
import { parseFacts } from '../agent/parse-facts.js';
import { encodePlan } from '../agent/wire.js';
import { type AgentFile, type AgentRunResult, LABEL_RUN, LABEL_TOOL } from '../engine/types.js';
import { ProbeFailed } from '../errors.js';
import type { ImageFacts, ProbePlan, RawBlock, StopReason } from '../model.js';
import type { DoctorOptions } from '../options.js';
import { planProbes } from '../plan/plan.js';
import { redactUrl } from '../secrets.js';
import { AgentSession } from './agent-session.js';
import type { RunDeps } from './collect.js';
import { jobsToStop, withStopReasons } from './stop.js';

const debug = createDebug('gomod-doctor:agent');

/** Where the host's ssh agent socket (--ssh-agent) appears in the container. */
const SSH_AGENT_MOUNT = '/run/gomod-doctor/ssh-agent.sock';

/** The container's deadline: the facts phase plus the longest chain (4 bounded steps), with slack. */
export function agentDeadlineMs(timeoutMs: number): number {
  return 5 * timeoutMs + 15_000;
}

export interface ContainerSetup {
  /** The user the build runs as ('' for root). */
  user: string;
  /** The Env the container is created with (stage vars, config.json proxies, -e). */
  containerEnv: string[];
  /** The environment the agent will see, image ENV included: what the plan reads. */
  env: Record<string, string>;
  workingDir: string | null;
  /** Called once the engine has created the container, before its start. */
  onCreated(): void;
  /** Called once with the plan, as soon as it is sent. */
  onPlan(plan: ProbePlan): void;
}

export interface ContainerProbe {
  facts: ImageFacts;
  plan: ProbePlan;
  measured: MeasuredEvidence;
  raw: RawBlock[];
}

export async function probeInContainer(opts: DoctorOptions, deps: RunDeps, setup: ContainerSetup): Promise<ContainerProbe> {
  const session = new AgentSession();
  session.onCreated = setup.onCreated;
  deps.progress(`starting a probe container from ${opts.image} as ${setup.user || 'root'}`);
  const running = deps.engine.runAgent(agentSpec(opts, deps, setup), session.conversation).finally(() => session.agentEnded());

  // 1. The facts: who the agent runs as, its tools, resolv.conf, go env.
  if (!(await session.ready)) throw agentGaveUp(await running);
  const parsed = parseFacts(session.blocks, deps.now());
  const facts: ImageFacts = { ...parsed, credentials: { ...parsed.credentials, handedNetrc: opts.netrcText !== null, handedSshKey: opts.sshKeyText !== null } };

  // 2. The plan, made from the facts, written to the agent's stdin.
  let plan: ProbePlan;
  try {
    plan = planProbes(opts, facts, setup.env);
  } catch (err) {
    session.cancel(err as Error);
    await running.catch(() => undefined);
    throw err;
  }
  // A value the wire cannot carry (a proxy URL with a blank, from an env file) closes the
  // agent's stdin instead: it ends with its facts only, and the checks still judge the
  // values themselves (proxy.bad_url) from the facts and the environment.
  let planText: string | null = null;
  try {
    planText = encodePlan(plan);
  } catch (err) {
    debug('plan not sent: %s', (err as Error).message);
  }
  if (planText === null) session.cancel(new Error('the plan cannot be sent'));
  else {
    session.sendPlan(planText);
    debug('plan sent: %d targets', plan.targets.length);
    setup.onPlan(plan);
  }

  // 3. The probes run; each block may decide other jobs (stop them) and moves the spinner on.
  const stops = new Map<string, StopReason>();
  session.onBlock = (id) => {
    const kind = id.slice(0, id.indexOf(':'));
    if (['dns', 'tcp', 'tls', 'http'].includes(kind)) stopDecided(plan, setup.env, session, stops);
    if (/^(target|fetch|repo):/.test(id)) reportPending(plan, session, deps);
  };
  reportPending(plan, session, deps);
  const result = await running;

  // 4. Output that ends before `@gmd done`, with no deadline expired: the agent was killed
  // (out of memory, a signal) or the engine cut the stream. Unmeasured rows would read as
  // a clean bill of health; say what happened instead.
  if (!session.done && !result.timedOut) throw agentCutOff(result);
  return {
    facts,
    plan,
    measured: withStopReasons(evidenceFromBlocks(plan, session.blocks, session.finished), stops),
    raw: rawBlocks(session.blocks),
  };
}

/** The container as `docker run` would make it for this build, with the agent as its command. */
function agentSpec(opts: DoctorOptions, deps: RunDeps, setup: ContainerSetup) {
  // Secrets live in the throwaway container's agent directory, never in an image layer
  // or the container's command; the agent copies them to 0600 files owned by the image user.
  const files: AgentFile[] = [
    ...(opts.caCertPem ? [{ name: 'extra-ca.pem', content: opts.caCertPem, mode: 0o644 }] : []),
    ...(opts.netrcText ? [{ name: 'netrc', content: opts.netrcText, mode: 0o644 }] : []),
    ...(opts.netrcText && opts.gitToken ? [{ name: 'git-token', content: `${opts.gitToken.user} ${opts.gitToken.token}\n`, mode: 0o644 }] : []),
    ...(opts.sshKeyText ? [{ name: 'ssh-key', content: opts.sshKeyText, mode: 0o644 }] : []),
  ];
  return {
    image: opts.image,
    user: setup.user,
    env: opts.sshAgentSocket ? [...setup.containerEnv, `SSH_AUTH_SOCK=${SSH_AGENT_MOUNT}`] : setup.containerEnv,
    workingDir: setup.workingDir,
    network: opts.network,
    dns: [...opts.dns],
    addHosts: [...opts.addHosts],
    platform: opts.platform,
    binds: [...opts.volumes, ...(opts.sshAgentSocket ? [`${opts.sshAgentSocket}:${SSH_AGENT_MOUNT}`] : [])],
    script: deps.agentScript,
    files,
    labels: { [LABEL_TOOL]: 'gomod-doctor', [LABEL_RUN]: deps.runId },
    deadlineMs: agentDeadlineMs(opts.timeoutMs),
  };
}

/** Jobs a lower layer has decided: told to stop as soon as the deciding block is in. */
function stopDecided(plan: ProbePlan, env: Record<string, string>, session: AgentSession, stops: Map<string, StopReason>): void {
  const targets = targetsFromBlocks(plan, session.blocks, session.finished);
  const decided = jobsToStop({ plan, env, targets, ended: session.ended, stopped: new Set(stops.keys()) });
  let lines = '';
  for (const [key, why] of decided) {
    debug('stop %s: %s (%s %s)', key, why.what, why.id, why.target);
    stops.set(key, why);
    lines += `stop ${key}\n`;
  }
  if (lines) session.tell(lines);
}

/** The spinner: what the agent is still working on. */
function reportPending(plan: ProbePlan, session: AgentSession, deps: RunDeps): void {
  const pending = plan.targets.filter((t) => !session.finished.has(t.key)).map((t) => t.host);
  deps.progress(`probing ${pending.join(', ')} (${session.finished.size}/${plan.targets.length} done)`);
  if (!deps.pending) return;
  const waits = [
    ...plan.targets.map((t) => ({ name: t.host, done: session.finished.has(t.key) })),
    ...plan.fetches.map((f) => ({ name: `go mod download via ${f.kind === 'configured' ? 'GOPROXY' : redactUrl(f.goproxy)}`, done: session.blocks.has(`fetch:${f.key}`) })),
    ...plan.repos.map((r) => ({ name: `git ls-remote ${r.host}`, done: session.blocks.has(`repo:${r.key}`) })),
  ];
  deps.pending(waits.filter((w) => !w.done).map((w) => w.name), waits.filter((w) => w.done).length, waits.length);
}

/** The agent ended (or the deadline expired) before it printed its facts. */
function agentGaveUp(result: AgentRunResult): ProbeFailed {
  const why = result.timedOut ? 'did not report within the deadline' : `exited${exitCodeWords(result)} before reporting`;
  const tail = lastWords(result.stderrTail);
  return new ProbeFailed(`the probe agent ${why}${tail ? `: ${tail}` : ''}`);
}

function agentCutOff(result: AgentRunResult): ProbeFailed {
  const tail = lastWords(result.stderrTail);
  const how = result.exitCode === 137 ? 'was killed (exit 137: out of memory, or a kill)' : result.exitCode === 0 ? "'s output was cut off by the engine" : `exited${exitCodeWords(result)}`;
  return new ProbeFailed(`the probe agent ${how} before it finished probing${tail ? `: ${tail}` : ''}`, 'run it again; if it repeats, run with --debug and look at the engine (docker events, dockerd logs)');
}

/** " (code N)", or nothing when the engine had removed the container before it gave the status. */
function exitCodeWords(result: AgentRunResult): string {
  return result.exitCode === null ? '' : ` (code ${result.exitCode})`;
}

/** The agent's last two stderr lines, for an error message. */
function lastWords(stderrTail: string): string {
  return stderrTail.trim().split('\n').slice(-2).join(' ').slice(0, 300);
}
