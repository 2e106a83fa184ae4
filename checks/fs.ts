/**
 * fs.writable: can the build's user create files where the go command writes
 * (GOMODCACHE, GOCACHE, GOPATH, HOME, TMPDIR, XDG_CACHE_HOME)? The classic failure is
 * a non-root USER with a root-owned /go. Pure over Evidence.
 */
import type { Evidence, FsEvidence } from '../src/model.js';
import { type ImageCheck, userRef, type ImageRow } from './check.js';

/** Below this the module and build caches are likely to run out of room. */
export const LOW_SPACE_KB = 1024 * 1024;

function gib(kb: number): string {
  return `${(kb / 1024 / 1024).toFixed(1)} GiB`;
}

/** The directory to create and hand to the user: GOPATH for what lives under it, else the path itself. */
function ownDir(fe: FsEvidence, ev: Evidence): string {
  const path = fe.path.path ?? '';
  const gopath = ev.paths.find((p) => p.path.variable === 'GOPATH')?.path.path;
  return gopath && (path === gopath || path.startsWith(`${gopath}/`)) ? gopath : path;
}

export function notWritableFix(fe: FsEvidence, ev: Evidence): string {
  const uid = ev.facts.uid ?? 1000;
  const gid = ev.facts.gid ?? uid;
  const dir = ownDir(fe, ev);
  const user = userRef(ev);
  const v = fe.path.variable;
  if (v === 'TMPDIR') return `as root: RUN chmod 1777 ${fe.path.path}  — or: ENV TMPDIR=<a directory ${user} owns>`;
  const alternative =
    v === 'GOCACHE' ? 'ENV GOCACHE=/tmp/go-build' : v === 'GOMODCACHE' || v === 'GOPATH' ? `ENV GOPATH=/tmp/go  (or a directory ${user} owns)` : v === 'TMPDIR' ? 'ENV TMPDIR=<a writable directory>' : `ENV ${v}=<a directory ${user} owns>`;
  const cacheMount = v === 'GOMODCACHE' ? `; with BuildKit cache mounts add uid=${uid},gid=${gid}: RUN --mount=type=cache,target=${fe.path.path},uid=${uid},gid=${gid} go mod download` : '';
  return `as root before USER ${user}: RUN mkdir -p ${fe.path.path} && chown -R ${uid}:${gid} ${dir}  — or: ${alternative}${cacheMount}`;
}

function undefinedRow(fe: FsEvidence): ImageRow {
  const v = fe.path.variable;
  const fix =
    v === 'GOCACHE'
      ? 'ENV GOCACHE=/tmp/go-build  (or give the user a HOME: ENV HOME=/home/<user>)'
      : v === 'HOME'
        ? 'ENV HOME=/home/<user>  (and create it, owned by the user)'
        : 'ENV GOPATH=/go  (a directory the build user can write)';
  // Without HOME the go command still works when GOPATH and GOCACHE are set explicitly.
  const status = v === 'HOME' ? 'warn' : 'fail';
  return { target: v, status, ms: null, cause: 'fs.undefined', evidence: { variable: v, note: fe.path.note }, fix, summary: fe.path.note ?? `${v} is not defined` };
}

function describe(fe: FsEvidence): string {
  const owner = fe.ownerUid !== null ? `owner ${fe.ownerUid}:${fe.ownerGid ?? '?'} mode ${fe.mode ?? '?'}` : 'owner unknown';
  const where = fe.exists ? owner : `missing; would be created under ${fe.probedAt} (${owner})`;
  const space = fe.freeKb !== null ? ` · ${gib(fe.freeKb)} free` : '';
  return `${where}${space}`;
}

function rowFor(fe: FsEvidence, ev: Evidence): ImageRow {
  const v = fe.path.variable;
  const target = `${v} ${fe.path.path ?? ''}`.trim();
  if (fe.path.path === null) return undefinedRow(fe);
  const who = `${userRef(ev)} (uid ${ev.facts.uid ?? '?'})`;
  const evidence = { ...fe };
  const base = { target, ms: null, evidence };
  if (!fe.probedAt) {
    return { ...base, status: 'skip', cause: null, fix: null, summary: 'not probed: the path has characters the probe does not pass, or the probe ended first' };
  }
  if (fe.exists && !fe.isDir) {
    return { ...base, status: 'fail', cause: 'fs.not_dir', fix: `remove the file or point ${v} at a directory`, summary: `${fe.path.path} exists but is not a directory` };
  }
  if (!fe.writable && (fe.readOnlyMount || /read-only file system/i.test(fe.writeError))) {
    return {
      ...base,
      status: 'fail',
      cause: 'fs.read_only',
      summary: `${fe.probedAt} is on a read-only mount (${fe.mountPoint ?? '?'}): the go command cannot write ${v}`,
      fix: `mount it read-write (drop :ro), or point ${v} at a writable directory: ENV ${v}=/tmp/${v.toLowerCase()}`,
    };
  }
  if (!fe.writable) {
    return {
      ...base,
      status: 'fail',
      cause: 'fs.not_writable',
      summary: `${who} cannot create files in ${fe.probedAt} (${describe(fe)})${fe.writeError ? `: ${fe.writeError}` : ''}`,
      fix: notWritableFix(fe, ev),
    };
  }
  if (fe.freeKb !== null && fe.freeKb < LOW_SPACE_KB && v !== 'HOME') {
    return { ...base, status: 'warn', cause: 'fs.low_space', summary: `writable, but only ${gib(fe.freeKb)} free at ${fe.mountPoint ?? fe.probedAt}`, fix: 'free space on the engine\'s disk (docker system df; docker builder prune) or mount a larger volume there' };
  }
  return { ...base, status: 'pass', cause: null, fix: null, summary: `writable by ${who} · ${describe(fe)}` };
}

export const fsWritable = {
  id: 'fs.writable',
  category: 'fs',
  title: 'Writable as the image user',
  evaluate: (ev: Evidence): ImageRow[] => ev.paths.map((fe) => rowFor(fe, ev)),
} satisfies ImageCheck;
