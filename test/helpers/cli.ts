/**
 * Spawn the real bin the way a user would (argument array, no shell) and collect
 * what they would see.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

export interface CliOptions {
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  /**
   * The resolver the doctor's own process (the "host" of the host-vs-container comparison)
   * uses. The CLI runs in a private mount namespace whose /etc/resolv.conf names only this
   * server, so the host-side probes never query this machine's real resolver. The default,
   * 127.0.0.1 where nothing listens, makes every host lookup fail at once, locally.
   */
  hostDns?: string;
  /** Working directory of the doctor (a project directory with a Dockerfile). */
  cwd?: string;
  /**
   * The doctor's own default route goes through a veth device with this MTU, in a private
   * network namespace: a plain 1500 link, or a VPN tunnel's 1400, as engine.mtu reads it
   * (`ip route`/`ip link`). The engine is reached through its unix socket, which is not tied
   * to a network namespace. This machine has no other network there: pass --no-host.
   */
  routeMtu?: number;
}

/** A resolv.conf naming one server, written once per server. */
export function resolvConfFor(server: string): string {
  const dir = join(tmpdir(), 'gmd-test-resolv');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `resolv.${server.replace(/[^0-9a-f.]/gi, '_')}.conf`);
  writeFileSync(file, `nameserver ${server}\noptions timeout:1 attempts:1\n`);
  return file;
}

/** Proxy variables of the test process never leak into the doctor's host side. */
export const PROXY_VARS = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'ALL_PROXY', 'all_proxy', 'NO_PROXY', 'no_proxy'];

/** Spawn CMD (argument array, no shell) and collect its output; wall time from spawn to close. */
export function spawnCollect(cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs: number; label: string }): Promise<CliRun> {
  const t0 = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: opts.env ?? process.env, cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${opts.label} did not finish in ${opts.timeoutMs} ms`));
    }, opts.timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: Number(process.hrtime.bigint() - t0) / 1e6 });
    });
  });
}

export function runCli(args: string[], opts: CliOptions = {}): Promise<CliRun> {
  const base = withoutColorForcing(process.env);
  for (const v of PROXY_VARS) delete base[v];
  const resolv = resolvConfFor(opts.hostDns ?? '127.0.0.1');
  const route = opts.routeMtu === undefined ? '' : `ip link add gmd0 mtu ${Math.trunc(opts.routeMtu)} type veth peer name gmd1 && ip link set gmd1 up && ip link set gmd0 up && ip route add default dev gmd0 && `;
  // `exec` keeps the pid: signals the tests send reach node itself.
  return spawnCollect('unshare', [...(route ? ['-n'] : []), '-m', 'sh', '-c', `mount --bind "$0" /etc/resolv.conf && ${route}exec "$@"`, resolv, process.execPath, BIN, ...args], {
    env: { ...base, CI: 'true', NO_COLOR: '1', ...opts.env },
    cwd: opts.cwd,
    timeoutMs: opts.timeoutMs ?? 60_000,
    label: `gomod-doctor ${args.join(' ')}`,
  });
}

/** Run with --json and parse the one document stdout must hold. */
export async function runJson(args: string[], opts: CliOptions = {}): Promise<CliRun & { report: Report }> {
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
