/**
 * go-env: the Go settings `go mod download` will use, read with `go env -json` as the
 * image user (or from the environment when the image has no go), each validated by
 * the go command's own rules. Pure over Evidence.
 */
import { DEFAULT_GOPROXY, DEFAULT_GOSUMDB, parseGoproxy } from '../src/go/goproxy-list.js';
import type { CheckResult, Evidence } from '../src/model.js';
import { goValue, type ImageCheck, sourceName, userRef } from './check.js';

type Row = Omit<CheckResult, 'id' | 'category'>;

function row(target: string | null, status: Row['status'], summary: string, opts: { cause?: Row['cause']; fix?: string | null; evidence?: Record<string, unknown> } = {}): Row {
  return { target, status, ms: null, summary, cause: opts.cause ?? null, evidence: opts.evidence ?? {}, fix: opts.fix ?? null };
}

/** Where a Go setting's value comes from, for the summary. */
export function settingSource(ev: Evidence, name: string): string {
  const v = ev.env.find((e) => e.name === name);
  if (v) return sourceName(v.source);
  return ev.facts.goEnv ? 'go env: default or go.env' : 'Go default';
}

/** go-env.go: the go command itself, as the image user. */
export const goEnvGo = {
  id: 'go-env.go',
  category: 'go-env',
  title: 'go command',
  evaluate(ev: Evidence): Row[] {
    const f = ev.facts;
    if (f.goEnv) {
      const version = f.goEnv.GOVERSION ?? 'unknown version';
      return [row(f.tools.go ?? 'go', 'pass', `${version} · go env -json ran as ${userRef(ev)}`, { evidence: { version, path: f.tools.go ?? null } })];
    }
    if (!f.tools.go) {
      return [
        row(null, 'warn', `no go command in PATH for ${userRef(ev)}: Go settings below are read from the environment and Go's defaults`, {
          cause: 'go.missing',
          fix: 'probe the image that runs `go mod download` (FROM golang:1.x), or put go on PATH: ENV PATH=/usr/local/go/bin:$PATH',
        }),
      ];
    }
    const message = f.goEnvError ?? 'go env failed';
    const fix = /GOFLAGS/.test(message)
      ? 'fix GOFLAGS: it must be space-separated -flag=value settings'
      : /GOPROXY|GOSUMDB|GOTOOLCHAIN|GOENV/.test(message)
        ? 'fix the setting go env names above (ENV in the Dockerfile, or -e)'
        : 'run `go env` in the image to see why it fails';
    return [row(f.tools.go, 'fail', message, { cause: 'go.env_failed', fix, evidence: { error: message } })];
  },
} satisfies ImageCheck;

/** The corrected spelling of a GOPROXY entry, for the fix line. */
function suggestEntry(raw: string): string {
  if (/^dir/i.test(raw)) return 'direct';
  if (/^of/i.test(raw)) return 'off';
  return `https://${raw}`;
}

