/**
 * Go toolchain versions ("1.21", "1.21.0", "1.21rc1", "go1.19.8", "devel go1.23-abc…"):
 * a port of Go's src/internal/gover/gover.go (golang/go at 337f922, the version that also
 * accepts prerelease patch versions like 1.9.2rc2) plus the toolchain-name helpers of
 * cmd/go/internal/gover (toolchain.go FromToolchain, local.go). Go does not use semver for
 * its toolchains, so no npm semver package applies. Pure.
 *
 * Differences from older releases, kept in mind by callers:
 *  - Go 1.21–1.2x's cmd/go/internal/gover rejected prereleases of patch releases
 *    ("1.9.2rc2" was invalid) and took any non-digit run as the prerelease kind.
 *  - Before Go 1.21 there was no gover at all: "1.N" *was* the first release, which is why
 *    Parse still reads "1.20" as "1.20.0" but "1.21" as the language version before 1.21rc1.
 */

/** major[.minor[.patch]][kind[pre]], numbers kept as decimal strings as in Go (no overflow). */
export interface GoVersion {
  major: string;
  minor: string; // decimal or ""
  patch: string; // decimal or ""
  kind: string; // "", "alpha", "beta", "rc", or any lower-case word ("1.999testmod")
  pre: string; // decimal or ""
}

const ZERO: GoVersion = { major: '', minor: '', patch: '', kind: '', pre: '' };

function isZero(v: GoVersion): boolean {
  return !v.major && !v.minor && !v.patch && !v.kind && !v.pre;
}

/** The leading decimal of x (no unnecessary leading zero) and the rest; null when malformed (Go's cutInt). */
function cutInt(x: string): [string, string] | null {
  let i = 0;
  while (i < x.length && x[i]! >= '0' && x[i]! <= '9') i++;
  if (i === 0 || (x[0] === '0' && i !== 1)) return null;
  return [x.slice(0, i), x.slice(i)];
}

/** Go's parsePreRelease: lower-case letters, then an optional decimal. */
function parsePreRelease(x: string): [string, string] | null {
  let i = 0;
  while (i < x.length && (x[i]! < '0' || x[i]! > '9')) {
    if (x[i]! < 'a' || x[i]! > 'z') return null;
    i++;
  }
  if (i === 0) return null;
  const kind = x.slice(0, i);
  const rest = x.slice(i);
  if (rest === '') return [kind, ''];
  const n = cutInt(rest);
  if (!n || n[1] !== '') return null;
  return [kind, n[0]];
}

/** Go's gover.CmpInt: compare decimal strings by length, then lexically. */
export function cmpInt(x: string, y: string): -1 | 0 | 1 {
  if (x === y) return 0;
  if (x.length !== y.length) return x.length < y.length ? -1 : 1;
  return x < y ? -1 : 1;
}

/**
 * "go1.21.3" → "1.21.3". Go's Compare wants the bare form ("the versions x and y must not
 * begin with a go prefix"); we accept both because `go env GOVERSION` prints the prefix.
 */
export function stripGoPrefix(x: string): string {
  return /^go[0-9]/.test(x) ? x.slice(2) : x;
}

/** Go's gover.Parse; null for malformed input (Go returns the zero Version). */
export function parseGo(input: string): GoVersion | null {
  const x0 = stripGoPrefix(input);
  const v: GoVersion = { ...ZERO };
  const maj = cutInt(x0);
  if (!maj) return null;
  v.major = maj[0];
  let x = maj[1];
  if (x === '') {
    // Interpret "1" as "1.0.0".
    v.minor = '0';
    v.patch = '0';
    return v;
  }
  if (x[0] !== '.') return null;
  const min = cutInt(x.slice(1));
  if (!min) return null;
  v.minor = min[0];
  x = min[1];
  if (x === '') {
    // Patch missing is the same as "0" before Go 1.21; from 1.21 on "1.21" is the language version.
    if (cmpInt(v.minor, '21') < 0) v.patch = '0';
    return v;
  }
  if (x[0] === '.') {
    const pat = cutInt(x.slice(1));
    if (!pat) return null;
    v.patch = pat[0];
    x = pat[1];
    // Prereleases of patch releases (go1.9.2rc2 was published) — newer gover only.
    if (x !== '') {
      const pre = parsePreRelease(x);
      if (!pre) return null;
      [v.kind, v.pre] = pre;
    }
    return v;
  }
  const pre = parsePreRelease(x);
  if (!pre) return null;
  [v.kind, v.pre] = pre;
  return v;
}

