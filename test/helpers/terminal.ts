/**
 * The real bin in a real terminal: tmux at a given size (capture-pane gives the whole screen,
 * wrapped lines joined, so a line too wide for the terminal shows as one long line), and
 * `script` with no terminal on stdin, which hands the doctor a 0×0 pseudo-terminal. The
 * doctor runs as in runCli: a private mount namespace whose resolv.conf names `hostDns`,
 * no proxy variables; CI, NO_COLOR and FORCE_COLOR are unset, as in a person's shell.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, PROXY_VARS, resolvConfFor, spawnCollect } from './cli.js';

/** A process's descendants, from /proc (script puts its child in a session of its own). */
function descendants(pid: number): number[] {
  let children: number[] = [];
  try {
    children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
  return children.flatMap((c) => [c, ...descendants(c)]);
}

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** A shell script that runs the doctor with `args` as described above, written to `dir`. */
function launcher(dir: string, args: string[], hostDns: string): string {
  const unset = ['CI', 'NO_COLOR', 'FORCE_COLOR', 'GITHUB_ACTIONS', ...PROXY_VARS].map((v) => `-u ${v}`).join(' ');
  const file = join(dir, 'run.sh');
  writeFileSync(
    file,
    `exec env ${unset} unshare -m sh -c 'mount --bind "$0" /etc/resolv.conf && exec "$@"' ${quote(resolvConfFor(hostDns))} ${quote(process.execPath)} ${quote(BIN)} ${args.map(quote).join(' ')}\n`,
  );
  return file;
}

export interface ScreenRun {
  code: number;
  /** The whole screen and its scrollback, trailing blank lines and trailing spaces dropped. */
  screen: string;
  /** Every screen seen while the run went on (sampled), for what the spinner said. */
  frames: string[];
  ms: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function tmux(socket: string, args: string[]): Promise<string> {
  return spawnCollect('tmux', ['-L', socket, '-f', '/dev/null', ...args], { timeoutMs: 10_000, label: `tmux ${args[0]}` }).then((r) => {
    if (r.code !== 0) throw new Error(`tmux ${args.join(' ')}: exit ${r.code}: ${r.stderr}`);
    return r.stdout;
  });
}

const tidy = (screen: string) => screen.split('\n').map((l) => l.trimEnd()).join('\n').replace(/\n+$/, '');

/** Run the doctor in a fresh tmux server of `cols` × `rows`; the server is killed whatever happens. */
export async function runInTmux(args: string[], opts: { cols: number; rows?: number; hostDns: string; timeoutMs: number }): Promise<ScreenRun> {
  const dir = mkdtempSync(join(tmpdir(), 'gmd-term-'));
  const socket = `gmd-term-${randomBytes(4).toString('hex')}`;
  const codeFile = join(dir, 'code');
  const script = launcher(dir, args, opts.hostDns);
  // The pane stays open after the run (sleep) so its screen can be read; the exit code goes to a file.
  const command = `sh ${quote(script)}; echo $? > ${quote(codeFile)}; exec sleep 3600`;
  const t0 = Date.now();
  const frames: string[] = [];
  try {
    await tmux(socket, ['new-session', '-d', '-s', 'gmd', '-x', String(opts.cols), '-y', String(opts.rows ?? 50), command]);
    while (!existsSync(codeFile) || !readFileSync(codeFile, 'utf8').trim()) {
      if (Date.now() - t0 > opts.timeoutMs) throw new Error(`the doctor in tmux did not finish in ${opts.timeoutMs} ms; screen:\n${frames.at(-1) ?? ''}`);
      frames.push(tidy(await tmux(socket, ['capture-pane', '-p', '-J', '-S', '-', '-t', 'gmd'])));
      await sleep(200);
    }
    const ms = Date.now() - t0;
    const screen = tidy(await tmux(socket, ['capture-pane', '-p', '-J', '-S', '-', '-t', 'gmd']));
    return { code: Number(readFileSync(codeFile, 'utf8').trim()), screen, frames, ms };
  } finally {
    await tmux(socket, ['kill-server']).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface PtyRun {
  code: number | null;
  /** What the pseudo-terminal carried (stdout and stderr), CRLF made LF. */
  output: string;
  ms: number;
}

/**
 * Run the doctor under `script -qec CMD /dev/null` with stdin not a terminal: a 0×0 pty.
 * Rejects after `timeoutMs`, having killed script and everything under it (a spinning doctor too).
 */
export function runInZeroPty(args: string[], opts: { hostDns: string; timeoutMs: number }): Promise<PtyRun> {
  const dir = mkdtempSync(join(tmpdir(), 'gmd-pty-'));
  const script = launcher(dir, args, opts.hostDns);
  const t0 = Date.now();
  return new Promise<PtyRun>((resolve, reject) => {
    const child = spawn('script', ['-qec', `sh ${quote(script)}`, '/dev/null'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let bytes = 0;
    child.stdout.on('data', (c: Buffer) => {
      bytes += c.length;
      if (output.length < 1_000_000) output += c.toString('utf8');
    });
    const timer = setTimeout(() => {
      for (const pid of [...descendants(child.pid!), child.pid!]) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      reject(new Error(`the doctor under a 0×0 pty did not finish in ${opts.timeoutMs} ms (${bytes} bytes written)`));
    }, opts.timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output: output.replace(/\r\n/g, '\n'), ms: Date.now() - t0 });
    });
  }).finally(() => rmSync(dir, { recursive: true, force: true }));
}
