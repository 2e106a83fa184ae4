/**
 * `explain` rules of the build-context family: Docker's own part, files the Dockerfile expects in the build context, and go.mod/go.sum as copied.
 * Field guide: shared/docs/domain.md. Conventions for patterns: ./index.ts.
 */
import type { Rule } from './types.js';
import { lines } from './fix-helpers.js';

export const buildContextRules: Rule[] = [
  {
    family: 'build-context',
    id: 'build-context.not_in_context',
    cause: 'build.dockerignore',
    specificity: 85,
    patterns: [
      /failed to compute cache key: (?:failed to calculate checksum of ref \S+ )?"([^"]+)":? not found/,
      /ERROR: "([^"]+)" not found: not found/,
      /COPY failed: (?:file not found in build context or excluded by \.dockerignore: )?stat ([^:\s]+): file does not exist/,
      // podman/buildah: building at STEP "COPY ...": checking on sources under "...": copier: stat: "/go.sum": no such file or directory
      /copier: stat: "([^"]+)": no such file or directory/,
    ],
    meaning: 'A file the Dockerfile COPYs is not in the build context: excluded by .dockerignore, missing from the repository (a module with no dependencies has no go.sum), or the context directory is not the module root.',
    fix: (m) => {
      const file = (m[1] ?? '').replace(/^\//, '');
      return lines(
        `git ls-files ${file || 'go.mod go.sum'}   # is it in the repository?`,
        `.dockerignore: keep it in the context, e.g. add the line !${file || 'go.sum'} (after any * or **/*.sum rule)`,
        /go\.sum$/.test(file) && `no dependencies yet (no go.sum): COPY go.mod go.sum* ./`,
        `build from the module root: docker build -f path/to/Dockerfile .`,
      );
    },
  },
  {
    family: 'build-context',
    id: 'build-context.no_gomod',
    specificity: 80,
    patterns: [/go\.mod file not found in current directory or any parent directory/],
    meaning: 'The go command ran where no go.mod is: it was not copied into the image before this step, or WORKDIR is not the module root.',
    fix: lines(`WORKDIR /src`, `COPY go.mod go.sum ./`, `RUN go mod download`, `COPY . .`),
  },
  {
    family: 'build-context',
    id: 'build-context.missing_gosum_entry',
    specificity: 70,
    patterns: [/missing go\.sum entry/],
    meaning: "go.sum in the image lacks hashes the build needs: go.sum was not copied next to go.mod, or it is out of date in the repository.",
    fix: lines(
      `COPY go.mod go.sum ./   # both files, before RUN go mod download`,
      `and on your machine: go mod tidy && git add go.sum   # commit the updated go.sum`,
    ),
  },
  {
    family: 'build-context',
    id: 'build-context.gomod_untidy',
    specificity: 68,
    patterns: [/updates to go\.(?:mod|sum) needed/, /import lookup disabled by -mod=readonly/],
    meaning:
      "go.mod or go.sum in the build is not tidy (a requirement missing or stale), and the go command (Go 1.16+) does not rewrite them during a build: the repository's files are out of date, or only go.mod was copied.",
    fix: lines(
      `on your machine: go mod tidy && git add go.mod go.sum && git commit   # then rebuild`,
      `COPY go.mod go.sum ./   # both, before RUN go mod download`,
      `(RUN go mod tidy in the Dockerfile also works, but builds then differ from the repository)`,
    ),
  },
  {
    family: 'build-context',
    id: 'build-context.vendor',
    specificity: 70,
    patterns: [/import lookup disabled by -mod=vendor/, /inconsistent vendoring/],
    meaning: 'The build runs with -mod=vendor (GOFLAGS or a vendor/ directory) but vendor/ is missing from the image or out of date.',
    fix: lines(`COPY vendor/ vendor/   # or drop -mod=vendor from GOFLAGS`, `on your machine: go mod vendor && git add vendor`),
  },
  {
    family: 'build-context',
    id: 'build-context.malformed_path',
    specificity: 60,
    patterns: [/malformed module path "([^"]+)": missing dot in first path element/],
    meaning: 'An import path without a host (no dot in its first element) is not a downloadable module: a typo, a local package whose module prefix is missing, or source files not copied into the image.',
    fix: (m) =>
      lines(
        `"${m[1]}": use the full module path (e.g. github.com/<owner>/${m[1]}), or the module's own prefix for a local package`,
        `a local module: add replace ${m[1]} => ./path in go.mod and COPY that directory before the build`,
      ),
  },
];
