// Docker engine bootstrap for the e2e tests: reuse a running engine, else install/start one (root only).
import { spawn, spawnSync } from 'node:child_process';
import { openSync } from 'node:fs';
import Dockerode from 'dockerode';

const DOCKERD_LOG = '/tmp/gomod-doctor-dockerd.log';

let client: Dockerode | undefined;

/** The one dockerode client the test helpers share (honours DOCKER_HOST, else the default socket). */
export function docker(): Dockerode {
  client ??= new Dockerode();
  return client;
}

/** True when the engine answers a ping within `ms`. */
export async function enginePing(ms = 2000): Promise<boolean> {
  try {
    // A throwaway client with a request timeout: a hung socket must not hang the tests.
    await new Dockerode({ timeout: ms }).ping();
    return true;
  } catch {
    return false;
  }
}

function onPath(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

function run(cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status ?? r.signal})`);
}

/**
 * Make sure a Docker engine answers. Starts `dockerd` (installing docker.io first if needed)
 * when we are root and no engine responds; throws a one-line error otherwise.
 */
export async function ensureEngine(): Promise<void> {
  if (await enginePing()) return;
  const host = process.env.DOCKER_HOST;
  // Only the default socket is ours to bring up; a custom DOCKER_HOST belongs to someone else.
  if (host && host !== 'unix:///var/run/docker.sock') {
    throw new Error(`Docker engine at DOCKER_HOST=${host} does not answer`);
  }
  if (process.getuid?.() !== 0) {
    throw new Error('Docker engine not reachable and not root: start dockerd (or set DOCKER_HOST) and retry');
  }
  if (!onPath('dockerd')) {
    process.stderr.write('installing docker.io ...\n');
    run('apt-get', ['update']);
    run('apt-get', ['install', '-y', 'docker.io']);
  }
  process.stderr.write(`starting dockerd (log: ${DOCKERD_LOG}) ...\n`);
  const log = openSync(DOCKERD_LOG, 'a');
  const child = spawn('dockerd', [], { detached: true, stdio: ['ignore', log, log] });
  let exited: number | null = null;
  child.on('exit', (code) => (exited = code ?? -1));
  child.unref();
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (await enginePing()) return;
    if (exited !== null) throw new Error(`dockerd exited with ${exited}; see ${DOCKERD_LOG}`);
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`dockerd did not answer within 90 s; see ${DOCKERD_LOG}`);
}
