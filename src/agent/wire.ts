/**
 * The agent's wire format, both directions. Pure: strings in, records out.
 *
 * Agent → host: blocks of `@gmd begin ID`, `@gmd kv KEY VALUE`, `| raw line`,
 * `|body line`, `@gmd end ID`, plus the bare markers `@gmd ready` and `@gmd done`.
 * Host → agent: the plan's lines, whitespace-separated, read by the shell's `read` and
 * ended by `go`; then, while the jobs run, a `stop KEY` line for each job the host no
 * longer needs (see docs/architecture.md, "How a run decides to stop").
 */
import type { ProbePlan } from '../model.js';

export interface Block {
  id: string;
  /** Every `kv` line, in order; a key may repeat (e.g. `attempt`, `hosts`). */
  kv: Array<[string, string]>;
  raw: string[];
  body: string[];
  truncated: boolean;
}

export type WireEvent = { type: 'block'; block: Block } | { type: 'ready' } | { type: 'done' };

/** Longest line kept; anything longer from the container is cut (hostile or garbled output). */
const MAX_LINE = 2000;
/** Most raw lines kept per block, whatever the agent sent. */
const MAX_RAW = 500;

/**
 * Incremental reader: feed it stdout chunks as they arrive, get whole events back.
 * Unknown lines (an image's profile printing, garbage) are ignored.
 */
export class WireReader {
  private pending = '';
  /** The cut head of an overlong line whose newline has not come yet. */
  private overlongHead: string | null = null;
  private open: Block | null = null;

  push(chunk: string): WireEvent[] {
    this.pending += chunk;
    const lines = this.pending.split('\n');
    this.pending = lines.pop() ?? '';
    // An overlong line keeps only its head, however the stream was chunked: memory stays flat.
    if (this.overlongHead !== null && lines.length > 0) {
      lines[0] = this.overlongHead;
      this.overlongHead = null;
    }
    if (this.overlongHead === null && this.pending.length > MAX_LINE) {
      this.overlongHead = this.pending.slice(0, MAX_LINE);
    }
    if (this.overlongHead !== null) this.pending = '';
    return this.lines(lines);
  }

  private lines(lines: string[]): WireEvent[] {
    const events: WireEvent[] = [];
    for (const line of lines) {
      const ev = this.line(line.length > MAX_LINE ? line.slice(0, MAX_LINE) : line);
      if (ev) events.push(ev);
    }
    return events;
  }

  /** A block still open when the stream ended (the agent was killed mid-probe). */
  unfinished(): Block | null {
    return this.open;
  }

  private line(line: string): WireEvent | null {
    if (line.startsWith('@gmd ')) {
      const [, verb, ...rest] = line.split(' ');
      const arg = rest.join(' ');
      switch (verb) {
        case 'begin':
          this.open = { id: arg, kv: [], raw: [], body: [], truncated: false };
          return null;
        case 'kv': {
          if (!this.open) return null;
          const sp = arg.indexOf(' ');
          const key = sp < 0 ? arg : arg.slice(0, sp);
          const value = sp < 0 ? '' : arg.slice(sp + 1);
          if (key === 'truncated') this.open.truncated = true;
          else if (this.open.kv.length < MAX_RAW) this.open.kv.push([key, value]);
          return null;
        }
        case 'end': {
          const block = this.open;
          this.open = null;
          return block && block.id === arg ? { type: 'block', block } : null;
        }
        case 'ready':
          return { type: 'ready' };
        case 'done':
          return { type: 'done' };
        default:
          return null;
      }
    }
    if (!this.open) return null;
    if (line.startsWith('|body ')) {
      if (this.open.body.length < MAX_RAW) this.open.body.push(line.slice(6));
    } else if (line.startsWith('| ') || line === '|') {
      if (this.open.raw.length < MAX_RAW) this.open.raw.push(line.slice(2));
      else this.open.truncated = true;
    }
    return null;
  }
}

/** The first value of a kv key. */
export function kv(block: Block, key: string): string | undefined {
  return block.kv.find(([k]) => k === key)?.[1];
}

/** Every value of a kv key. */
export function kvAll(block: Block, key: string): string[] {
  return block.kv.filter(([k]) => k === key).map(([, v]) => v);
}

/** The first value of a kv key as an integer; null when absent or not one (`rc -`: the agent ran nothing). */
export function kvInt(block: Block, key: string): number | null {
  const v = kv(block, key);
  if (v === undefined || !/^-?\d+$/.test(v.trim())) return null;
  return Number(v);
}

/** Characters allowed in a plan field: they reach the shell's `read`, so no whitespace. */
const SAFE_FIELD = /^[A-Za-z0-9._~:/?#[\]@!$&'()*+,;=%|-]+$/;

/** Whether a value can cross the wire as one plan field. */
export function isSafeField(value: string): boolean {
  return SAFE_FIELD.test(value);
}

/**
 * Encode the plan for the agent. Values are passed to commands as quoted shell
 * variables, never evaluated; the only hazard is whitespace, which `read` would split.
 */
export function encodePlan(plan: ProbePlan): string {
  const secs = (plan.timeoutMs / 1000).toFixed(1);
  const wholeSecs = Math.max(1, Math.ceil(plan.timeoutMs / 1000));
  // A fetch makes several requests in a row (info, mod, zip, checksum DB): three steps' worth.
  const lines = [`timeout ${secs} ${wholeSecs} ${(3 * plan.timeoutMs / 1000).toFixed(1)}`];
  const line = (kind: string, fields: string[]) => {
    for (const f of fields) {
      if (!isSafeField(f)) throw new Error(`plan field not safe for the agent wire: ${JSON.stringify(f)}`);
    }
    lines.push([kind, ...fields].join(' '));
  };
  for (const t of plan.targets) line('target', [t.key, t.host, String(t.port), t.tls ? '1' : '0', t.httpUrl ?? '-', t.httpProxy ?? '-']);
  // Paths with whitespace cannot cross `read`; they are reported unprobed rather than mangled.
  for (const p of plan.paths) if (p.path !== null && isSafeField(p.path)) line('fs', [p.key, p.variable, p.path]);
  for (const r of plan.repos) line('repo', [r.key, r.kind, r.url, r.host]);
  for (const f of plan.fetches) line('fetch', [f.key, f.canary, f.goproxy, f.kind === 'private' ? 'private' : '-']);
  for (const g of plan.sumdbGets) line('get', [g.key, g.url, g.httpProxy ?? '-']);
  // The canary's zip is one small request: one step's bound. A --throughput file gets the fetch's.
  for (const x of plan.transfers) line('xfer', [x.key, x.url, x.httpProxy ?? '-', x.purpose === 'canary' ? secs : (3 * plan.timeoutMs / 1000).toFixed(1)]);
  lines.push('go');
  return lines.join('\n') + '\n';
}
