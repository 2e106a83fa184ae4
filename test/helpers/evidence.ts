/**
 * One Evidence builder for the unit tests: a root probe in a debian image on a local engine,
 * nothing probed, no host side; each test overrides what its check reads. Recorded Evidence
 * (whole runs) comes from test/helpers/replay-engine.ts instead.
 */
import type { CredentialFacts, EnvVar, Evidence, ImageFacts, RunContext } from '../../src/model.js';

export const NO_CREDENTIALS: CredentialFacts = { netrcMachines: null, netrcDefault: false, credentialHelpers: [], insteadOf: [], sshKeys: [], knownHostsFile: false, sshAgent: false, handedNetrc: false, handedSshKey: false };

/** An environment variable as [name, value, source]; the source defaults to `flag` (-e). */
export type EnvEntry = [string, string, EnvVar['source']?];

export type EvidenceOverrides = Partial<Omit<Evidence, 'engine' | 'facts' | 'env' | 'context'>> & {
  engine?: Partial<Evidence['engine']>;
  facts?: Partial<ImageFacts>;
  /** Shorthand for facts.resolvConf.nameservers. */
  nameservers?: string[];
  env?: EnvEntry[];
  context?: Partial<RunContext>;
};

export function evidence(over: EvidenceOverrides = {}): Evidence {
  const { engine, facts, nameservers, env, context, ...rest } = over;
  return {
    image: 'golang:1.22',
    user: 'root',
    targets: [],
    paths: [],
    repos: [],
    fetches: [],
    sumdb: [],
    transfers: [],
    host: null,
    ...rest,
    engine: { endpoint: 'unix:///var/run/docker.sock', version: '20.10.24', apiVersion: '1.41', ...engine },
    facts: {
      uid: 0,
      gid: 0,
      userName: 'root',
      home: '/root',
      clockMs: null,
      hostClockMs: null,
      tools: {},
      clockSource: null,
      os: 'debian',
      caBundle: null,
      resolvConf: { nameservers: nameservers ?? [], search: [], options: [], present: true },
      hostsFile: '',
      goEnv: null,
      goEnvError: null,
      credentials: NO_CREDENTIALS,
      ...facts,
    },
    env: (env ?? []).map(([name, value, source = 'flag']) => ({ name, value, source })),
    context: { network: null, dns: [], addHosts: [], extraCa: false, timeoutMs: 2000, gomod: null, privateRepos: [], dockerConfig: null, canary: 'rsc.io/quote@v1.5.2', ...context },
  };
}
