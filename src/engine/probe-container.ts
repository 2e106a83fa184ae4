/**
 * What the probe container is made of: the create request's body for one agent run. Pure, so
 * that its bounds and its removal (AutoRemove) are read and tested in one place.
 */
import { AGENT_DIR } from './container.js';
import type { AgentSpec } from './types.js';

/** POST /containers/create for the agent; `labels` add the process's own (host, pid, start) to the spec's. */
export function probeContainerOptions(spec: AgentSpec, labels: Readonly<Record<string, string>>): Record<string, unknown> {
  return {
    // Only these go in the query string; the rest (Env included) stays in the body.
    _query: spec.platform ? { platform: spec.platform } : {},
    Image: spec.image,
    // The script itself is the command: no copy before the start. $0 names the
    // directory the handed files are copied to.
    Entrypoint: ['/bin/sh'],
    Cmd: ['-c', spec.script, `${AGENT_DIR}/agent.sh`],
    User: spec.user,
    Env: spec.env,
    WorkingDir: spec.workingDir ?? undefined,
    Labels: { ...spec.labels, ...labels },
    Tty: false,
    OpenStdin: true,
    StdinOnce: true,
    AttachStdin: true,
    AttachStdout: true,
    AttachStderr: true,
    HostConfig: {
      NetworkMode: spec.network ?? undefined,
      Dns: spec.dns.length ? spec.dns : undefined,
      ExtraHosts: spec.addHosts.length ? spec.addHosts : undefined,
      Binds: spec.binds.length ? spec.binds : undefined,
      // A probe needs little; bound it so a runaway image cannot hurt the host.
      Memory: 512 * 1024 * 1024,
      PidsLimit: 512,
      // Up to two CPUs: every target's chain spawns its own tools at once, and on one
      // CPU 20 targets took 4 s instead of 2.3 s (docs/performance.md). A CFS quota, not
      // NanoCpus: the engine refuses NanoCpus above its CPU count, and asking /info for
      // that count held the create for its answer (the engine runs runc to give it).
      CpuPeriod: 100_000,
      CpuQuota: 200_000,
      SecurityOpt: ['no-new-privileges'],
      // The engine removes the container once it exits, whoever is still there to ask:
      // a run that got its answer leaves without waiting for the removal (DockerEngine.runAgent).
      AutoRemove: true,
    },
  };
}
