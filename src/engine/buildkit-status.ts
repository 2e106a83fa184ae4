/**
 * BuildKit's build status, as `POST /build?version=2` streams it: JSON lines whose
 * `moby.buildkit.trace` aux is a base64 protobuf StatusResponse (vertexes, statuses,
 * logs; the schema dockerode ships). Tracks each vertex (a step: `[stage-0 3/5] RUN …`),
 * keeps the probe step's stdout apart, the step being run for the spinner, the build's
 * own log lines for -v, and the step a failure happened at.
 */
import { createRequire } from 'node:module';
import type { BuildProbeResult } from './types.js';

export interface StatusVertex {
  digest: string;
  name: string;
  started: boolean;
  completed: boolean;
  cached: boolean;
  error: string;
}
export interface StatusLog {
  vertex: string;
  /** 1 stdout, 2 stderr. */
  stream: number;
  msg: Buffer;
}
export interface DecodedStatus {
  vertexes: StatusVertex[];
  logs: StatusLog[];
}

type StatusType = { decode(b: Uint8Array): unknown; toObject(m: unknown, o: object): Record<string, unknown> };
let statusType: StatusType | null = null;

/** The StatusResponse type from dockerode's proto file (loaded once, on the first BuildKit build). */
export async function loadStatusDecoder(): Promise<(aux: string) => DecodedStatus> {
  if (!statusType) {
    const protobuf = (await import('protobufjs')).default;
    const proto = createRequire(import.meta.url).resolve('dockerode/lib/proto/buildkit_status.proto');
    statusType = protobuf.loadSync(proto).lookupType('moby.buildkit.v1.StatusResponse') as unknown as StatusType;
  }
  const type = statusType;
  return (aux) => {
    const o = type.toObject(type.decode(Buffer.from(aux, 'base64')), { longs: Number, defaults: true }) as {
      vertexes: Array<{ digest: string; name: string; cached: boolean; started?: object | null; completed?: object | null; error: string }>;
      logs: Array<{ vertex: string; stream: number; msg: Uint8Array }>;
    };
    return {
      vertexes: o.vertexes.map((v) => ({ digest: v.digest, name: v.name, cached: v.cached, started: !!v.started, completed: !!v.completed, error: v.error })),
      logs: o.logs.map((l) => ({ vertex: l.vertex, stream: Number(l.stream), msg: Buffer.from(l.msg) })),
    };
  };
}

/** `[stage-0 3/5] RUN go mod download` → `RUN go mod download`. */
export const instructionOf = (name: string) => name.replace(/^\[[^\]]*\]\s*/, '');

/** At most this many lines of the build's own output are kept for -v (the probe step's are not among them). */
const LOG_LINES = 400;

export class BuildkitProgress {
  probeOutput = '';
  /** The build's own lines (steps, their output): what `docker build --progress plain` shows. */
  readonly log: string[] = [];
  private readonly vertexes = new Map<string, StatusVertex>();
  private readonly outputs = new Map<string, string>();
  private readonly pending = new Map<string, string>();
  /** Vertexes whose name is in the log already. */
  private readonly named = new Set<string>();
  private probeDigest: string | null = null;
  private current: string | null = null;
  private errorVertex: string | null = null;

  constructor(
    /** Text only the probe step's name holds (the agent's path). */
    private readonly probeMarker: string,
    private readonly onStep: (step: string) => void = () => undefined,
  ) {}

  push(status: DecodedStatus): void {
    // Starts, then output, then completions: a message may carry a step's last lines and its end.
    const completed: StatusVertex[] = [];
    for (const v of status.vertexes) {
      const known = this.vertexes.get(v.digest);
      this.vertexes.set(v.digest, v);
      if (v.name.includes(this.probeMarker)) this.probeDigest = v.digest;
      if (v.error && !v.error.includes('context canceled')) this.errorVertex ??= v.digest;
      if (!this.named.has(v.digest) && v.started && !v.completed) {
        this.named.add(v.digest);
        this.current = v.digest;
        this.onStep(instructionOf(v.name));
        this.line(`#${this.short(v)} ${v.name}`);
      }
      if (v.completed && !known?.completed) completed.push(v);
    }
    for (const l of status.logs) {
      const text = l.msg.toString('utf8');
      if (l.vertex === this.probeDigest) {
        if (l.stream === 1) this.probeOutput += text;
        continue;
      }
      this.outputs.set(l.vertex, ((this.outputs.get(l.vertex) ?? '') + text).slice(-16_384));
      const lines = ((this.pending.get(l.vertex) ?? '') + text).split('\n');
      this.pending.set(l.vertex, lines.pop() ?? '');
      const v = this.vertexes.get(l.vertex);
      for (const line of lines) this.line(`#${v ? this.short(v) : '?'} ${line}`);
    }
    for (const v of completed) {
      this.flush(v.digest);
      // A step that arrives already done (cached, or quick) gets its name on the same line.
      const name = this.named.has(v.digest) ? '' : `${v.name} `;
      this.named.add(v.digest);
      this.line(`#${this.short(v)} ${name}${v.cached ? 'CACHED' : v.error ? `ERROR: ${v.error}` : 'DONE'}`);
    }
  }

  /** The build failed: the step it failed at (a vertex with an error, else the one running) and that step's last lines. */
  failure(message: string): NonNullable<BuildProbeResult['error']> {
    const digest = this.errorVertex ?? this.current;
    const v = digest ? this.vertexes.get(digest) : undefined;
    const tail = digest ? (this.outputs.get(digest) ?? '').split('\n').filter(Boolean).slice(-20).map((l) => l.slice(0, 500)) : [];
    return { step: v ? instructionOf(v.name) : null, message: message.trim(), outputTail: tail };
  }

  /** The step vertex names are numbered in build order; the digest is for machines. */
  private short(v: StatusVertex): string {
    return [...this.vertexes.keys()].indexOf(v.digest) + 1 + '';
  }

  private flush(digest: string): void {
    const rest = this.pending.get(digest);
    if (rest) this.line(`#${this.short(this.vertexes.get(digest)!)} ${rest}`);
    this.pending.delete(digest);
  }

  private line(text: string): void {
    if (this.log.length < LOG_LINES) this.log.push(text.slice(0, 500));
    else if (this.log.length === LOG_LINES) this.log.push(`… (more build output: the first ${LOG_LINES} lines are kept)`);
  }
}
