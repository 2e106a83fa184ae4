/**
 * `gomod-doctor explain`: classify a pasted failing log (go mod download / go build / go get /
 * docker build, BuildKit or classic) against the field guide's failure families. Pure: text in,
 * Explanation out. Never guesses: no rule, no answer.
 */
import type { Cause } from '../model.js';
import { sanitizeLine } from '../render/sanitize.js';
import { FAMILY_TITLES, RULES, type Confidence, type Family, type FixContext, type Rule } from './rules/index.js';

/** Only the tail is read: the failure is at the end, and a 50 MB paste must not hang. */
export const MAX_LINES = 20_000;
/** Longer lines are cut before matching, which bounds every regex's work. */
const MAX_LINE_CHARS = 2_000;
/** Lines after the first hit that still count as the same failure (its continuation lines, BuildKit's ERROR summary). */
const SAME_FAILURE = 20;
const MAX_CITED = 3;
const MAX_QUOTE = 400;

export interface ExplainedLine {
  /** 1-based line number in the text as given. */
  n: number;
  text: string;
}

export interface ExplainMatch {
  family: Family;
  id: string;
  cause: Cause | null;
  meaning: string;
  fix: string;
  lines: ExplainedLine[];
}

/** Another family the primary's evidence fits as well, and why. */
export interface ExplainTie {
  family: Family;
  why: string;
}

export interface Explanation {
  /** The primary first, then the other rules that matched, in log order. */
  matches: ExplainMatch[];
  primary: ExplainMatch | null;
  lineCount: number;
  /** Lines before the tail that was read (0 unless the log is longer than MAX_LINES). */
  skippedLines: number;
  /** How sure the family of `primary` is (null without a primary); lowered one step by a tie. */
  confidence: Confidence | null;
  /** Families whose evidence in this log is as strong as the primary's; empty unless they tie. */
  tiedWith: ExplainTie[];
}

// ---- cleaning --------------------------------------------------------------------------------