/** go-env.goproxy: list syntax, keywords, and what `,` means. */
export const goEnvGoproxy = {
  id: 'go-env.goproxy',
  category: 'go-env',
  title: 'GOPROXY',
  evaluate(ev: Evidence): Row[] {
    const value = goValue(ev, 'GOPROXY', DEFAULT_GOPROXY) || DEFAULT_GOPROXY;
    const shown = `GOPROXY=${value} (${settingSource(ev, 'GOPROXY')})`;
    const entries = parseGoproxy(value);
    const evidence = { value, entries };
    const invalid = entries.filter((e) => e.kind === 'invalid');
    if (invalid.length) {
      const fixed = entries.map((e) => (e.kind === 'invalid' ? suggestEntry(e.raw) : e.raw));
      const seps = [...value.matchAll(/[,|]/g)].map((m) => m[0]);
      const line = fixed.map((e, i) => e + (seps[i] ?? '')).join('');
      return [
        row('GOPROXY', 'fail', `${shown}: ${invalid.map((e) => `"${e.raw}" ${e.kind === 'invalid' ? e.reason : ''}`).join('; ')} — the go command rejects the whole list and every download fails`, {
          cause: 'go.goproxy_invalid',
          evidence,
          fix: `ENV GOPROXY=${line}`,
        }),
      ];
    }
    if (entries[0]?.kind === 'off') {
      const vendored = /-mod=vendor/.test(goValue(ev, 'GOFLAGS'));
      return [
        row('GOPROXY', vendored ? 'pass' : 'warn', `${shown}: module downloads are disabled ("module lookup disabled by GOPROXY=off")${vendored ? '; fine with -mod=vendor' : ''}`, {
          cause: vendored ? null : 'go.goproxy_off',
          evidence,
          fix: vendored ? null : 'vendor the modules (go mod vendor, GOFLAGS=-mod=vendor) or set ENV GOPROXY=https://proxy.golang.org,direct',
        }),
      ];
    }
    const urls = entries.filter((e) => e.kind === 'url');
    const commaAfterUrl = urls.filter((e) => e.fallthrough === 'notfound' && entries[entries.indexOf(e) + 1]?.kind === 'url');
    if (commaAfterUrl.length) {
      // Between two proxies "|"; before direct/off the user's separator stays.
      const piped = entries.map((e, i) => e.raw + (e.fallthrough === null ? '' : e.kind === 'url' && entries[i + 1]?.kind === 'url' ? '|' : e.fallthrough === 'any' ? '|' : ',')).join('');
      return [
        row('GOPROXY', 'warn', `${shown}: with "," the go command moves on from ${commaAfterUrl.map((e) => e.raw).join(', ')} only on 404/410; a timeout or 5xx there fails the download instead of trying the next proxy`, {
          cause: 'go.goproxy_comma',
          evidence,
          fix: `to fall through on any error use "|": ENV GOPROXY=${piped}`,
        }),
      ];
    }
    return [row('GOPROXY', 'pass', shown, { evidence })];
  },
} satisfies ImageCheck;

const KNOWN_SUMDB = ['sum.golang.org', 'sum.golang.google.cn'];

/** go-env.gosumdb: off is a risk; a custom database needs its key. */
export const goEnvGosumdb = {
  id: 'go-env.gosumdb',
  category: 'go-env',
  title: 'GOSUMDB',
  evaluate(ev: Evidence): Row[] {
    const value = (goValue(ev, 'GOSUMDB', DEFAULT_GOSUMDB) || DEFAULT_GOSUMDB).trim();
    const shown = `GOSUMDB=${value} (${settingSource(ev, 'GOSUMDB')})`;
    if (value === 'off') {
      return [
        row('GOSUMDB', 'warn', `${shown}: downloaded modules are not checked against the checksum database, so a compromised or faulty proxy could serve altered code unnoticed`, {
          cause: 'go.gosumdb_off',
          fix: 'remove GOSUMDB=off; exempt only private modules: ENV GOPRIVATE=<your module patterns> (or GONOSUMDB)',
        }),
      ];
    }
    const [nameKey = '', url, ...extra] = value.split(/\s+/);
    const parts = nameKey.split('+');
    const name = parts[0] ?? '';
    let problem: string | null = null;
    if (extra.length) problem = 'too many fields: expected NAME[+HASH+KEY] [URL]';
    else if (parts.length === 1 && !KNOWN_SUMDB.includes(name)) problem = `"${name}" is not a database the go command knows: a custom database needs its public key (name+hash+key)`;
    else if (parts.length > 1 && !/^[^+]+\+[0-9a-f]{8}\+[A-Za-z0-9+/=]+$/.test(nameKey)) problem = 'the key is not in the name+hash+base64 form `go` expects';
    else if (url && !/^https?:\/\/[^/\s]+/.test(url)) problem = `"${url}" is not an http(s) URL`;
    if (problem) {
      return [row('GOSUMDB', 'fail', `${shown}: ${problem} — every checksum lookup fails ("verifying module: invalid GOSUMDB")`, { cause: 'go.gosumdb_invalid', fix: `ENV GOSUMDB=${DEFAULT_GOSUMDB}  (or the full key of your database)` })];
    }
    const kind = parts.length > 1 ? ' · custom database with its key' : '';
    return [row('GOSUMDB', 'pass', `${shown}${kind}${url ? ` · via ${url}` : ''}`)];
  },
} satisfies ImageCheck;
