/**
 * `explain` rules of the toolchain family: the builder image's Go against what go.mod (or the code) needs.
 * Field guide: shared/docs/domain.md. Conventions for patterns: ./index.ts.
 */
import type { Rule } from './types.js';
import { lines, minorOf } from './fix-helpers.js';
import { BUILTIN_SINCE, BUILTINS, STD_NAME_SINCE, STD_NAMES, STD_PACKAGE_SINCE, STD_PACKAGES, TESTING_METHOD_SINCE, TESTING_METHODS } from './std-since.js';

/** The newest Go that any `note: … requires go X` line among these asks for. */
function highestRequired(texts: readonly string[]): string | null {
  const key = (v: string) => v.split('.').map((n) => Number.parseInt(n, 10) || 0);
  let best: string | null = null;
  for (const text of texts) {
    const v = /requires go ([\d.]+)/i.exec(text)?.[1];
    if (!v) continue;
    if (!best) best = v;
    else {
      const [a, b] = [key(v), key(best)];
      const i = a.findIndex((n, k) => n !== (b[k] ?? 0));
      if (i >= 0 && a[i]! > (b[i] ?? 0)) best = v;
    }
  }
  return best;
}

const sinceOf = (name: string): string | undefined =>
  STD_NAME_SINCE[name] ?? BUILTIN_SINCE[name] ?? TESTING_METHOD_SINCE[name] ?? STD_PACKAGE_SINCE[name];


export const toolchainRules: Rule[] = [
  {
    family: 'toolchain',
    id: 'toolchain.std_too_new',
    cause: 'go.toolchain',
    specificity: 86,
    patterns: [
      new RegExp(String.raw`malformed module path "(${STD_PACKAGES})": missing dot in first path element`),
      new RegExp(String.raw`package (${STD_PACKAGES}) is not in (?:GOROOT|std)`),
    ],
    meaning: "The code imports a standard-library package this Go does not have yet, so the go command takes it for a module path: the builder image's Go is too old.",
    fix: (m) => `FROM golang:${STD_PACKAGE_SINCE[m[1]!] ?? '<newer>'}   # ${m[1]} is in the standard library since Go ${STD_PACKAGE_SINCE[m[1]!]}`,
  },
  {
    family: 'toolchain',
    id: 'toolchain.std_name_too_new',
    cause: 'go.toolchain',
    specificity: 84,
    patterns: [
      new RegExp(String.raw`undefined: (${STD_NAMES})\b`),
      new RegExp(String.raw`undefined: (${BUILTINS})$`),
      new RegExp(String.raw`\.(${TESTING_METHODS}) undefined \(type \*testing\.[TBF] has no field or method`),
    ],
    meaning:
      "The code (yours or a dependency's) uses a standard-library name this Go does not have yet: the builder's Go is older than the code needs. Go before 1.21 never says \"requires go >= …\"; it fails to compile instead.",
    fix: (m) => {
      const since = sinceOf(m[1]!);
      return lines(
        `FROM golang:${since ?? '<newer>'}   # ${m[1]} exists since Go ${since}; use at least the go line of go.mod (and of the dependency that fails)`,
        `go version   # in the builder image: the Go that really ran`,
      );
    },
  },
  {
    family: 'toolchain',
    id: 'toolchain.module_requires',
    cause: 'go.toolchain',
    // Above the error it annotates: the note names the Go the failing module was written for.
    specificity: 87,
    patterns: [/note: module requires Go ([\d.]+\w*)/, /note: imported by a module that requires go ([\d.]+\w*)/],
    meaning:
      "The go command adds this note when a package fails to build and its module's go line is newer than the running Go: the compile errors above come from an old toolchain, not from the code.",
    fix: (m, ctx) => {
      const need = highestRequired([m.input, ...ctx.near]) ?? m[1]!;
      return lines(`FROM golang:${minorOf(need)}   # the failing module${need === m[1] ? ' was' : 's were'} written for Go ${need}`, `go version   # in the builder image: the Go that really ran`);
    },
  },
  {
    family: 'toolchain',
    id: 'toolchain.max_supported',
    cause: 'go.toolchain',
    specificity: 86,
    patterns: [/go\.mod file indicates go ([\d.]+\w*), but maximum (?:version )?supported(?: version)?(?: by tidy)? is ([\d.]+)/],
    meaning: "An older Go (before 1.21) read a go.mod written for a newer one and refuses to go on: the builder image's Go is too old.",
    fix: (m) => `FROM golang:${minorOf(m[1]!)}   # go.mod says go ${m[1]}; this Go supports up to ${m[2]}`,
  },
  {
    family: 'toolchain',
    id: 'toolchain.too_old',
    cause: 'go.toolchain',
    specificity: 88,
    patterns: [/requires go >= ([\d.]+\w*) \(running go ([\d.]+\w*); GOTOOLCHAIN=([^)]+)\)/],
    meaning: "go.mod (or a dependency) needs a newer Go than the builder image has, and GOTOOLCHAIN=local (the golang images' default) forbids fetching it.",
    fix: (m) =>
      lines(
        `FROM golang:${minorOf(m[1]!)}   # instead of the image with go ${m[2]}`,
        `or let the go command download go${m[1]} through GOPROXY: ENV GOTOOLCHAIN=auto`,
      ),
  },
  {
    family: 'toolchain',
    id: 'toolchain.not_available',
    cause: 'go.toolchain',
    specificity: 88,
    patterns: [/download (go[\d.]+\w*) for (\S+): toolchain not available/],
    meaning: "go.mod names a toolchain that was never released: since Go 1.21 the first release is 1.N.0, so `go 1.22` asks for a non-existent go1.22.",
    fix: (m) => {
      const v = m[1]!.replace(/^go/, '');
      return lines(`in go.mod: go ${/^\d+\.\d+$/.test(v) ? `${v}.0` : v}   (or add: toolchain go${/^\d+\.\d+$/.test(v) ? `${v}.0` : v})`, `or FROM golang:${minorOf(v)} so no download is needed`);
    },
  },
  {
    family: 'toolchain',
    id: 'toolchain.download_failed',
    cause: 'go.toolchain',
    specificity: 82,
    patterns: [/^go: download (go[\d.]+\w*)(?: for (\S+))?: (?!toolchain not available)(.+)$/],
    meaning: 'go.mod asks for a newer Go and GOTOOLCHAIN allows downloading it, but the download (a module fetch through GOPROXY) failed.',
    fix: (m) => lines(`FROM golang:${minorOf(m[1]!)}   # the builder already has it; no download`, `else fix what the download hit: ${m[3]}`),
  },
  {
    family: 'toolchain',
    id: 'toolchain.invalid_go_version',
    cause: 'go.toolchain',
    specificity: 88,
    patterns: [/invalid go version '([^']+)': must match format/],
    meaning: "A Go older than 1.21 is reading a go.mod written for 1.21+ (three-part `go 1.21.0` lines): the builder image is too old.",
    fix: (m) => `FROM golang:${minorOf(m[1]!)}   # go.mod says go ${m[1]}`,
  },
  {
    family: 'toolchain',
    id: 'toolchain.unknown_directive',
    cause: 'go.toolchain',
    specificity: 85,
    patterns: [/unknown directive: toolchain/],
    meaning: 'A Go older than 1.21 is reading a go.mod with a toolchain line: the builder image is too old.',
    fix: `FROM golang:1.21   # or the version in go.mod's go line`,
  },
];
