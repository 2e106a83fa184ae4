/**
 * An Engine that passes every call to the real one (DockerEngine) and writes down what it
 * answered, and a host probe that does the same for probeHost: together, everything one
 * doctor run takes from the outside. Used by record-one.ts only (it needs an engine).
 */
import type { AgentConversation, AgentRunResult, AgentSpec, BuildProbeResult, BuildProbeSpec, Engine, EngineInfo, ImageConfig, PullProgress } from '../../src/engine/types.js';
import type { EngineEvidence } from '../../src/model.js';
import { probeHost } from '../../src/host/probe.js';
import type { Answer, RecordedAgentRun, Recording } from '../helpers/replay-format.js';

async function answer<T>(work: () => Promise<T>, into: (a: Answer<T>) => void): Promise<T> {
  try {
    const value = await work();
    into({ value });
    return value;
  } catch (err) {
    const e = err as Error & { hint?: string };
    into({ error: { name: e.name, message: e.message, ...(e.hint ? { hint: e.hint } : {}) } });
    throw err;
  }
}

export class RecordingEngine implements Engine {
  readonly log: Recording['engine'] = { info: { error: { name: 'Error', message: 'not asked' } }, engineFacts: null, sweep: 0, localImage: [], ensureImage: [], networkMtu: [], runAgent: [] };

  constructor(private readonly real: Engine) {}

  info(): Promise<EngineInfo> {
    return answer(() => this.real.info(), (a) => (this.log.info = a));
  }

  async engineFacts(): Promise<EngineEvidence | null> {
    this.log.engineFacts = await this.real.engineFacts();
    return this.log.engineFacts;
  }

  localImage(ref: string, platform: string | null): Promise<ImageConfig | null> {
    return answer(() => this.real.localImage(ref, platform), (a) => this.log.localImage.push({ ref, platform, answer: a }));
  }

  ensureImage(ref: string, platform: string | null, onProgress: (p: PullProgress) => void): Promise<ImageConfig> {
    const progress: PullProgress[] = [];
    return answer(
      () => this.real.ensureImage(ref, platform, (p) => (progress.push(p), onProgress(p))),
      (a) => this.log.ensureImage.push({ ref, platform, progress, answer: a }),
    );
  }

  async runAgent(spec: AgentSpec, conversation: AgentConversation): Promise<AgentRunResult> {
    const t0 = Date.now();
    const { image, user, env, workingDir, network, dns, addHosts, platform, binds, deadlineMs } = spec;
    const run: RecordedAgentRun = {
      spec: { image, user, env, workingDir, network, dns, addHosts, platform, binds, files: spec.files.map((f) => f.name), deadlineMs },
      stdout: [],
      stdin: [],
      result: { error: { name: 'Error', message: 'not finished' } },
    };
    this.log.runAgent.push(run);
    const wrote = (text: string) => run.stdin.push({ ms: Date.now() - t0, text });
    const recorded: AgentConversation = {
      // The plan goes out when `input` resolves (docker.ts writes it then): written down at that moment.
      input: conversation.input.then((text) => (wrote(text), text)),
      onInputWritten: (write) => conversation.onInputWritten?.((more) => (wrote(more), write(more))),
      onCreated: () => conversation.onCreated(),
      onStdout: (chunk) => {
        const now = Date.now();
        run.stdout.push({ ms: now - t0, afterInput: run.stdin.length, hostMs: now, chunk });
        conversation.onStdout(chunk);
      },
    };
    return answer(() => this.real.runAgent(spec, recorded), (a) => (run.result = a));
  }

  buildProbe(spec: BuildProbeSpec): Promise<BuildProbeResult> {
    return this.real.buildProbe(spec); // --mode build is not recorded (it needs the engine's builders)
  }

  endBuilds(group: string): Promise<void> {
    return this.real.endBuilds(group);
  }

  async sweep(): Promise<number> {
    this.log.sweep = await this.real.sweep();
    return this.log.sweep;
  }

  networkMtu(network: string | null): Promise<number | null> {
    return answer(() => this.real.networkMtu(network), (a) => this.log.networkMtu.push({ network, answer: a }));
  }

  abortAll(): Promise<void> {
    return this.real.abortAll();
  }

  close(): Promise<void> {
    return this.real.close();
  }
}

/** probeHost, written down. */
export function recordingHostProbe(log: Recording['hostProbe']): typeof probeHost {
  return (input, ops) => {
    const entry: Recording['hostProbe'][number] = {
      input: { targets: input.targets, timeoutMs: input.timeoutMs, extraCa: input.extraCaPem !== null, addHosts: input.addHosts },
      answer: { error: { name: 'Error', message: 'not finished' } },
    };
    log.push(entry);
    return answer(() => probeHost(input, ops), (a) => (entry.answer = a));
  };
}
