/**
 * Agent blocks → Evidence. Pure: it reads the tools' own output (getent, busybox
 * nslookup, bash /dev/tcp, nc, openssl s_client, curl -v, busybox wget) and extracts
 * facts. It never judges: a 404 is a status here, a failure only in checks/.
 */
import type {
  CredentialFacts,
  DnsEvidence,
  FetchEvidence,
  FetchOutcome,
  FsEvidence,
  GoRequest,
  PlannedFetch,
  PlannedTransfer,
  TransferEvidence,
  GitOutcome,
  PlannedPath,
  PlannedRepo,
  RepoEvidence,
  HttpEvidence,
  HttpOutcome,
  ImageFacts,
  ResolvConf,
  TcpAttempt,
  TcpEvidence,
  TcpOutcome,
  TlsEvidence,
  ToolName,
} from '../model.js';
import { type Block, kv, kvAll, kvInt } from './wire.js';

const TOOL_NAMES: ToolName[] = ['bash', 'getent', 'nslookup', 'nc', 'curl', 'wget', 'openssl', 'timeout', 'go', 'git', 'ssh'];

/** Exit codes that mean the step was killed by its bound (timeout(1), SIGKILL, SIGTERM). */
export function killedByTimeout(rc: number | null): boolean {
  return rc === 124 || rc === 137 || rc === 143;
}

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

/** Facts from the `facts`, `file:` and `goenv` blocks. */
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
    // What the host handed over is the host's to say (run.ts): the files arrive after the facts.
    handedNetrc: false,
    handedSshKey: false,
  };
}

export function parseFs(block: Block, path: PlannedPath): FsEvidence {
  const [uid, gid, mode] = (kv(block, 'stat') ?? '').split(' ');
  const num = (v: string | undefined) => (v && /^\d+$/.test(v) ? Number(v) : null);
  const mountOpts = (kv(block, 'mount_opts') ?? '').split(',');
  return {
    path,
    exists: kv(block, 'exists') === '1',
    isDir: kv(block, 'dir') === '1',
    probedAt: kv(block, 'probed_at') ?? path.path ?? '',
    ownerUid: num(uid),
    ownerGid: num(gid),
    mode: mode && /^[0-7]{3,4}$/.test(mode) ? mode : null,
    writable: kv(block, 'writable') === '1',
    writeError: lastMeaningful(block.raw),
    mountPoint: kv(block, 'mount') ?? null,
    readOnlyMount: mountOpts.includes('ro'),
    freeKb: kvInt(block, 'free_kb'),
  };
}

