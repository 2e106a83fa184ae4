/**
 * Agent blocks → Evidence. Pure: it reads the tools' own output and extracts facts. It
 * never judges: a 404 is a status here, a failure only in checks/. This file reads the
 * cache directories' `fs:` blocks, git's `repo:` blocks and the go command's `fetch:` and
 * `xfer:` blocks; the facts blocks are parse-facts.ts, the DNS/TCP/TLS/HTTP blocks
 * parse-network.ts. It re-exports both, so one import serves every caller.
 */
import type { FetchEvidence, FetchOutcome, FsEvidence, GitOutcome, GoRequest, PlannedFetch, PlannedPath, PlannedRepo, PlannedTransfer, RepoEvidence, TransferEvidence } from '../model.js';
import { killedByTimeout, lastMeaningful } from './tool-output.js';
import { type Block, kv, kvAll, kvInt } from './wire.js';

export { parseCredentials, parseFacts, parseResolvConf } from './parse-facts.js';
export { certDate, parseDns, parseHttp, parseTcp, parseTls } from './parse-network.js';
export { killedByTimeout } from './tool-output.js';

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
  // The host stopped it: a lower layer had already decided (the host adds which as `stoppedBy`).
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
