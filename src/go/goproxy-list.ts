/**
 * GOPROXY and GOSUMDB values as the go command reads them. Pure.
 * See cmd/go/internal/modfetch/proxy.go: `,` falls through only on 404/410,
 * `|` on any error; `direct` and `off` are keywords.
 */

export const DEFAULT_GOPROXY = 'https://proxy.golang.org,direct';
export const DEFAULT_GOSUMDB = 'sum.golang.org';

export type GoproxyEntry =
  | { kind: 'url'; url: string; raw: string; fallthrough: 'notfound' | 'any' | null }
  | { kind: 'direct' | 'off'; raw: string; fallthrough: 'notfound' | 'any' | null }
  | { kind: 'invalid'; raw: string; fallthrough: 'notfound' | 'any' | null; reason: string };

/**
 * Split a GOPROXY list. `fallthrough` says what separator follows an entry:
 * `notfound` for `,`, `any` for `|`, null for the last one.
 */
export function parseGoproxy(value: string): GoproxyEntry[] {
  const out: GoproxyEntry[] = [];
  const re = /([^,|]*)([,|]?)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(value)) !== null) {
    const raw = (m[1] ?? '').trim();
    const sep = m[2];
    const fallthrough = sep === ',' ? 'notfound' : sep === '|' ? 'any' : null;
    if (raw) out.push(classify(raw, fallthrough));
    if (!sep) break;
  }
  return out;
}

function classify(raw: string, fallthrough: 'notfound' | 'any' | null): GoproxyEntry {
  if (raw === 'direct' || raw === 'off') return { kind: raw, raw, fallthrough };
  // cmd/go: single-word tokens are reserved for keywords; anything with '.', ':' or '/'
  // but no ":/" gets an implicit https:// (so athens:3000 is https://athens:3000).
  if (!/[.:/]/.test(raw)) {
    const hint = /^dir|^DIRECT$/i.test(raw) ? ' (a typo of direct?)' : '';
    return { kind: 'invalid', raw, fallthrough, reason: `single words are reserved for keywords${hint}` };
  }
  const withScheme = raw.includes(':/') || raw.startsWith('/') ? raw : `https://${raw}`;
  try {
    const u = new URL(withScheme);
    if (!['http:', 'https:', 'file:'].includes(u.protocol)) {
      return { kind: 'invalid', raw, fallthrough, reason: `unsupported scheme ${u.protocol}` };
    }
    if (u.protocol !== 'file:' && !u.hostname) return { kind: 'invalid', raw, fallthrough, reason: 'no host' };
    return { kind: 'url', url: withScheme.replace(/\/+$/, ''), raw, fallthrough };
  } catch {
    return { kind: 'invalid', raw, fallthrough, reason: 'not a URL' };
  }
}

/** The host and URL a GOSUMDB value points at (`name`, `name+key`, `name+key url`), or null for off. */
export function sumdbEndpoint(value: string): { name: string; url: string } | null {
  const v = value.trim();
  if (!v || v === 'off') return null;
  const [nameKey = '', url] = v.split(/\s+/);
  const name = nameKey.split('+')[0] ?? '';
  if (url) return { name, url: url.replace(/\/+$/, '') };
  if (!name) return null;
  return { name, url: `https://${name}` };
}

/**
 * A module path as the proxy protocol spells it (golang.org/x/mod/module.EscapePath):
 * each upper-case letter becomes '!' and its lower case.
 */
export function escapeModulePath(path: string): string {
  return path.replace(/[A-Z]/g, (c) => `!${c.toLowerCase()}`);
}

/** `<proxy>/<escaped module>/@v/<version>.zip` for MODULE@VERSION. */
export function moduleZipUrl(proxy: string, moduleAtVersion: string): string {
  const at = moduleAtVersion.lastIndexOf('@');
  return `${proxy.replace(/\/+$/, '')}/${escapeModulePath(moduleAtVersion.slice(0, at))}/@v/${escapeModulePath(moduleAtVersion.slice(at + 1))}.zip`;
}

/** How one GOPROXY entry answered on its own: served it, "not found" (404/410), or another error. */
export type EntryAnswer = 'ok' | 'notfound' | 'error';

export interface ListStep {
  entry: string;
  answer: EntryAnswer | 'unknown';
  /** What the go command does next. */
  then: 'served' | 'next' | 'stop';
}

/**
 * What the go command does with a GOPROXY list, given how each entry answers on its
 * own (cmd/go/internal/modfetch/proxy.go TryProxies): it stops at the first success;
 * after `,` it tries the next entry only on 404/410, after `|` on any error; `off`
 * answers "not found" (module lookup disabled). The list fails when it runs out.
 */
export function predictFallthrough(entries: GoproxyEntry[], answerOf: (entry: GoproxyEntry) => EntryAnswer | 'unknown'): { steps: ListStep[]; servedBy: string | null } {
  const steps: ListStep[] = [];
  for (const e of entries) {
    const name = e.kind === 'url' ? e.url : e.raw;
    const answer = e.kind === 'off' ? 'notfound' : answerOf(e);
    if (answer === 'ok') {
      steps.push({ entry: name, answer, then: 'served' });
      return { steps, servedBy: name };
    }
    const falls = answer === 'notfound' || e.fallthrough === 'any';
    steps.push({ entry: name, answer, then: falls && e.fallthrough !== null ? 'next' : 'stop' });
    if (steps.at(-1)!.then === 'stop') break;
  }
  return { steps, servedBy: null };
}

/**
 * Where the go command sends checksum-database traffic (cmd/go/internal/modfetch/sumdb.go
 * initBase): to the first GOPROXY entry whose `/sumdb/<name>/supported` answers 200; past
 * an entry answering 404/410 (or any error after `|`) to the next; at `direct`, `off` or
 * the end of the list to GOSUMDB itself. Another error at a `,` entry makes the database
 * unavailable: the go command does not go direct then.
 */
export function predictSumdbRoute(entries: GoproxyEntry[], supportedAnswer: (url: string) => EntryAnswer | 'unknown'): { via: 'proxy'; proxy: string } | { via: 'direct'; skipped: string[] } | { via: 'unavailable'; proxy: string } {
  const skipped: string[] = [];
  for (const e of entries) {
    if (e.kind !== 'url') break; // direct, off (and an invalid entry, which fails earlier anyway)
    const answer = supportedAnswer(e.url);
    if (answer === 'ok') return { via: 'proxy', proxy: e.url };
    if (answer === 'notfound' || e.fallthrough === 'any') {
      skipped.push(e.url);
      continue;
    }
    return { via: 'unavailable', proxy: e.url };
  }
  return { via: 'direct', skipped };
}
