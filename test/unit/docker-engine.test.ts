/**
 * DockerEngine's Ctrl-C path over a fake dockerode: a container the engine has made but whose
 * id has not reached us yet must still be removed (the cli e2e "Ctrl-C mid-probe" race).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type Docker from 'dockerode';
import { DockerEngine } from '../../src/engine/docker.js';
import { probeContainerOptions } from '../../src/engine/probe-container.js';
import type { AgentConversation, AgentSpec } from '../../src/engine/types.js';

const spec: AgentSpec = {
  image: 'img', user: '', env: [], workingDir: null, network: null, dns: [], addHosts: [], platform: null,
  binds: [], script: 'true', files: [], labels: {}, deadlineMs: 10_000,
};

function fakeDocker(removeError: Error | null = null) {
  const removed: string[] = [];
  const waits: Array<{ id: string; condition: string; answer: () => void }> = [];
  let answerCreate: (c: Docker.Container) => void = () => {};
  const container = (id: string) =>
    ({
      id,
      remove: async () => {
        if (removeError) throw removeError;
        removed.push(id);
      },
      wait: (opts: { condition: string }) => new Promise<void>((answer) => waits.push({ id, condition: opts.condition, answer })),
      attach: () => new Promise(() => {}),
    }) as unknown as Docker.Container;
  const docker = {
    createContainer: () => new Promise<Docker.Container>((res) => (answerCreate = res)),
  } as unknown as Docker;
  return { docker, removed, waits, answer: (id: string) => answerCreate(container(id)) };
}

function conversation(): AgentConversation {
  return { onStdout: () => {}, onCreated: () => {}, input: new Promise(() => {}) };
}

const where = { endpoint: 'unix:///fake.sock', source: 'default' as const, context: null, tls: false, tlsDir: null, dockerodeOptions: {} };
const io = { env: {}, readFile: () => '', exists: () => false, homedir: '/nonexistent' };

test('Ctrl-C while the create is unanswered: the container it made is removed once the answer comes', async () => {
  const fake = fakeDocker();
  const engine = new DockerEngine(where, io, fake.docker);
  void engine.runAgent(spec, conversation()).catch(() => {});
  await new Promise((r) => setImmediate(r));
  const aborted = engine.abortAll();
  let done = false;
  void aborted.then(() => (done = true));
  await new Promise((r) => setImmediate(r));
  assert.is(done, false, 'abortAll waits for the create it cannot see yet');
  fake.answer('c0ffee');
  await aborted;
  assert.ok(fake.removed.includes('c0ffee'), `removed: ${fake.removed.join(',')}`);
});

test('Ctrl-C while the engine is already removing the container (AutoRemove): the exit waits until it is gone', async () => {
  const inProgress = Object.assign(new Error('(HTTP code 409) unexpected - removal of container c0ffee is already in progress'), { statusCode: 409 });
  const fake = fakeDocker(inProgress);
  const engine = new DockerEngine(where, io, fake.docker);
  void engine.runAgent(spec, conversation()).catch(() => {});
  fake.answer('c0ffee');
  await new Promise((r) => setImmediate(r));
  let done = false;
  const aborted = engine.abortAll().then(() => (done = true));
  for (let i = 0; i < 5 && !fake.waits.length; i++) await new Promise((r) => setImmediate(r));
  assert.equal(fake.waits.map((w) => [w.id, w.condition]), [['c0ffee', 'removed']]);
  assert.is(done, false, 'not before the engine says it is removed');
  fake.waits[0]!.answer();
  await aborted;
  assert.is(done, true);
});

test('the sweep leaves containers the engine is removing, and does not wait for one it finds being removed', async () => {
  const inProgress = Object.assign(new Error('removal of container dead01 is already in progress'), { statusCode: 409 });
  const fake = fakeDocker(inProgress);
  const old = { 'org.gomod-doctor.tool': 'gomod-doctor', 'org.gomod-doctor.started': '1' };
  const asked: string[] = [];
  Object.assign(fake.docker, {
    listContainers: async () => [
      { Id: 'dead01', State: 'exited', Labels: old },
      { Id: 'going02', State: 'removing', Labels: old },
    ],
    getContainer: (id: string) => {
      asked.push(id);
      return { id, remove: async () => { throw inProgress; }, wait: () => new Promise(() => {}) };
    },
  });
  const engine = new DockerEngine(where, io, fake.docker);
  let timer: NodeJS.Timeout | undefined;
  const waited = new Promise((r) => (timer = setTimeout(() => r('waited for the removal'), 1000)));
  assert.is(await Promise.race([engine.sweep(), waited]), 1);
  clearTimeout(timer);
  assert.equal(asked, ['dead01']);
});

test('Ctrl-C with no container in flight ends at once and removes nothing', async () => {
  const fake = fakeDocker();
  const engine = new DockerEngine(where, io, fake.docker);
  await engine.abortAll();
  assert.equal(fake.removed, []);
});

test('the probe container: the engine removes it at exit, bounded, unprivileged, labelled with the process', () => {
  const o = probeContainerOptions({ ...spec, user: '1000:1000', labels: { 'org.gomod-doctor.run': 'r1', 'org.gomod-doctor.pid': 'spoofed' } }, { 'org.gomod-doctor.pid': '42' }) as {
    User: string; Labels: Record<string, string>; HostConfig: Record<string, unknown>; Entrypoint: string[];
  };
  assert.is(o.User, '1000:1000');
  assert.equal(o.Entrypoint, ['/bin/sh']);
  assert.equal(o.Labels, { 'org.gomod-doctor.run': 'r1', 'org.gomod-doctor.pid': '42' });
  const hc = o.HostConfig;
  assert.is(hc.AutoRemove, true);
  assert.equal([hc.CpuQuota, hc.CpuPeriod, hc.Memory, hc.PidsLimit], [200_000, 100_000, 512 * 1024 * 1024, 512]);
  assert.equal(hc.SecurityOpt, ['no-new-privileges']);
  assert.is(hc.Privileged, undefined);
});

test.run();
