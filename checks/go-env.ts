/**
 * go-env: the Go settings `go mod download` will use, read with `go env -json` as the
 * image user (or from the environment when the image has no go), each validated by
 * the go command's own rules. Pure over Evidence.
 */
import { lintGoauth } from '../src/go/goauth.js';
import { lintGoflags } from '../src/go/goflags.js';
import { goModLookup, parseGotoolchain, toolchainNeed } from '../src/go/gomod-file.js';
import { DEFAULT_GOPROXY, DEFAULT_GOSUMDB, parseGoproxy } from '../src/go/goproxy-list.js';
import { localGoVersion } from '../src/go/gover.js';
import { lintPrivatePatterns, matchPrefixPatterns } from '../src/go/module-pattern.js';
import type { Evidence } from '../src/model.js';
import { goValue, type ImageCheck, sourceName, userRef, type ImageRow } from './check.js';
import { redactUrl } from '../src/secrets.js';

function row(target: string | null, status: ImageRow['status'], summary: string, opts: { cause?: ImageRow['cause']; fix?: string | null; evidence?: Record<string, unknown> } = {}): ImageRow {
  return { target, status, ms: null, summary, cause: opts.cause ?? null, evidence: opts.evidence ?? {}, fix: opts.fix ?? null };
}

/** Where a Go setting's value comes from, for the summary. */
export function settingSource(ev: Evidence, name: string): string {
  const v = ev.env.find((e) => e.name === name);
  if (v) return sourceName(v);
  return ev.facts.goEnv ? 'go env: default or go.env' : 'Go default';
}

