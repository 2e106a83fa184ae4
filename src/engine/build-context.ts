/**
 * The build context as the docker CLI sends it: the context directory as a tar,
 * minus what .dockerignore excludes (docker's own matching rules, @balena/dockerignore),
 * plus the probe's files. Streamed, so a large context is never held in memory.
 */
import { lstatSync } from 'node:fs';
import { createRequire } from 'node:module';
import { relative } from 'node:path';
import type { Ignore } from '@balena/dockerignore';
import tarFs from 'tar-fs';
import type { Pack } from 'tar-stream';
import type { AgentFile } from './types.js';

// A CommonJS module whose typings declare an ES default export: load it as CommonJS.
const dockerignore = createRequire(import.meta.url)('@balena/dockerignore') as (options?: { ignorecase?: boolean }) => Ignore;

export interface ContextFile extends AgentFile {
  /** Path inside the context (no leading slash). */
  name: string;
}

/** Whether `rel` (a context-relative path) is left out of the context. */
export function contextFilter(ignoreText: string | null): (rel: string, isDir: boolean) => boolean {
  if (!ignoreText) return () => false;
  const lines = ignoreText.split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  const ig = dockerignore({ ignorecase: false }).add(lines);
  // An excluded directory is still walked when some `!pattern` may re-include a file in it.
  const hasExceptions = lines.some((l) => l.startsWith('!'));
  return (rel, isDir) => {
    if (!rel || rel === '.') return false;
    if (!ig.ignores(rel)) return false;
    return !(isDir && hasExceptions);
  };
}

/** A tar stream of `dir` as the build context, with `extra` files added at the end. */
export function packContext(dir: string, ignoreText: string | null, extra: ContextFile[]): NodeJS.ReadableStream {
  const excluded = contextFilter(ignoreText);
  const names = new Set(extra.map((f) => f.name.split('/')[0]));
  return tarFs.pack(dir, {
    // tar-fs hands absolute paths and no file type.
    ignore: (abs: string) => {
      const rel = relative(dir, abs).split('\\').join('/');
      // Our own names win over anything of the same name in the context (never expected).
      if (names.has(rel.split('/')[0])) return true;
      return excluded(rel, isDirectory(abs));
    },
    finalize: false,
    finish(pack: Pack) {
      for (const f of extra) {
        if (f.name.endsWith('/')) pack.entry({ name: f.name, type: 'directory', mode: f.mode });
        else pack.entry({ name: f.name, mode: f.mode }, f.content);
      }
      pack.finalize();
    },
  }) as unknown as NodeJS.ReadableStream;
}

function isDirectory(abs: string): boolean {
  try {
    return lstatSync(abs).isDirectory();
  } catch {
    return false;
  }
}
