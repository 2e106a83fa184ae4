/**
 * The shape of a check. A target check judges one step of one target's chain; an
 * image check judges facts about the image. Both are pure over Evidence.
 */
import type { Category, CheckResult, Evidence, PlannedTarget, TargetEvidence } from '../src/model.js';
import { redactUrl } from '../src/secrets.js';

export interface TargetCheck {
  id: string;
  category: Category;
  title: string;
  /** The evidence step this check reads; missing evidence means "not measured". */
  step: 'dns' | 'tcp' | 'tls' | 'http';
  appliesTo(t: PlannedTarget): boolean;
  /** Ids of checks on the same target that must pass (or warn) before this one means anything. */
  needs(t: PlannedTarget): string[];
  /** How the row names its target. */
  targetName(t: PlannedTarget): string;
  evaluate(te: TargetEvidence, ev: Evidence): RowBody;
}

/** A row an image check returns: the runner adds its id and category. */
export type ImageRow = Omit<CheckResult, 'id' | 'category'>;

export interface ImageCheck {
  id: string;
  category: Category;
  title: string;
  evaluate(ev: Evidence): ImageRow[];
}

/** What a target check measures and concludes: a row without its head (id, category, target), which the runner adds. */
export type RowBody = Omit<CheckResult, 'id' | 'category' | 'target'>;

export function result(
  status: CheckResult['status'],
  summary: string,
  opts: { ms?: number | null; cause?: CheckResult['cause']; evidence?: Record<string, unknown>; fix?: string | null } = {},
): RowBody {
  return { status, summary, ms: opts.ms ?? null, cause: opts.cause ?? null, evidence: opts.evidence ?? {}, fix: opts.fix ?? null };
}

export function secs(ms: number): string {
  return `${(ms / 1000).toFixed(ms % 1000 === 0 ? 0 : 1)} s`;
}

/** How the container resolves names, in words. */
export function resolverName(ev: Evidence): string {
  const ns = ev.facts.resolvConf.nameservers;
  if (ns.includes('127.0.0.11')) {
    return ev.context.dns.length
      ? `Docker's embedded DNS (127.0.0.11, forwarding to ${ev.context.dns.join(', ')})`
      : "Docker's embedded DNS (127.0.0.11, forwarding to the daemon's resolvers)";
  }
  return ns.length ? ns.join(', ') : 'no nameserver';
}

/** A variable of the container's environment, or undefined. */
export function envValue(ev: Evidence, name: string): string | undefined {
  return ev.env.find((v) => v.name === name)?.value;
}

/** A Go setting as the go command sees it: `go env` when the image has go, else the environment, else Go's default. */
export function goValue(ev: Evidence, name: string, fallback = ''): string {
  return ev.facts.goEnv?.[name] ?? envValue(ev, name) ?? fallback;
}

/** Where a variable came from, in the user's words: the Dockerfile line or build arg when known. */
export function sourceName(v: Pick<Evidence['env'][number], 'source' | 'origin'>): string {
  if (v.origin) return v.origin;
  switch (v.source) {
    case 'image':
      return 'image ENV';
    case 'docker-config':
      return 'docker config.json proxies';
    case 'dockerfile':
      return 'Dockerfile';
    case 'build-arg':
      return '--build-arg';
    default:
      return '-e/--env-file';
  }
}

/** The image user as a Dockerfile names it (USER value), for fix lines. */
export function userRef(ev: Evidence): string {
  return ev.facts.userName ?? (ev.facts.uid !== null ? String(ev.facts.uid) : ev.user);
}

/** A proxy from the environment: judged whole by proxy-env.proxy, not step by step. */
export function isProxyOnly(t: PlannedTarget): boolean {
  return t.roles.every((r) => r === 'proxy');
}

/** A URL for a row's evidence, its password masked; null stays null. */
export function redactMaybe(url: string | null): string | null {
  return url === null ? null : redactUrl(url);
}