/** go-env.go: the go command itself, as the image user. */
export const goEnvGo = {
  id: 'go-env.go',
  category: 'go-env',
  title: 'go command',
  evaluate(ev: Evidence): ImageRow[] {
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
  evaluate(ev: Evidence): ImageRow[] {
    const value = goValue(ev, 'GOPROXY', DEFAULT_GOPROXY) || DEFAULT_GOPROXY;
    let shown = `GOPROXY=${redactUrl(value)} (${settingSource(ev, 'GOPROXY')})`;
    // Credentials in a proxy URL (go env -w GOPROXY=https://user:token@...) never reach a row.
    const entries = parseGoproxy(value).map((e) => ({ ...e, raw: redactUrl(e.raw), ...(e.kind === 'url' ? { url: redactUrl(e.url) } : {}) }));
    const evidence = { value: redactUrl(value), entries };
    const invalid = entries.filter((e) => e.kind === 'invalid');
    // An entry without a scheme is valid Go: the go command adds https:// (cmd/go proxyList).
    const bare = !invalid.length && entries.some((e) => e.kind === 'url' && !/^[a-z][a-z0-9+.-]*:/i.test(e.raw));
    const readAs = entries.map((e) => (e.kind === 'url' ? e.url : e.raw) + (e.fallthrough === 'notfound' ? ',' : e.fallthrough === 'any' ? '|' : '')).join('');
    if (bare) shown += ` — the go command reads it as ${readAs}`;
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
  evaluate(ev: Evidence): ImageRow[] {
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

/** The module path a private repo serves (host/path, no scheme, user or .git), as GOPRIVATE patterns see it. */
export function modulePathOf(repo: { kind: string; url: string; host: string }): string {
  if (repo.kind === 'module') return repo.url;
  const scp = /^(?:[^@/]+@)?([^:/]+):(?!\/\/)(.*)$/.exec(repo.url);
  const path = scp ? scp[2]! : repo.url.replace(/^[a-z]+:\/\/[^/]+/i, '');
  return `${repo.host}/${path.replace(/^\/+/, '').replace(/\.git$/, '')}`;
}

function goVersionOf(ev: Evidence): string | undefined {
  const v = ev.facts.goEnv?.GOVERSION;
  return v && localGoVersion(v) ? v : undefined;
}

/** go-env.private: GOPRIVATE/GONOPROXY/GONOSUMDB patterns, and whether they cover the private repos. */
export const goEnvPrivate = {
  id: 'go-env.private',
  category: 'go-env',
  title: 'GOPRIVATE, GONOPROXY, GONOSUMDB',
  evaluate(ev: Evidence): ImageRow[] {
    const goprivate = goValue(ev, 'GOPRIVATE');
    const noproxy = goValue(ev, 'GONOPROXY') || goprivate;
    const nosumdb = goValue(ev, 'GONOSUMDB') || goprivate;
    const modules = ev.repos.map((r) => modulePathOf(r.repo));
    if (!goprivate && !goValue(ev, 'GONOPROXY') && !goValue(ev, 'GONOSUMDB') && modules.length === 0) return [];
    const rows: ImageRow[] = [];
    for (const name of ['GOPRIVATE', 'GONOPROXY', 'GONOSUMDB']) {
      for (const p of lintPrivatePatterns(goValue(ev, name), name)) {
        rows.push(row(name, p.severity === 'error' ? 'fail' : 'warn', `${name} entry ${JSON.stringify(p.pattern)}: ${p.problem}`, { cause: 'go.pattern', fix: p.fix ? `${name}: ${p.fix}` : null, evidence: { ...p } }));
      }
    }
    const viaProxy = parseGoproxy(goValue(ev, 'GOPROXY', DEFAULT_GOPROXY) || DEFAULT_GOPROXY).find((e) => e.kind === 'url');
    const sumdbOff = (goValue(ev, 'GOSUMDB', DEFAULT_GOSUMDB) || DEFAULT_GOSUMDB).trim() === 'off';
    for (const mod of modules) {
      if (viaProxy && !matchPrefixPatterns(noproxy, mod)) {
        rows.push(row(mod, 'fail', `no GOPRIVATE/GONOPROXY pattern matches ${mod}: the go command asks ${redactUrl(viaProxy.raw)} for it, which cannot see private code (404/410) and learns its path`, {
          cause: 'go.private_leak',
          // A pattern matches a path prefix: host/org covers every repo under it.
          fix: `ENV GOPRIVATE=${mod.split('/').slice(0, 2).join('/')}${goprivate ? `,${goprivate}` : ''}`,
        }));
      } else if (!sumdbOff && !matchPrefixPatterns(nosumdb, mod)) {
        const covered = matchPrefixPatterns(noproxy, mod) ? `GONOPROXY covers ${mod} but GONOSUMDB does not` : `no GONOSUMDB/GOPRIVATE pattern matches ${mod}`;
        rows.push(row(mod, 'fail', `${covered}: its checksum is looked up in the public checksum database and the download fails ("verifying module: ... 404/410")`, {
          cause: 'go.nosumdb_gap',
          fix: `use GOPRIVATE (it sets both): ENV GOPRIVATE=${mod.split('/').slice(0, 2).join('/')}`,
        }));
      }
    }
    if (rows.length === 0) {
      const covered = modules.length ? ` · covers ${modules.join(', ')}` : '';
      rows.push(row('GOPRIVATE', 'pass', `GOPRIVATE=${goprivate || '(unset)'}${goValue(ev, 'GONOPROXY') ? ` GONOPROXY=${goValue(ev, 'GONOPROXY')}` : ''}${goValue(ev, 'GONOSUMDB') ? ` GONOSUMDB=${goValue(ev, 'GONOSUMDB')}` : ''}${covered}`));
    }
    return rows;
  },
} satisfies ImageCheck;

/** go-env.goinsecure: modules fetched without TLS verification. */
export const goEnvGoinsecure = {
  id: 'go-env.goinsecure',
  category: 'go-env',
  title: 'GOINSECURE',
  evaluate(ev: Evidence): ImageRow[] {
    const value = goValue(ev, 'GOINSECURE');
    if (!value) return [];
    const lint = lintPrivatePatterns(value, 'GOINSECURE').map((p) => `${JSON.stringify(p.pattern)}: ${p.problem}`);
    return [
      row('GOINSECURE', 'warn', `GOINSECURE=${value}: modules matching it are fetched over plain HTTP or without certificate checks${lint.length ? `; ${lint.join('; ')}` : ''}`, {
        cause: 'go.insecure',
        fix: 'trust the server instead: install its CA in the image (update-ca-certificates) and drop GOINSECURE',
      }),
    ];
  },
} satisfies ImageCheck;

/** go-env.goauth: GOAUTH (Go 1.24+) syntax, and whether this go knows it. */
export const goEnvGoauth = {
  id: 'go-env.goauth',
  category: 'go-env',
  title: 'GOAUTH',
  evaluate(ev: Evidence): ImageRow[] {
    const value = goValue(ev, 'GOAUTH');
    if (!value) return [];
    const problems = lintGoauth(value, goVersionOf(ev));
    if (problems.length === 0) return [row('GOAUTH', 'pass', `GOAUTH=${value}`)];
    return problems.map((p) =>
      row('GOAUTH', p.severity === 'fatal' ? 'fail' : p.severity === 'warning' ? 'warn' : 'pass', `GOAUTH entry ${JSON.stringify(p.entry)}: ${p.problem}`, {
        cause: p.severity === 'info' ? null : 'go.goauth',
        fix: p.severity === 'info' ? null : p.fix,
      }),
    );
  },
} satisfies ImageCheck;

/** go-env.goflags: flags every go command in the build gets. */
export const goEnvGoflags = {
  id: 'go-env.goflags',
  category: 'go-env',
  title: 'GOFLAGS',
  evaluate(ev: Evidence): ImageRow[] {
    const value = goValue(ev, 'GOFLAGS');
    if (!value.trim()) return [];
    const vendor = ev.context.gomod?.vendor;
    const problems = lintGoflags(value, goVersionOf(ev)).filter((p) => !(vendor && /-mod=vendor/.test(p.flag)));
    if (problems.length === 0) return [row('GOFLAGS', 'pass', `GOFLAGS=${value}${vendor ? ' · vendor/modules.txt is next to --gomod' : ''}`)];
    return problems.map((p) => {
      const noVendor = /-mod=vendor/.test(p.flag) && ev.context.gomod && !vendor ? ` — and there is no vendor/modules.txt next to ${ev.context.gomod.path}` : '';
      const status: ImageRow['status'] = p.severity === 'fatal' || p.severity === 'error' || noVendor ? 'fail' : p.severity === 'warning' ? 'warn' : 'pass';
      return row('GOFLAGS', status, `GOFLAGS entry ${p.flag}: ${p.problem}${noVendor}${p.message ? ` ("${p.message}")` : ''}`, { cause: status === 'pass' ? null : 'go.goflags', fix: status === 'pass' ? null : p.fix });
    });
  },
} satisfies ImageCheck;

/** go-env.toolchain: GOTOOLCHAIN, and whether this go satisfies --gomod's go/toolchain lines. */
export const goEnvToolchain = {
  id: 'go-env.toolchain',
  category: 'go-env',
  title: 'Go toolchain',
  evaluate(ev: Evidence): ImageRow[] {
    const gotoolchain = goValue(ev, 'GOTOOLCHAIN');
    const gomod = ev.context.gomod;
    const local = goVersionOf(ev);
    if (!gomod && !gotoolchain) return [];
    if (gotoolchain) {
      const setting = parseGotoolchain(gotoolchain);
      if (!setting.ok) return [row('GOTOOLCHAIN', 'fail', setting.error, { cause: 'go.toolchain', fix: 'ENV GOTOOLCHAIN=local  (or auto, or go1.N.P+auto)' })];
    }
    if (!gomod) return [row('GOTOOLCHAIN', 'pass', `GOTOOLCHAIN=${gotoolchain}`)];
    if (!local) return [row(gomod.path, 'skip', 'no go version to compare with (no go command in the image)', { cause: 'tool.missing' })];
    const need = toolchainNeed(local, gomod.text, gotoolchain, { filename: gomod.path });
    const evidence = { ...need, local, gotoolchain };
    if (need.action === 'ok') return [row(gomod.path, 'pass', `${local} satisfies ${gomod.path}: ${need.why}`, { evidence })];
    if (need.action === 'switch') {
      const how = need.via === 'download' ? `downloads ${need.toolchain} through GOPROXY first (the module golang.org/toolchain, ~70 MB, on every build without a cache)` : `runs ${need.toolchain} from PATH`;
      return [
        row(gomod.path, 'warn', `${local} is older than ${gomod.path} asks for: the go command ${how}`, {
          cause: 'go.toolchain',
          evidence,
          fix: `build FROM golang:${need.toolchain.replace(/^go/, '')} (or newer) so no toolchain is downloaded`,
        }),
      ];
    }
    const wanted = (goModLookup(gomod.text, 'toolchain') || goModLookup(gomod.text, 'go')).replace(/^go/, '');
    const message = (need.message ?? need.why).split('\n').join(' · ');
    return [row(gomod.path, 'fail', message, { cause: 'go.toolchain', evidence, fix: `build FROM golang:${wanted || '<the go.mod version>'} (or newer); ${need.why}` })];
  },
} satisfies ImageCheck;
