// The doctor's probe containers on the engine, by its label. A run that got its answer exits
// without waiting for the engine's removal (AutoRemove, src/engine/docker.ts): what counts as
// "left behind" is what is still there once the engine has had time to finish removing.
import type Dockerode from 'dockerode';
import { LABEL_TOOL } from '../../src/engine/types.js';
import { docker } from './engine.js';

/** The probe containers the engine lists right now (being removed included). */
export async function probeContainers(): Promise<Dockerode.ContainerInfo[]> {
  return docker().listContainers({ all: true, filters: { label: [`${LABEL_TOOL}=gomod-doctor`] } });
}

/**
 * The probe containers still there after the engine's removals settle: polled until only
 * those in `keep` are left or `ms` passes (a user network's embedded DNS holds a teardown
 * up to 4 s).
 */
export async function probeContainersLeft(keep: readonly string[] = [], ms = 10_000): Promise<Dockerode.ContainerInfo[]> {
  const until = Date.now() + ms;
  for (;;) {
    const list = await probeContainers();
    if (list.every((c) => keep.includes(c.Id)) || Date.now() >= until) return list;
    await new Promise((r) => setTimeout(r, 100));
  }
}
