/**
 * One conversation with the probe agent, as promises the collector awaits in order: the
 * facts (`@gmd ready`), then the plan written to its stdin, then blocks as each probe ends,
 * then `@gmd done`. Holds the wire reader and the blocks; decides nothing.
 */
import createDebug from 'debug';
import { type Block, WireReader } from '../agent/wire.js';
import type { AgentConversation } from '../engine/types.js';

const debug = createDebug('gomod-doctor:agent');

export class AgentSession {
  private readonly reader = new WireReader();
  /** Every block so far, by id (`dns:t0`, `fetch:f1`, `target:t0` …). */
  readonly blocks = new Map<string, Block>();
  /** Targets whose whole chain has printed (`target:KEY`). */
  readonly finished = new Set<string>();
  /** Fetches and transfers whose block is in. */
  readonly ended = new Set<string>();
  /** Whether the agent printed `@gmd done`: everything it was asked for is in. */
  done = false;
  /** Called after each block is stored, once the plan is sent (the collector's stops and progress). */
  onBlock: (id: string) => void = () => undefined;
  /** Called once the engine has created the container (the collector starts the host side then). */
  onCreated: () => void = () => undefined;

  private resolveAnswered!: () => void;
  /** Resolves at `@gmd done`: the report need not wait for the engine to report the container's exit. */
  private readonly answered = new Promise<void>((resolve) => (this.resolveAnswered = resolve));
  private resolveReady!: (ready: boolean) => void;
  /** True once the facts are in; false if the agent ended first (settled by `agentEnded()`). */
  readonly ready = new Promise<boolean>((resolve) => (this.resolveReady = resolve));
  private resolveInput!: (text: string) => void;
  private rejectInput!: (err: Error) => void;
  private readonly input = new Promise<string>((resolve, reject) => ((this.resolveInput = resolve), (this.rejectInput = reject)));
  private write: ((text: string) => void) | null = null;

  constructor() {
    // The engine may fail before it reads the input (a start that fails): not an unhandled rejection.
    this.input.catch(() => undefined);
  }

  private queued = '';

  /** What the engine drives: stdout in, the plan and later lines out. */
  readonly conversation: AgentConversation = {
    input: this.input,
    answered: this.answered,
    onInputWritten: (write) => {
      this.write = write;
      if (this.queued) write(this.queued);
      this.queued = '';
    },
    onStdout: (chunk) => this.read(chunk),
    onCreated: () => this.onCreated(),
  };

  /** The plan, written to the agent's stdin (which stays open for `stop` lines). */
  sendPlan(text: string): void {
    this.resolveInput(text);
  }

  /** No plan will come (it could not be made): the agent's stdin is closed and it ends. */
  cancel(err: Error): void {
    this.rejectInput(err);
  }

  /** One more line for the agent (`stop KEY`); queued until the plan is written. */
  tell(lines: string): void {
    if (this.write) this.write(lines);
    else this.queued += lines;
  }

  /** The container is gone: settle what is still waiting. */
  agentEnded(): void {
    this.resolveReady(false);
    this.rejectInput(new Error('agent ended'));
  }

  private read(chunk: string): void {
    for (const ev of this.reader.push(chunk)) {
      if (ev.type === 'block') {
        const id = ev.block.id;
        this.blocks.set(id, ev.block);
        debug('block %s', id);
        const [kind, key] = id.split(':') as [string, string | undefined];
        if (kind === 'target' && key) this.finished.add(key);
        if ((kind === 'fetch' || kind === 'xfer') && key) this.ended.add(key);
        this.onBlock(id);
      } else if (ev.type === 'ready') {
        debug('facts ready');
        this.resolveReady(true);
      } else if (ev.type === 'done') {
        debug('agent done');
        this.done = true;
        this.resolveAnswered();
      }
    }
  }
}
