/**
 * `explain` rules of the toolchain family: the builder image's Go against what go.mod (or the code) needs.
 * Field guide: shared/docs/domain.md. Conventions for patterns: ./index.ts.
 */
import type { Rule } from './types.js';
import { lines, minorOf } from './fix-helpers.js';

const STD_SINCE: Record<string, string> = {
  embed: '1.16',
  'io/fs': '1.16',
  slices: '1.21',
  maps: '1.21',
  cmp: '1.21',
  'log/slog': '1.21',
  'math/rand/v2': '1.22',
  iter: '1.23',
  unique: '1.23',
  structs: '1.23',
  weak: '1.24',
  'crypto/mlkem': '1.24',
  'testing/synctest': '1.25',
};
const STD_NAMES = Object.keys(STD_SINCE).join('|');

export const toolchainRules: Rule[] = [
  {
    family: 'toolchain',
    id: 'toolchain.std_too_new',
    cause: 'go.toolchain',
    specificity: 86,
    patterns: [
      new RegExp(String.raw`malformed module path "(${STD_NAMES})": missing dot in first path element`),
      new RegExp(String.raw`package (${STD_NAMES}) is not in (?:GOROOT|std)`),
    ],
    meaning: "The code imports a standard-library package this Go does not have yet, so the go command takes it for a module path: the builder image's Go is too old.",
    fix: (m) => `FROM golang:${STD_SINCE[m[1]!] ?? '<newer>'}   # ${m[1]} is in the standard library since Go ${STD_SINCE[m[1]!]}`,
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
