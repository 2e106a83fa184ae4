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
