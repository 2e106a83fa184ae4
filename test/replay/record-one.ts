/**
 * One recorded run: `node --import tsx test/replay/record-one.ts SPEC.json`, started by
 * record.ts inside a private mount namespace whose /etc/resolv.conf names the lab (or
 * nothing), as the e2e tests start the bin. Runs `run(io)` from src/cli/main.ts with a
 * RecordingEngine around the real DockerEngine and a recording host probe, then writes the
 * recording to SPEC.out.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../src/cli/main.js';
import { DockerEngine } from '../../src/engine/docker.js';
import { nodeEndpointIo, resolveEndpoint } from '../../src/engine/endpoint.js';
import { materialize, memoryStream, REPLAY_BASE_ENV } from '../helpers/replay-engine.js';
import { rowsOf, type Recording } from '../helpers/replay-format.js';
import type { Report } from '../../src/model.js';
import { RecordingEngine, recordingHostProbe } from './recording-engine.js';

export interface RecordSpec {
  scenario: string;
  description: string;
  argv: string[];
  env: Record<string, string>;
  files: Record<string, string>;
  out: string;
}

const spec = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as RecordSpec;
const dir = mkdtempSync(join(tmpdir(), 'gmd-record-'));
try {
  // The engine is the machine's own (no DOCKER_HOST): the replay's DOCKER_HOST points nowhere.
  const env: NodeJS.ProcessEnv = { ...REPLAY_BASE_ENV, PATH: process.env.PATH, HOME: dir, ...spec.env };
  const endpointIo = nodeEndpointIo(env);
  const engine = new RecordingEngine(new DockerEngine(resolveEndpoint(endpointIo), endpointIo));
  const hostProbe: Recording['hostProbe'] = [];
  const stdout = memoryStream();
  const stderr = memoryStream();
  const t0 = Date.now();
  const exitCode = await run({ argv: materialize(spec.argv, spec.files, dir), env, stdout: stdout.stream, stderr: stderr.stream, engine, hostProbe: recordingHostProbe(hostProbe) });
  let report: Report | null = null;
  try {
    report = JSON.parse(stdout.text()) as Report;
  } catch {
    process.stderr.write(`${spec.scenario}: the run printed no JSON report:\n${stdout.text().slice(0, 2000)}\n`);
  }
  const recording: Recording = {
    scenario: spec.scenario,
    description: spec.description,
    recordedAt: new Date().toISOString(),
    argv: spec.argv,
    env: spec.env,
    files: spec.files,
    engine: engine.log,
    hostProbe,
    outcome: { exitCode, stderr: stderr.text(), durationMs: Date.now() - t0, rows: report ? rowsOf(report) : [], summary: report?.summary ?? null },
  };
  writeFileSync(spec.out, `${JSON.stringify(recording, null, 1)}\n`);
  process.stderr.write(`${spec.scenario}: exit ${exitCode}, ${recording.engine.runAgent[0]?.stdout.length ?? 0} stdout chunks, ${Date.now() - t0} ms\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
