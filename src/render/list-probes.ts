/**
 * --list-probes: every host, command and mount a run would touch, for a security review,
 * as text. Nothing was run. Pure.
 */
import type { DockerfileEvidence, EnvVar, ProbePlan } from '../model.js';
import type { DoctorOptions } from '../options.js';
import { redactUrl } from '../secrets.js';

/** What --list-probes shows: the plan a run would make (src/plan/list-probes.ts), and what the container would be. */
export interface ProbeListing {
  plan: ProbePlan;
  stage: DockerfileEvidence | null;
  envVars: EnvVar[];
  user: string;
  /** Whether the image is on the engine (else a run would pull it). */
  imageLocal: boolean;
}

/** The engine as the docker CLI would pick it (src/engine/endpoint.ts). */
export interface ListedEndpoint {
  endpoint: string;
  source: string;
  context: string | null;
  tls: boolean;
}

/** The build step's prefix: what the classic builder could not build. */
export interface ListedBuild {
  unsupported: readonly string[];
}

export function renderProbeList(opts: DoctorOptions, listing: ProbeListing, endpoint: ListedEndpoint, build: ListedBuild | null): string {
  const { plan, stage, envVars, user } = listing;
  const out: string[] = [];
  const say = (line = '') => out.push(line);
  say('gomod-doctor would touch (nothing was run):');
  say();
  say(`Engine ${endpoint.endpoint} (${endpoint.source}${endpoint.context ? `, context ${endpoint.context}` : ''}${endpoint.tls ? ', TLS' : ''}):`);
  say('  GET /version, /info, /_ping, /networks/bridge; list and remove containers labelled org.gomod-doctor.* of dead runs');
  say(`  inspect image ${opts.image}${listing.imageLocal ? ' (on the engine)' : ' (not on the engine: it would be pulled from its registry)'}`);
  if (stage) say(`  Dockerfile ${stage.path}: stage ${stage.stage} (line ${stage.stageLine}), FROM ${stage.chain.join(' ← ')}`);
  say();
  say(`Probe container (removed at the end): image ${opts.image}, user ${user || 'root'}${stage?.workdir ? `, workdir ${stage.workdir.value}` : ''}`);
  say(`  network ${opts.network ?? 'default bridge'}${opts.dns.length ? `, --dns ${opts.dns.join(' ')}` : ''}${opts.addHosts.length ? `, --add-host ${opts.addHosts.join(' ')}` : ''}`);
  say(`  no privileges (no-new-privileges), 512 MiB memory, 512 pids, at most 2 CPUs; mounts: ${[...opts.volumes, ...(opts.sshAgentSocket ? [`${opts.sshAgentSocket} (ssh agent socket)`] : [])].join(', ') || 'none'}`);
  const files = [...(opts.caCertPem ? ['extra-ca.pem'] : []), ...(opts.netrcText ? ['netrc (credentials)'] : []), ...(opts.sshKeyText ? ['ssh-key (credentials)'] : [])];
  say(`  command: sh -c <the agent script> (a POSIX shell script; its work directory is a mktemp -d removed at its exit)`);
  if (files.length) say(`  copied into /.gomod-doctor once it runs: ${files.join(', ')}`);
  say(`  environment: ${envVars.map((v) => v.name).join(' ') || 'the image\'s own'}`);
  say();
  say(`In the container, as ${user || 'root'} (each network step bounded by ${opts.timeoutMs / 1000} s):`);
  say('  id; read /etc/resolv.conf, /etc/hosts, /etc/os-release; go env -json; git config --get-all credential.helper / insteadOf; ls ~/.ssh (names only)');
  for (const t of plan.targets) {
    const steps = [`DNS ${t.host} (getent ahosts | nslookup)`, `TCP ${t.host}:${t.port} (bash /dev/tcp | nc)`];
    if (t.tls) steps.push('TLS handshake (openssl s_client | curl | wget)');
    if (t.httpUrl) steps.push(`GET ${redactUrl(t.httpUrl)}${t.httpProxy ? ` via ${redactUrl(t.httpProxy)}` : ''} (curl | wget)`);
    say(`  ${t.roles.join('+')}: ${steps.join(' → ')}`);
  }
  for (const p of plan.paths) if (p.path) say(`  write and remove a temp file in ${p.variable} ${p.path}`);
  for (const r of plan.repos) say(`  git ls-remote ${redactUrl(r.url)} (prompts disabled)${r.kind === 'module' ? ` after GET https://${r.url}?go-get=1` : ''}`);
  for (const f of plan.fetches) say(`  go mod download -x ${f.canary} with GOPROXY=${redactUrl(f.goproxy)} (throwaway GOPATH, GOMODCACHE, GOCACHE)`);
  for (const g of plan.sumdbGets) say(`  GET ${redactUrl(g.url)}${g.httpProxy ? ` via ${redactUrl(g.httpProxy)}` : ''}`);
  for (const x of plan.transfers) say(`  GET ${redactUrl(x.url)} (timed zip transfer)${x.httpProxy ? ` via ${redactUrl(x.httpProxy)}` : ''}`);
  if (!opts.fetch) say('  (no go mod download: --no-fetch)');
  say();
  if (opts.hostProbes) {
    say('From this machine (its own resolver and proxy variables):');
    say(`  the same DNS, TCP, TLS and GET steps for ${[...new Set(plan.targets.map((t) => t.host))].join(', ') || 'no host'}; ip route get / ip -j route show default (no packet sent)`);
  } else {
    say('From this machine: nothing (--no-host)');
  }
  if (opts.mode === 'build' && build) {
    say();
    const builder = opts.dockerBuildkit === false ? 'the classic builder (DOCKER_BUILDKIT=0): POST /build?version=1' : 'BuildKit when the engine has it (API 1.39+, not Windows; else the classic builder): POST /session, then POST /build?version=2';
    say(`As a build step (--mode build): ${builder} of ${stage?.path} up to line ${stage?.goStep ? stage.goStep.line - 1 : 'the end of the stage'}, context ${opts.dockerfile?.contextDir} (.dockerignore applied), twice (facts, then the plan); the same in-container steps; every image the builds make is removed, and the build cache records they create`);
    if (opts.buildSecrets.length) say(`  secrets served to RUN --mount=type=secret through the session (values never printed): ${opts.buildSecrets.map((x) => x.id).join(', ')}`);
    if (opts.buildSsh.length) say(`  SSH forwarded to RUN --mount=type=ssh through the session: ${opts.buildSsh.map((x) => `${x.id} (${x.socket ? `agent ${x.socket}` : `${x.keys.length} key file(s)`})`).join(', ')}`);
    if (build.unsupported.length) say(`  not possible with the classic builder: ${build.unsupported.join('; ')}`);
  }
  say();
  say('Go env inside the image may add GOPROXY, GOSUMDB or GOPRIVATE hosts to this list when the run starts.');
  return `${out.join('\n')}\n`;
}