/**
 * Go's gover.Compare: -1, 0, +1. Malformed versions compare less than well-formed ones and
 * equal to each other; 1.21 < 1.21rc1 < 1.21.0, but 1.20rc1 < 1.20 == 1.20.0.
 */
export function compareGo(a: string, b: string): -1 | 0 | 1 {
  const x = parseGo(a) ?? ZERO;
  const y = parseGo(b) ?? ZERO;
  let c = cmpInt(x.major, y.major);
  if (c) return c;
  c = cmpInt(x.minor, y.minor);
  if (c) return c;
  c = cmpInt(x.patch, y.patch);
  if (c) return c;
  if (x.kind !== y.kind) {
    // "" < alpha < beta < rc as plain strings; for a patch release, alpha < beta < rc < "".
    let k: -1 | 1 = x.kind < y.kind ? -1 : 1;
    if (x.patch !== '') {
      if (x.kind === '') k = 1;
      else if (y.kind === '') k = -1;
    }
    return k;
  }
  return cmpInt(x.pre, y.pre);
}

/** Go's gover.Max: the larger of a and b; a when they compare equal. */
export function maxGo(a: string, b: string): string {
  return compareGo(a, b) < 0 ? b : a;
}

/** Go's gover.IsValid. */
export function isValidGo(x: string): boolean {
  return parseGo(x) !== null;
}

/** Go's gover.IsLang: "1.21" (a language version, not a release); "1.20" is the release 1.20.0. */
export function isLangGo(x: string): boolean {
  const v = parseGo(x);
  return !!v && !isZero(v) && v.patch === '' && v.kind === '' && v.pre === '';
}

/** Go's gover.IsPrerelease. */
export function isPrereleaseGo(x: string): boolean {
  return (parseGo(x)?.kind ?? '') !== '';
}

/** Go's gover.Lang: "1.21.3" → "1.21", "1.21rc1" → "1.21", "1" → "1"; "" when malformed. */
export function langOf(x: string): string {
  const v = parseGo(x) ?? ZERO;
  if (v.minor === '' || (v.major === '1' && v.minor === '0')) return v.major;
  return `${v.major}.${v.minor}`;
}

/**
 * cmd/go/internal/gover/toolchain.go FromToolchain: the Go version in a toolchain name,
 * "go1.21.3" → "1.21.3", "go1.21.3-bigcorp" → "1.21.3" (a suffix after '-', space or tab is
 * dropped), "" when the name is not go<valid version>.
 */
export function fromToolchain(name: string): string {
  if (!name.startsWith('go')) return '';
  let v = name.slice(2);
  const i = v.search(/[ \t-]/);
  if (i >= 0) v = v.slice(0, i);
  return isValidGo(v) ? v : '';
}

/**
 * The local go command's version from `go env GOVERSION` ("go1.21.3"), `go version` output
 * ("go version go1.21.3 linux/amd64") or a bare "1.21.3". A development build
 * ("devel go1.23-4f2b1a… Tue …") reports only its language version, as in
 * cmd/go/internal/gover/local.go, where goversion.Version supplies the 1.N.
 */
export function localGoVersion(text: string): { version: string; toolchain: string; devel: boolean } | null {
  let s = text.trim().replace(/^go version\s+/, '');
  const devel = /^devel\b/.test(s);
  if (devel) {
    const m = /\bgo(1\.\d+)/.exec(s);
    return m?.[1] ? { version: m[1], toolchain: `go${m[1]}`, devel: true } : null;
  }
  s = s.split(/\s/)[0] ?? '';
  const name = s.startsWith('go') ? s : `go${s}`;
  const v = fromToolchain(name);
  return v ? { version: v, toolchain: name, devel: false } : null;
}
