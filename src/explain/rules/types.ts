/** The shape of an `explain` rule, the families it names and their display titles. */
import type { Cause } from '../../model.js';

export type Family =
  | 'dns'
  | 'tcp'
  | 'tls-stall'
  | 'tls-trust'
  | 'proxy-env'
  | 'goproxy'
  | 'private-auth'
  | 'filesystem'
  | 'toolchain'
  | 'base-image'
  | 'build-context';

/** Display names, in the field guide's order. */
export const FAMILY_TITLES: Record<Family, string> = {
  dns: 'DNS',
  tcp: 'TCP',
  'tls-stall': 'TLS stall',
  'tls-trust': 'TLS trust',
  'proxy-env': 'Proxy environment',
  goproxy: 'GOPROXY / checksum database',
  'private-auth': 'Private module access',
  filesystem: 'Filesystem',
  toolchain: 'Go toolchain',
  'base-image': 'Base image pull (docker)',
  'build-context': 'Build context (docker)',
};

/**
 * How sure `explain` is of the family it names. `high`: a message only that family produces.
 * `medium`: a symptom several families share, or a tie (the evidence fits another family as
 * well). `low`: a symptom that also ties. See docs/explain.md, "Confidence".
 */
export type Confidence = 'high' | 'medium' | 'low';

/** Cleaned log lines around a rule's first hit (up to 6 before, 3 after), for fixes that need more than the line. */
export interface FixContext {
  near: readonly string[];
}

export interface Rule {
  family: Family;
  /** Stable: `<family>.<name>`; tests and --json compare it. */
  id: string;
  cause?: Cause;
  /** 0–100. Among the first failure's lines the most specific rule wins (a sumdb timeout over a bare TCP timeout). */
  specificity: number;
  /** Any one matching a line is a hit. */
  patterns: RegExp[];
  /** The hit counts only when a later line within `within` lines matches too (multi-line go errors). */
  followedBy?: { pattern: RegExp; within: number };
  /**
   * Other families the same evidence fits as well (a proxy handshake that times out: the proxy
   * URL or the link's MTU). `explain` then names them and lowers its confidence one step.
   * `when`, if given, must match the hit line for that tie to apply.
   */
  ties?: Array<{ family: Family; why: string; when?: RegExp }>;
  /** Below `high` when the line is a symptom more than a cause (a bare client timeout). Default `high`. */
  confidence?: Exclude<Confidence, 'high'>;
  meaning: string;
  fix: string | ((m: RegExpExecArray, ctx: FixContext) => string);
}
