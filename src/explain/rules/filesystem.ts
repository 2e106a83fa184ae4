/**
 * `explain` rules of the filesystem family: where the go command writes (module cache, build cache, GOROOT, temp) as the image user.
 * Field guide: shared/docs/domain.md. Conventions for patterns: ./index.ts.
 */
import type { Rule } from './types.js';
import { lines, wordBefore } from './fix-helpers.js';

function chownFix(path: string): string {
  const root = /^\/go(?:\/|$)/.test(path) ? '/go' : /^(\/home\/[^/]+)/.exec(path)?.[1] ?? path.replace(/\/pkg\/mod.*$/, '');
  return lines(
    `The image user cannot write ${path}. Before USER in the Dockerfile:`,
    `  RUN mkdir -p ${root} && chown -R app:app ${root}   # app = your USER`,
    `or give that user its own paths: ENV GOPATH=/home/app/go GOMODCACHE=/home/app/go/pkg/mod GOCACHE=/home/app/.cache/go-build`,
    `with cache mounts, own them: RUN --mount=type=cache,target=/go/pkg/mod,uid=1000,gid=1000 go mod download`,
  );
}

export const filesystemRules: Rule[] = [
  {
    family: 'filesystem',
    id: 'filesystem.no_space',
    cause: 'fs.low_space',
    specificity: 90,
    patterns: [/no space left on device/],
    meaning: "The disk (or tmpfs) under the build is full: the engine's data root, a small /tmp, or the CI runner's disk.",
    fix: lines(
      `docker system df; docker builder prune -af; docker image prune -af   # on the engine's machine`,
      `CI: free the runner's disk before the build; a tmpfs /tmp: ENV GOTMPDIR=/go/tmp (and mkdir it)`,
    ),
  },
  {
    family: 'filesystem',
    id: 'filesystem.read_only',
    cause: 'fs.read_only',
    specificity: 88,
    patterns: [/read-only file system/],
    meaning: 'The go command had to write to a read-only place: a RUN --mount=type=bind (read-only by default) or a read-only cache/volume.',
    fix: (m) => {
      const path = wordBefore(m);
      return /go\.(?:mod|sum)$/.test(path)
        ? lines(
            `go wanted to update ${path} inside a read-only bind mount: make go.mod/go.sum tidy in the repository (go mod tidy && git commit),`,
            `or let the step write: RUN --mount=type=bind,target=.,rw go mod download`,
          )
        : lines(`${path || 'That path'} is mounted read-only: mount it rw (--mount=type=bind,...,rw) or point GOMODCACHE/GOCACHE at a writable path.`);
    },
  },
  {
    family: 'filesystem',
    id: 'filesystem.gocache_undefined',
    cause: 'fs.undefined',
    specificity: 88,
    patterns: [/GOCACHE is not defined and (?:neither \$XDG_CACHE_HOME nor \$HOME are defined|\$HOME is not defined)/, /GOCACHE is not an absolute path/],
    meaning: 'The go command has nowhere to put its build cache: HOME (and XDG_CACHE_HOME) are unset, typical of CI running the container as an arbitrary uid.',
    fix: lines(`ENV GOCACHE=/tmp/go-build GOMODCACHE=/tmp/go/pkg/mod`, `or give the user a HOME: ENV HOME=/home/app (docker run -e HOME=/tmp ...)`),
  },
  {
    family: 'filesystem',
    id: 'filesystem.gocache_unwritable',
    cause: 'fs.not_writable',
    specificity: 80,
    patterns: [/(?:disabling cache \(([^)]+)\) due to initialization failure|initializing cache in \$GOCACHE|failed to initialize build cache)[^\n]*?: permission denied/],
    meaning: "The build cache directory is not writable by the user the go command runs as (often HOME=/ for an arbitrary uid, so the cache lands in /.cache).",
    fix: (m) => lines(`ENV GOCACHE=/tmp/go-build   # writable by any uid`, m[1] && `(it tried ${m[1]})`, `or run as a user with its own HOME (docker run --user ... -e HOME=/tmp)`),
  },
  {
    family: 'filesystem',
    id: 'filesystem.modcache_unwritable',
    cause: 'fs.not_writable',
    specificity: 82,
    patterns: [
      /(?:mkdir|open|rename|create|remove|write)\s+(\S*\/pkg\/mod\b\S*?): permission denied/,
      /could not create module cache: mkdir (\S+?): permission denied/,
      /failed to create cache directory (\S+?): .*?permission denied/,
    ],
    meaning: 'The module cache is owned by another user: USER switched to non-root after /go was created as root, or a cache mount belongs to another uid.',
    fix: (m) => chownFix(m[1] ?? '/go/pkg/mod'),
  },
  {
    family: 'filesystem',
    id: 'filesystem.goroot_permission',
    cause: 'fs.not_writable',
    specificity: 78,
    patterns: [/(?:open|mkdir|create|remove|rename|write)\s+(\/\S*?\/(?:go|golang|go-[\d.]+|go[\d.]+|libexec)\/(?:src|pkg\/(?!mod\/))\S*?):? permission denied/],
    meaning:
      "The user the go command runs as cannot read or write the Go installation (GOROOT) or a GOPATH source tree: it was unpacked or copied as another user with a restrictive mode (umask 077, a tarball's own modes), or an old `go build -i`/`go install` tries to write compiled standard packages into GOROOT/pkg.",
    fix: (m) => {
      const root = /^(.*?)\/(?:src|pkg)\//.exec(m[1]!)?.[1] ?? '/usr/local/go';
      return lines(
        `ls -ld ${m[1]}   # as the build's user: who owns it, and is it readable?`,
        `RUN chmod -R a+rX ${root}   # in the builder image, as root (or build as the user that owns it)`,
        /\/pkg\//.test(m[1]!) && `writes into ${root}/pkg: drop -i from go build/go install (Go 1.10+ caches builds in GOCACHE instead)`,
      );
    },
  },
  {
    family: 'filesystem',
    id: 'filesystem.permission',
    cause: 'fs.not_writable',
    specificity: 50,
    patterns: [/^go: .*?(?:mkdir|open|rename|create|write)\s+(\/\S+?): permission denied/],
    meaning: 'The go command could not write a path it needs as the image user.',
    fix: (m) => chownFix(m[1]!),
  },
];
