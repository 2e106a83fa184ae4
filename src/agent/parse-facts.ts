/**
 * The facts blocks → ImageFacts: `facts` (uid, tools, clock, CA bundle), `file:` (resolv.conf,
 * hosts), `goenv` (`go env -json`) and `creds` (which credentials exist, names only). Its own
 * file because the facts are read on their own, before any probe runs: they make the plan
 * (and --list-probes, and the first build of --mode build). Pure.
 */
import type { CredentialFacts, ImageFacts, ResolvConf, ToolName } from '../model.js';
import { killedByTimeout } from './tool-output.js';
import { type Block, kv, kvAll, kvInt } from './wire.js';

const TOOL_NAMES: ToolName[] = ['bash', 'getent', 'nslookup', 'nc', 'curl', 'wget', 'openssl', 'timeout', 'go', 'git', 'ssh'];

export function parseResolvConf(lines: string[] | null): ResolvConf {
  const conf: ResolvConf = { nameservers: [], search: [], options: [], present: lines !== null };
  for (const line of lines ?? []) {
    const [key, ...values] = line.trim().split(/\s+/);
    if (key === 'nameserver' && values[0]) conf.nameservers.push(values[0]);
    else if (key === 'search' || key === 'domain') conf.search.push(...values);
    else if (key === 'options') conf.options.push(...values);
  }
  return conf;
}

/** Facts from the `facts`, `file:`, `goenv` and `creds` blocks. */
export function parseFacts(blocks: Map<string, Block>, hostClockMs: number): ImageFacts {
  const facts = blocks.get('facts');
  const resolv = blocks.get('file:/etc/resolv.conf');
  const hosts = blocks.get('file:/etc/hosts');
  const goenv = blocks.get('goenv');
  const creds = blocks.get('creds');
  const tools: ImageFacts['tools'] = {};
  for (const t of TOOL_NAMES) {
    const path = facts && kv(facts, `tool.${t}`);
    if (path) tools[t] = path;
  }
  if (facts && tools.wget && kv(facts, 'flavor.wget') === 'busybox') tools.wget = `${tools.wget} (busybox)`;
  const nonEmpty = (v: string | undefined) => (v && v.trim() ? v.trim() : null);
  let goEnv: Record<string, string> | null = null;
  let goEnvError: string | null = null;
  if (goenv) {
    const rc = kvInt(goenv, 'rc');
    if (rc === 0) {
      try {
        const parsed: unknown = JSON.parse(goenv.raw.join('\n'));
        if (parsed && typeof parsed === 'object') {
          goEnv = Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, String(v)]));
        }
      } catch {
        goEnvError = 'go env -json printed something that is not JSON';
      }
    } else if (rc === 127) {
      goEnvError = 'no go command in the image';
    } else {
      goEnvError = (killedByTimeout(rc) ? 'go env timed out: ' : `go env failed (exit ${rc}): `) + goenv.raw.slice(0, 3).join(' ');
    }
  } else {
    goEnvError = 'the agent did not report go env';
  }
  const clock = facts ? kvInt(facts, 'clock_ms') : null;
  return {
    uid: facts ? kvInt(facts, 'uid') : null,
    gid: facts ? kvInt(facts, 'gid') : null,
    userName: nonEmpty(facts && kv(facts, 'user')),
    home: nonEmpty(facts && kv(facts, 'home')),
    clockMs: clock,
    hostClockMs,
    tools,
    clockSource: nonEmpty(facts && kv(facts, 'clock_source')),
    os: nonEmpty(facts && kv(facts, 'os')),
    caBundle: nonEmpty(facts && kv(facts, 'ca_bundle')),
    resolvConf: parseResolvConf(resolv && !kv(resolv, 'missing') ? resolv.raw : null),
    hostsFile: hosts ? hosts.raw.join('\n') : '',
    goEnv,
    goEnvError,
    credentials: parseCredentials(creds),
  };
}

export function parseCredentials(block: Block | undefined): CredentialFacts {
  const has = (key: string) => !!block && kv(block, key) === '1';
  const all = (key: string) => (block ? kvAll(block, key) : []);
  return {
    netrcMachines: has('netrc') ? all('netrc_machine') : null,
    netrcDefault: has('netrc_default'),
    credentialHelpers: all('cred_helper'),
    insteadOf: all('insteadof').map((line) => {
      const [base = '', prefix = ''] = line.split(' ');
      return { base, prefix };
    }),
    sshKeys: all('ssh_key'),
    knownHostsFile: has('known_hosts'),
    sshAgent: has('ssh_agent'),
    // Whether the host handed a netrc or key over is the host's to say: the files arrive after the facts.
    handedNetrc: false,
    handedSshKey: false,
  };
}