// BuildKit plain progress (`#12 3.456 `, `#12 `), its ERROR summary (`3.456 `), `##[error]`, and CI
// timestamps: GitHub/Azure (`2021-12-20T22:25:17.5601760Z`), Jenkins/Buildkite (`[2021-12-20T22:25:17.560Z]`,
// `[22:25:17]`), plain `2021-12-20 22:25:17,560` and offsets (`+00:00`).
const PREFIX =
  /^(?:\[?\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d)?\]?\s+|\[\d\d:\d\d:\d\d(?:\.\d+)?\]\s+)?(?:##\[(?:error|warning)\]\s*)?(?:#\d+\s+)?(?:\d+\.\d+\s+)?/;
// The classic builder's bookkeeping and BuildKit's digests carry no error text.
const NOISE = /^(?:---> (?:Running in \w+|Using cache|[0-9a-f]{12})$|Removing intermediate container|sha256:[0-9a-f]{64}$|DONE \d|CACHED\b)/;

/** One log line as rules see it: no escapes or controls, no progress prefix, trimmed; null for noise. */
export function cleanLine(raw: string): string | null {
  const cut = raw.length > MAX_LINE_CHARS ? raw.slice(0, MAX_LINE_CHARS) : raw;
  const text = sanitizeLine(cut).trim().replace(PREFIX, '').trim();
  return text === '' || NOISE.test(text) ? null : text;
}

// ---- secrets ---------------------------------------------------------------------------------

const SECRET_PATTERNS: Array<[RegExp, string]> = [
  // scheme://user:password@host → user:***@; a lone token as the user → ***@
  [/(\b[a-z][a-z0-9+.-]*:\/\/)([^\s/@:'"]*):((?!<)[^\s/@'"]+)@/gi, '$1$2:***@'],
  [/(\b[a-z][a-z0-9+.-]*:\/\/)((?:ghp|gho|ghu|ghs|ghr|glpat|github_pat)[-_][A-Za-z0-9_-]+)@/gi, '$1***@'],
  [/\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{20,}/g, '***'],
  [/\bgithub_pat_[A-Za-z0-9_]{20,}/g, '***'],
  [/\bglpat-[A-Za-z0-9_-]{20,}/g, '***'],
  [/\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g, '***'],
  [/\bxox[abposr]-[A-Za-z0-9-]{10,}/g, '***'],
  [/\bdckr_(?:pat|jti)_[A-Za-z0-9_-]{10,}/g, '***'],
  [/\b((?:Proxy-)?Authorization:\s*(?:Bearer|Basic|token|Token)\s+)\S+/gi, '$1***'],
  [/\b([A-Z0-9_]*(?:TOKEN|PASSWORD|PASSWD|SECRET|API_?KEY)[A-Z0-9_]*=)(\S+)/gi, '$1***'],
  [/(\blogin\s+\S+\s+password\s+)(?!<)\S+/g, '$1***'],
];

/** Credentials that logs echo (URL passwords, well-known token shapes, auth headers) replaced by ***. */
export function maskSecrets(text: string): string {
  return SECRET_PATTERNS.reduce((s, [re, to]) => s.replace(re, to), text);
}

// ---- matching --------------------------------------------------------------------------------

interface Scanned {
  n: number;
  text: string;
}

interface Hit {
  rule: Rule;
  order: number;
  m: RegExpExecArray;
  at: number; // index into the scanned lines
  lines: ExplainedLine[];
}

/** Offset where the last `max` lines begin, and how many lines come before it. */
function tail(text: string, max: number): { start: number; skipped: number } {
  let pos = text.endsWith('\n') ? text.length - 1 : text.length;
  for (let i = 0; i < max; i++) {
    if (pos === 0) return { start: 0, skipped: 0 };
    const nl = text.lastIndexOf('\n', pos - 1);
    if (nl < 0) return { start: 0, skipped: 0 };
    pos = nl;
  }
  let skipped = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < pos; i = text.indexOf('\n', i + 1)) skipped++;
  return { start: pos + 1, skipped: skipped + 1 };
}

function quote(text: string): string {
  const masked = maskSecrets(text);
  return masked.length > MAX_QUOTE ? `${masked.slice(0, MAX_QUOTE - 1)}…` : masked;
}

function matchLine(rule: Rule, scanned: Scanned[], i: number): { m: RegExpExecArray; extra: Scanned | null } | null {
  const text = scanned[i]!.text;
  for (const p of rule.patterns) {
    p.lastIndex = 0;
    const m = p.exec(text);
    if (!m) continue;
    if (!rule.followedBy) return { m, extra: null };
    const limit = Math.min(scanned.length, i + 1 + rule.followedBy.within);
    for (let j = i + 1; j < limit; j++) if (rule.followedBy.pattern.test(scanned[j]!.text)) return { m, extra: scanned[j]! };
  }
  return null;
}

function toMatch(hit: Hit, scanned: Scanned[]): ExplainMatch {
  const near: FixContext = { near: scanned.slice(Math.max(0, hit.at - 6), hit.at + 4).map((s) => s.text) };
  const fix = typeof hit.rule.fix === 'string' ? hit.rule.fix : hit.rule.fix(hit.m, near);
  return {
    family: hit.rule.family,
    id: hit.rule.id,
    cause: hit.rule.cause ?? null,
    meaning: hit.rule.meaning,
    fix: maskSecrets(fix),
    lines: hit.lines,
  };
}

export function explainLog(text: string): Explanation {
  const { start, skipped } = tail(text, MAX_LINES);
  const raw = text.slice(start).split('\n');
  if (raw.length && raw[raw.length - 1] === '') raw.pop();
  const lineCount = skipped + raw.length;

  const scanned: Scanned[] = [];
  raw.forEach((line, k) => {
    const n = skipped + k + 1;
    // A fixture's provenance line is not log text.
    if (n === 1 && line.startsWith('# source:')) return;
    const clean = cleanLine(line);
    if (clean !== null) scanned.push({ n, text: clean });
  });

  const hits = new Map<string, Hit>();
  for (let i = 0; i < scanned.length; i++) {
    RULES.forEach((rule, order) => {
      const found = matchLine(rule, scanned, i);
      if (!found) return;
      const cited = [scanned[i]!, ...(found.extra ? [found.extra] : [])].map((s) => ({ n: s.n, text: quote(s.text) }));
      const prev = hits.get(rule.id);
      if (!prev) hits.set(rule.id, { rule, order, m: found.m, at: i, lines: cited });
      else for (const c of cited) if (prev.lines.length < MAX_CITED && !prev.lines.some((l) => l.n === c.n)) prev.lines.push(c);
    });
  }

  const all = [...hits.values()].sort((a, b) => a.lines[0]!.n - b.lines[0]!.n || a.order - b.order);
  if (all.length === 0) return { matches: [], primary: null, lineCount, skippedLines: skipped, confidence: null, tiedWith: [] };
  // The first failure in the log is the root cause; within its block the most specific rule names it.
  const first = all[0]!.lines[0]!.n;
  const block = all.filter((h) => h.lines[0]!.n <= first + SAME_FAILURE);
  const best = block.reduce((a, b) => (b.rule.specificity > a.rule.specificity ? b : a));
  // A hit whose lines a more specific hit already explains adds nothing (tcp.timeout inside a sumdb lookup).
  const subsumed = (h: Hit) =>
    all.some((o) => o !== h && o.rule.specificity > h.rule.specificity && h.lines.every((l) => o.lines.some((x) => x.n === l.n)));
  const rest = all.filter((h) => h !== best && !subsumed(h));
  const ordered = [best, ...rest].map((h) => toMatch(h, scanned));
  const tiedWith = tiesOf(best, block);
  const own = best.rule.confidence ?? 'high';
  const confidence = tiedWith.length ? LOWER[own] : own;
  return { matches: ordered, primary: ordered[0]!, lineCount, skippedLines: skipped, confidence, tiedWith };
}

const LOWER: Record<Confidence, Confidence> = { high: 'medium', medium: 'low', low: 'low' };

/**
 * Families the winner ties with: the one its rule declares (when its `when` fits the line), and
 * any other family's hit in the same failure block that is exactly as specific. Saying so beats
 * picking one of two equally supported answers (issue 19).
 */
function tiesOf(best: Hit, block: Hit[]): ExplainTie[] {
  const ties: ExplainTie[] = [];
  for (const d of best.rule.ties ?? []) {
    if (d.family !== best.rule.family && (!d.when || d.when.test(best.m.input))) ties.push({ family: d.family, why: d.why });
  }
  for (const h of block) {
    if (h === best || h.rule.family === best.rule.family || h.rule.specificity !== best.rule.specificity) continue;
    if (ties.some((t) => t.family === h.rule.family)) continue;
    ties.push({ family: h.rule.family, why: `${h.rule.id} at L${h.lines[0]!.n} matches as strongly` });
  }
  return ties;
}

// ---- output ----------------------------------------------------------------------------------

const BOLD = '\u001b[1m';
const RED = '\u001b[31m';
const DIM = '\u001b[2m';
const RESET = '\u001b[0m';

export function renderExplanation(e: Explanation, style: { color: boolean }): string {
  const paint = (code: string, s: string) => (style.color ? `${code}${s}${RESET}` : s);
  const out: string[] = [];
  const p = e.primary;
  if (!p) {
    out.push(
      `No known failure in this log: none of the ${RULES.length} known failure patterns matched its ${e.lineCount} lines.`,
      `Paste the full output (docker build --progress=plain, go mod download -x), or probe the build itself: gomod-doctor --image <builder image> (or --dockerfile Dockerfile).`,
    );
  } else {
    out.push(`${paint(BOLD + RED, `Family: ${FAMILY_TITLES[p.family]}`)} — ${p.id}${p.cause ? ` (cause ${p.cause})` : ''}`);
    if (e.confidence && e.confidence !== 'high') {
      out.push(`${paint(BOLD, 'Confidence:')} ${e.confidence}${e.tiedWith.length ? '' : ' (this line is a symptom several families share)'}`);
      for (const t of e.tiedWith) out.push(`  fits ${FAMILY_TITLES[t.family]} as well: ${sanitizeLine(t.why)}`);
    }
    out.push(
      `${paint(BOLD, 'Meaning:')} ${sanitizeLine(p.meaning)}`,
      `${paint(BOLD, 'Fix:')}`,
      ...p.fix.split('\n').map((l) => `  ${sanitizeLine(l)}`),
      `${paint(BOLD, 'From the log:')}`,
      ...p.lines.map((l) => `  L${l.n}: ${l.text}`),
    );
    const others = e.matches.slice(1);
    if (others.length) {
      out.push(paint(DIM, 'Also in the log:'));
      for (const o of others) out.push(paint(DIM, `  ${o.id} (${FAMILY_TITLES[o.family]}) at L${o.lines.map((l) => l.n).join(', L')}`));
    }
  }
  if (e.skippedLines) out.push(paint(DIM, `(Read the last ${e.lineCount - e.skippedLines} of ${e.lineCount} lines; the first ${e.skippedLines} were skipped.)`));
  return `${out.join('\n')}\n`;
}

/** The --json document: one object, version 1. */
export function explanationJson(e: Explanation): string {
  const doc = { version: 1, lineCount: e.lineCount, skippedLines: e.skippedLines, primary: e.primary, matches: e.matches, confidence: e.confidence, tiedWith: e.tiedWith };
  return `${JSON.stringify(doc, null, 2)}\n`;
}
