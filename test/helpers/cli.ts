/**
 * Spawn the real bin the way a user would (argument array, no shell) and collect
 * what they would see.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Report } from '../../src/model.js';

export const BIN = fileURLToPath(new URL('../../bin/gomod-doctor.js', import.meta.url));

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

export function runCli(args: string[], opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<CliRun> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { ...withoutColorForcing(process.env), CI: 'true', NO_COLOR: '1', ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`gomod-doctor ${args.join(' ')} did not finish in ${opts.timeoutMs ?? 60000} ms`));
    }, opts.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: Date.now() - started });
    });
  });
}

/** Run with --json and parse the one document stdout must hold. */
export async function runJson(args: string[], opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<CliRun & { report: Report }> {
  const r = await runCli([...args, '--json'], opts);
  let report: Report;
  try {
    report = JSON.parse(r.stdout) as Report;
  } catch {
    throw new Error(`stdout is not one JSON document (exit ${r.code}):\n${r.stdout}\n--- stderr:\n${r.stderr}`);
  }
  return { ...r, report };
}

/** The row for a check id and target (exact match, or substring of the target). */
export function row(report: Report, id: string, target: string) {
  const found = report.checks.find((c) => c.id === id && (c.target === target || (c.target ?? '').includes(target)));
  if (!found) throw new Error(`no ${id} row for ${target}; rows: ${report.checks.map((c) => `${c.id}@${c.target}`).join(', ')}`);
  return found;
}

/** uvu sets FORCE_COLOR, which would make node warn about NO_COLOR in the child's stderr. */
function withoutColorForcing(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { FORCE_COLOR: _ignored, ...rest } = env;
  return rest;
}
