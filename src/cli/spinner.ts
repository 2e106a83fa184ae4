/**
 * The progress spinner on stderr, for a person at a terminal only: never in CI, never with
 * TERM=dumb, never on a terminal of unknown (0×0) size, where ora's line clearing divides
 * by the width and never ends. After ~2 s of probing it names what is still pending.
 */
import ora from 'ora';
import { sanitizeLine } from '../render/sanitize.js';
import { truncate } from '../render/width.js';
import { sizedTerminal } from './output.js';

/** How long the probes may run before the spinner names the ones still pending. */
export const NAME_PENDING_AFTER_MS = 2000;

export interface Progress {
  /** What is happening now (connecting, pulling, starting the container, ...). */
  text(text: string): void;
  /** What the agent is still working on. */
  pending(names: string[], done: number, total: number): void;
  stop(): void;
}

export interface SpinnerIo {
  stderr: NodeJS.WriteStream;
  env: Readonly<Record<string, string | undefined>>;
}

export function spinnerWanted(io: { stderr: Pick<NodeJS.WriteStream, 'isTTY' | 'columns'>; env: SpinnerIo['env'] }): boolean {
  return sizedTerminal(io.stderr) && !('CI' in io.env) && io.env.TERM !== 'dumb';
}

/** `proxy.golang.org, goproxy.cn (+3) (4/9 done)`: as many names as fit in `room` columns. */
export function pendingText(names: string[], done: number, total: number, room: number): string {
  const tail = ` (${done}/${total} done)`;
  let shown = '';
  for (let i = 0; i < names.length; i++) {
    const next = shown ? `${shown}, ${names[i]}` : names[i]!;
    const more = names.length - i - 1;
    if ((next + (more ? ` (+${more})` : '') + tail).length > room && shown) return `${shown} (+${names.length - i})${tail}`;
    shown = next;
  }
  return `${shown}${tail}`;
}

const SILENT: Progress = { text() {}, pending() {}, stop() {} };

export function startProgress(io: SpinnerIo, now: () => number = Date.now): Progress {
  if (!spinnerWanted(io)) return SILENT;
  // The decision is spinnerWanted's, over the io it was given: ora's own check reads process.env (CI).
  const spinner = ora({ stream: io.stderr, text: 'starting', isEnabled: true }).start();
  let phase = 'starting';
  let waiting: { names: string[]; done: number; total: number; since: number } | null = null;
  // One line: the spinner's own frame and a space, and no wrapping (a narrowed terminal wraps otherwise).
  const room = () => Math.max(20, (io.stderr.columns || 80) - 3);
  const show = () => {
    const named = waiting && now() - waiting.since >= NAME_PENDING_AFTER_MS;
    const text = !named ? phase : waiting!.names.length ? `waiting for ${pendingText(waiting!.names, waiting!.done, waiting!.total, room() - 12)}` : 'collecting the results';
    spinner.text = truncate(sanitizeLine(text), room());
  };
  const timer = setInterval(show, 250);
  timer.unref();
  return {
    text(text) {
      phase = text;
      show();
    },
    pending(names, done, total) {
      waiting = { names, done, total, since: waiting?.since ?? now() };
      show();
    },
    stop() {
      clearInterval(timer);
      spinner.stop();
    },
  };
}
