// Options are resolved once and frozen (src/cli/resolve.ts): --only/--skip drop whole probe
// families, config.json proxies go in as -e (docker run) or build args (docker build), the
// Dockerfile stage names the image. Pure: files come from an in-memory reader.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parseArgs } from '../../src/cli/args.js';
import { CONFIG_PROXY_ORIGIN, resolveOptions } from '../../src/cli/resolve.js';
import type { EngineEndpoint } from '../../src/engine/endpoint.js';
import { UsageError } from '../../src/errors.js';

const endpoint = { endpoint: 'unix:///var/run/docker.sock', source: 'default', context: null, tls: false } as unknown as EngineEndpoint;
const CONFIG = JSON.stringify({ proxies: { default: { httpsProxy: 'http://u:pw-Secret9@corp-proxy:3128', noProxy: 'localhost' } } });

function resolve(argv: string[], files: Record<string, string> = {}) {
  const readFile = (p: string) => {
    if (p in files) return files[p]!;
    throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
  };
  const env = { DOCKER_CONFIG: '/cfg' };
  const parsed = parseArgs([...argv, '--no-config'], { env, readFile, cwd: '/src', exists: (p: string) => p in files });
  if (parsed.kind !== 'run') throw new Error(`parsed ${parsed.kind}`);
  const warnings: string[] = [];
  const resolved = resolveOptions(parsed.options, endpoint, { env, readFile, warn: (t) => warnings.push(t) });
  return { ...resolved, warnings };
}

const test = suite('resolve: options once, frozen');

test('the result is frozen all the way down: nothing downstream can write to it', () => {
  const { options } = resolve(['--image', 'golang:1.22', '-e', 'A=1', '--dns', '10.0.0.53']);
  assert.ok(Object.isFrozen(options));
  assert.ok(Object.isFrozen(options.env));
  assert.ok(Object.isFrozen(options.thresholds));
  assert.throws(() => (options as { image: string }).image = 'other');
  assert.throws(() => (options.env as string[]).push('B=2'));
});

test('--only/--skip leaving out a family skip its probes; naming one of its checks keeps them', () => {
  assert.is(resolve(['--image', 'x:1', '--only', 'dns']).options.fetch, false);
  assert.is(resolve(['--image', 'x:1', '--only', 'dns']).options.hostProbes, false);
  assert.is(resolve(['--image', 'x:1', '--only', 'e2e.fetch']).options.fetch, true);
  assert.is(resolve(['--image', 'x:1', '--skip', 'host']).options.hostProbes, false);
  assert.is(resolve(['--image', 'x:1']).options.fetch, true);
});

test('docker run: config.json proxies become -e values, and their passwords secrets', () => {
  const { options } = resolve(['--image', 'x:1'], { '/cfg/config.json': CONFIG });
  assert.ok(options.dockerConfigEnv.includes('HTTPS_PROXY=http://u:pw-Secret9@corp-proxy:3128'));
  assert.match(options.dockerConfigSource ?? '', /proxies\.default/);
  assert.ok(options.secrets.includes('pw-Secret9'));
});

test('docker build: config.json proxies become build args, a --build-arg of the same name wins, the stage names the image', () => {
  const files = { '/cfg/config.json': CONFIG, '/src/Dockerfile': 'FROM golang:1.22 AS build\nRUN go mod download\n' };
  const { options, stage } = resolve(['-f', '/src/Dockerfile', '--build-arg', 'HTTPS_PROXY=http://mine:8080'], files);
  assert.is(options.image, 'golang:1.22');
  assert.is(stage?.stage.stage, 'build');
  assert.equal(options.dockerConfigEnv, []);
  const args = options.dockerfile!.buildArgs;
  assert.equal(args.find((a) => a.name === 'HTTPS_PROXY')?.value, 'http://mine:8080');
  assert.equal(args.find((a) => a.name === 'NO_PROXY'), { name: 'NO_PROXY', value: 'localhost', origin: CONFIG_PROXY_ORIGIN });
});

test('a config.json that does not parse is a warning, as in the docker CLI; the run goes on', () => {
  const { options, warnings } = resolve(['--image', 'x:1'], { '/cfg/config.json': '{not json' });
  assert.equal(options.dockerConfigEnv, []);
  assert.is(warnings.length, 1);
  assert.match(warnings[0]!, /^ignoring \/cfg\/config\.json/);
});

test('a stage FROM scratch is a usage error (exit 2), before anything runs', () => {
  const files = { '/src/Dockerfile': 'FROM scratch\nCOPY x /x\n' };
  try {
    resolve(['-f', '/src/Dockerfile'], files);
    assert.unreachable('resolved');
  } catch (err) {
    assert.instance(err, UsageError);
    assert.is((err as UsageError).exitCode, 2);
  }
});

test.run();
