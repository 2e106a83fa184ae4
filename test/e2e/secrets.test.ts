/**
 * No secret comes out, whatever door it came in by and whichever format goes out.
 * Secrets enter through every input the doctor has — flags, an env file, build args, the
 * config file, a netrc, a token variable, an ssh key, docker config.json proxies, this
 * process's own proxy variables, the Dockerfile's ENV, the image's ENV, --mode build's --secret — and every format
 * (table, list, json, markdown, junit, github + step summary, -v raw evidence, the report
 * bundle and its markdown) is searched for each of them.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as assert from 'uvu/assert';
import { suite } from 'uvu';
import { runCli } from '../helpers/cli.js';
import { ensureDerivedImage, GOBUILDER_TAG } from '../helpers/fixtures.js';
import { type Lab, PROXY_USER, startLab } from '../helpers/lab.js';
import { loud } from '../helpers/timeout.js';

const S = {
  flagProxy: 'flag-proxy-pw-7Q2x',
  envFileToken: 'ghp_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789',
  buildArg: 'glpat-Zz9Yy8Xx7Ww6Vv5Uu4Tt',
  configEnv: 'config-file-secret-K3y9',
  netrc: 'netrc-password-Hq81',
  token: 'doctor-git-token-P0o9',
  dockerConfig: 'docker-config-pw-M4n5',
  hostProxy: 'host-proxy-pw-W2e3',
  dockerfile: 'AKIAIOSFODNN7EXAMPLE',
  image: 'image-env-secret-R5t6',
  sshKey: 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7',
};

const test = suite<{ lab: Lab; dir: string }>('secrets e2e');

test.before(loud('secrets', async (ctx) => {
  ctx.lab = await startLab();
  ctx.dir = mkdtempSync(join(tmpdir(), 'gmd-secrets-'));
}));
test.after(async (ctx) => {
  await ctx.lab?.stop();
  if (ctx.dir) rmSync(ctx.dir, { recursive: true, force: true });
});

test('secrets through every input never reach any format, the raw evidence or the report bundle', async ({ lab, dir }) => {
  const image = await ensureDerivedImage('gomod-doctor-fixture/gobuilder-secret-env:1', `FROM ${GOBUILDER_TAG}\nENV VENDOR_API_TOKEN=${S.image}`);
  const p = join(dir, 'svc');
  mkdirSync(p, { recursive: true });
  writeFileSync(join(p, 'go.mod'), 'module example.com/svc\n\ngo 1.19\n');
  writeFileSync(join(p, 'go.sum'), '');
  writeFileSync(join(p, 'Dockerfile'), `FROM ${image} AS builder\nARG NPM_TOKEN\nENV AWS_ACCESS_KEY_ID=${S.dockerfile}\nENV GOSUMDB="${lab.sumdb.gosumdb}"\nCOPY go.mod go.sum ./\nRUN go mod download\n`);
  writeFileSync(join(p, '.gomod-doctor.yaml'), `env:\n  DEPLOY_PASSWORD: ${S.configEnv}\n`);
  writeFileSync(join(p, 'build.env'), `GITHUB_TOKEN=${S.envFileToken}\n`);
  writeFileSync(join(p, 'netrc'), `machine git.lab.test login ci password ${S.netrc}\n`);
  writeFileSync(join(p, 'id_test'), `-----BEGIN PRIVATE KEY-----\n${S.sshKey}\n-----END PRIVATE KEY-----\n`);
  const configDir = join(dir, 'docker-config');
  mkdirSync(configDir, { recursive: true });
  const fwd = `${lab.gateway}:${lab.ports.authProxy}`;
  writeFileSync(join(configDir, 'config.json'), JSON.stringify({ proxies: { default: { httpProxy: `http://cfg:${S.dockerConfig}@${fwd}` } } }));
  const env = {
    DOCKER_CONFIG: configDir,
    GOMOD_DOCTOR_GIT_TOKEN: S.token,
    HTTPS_PROXY: `http://host:${S.hostProxy}@${fwd}`,
  };
  const common = [
    '--dns', lab.gateway, '--ca-cert', lab.caFile, '--no-default-targets', '--timeout', '3', '--no-fetch',
    '-e', `HTTPS_PROXY=http://${PROXY_USER}:${S.flagProxy}@${fwd}`,
    '--env-file', 'build.env',
    '--build-arg', `NPM_TOKEN=${S.buildArg}`,
    '--netrc', 'netrc', '--ssh-key', 'id_test', '--private-repo', 'https://git.lab.test/acme/private.git',
  ];
  const summary = join(dir, 'summary.md');
  const outputs: Array<[string, string]> = [];
  for (const format of ['table', 'list', 'json', 'markdown', 'junit', 'github']) {
    const r = await runCli([...common, '--format', format, '-v'], { cwd: p, env: { ...env, GITHUB_STEP_SUMMARY: summary }, hostDns: lab.gateway, timeoutMs: 90_000 });
    assert.ok(r.code === 0 || r.code === 1, `${format}: exit ${r.code}\n${r.stderr}`);
    assert.ok(r.stdout.length > 200, `${format} printed a report`);
    outputs.push([`--format ${format} -v`, r.stdout], [`stderr of ${format}`, r.stderr]);
  }
  outputs.push(['GITHUB_STEP_SUMMARY', readFileSync(summary, 'utf8')]);
  const bundle = join(dir, 'ticket.json');
  const rep = await runCli(['report', '--out', bundle, ...common], { cwd: p, env, hostDns: lab.gateway, timeoutMs: 90_000 });
  assert.is(rep.code, 1, rep.stderr);
  assert.match(rep.stdout, 'ticket.json');
  outputs.push(['report stdout', rep.stdout], ['ticket.json', readFileSync(bundle, 'utf8')], ['ticket.md', readFileSync(join(dir, 'ticket.md'), 'utf8')]);
  // The bundle is the whole story: the variables and the evidence are in it, minus the secrets.
  const doc = JSON.parse(readFileSync(bundle, 'utf8')) as { variables: Array<{ name: string }>; evidence: object; checks: unknown[] };
  assert.ok(doc.variables.some((v) => v.name === 'AWS_ACCESS_KEY_ID'));
  assert.ok(doc.checks.length > 5);
  for (const [where, text] of outputs) {
    for (const [name, secret] of Object.entries(S)) {
      assert.not.ok(text.includes(secret), `${name} (${secret.slice(0, 4)}…) reached ${where}`);
    }
  }
});

test('--secret values (file and variable) never reach any format, the build log (-v), a failing step\'s output or the report bundle', async ({ dir }) => {
  const B = { file: 'build-secret-file-Jq7w2', env: 'build-secret-env-Zx4c9' };
  const p = join(dir, 'build-secret');
  mkdirSync(p, { recursive: true });
  writeFileSync(join(p, 'go.mod'), 'module example.com/svc\n\ngo 1.19\n');
  writeFileSync(join(p, 'go.sum'), '');
  writeFileSync(join(p, 'token'), `${B.file}\n`);
  // The worst a Dockerfile can do: print the secrets in a step that passes, and in one that fails.
  const prints = `FROM ${GOBUILDER_TAG}\nRUN --mount=type=secret,id=tok --mount=type=secret,id=envtok cat /run/secrets/tok /run/secrets/envtok\nCOPY go.mod go.sum ./\nRUN --mount=type=secret,id=tok go mod download\n`;
  const fails = prints.replace('/run/secrets/envtok\n', '/run/secrets/envtok && exit 3\n');
  const args = ['--network', 'none', '--no-default-targets', '--no-host', '--no-fetch', '--timeout', '2', '--mode', 'build', '--secret', 'id=tok,src=token', '--secret', 'id=envtok,env=BUILD_TOKEN'];
  const env = { BUILD_TOKEN: B.env };
  const outputs: Array<[string, string]> = [];
  for (const [name, dockerfile] of [['prints', prints], ['fails', fails]] as const) {
    writeFileSync(join(p, 'Dockerfile'), dockerfile);
    for (const format of ['table', 'json', 'markdown']) {
      const r = await runCli([...args, '--format', format, '-v'], { cwd: p, env, timeoutMs: 120_000 });
      assert.ok(r.code === 0 || r.code === 1, `${name} ${format}: exit ${r.code}\n${r.stderr}`);
      outputs.push([`${name} --format ${format} -v`, r.stdout], [`${name} stderr of ${format}`, r.stderr]);
    }
    const bundle = join(dir, `build-${name}.json`);
    const rep = await runCli(['report', '--out', bundle, ...args], { cwd: p, env, timeoutMs: 120_000 });
    assert.is(rep.code, 1, rep.stderr);
    outputs.push([`${name} report`, readFileSync(bundle, 'utf8')], [`${name} report.md`, readFileSync(bundle.replace(/\.json$/, '.md'), 'utf8')]);
  }
  // The build ran the step that printed them: its output is there, minus the values.
  assert.match(outputs.find(([w]) => w === 'prints --format table -v')![1], /── build step/);
  assert.match(outputs.find(([w]) => w === 'fails --format json -v')![1], /\*\*\*/);
  for (const [where, text] of outputs) {
    for (const [name, secret] of Object.entries(B)) assert.not.ok(text.includes(secret), `${name} (${secret.slice(0, 6)}…) reached ${where}`);
  }
});

test.run();