/** git's and ssh's own words for each failure, most specific first. */
const GIT_FAILURES: Array<[RegExp, GitOutcome]> = [
  [/terminal prompts disabled|could not read (Username|Password)/i, 'no_credentials'],
  [/Permission denied \(publickey/i, 'publickey'],
  [/Host key verification failed|REMOTE HOST IDENTIFICATION HAS CHANGED|No \S+ host key is known/i, 'host_key'],
  [/Authentication failed|HTTP Basic: Access denied|returned error: 40[13]|Invalid username or password/i, 'auth_failed'],
  [/SSL certificate problem|server certificate verification failed|certificate verify failed|unable to get local issuer/i, 'tls'],
  [/Repository not found|repository '.*' not found|does not appear to be a git repository|returned error: 404|not found/i, 'not_found'],
  [/CONNECT tunnel failed|from proxy after CONNECT|Could not resolve proxy|Could not resolve host|Could not resolve hostname|Connection refused|Connection timed out|Failed to connect|No route to host|Network is unreachable|Operation timed out|Connection reset/i, 'network'],
];

export function parseRepo(block: Block, repo: PlannedRepo): RepoEvidence {
  const rcText = kv(block, 'rc');
  const rc = kvInt(block, 'rc');
  const text = block.raw.join('\n');
  const discovery =
    repo.kind === 'module'
      ? { status: kvInt(block, 'discovery_status'), goImport: kv(block, 'go_import')?.trim() || null, message: rcText === '-' ? lastMeaningful(block.raw) : '' }
      : null;
  const ev: RepoEvidence = {
    repo,
    discovery,
    url: kv(block, 'url') ?? null,
    outcome: 'error',
    rc,
    ms: kvInt(block, 'ms'),
    knownHost: null,
    message: lastMeaningful(block.raw),
  };
  if (rcText === '-') return { ...ev, outcome: 'error' };
  if (rc === 127) return { ...ev, outcome: 'no_git' };
  if (rc === 0) return { ...ev, outcome: 'ok', message: '' };
  if (killedByTimeout(rc)) return { ...ev, outcome: 'timeout' };
  const hit = GIT_FAILURES.find(([re]) => re.test(text));
  return { ...ev, outcome: hit ? hit[1] : 'error', message: gitMessage(block.raw) };
}

/** The line of git's output that says what went wrong (`fatal:` lines win over hints). */
function gitMessage(raw: string[]): string {
  // git's closing hint ("Please make sure you have the correct access rights / and the
  // repository exists.") says nothing; ssh's own line says what happened.
  const lines = raw.map((l) => l.trim()).filter((l) => l && !/^Please make sure you have|^and the repository exists|^fatal: Could not read from remote/.test(l));
  const pick = lines.find((l) => /^ssh:|^fatal:|^remote:|denied|failed/i.test(l)) ?? lines.at(-1) ?? '';
  return pick.slice(0, 300);
}

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;
const IPV6 = /^[0-9a-fA-F:]+:[0-9a-fA-F:.]*$/;

function splitFamilies(addresses: string[]): { v4: string[]; v6: string[] } {
  const v4 = new Set<string>();
  const v6 = new Set<string>();
  for (const a of addresses) {
    if (IPV4.test(a)) v4.add(a);
    else if (IPV6.test(a) && !a.toLowerCase().startsWith('::ffff:')) v6.add(a.toLowerCase());
  }
  return { v4: [...v4], v6: [...v6] };
}

/** Addresses in busybox's or bind's nslookup output: `Address: X` lines after the first `Name:`. */
function nslookupAddresses(raw: string[]): string[] {
  const out: string[] = [];
  let answers = false;
  for (const line of raw) {
    if (/^Name:/.test(line)) answers = true;
    const m = /^Address(?:\s+\d+)?:\s*([0-9a-fA-F.:]+)\s*$/.exec(line);
    if (answers && m?.[1]) out.push(m[1]);
  }
  return out;
}

export function parseDns(block: Block, host: string): DnsEvidence {
  const tool = kv(block, 'tool') ?? null;
  const rc = kvInt(block, 'rc');
  const ms = kvInt(block, 'ms');
  const hostsAddrs = kvAll(block, 'hosts');
  const text = block.raw.join('\n');
  const base = { host, tool, ms, fromHostsFile: hostsAddrs.length > 0, message: block.raw.slice(0, 3).join(' ').trim() };
  if (tool === 'none') return { ...base, tool: null, outcome: 'no_tool', v4: [], v6: [] };
  const addresses =
    tool === 'nslookup' ? nslookupAddresses(block.raw) : block.raw.map((l) => l.trim().split(/\s+/)[0] ?? '');
  const { v4, v6 } = splitFamilies(addresses);
  if (v4.length + v6.length > 0) return { ...base, outcome: 'resolved', v4, v6 };
  if (killedByTimeout(rc) || /timed out|no servers could be reached/i.test(text)) {
    return { ...base, outcome: 'timeout', v4, v6 };
  }
  if (/NXDOMAIN/.test(text)) return { ...base, outcome: 'nxdomain', v4, v6 };
  if (/SERVFAIL|REFUSED/.test(text)) return { ...base, outcome: 'servfail', v4, v6 };
  if (/No answer/i.test(text)) return { ...base, outcome: 'no_answer', v4, v6 };
  // busybox prints nothing at all for a NOERROR answer without records.
  if (tool === 'nslookup' && rc === 0) return { ...base, outcome: 'no_answer', v4, v6 };
  // getent exits 2 when the name is not found (NXDOMAIN or an unusable answer).
  if (tool === 'getent' && rc === 2) return { ...base, outcome: 'nxdomain', v4, v6 };
  return { ...base, outcome: 'error', v4, v6 };
}

function tcpOutcome(rc: number, message: string): TcpOutcome {
  if (rc === 0) return 'connected';
  if (killedByTimeout(rc) || /timed? ?out/i.test(message)) return 'timeout';
  if (/refused/i.test(message)) return 'refused';
  if (/unreachable|no route|cannot assign|not available/i.test(message)) return 'unreachable';
  return 'error';
}

export function parseTcp(block: Block, host: string): TcpEvidence {
  const attempts: TcpAttempt[] = [];
  let tool: string | null = null;
  for (const line of kvAll(block, 'attempt')) {
    const [, address = '', port = '0', rc = '1', ms = '', t = '', ...msg] = line.split(' ');
    tool = t;
    const message = msg.join(' ').trim();
    const code = Number(rc);
    attempts.push({
      address,
      port: Number(port),
      outcome: t === 'none' ? 'no_tool' : tcpOutcome(code, message),
      ms: /^\d+$/.test(ms) ? Number(ms) : null,
      message,
    });
  }
  return { host, tool: tool === 'none' ? null : tool, attempts };
}

/** `Mon DD HH:MM:SS YYYY GMT` dates, as openssl and curl print them, to ISO. */
export function certDate(text: string | undefined): string | null {
  if (!text) return null;
  const d = new Date(text.trim().replace(/\s+/g, ' '));
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

export function parseTls(block: Block, host: string, port: number): TlsEvidence {
  const tool = kv(block, 'tool') ?? null;
  const rc = kvInt(block, 'rc');
  const raw = block.raw;
  const text = raw.join('\n');
  const find = (re: RegExp) => {
    for (const line of raw) {
      const m = re.exec(line);
      if (m?.[1]) return m[1].trim();
    }
    return null;
  };
  const ev: TlsEvidence = {
    host,
    port,
    address: kv(block, 'address') ?? null,
    tool: tool === 'none' ? null : tool,
    outcome: 'error',
    verifiable: tool === 'openssl' || tool === 'curl',
    verifyCode: null,
    verifyMessage: null,
    protocol: null,
    subject: null,
    issuer: null,
    notBefore: null,
    notAfter: null,
    ms: kvInt(block, 'ms'),
    message: '',
  };
  if (tool === 'none' || tool === null) return { ...ev, outcome: 'no_tool', verifiable: false };
  if (tool === 'openssl') {
    const code = /Verify return code: (\d+) \(([^)]*)\)/.exec(text);
    ev.verifyCode = code ? Number(code[1]) : null;
    ev.verifyMessage = code?.[2] ?? find(/verify error:num=\d+:(.*)$/);
    ev.protocol = find(/^\s*Protocol\s*:\s*(\S+)/) ?? find(/^New, (TLSv[\d.]+)/);
    ev.subject = find(/^subject=\s*(.*)$/);
    ev.issuer = find(/^issuer=\s*(.*)$/);
    ev.notBefore = certDate(find(/NotBefore: ([^;]*)/) ?? undefined);
    ev.notAfter = certDate(find(/NotAfter: (.*)$/) ?? undefined);
    // A failed handshake still prints "New, (NONE), Cipher is (NONE)" and "Verify return code: 0".
    const completed = /^New, TLS/m.test(text) || (/^\s*Protocol\s*:\s*TLS/m.test(text) && !/Cipher is \(NONE\)/.test(text));
    ev.outcome = completed ? 'ok' : killedByTimeout(rc) ? 'timeout' : 'error';
    ev.message = completed ? '' : lastMeaningful(raw);
  } else if (tool === 'curl') {
    ev.protocol = find(/SSL connection using (TLSv[\d.]+)/);
    ev.subject = find(/^\*\s+subject: (.*)$/);
    ev.issuer = find(/^\*\s+issuer: (.*)$/);
    ev.notBefore = certDate(find(/^\*\s+start date: (.*)$/) ?? undefined);
    ev.notAfter = certDate(find(/^\*\s+expire date: (.*)$/) ?? undefined);
    const problem = find(/curl: \(60\) (.*)$/);
    if (problem) {
      ev.outcome = 'ok';
      ev.verifyCode = -1;
      ev.verifyMessage = problem.replace(/^SSL certificate problem: /, '').replace(/^SSL: /, '');
    } else if (/SSL certificate verify ok/.test(text) || (rc === 0 && ev.protocol)) {
      ev.outcome = 'ok';
      ev.verifyCode = 0;
      ev.verifyMessage = 'ok';
    } else {
      ev.outcome = killedByTimeout(rc) || /curl: \(28\)/.test(text) ? 'timeout' : 'error';
      ev.message = lastMeaningful(raw);
    }
  } else {
    // busybox wget through its own TLS: it cannot verify, but an HTTP answer means the handshake completed.
    ev.verifiable = false;
    if (rc === 0 || /server returned error/.test(text)) ev.outcome = 'ok';
    else ev.outcome = killedByTimeout(rc) || /timed out/.test(text) ? 'timeout' : 'error';
    if (ev.outcome !== 'ok') ev.message = lastMeaningful(raw);
  }
  return ev;
}

function lastMeaningful(raw: string[]): string {
  const lines = raw.map((l) => l.trim()).filter((l) => l && !l.startsWith('*') && !/^[<>{}]/.test(l));
  return (lines.at(-1) ?? '').slice(0, 300);
}

function httpFailure(text: string, rc: number | null, proxied: boolean): HttpOutcome {
  if (/\b407\b|Proxy Authentication Required/i.test(text)) return 'proxy_auth';
  if (killedByTimeout(rc) || /curl: \(28\)|timed out/i.test(text)) return 'timeout';
  if (/curl: \(60\)|certificate/i.test(text)) return 'tls_error';
  if (proxied && (/curl: \(7\)|curl: \(5\)|Could not resolve proxy|proxyconnect/i.test(text) || /refused/i.test(text))) {
    return 'proxy_refused';
  }
  return 'error';
}

export function parseHttp(block: Block, url: string, proxy: string | null): HttpEvidence {
  const tool = kv(block, 'tool') ?? null;
  const rc = kvInt(block, 'rc');
  const ms = kvInt(block, 'ms');
  const text = block.raw.join('\n');
  const ev: HttpEvidence = {
    url,
    proxy,
    tool: tool === 'none' ? null : tool,
    outcome: 'error',
    status: null,
    ttfbMs: null,
    ms,
    bodyHead: block.body.join('\n'),
    message: '',
  };
  if (tool === 'none' || tool === null) return { ...ev, outcome: 'no_tool' };
  // The host stopped it: the proxy it goes through is already dead (run.ts attaches the row).
  if (kv(block, 'stopped') === '1') return { ...ev, outcome: 'stopped' };
  if (tool === 'curl') {
    const w = /^@w (\d{3}) ([\d.]+) ([\d.]+)(?: (\d{3}))?/m.exec(text);
    const code = w ? Number(w[1]) : 0;
    const connectCode = w?.[4] ? Number(w[4]) : 0;
    if (code === 407 && proxy) return { ...ev, outcome: 'proxy_auth', status: 407, message: 'proxy answered 407' };
    if (code > 0) {
      ev.outcome = 'response';
      ev.status = code;
      ev.ttfbMs = Math.round(Number(w?.[2]) * 1000);
      return ev;
    }
    if (connectCode === 407) return { ...ev, outcome: 'proxy_auth', status: 407, message: 'proxy answered 407' };
  } else {
    // wget: `-S` prints the status line(s); the last one is the answer that counts.
    const statuses = [...text.matchAll(/HTTP\/[\d.]+ (\d{3})/g)].map((m) => Number(m[1]));
    const last = statuses.at(-1);
    if (last !== undefined && !(proxy && last === 407)) {
      return { ...ev, outcome: 'response', status: last, ttfbMs: ms };
    }
  }
  return { ...ev, outcome: httpFailure(text, rc, proxy !== null), message: lastMeaningful(block.raw.filter((l) => !l.startsWith('@w'))) };
}

/** The go command's failure words, most specific first (cmd/go, net/http, crypto/x509). */
const FETCH_FAILURES: Array<[RegExp, FetchOutcome]> = [
  [/SECURITY ERROR|checksum mismatch/i, 'checksum'],
  [/verifying (module|go\.mod)|\/lookup\/|sumdb|checksum database/i, 'sumdb'],
  [/proxyconnect/i, 'proxy'],
  [/TLS handshake timeout/i, 'tls_timeout'],
  [/x509:|tls: failed to verify certificate/i, 'x509'],
  [/no such host|server misbehaving|dial tcp: lookup /i, 'dns'],
  [/i\/o timeout|Client\.Timeout|context deadline exceeded/i, 'timeout'],
  [/connection refused/i, 'refused'],
  [/terminal prompts disabled|could not read Username|Authentication failed|Permission denied \(publickey|Host key verification failed|: 401 Unauthorized|: 403 Forbidden/i, 'auth'],
  [/: 5\d\d [A-Z]/, 'server_error'],
  [/404 Not Found|410 Gone|not found|unknown revision|invalid version/i, 'not_found'],
];

/** `go mod download -x -json` → requests, outcome and the go command's own error line. */
export function parseFetch(block: Block, fetch: PlannedFetch): FetchEvidence {
  const rc = kvInt(block, 'rc');
  const requests: GoRequest[] = [];
  const other: string[] = [];
  for (const line of block.raw) {
    const answered = /^# get (\S+): (\d{3}) ([^(]*?)\s*\(([\d.]+)s\)\s*$/.exec(line);
    const failed = answered ? null : /^# get (\S+): (.+)$/.exec(line);
    if (answered) requests.push({ url: answered[1]!, status: Number(answered[2]), statusText: answered[3]!.trim(), ms: Math.round(Number(answered[4]) * 1000) });
    else if (failed) requests.push({ url: failed[1]!, status: null, statusText: failed[2]!.slice(0, 200), ms: null });
    // -x also traces the commands it runs (`0.004s # cd …; git …`): not messages.
    else if (!line.startsWith('# get ') && line.trim() && !/^(\d+(\.\d+)?m?s )?# |^(cd|git|mkdir|rm|mv|cp) /.test(line.trim())) other.push(line.trim());
  }
  const jsonError = kvAll(block, 'error')
    .map((e) => /"Error":\s*"(.*)",?\s*$/.exec(e)?.[1])
    .filter((e): e is string => !!e)
    .map((e) => {
      try {
        return JSON.parse(`"${e}"`) as string;
      } catch {
        return e;
      }
    });
  const error = (jsonError[0] ?? (rc === 0 ? '' : other.find((l) => l.startsWith('go:')) ?? other.at(-1) ?? '')).slice(0, 400);
  const ev: FetchEvidence = { fetch, outcome: 'error', rc, ms: kvInt(block, 'ms'), requests, error, zipBytes: kvInt(block, 'zip_bytes'), pqRetry: parsePqRetry(block) };
  if (rc === 0 && !error) return { ...ev, outcome: 'ok' };
  if (rc === 127) return { ...ev, outcome: 'no_go', error: 'no go command in the image' };
  // The host stopped it: a lower layer had already decided (run.ts attaches which).
  if (kv(block, 'stopped') === '1') return { ...ev, outcome: 'stopped' };
  if (killedByTimeout(rc)) return { ...ev, outcome: 'hung' };
  const text = [error, ...other, ...requests.map((r) => r.statusText)].join('\n');
  const hit = FETCH_FAILURES.find(([re]) => re.test(text));
  return { ...ev, outcome: hit ? hit[1] : 'error' };
}

/** The GODEBUG=tlsmlkem=0 fetch the agent ran after a TLS handshake timeout (Go 1.24+), or null. */
export function parsePqRetry(block: Block): FetchEvidence['pqRetry'] {
  const rc = kvInt(block, 'pq_rc');
  if (rc === null) return null;
  const error = (/"Error":\s*"(.*)",?\s*$/.exec(kv(block, 'pq_error') ?? '')?.[1] ?? '').slice(0, 400);
  const outcome: FetchOutcome = rc === 0 ? 'ok' : killedByTimeout(rc) ? 'hung' : (FETCH_FAILURES.find(([re]) => re.test(error))?.[1] ?? 'error');
  return { outcome, ms: kvInt(block, 'pq_ms'), error };
}

/** A bounded download: status, announced length and the bytes that arrived in time. */
export function parseTransfer(block: Block, transfer: PlannedTransfer): TransferEvidence {
  const tool = kv(block, 'tool') ?? null;
  const rc = kvInt(block, 'rc');
  const text = block.raw.join('\n');
  const statuses = tool === 'curl' ? [/^@w (\d{3})/m.exec(text)?.[1]].filter((c) => c && c !== '000') : [...text.matchAll(/HTTP\/[\d.]+ (\d{3})/g)].map((m) => m[1]);
  const status = statuses.length ? Number(statuses.at(-1)) : null;
  const ev: TransferEvidence = { transfer, tool: tool === 'none' ? null : tool, outcome: 'error', status, length: kvInt(block, 'length'), bytes: kvInt(block, 'bytes') ?? 0, ms: kvInt(block, 'ms'), message: '' };
  if (tool === 'none' || tool === null) return { ...ev, outcome: 'no_tool' };
  if (rc === 0) return { ...ev, outcome: 'complete' };
  if (kv(block, 'stopped') === '1') return { ...ev, outcome: 'stopped' };
  const message = lastMeaningful(block.raw.filter((l) => !l.startsWith('@w') && !/^\s*(HTTP\/|[A-Za-z-]+:)/.test(l)));
  return { ...ev, outcome: killedByTimeout(rc) || /curl: \(28\)/.test(text) ? 'timeout' : 'error', message };
}
