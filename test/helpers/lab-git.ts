// The lab's private git host: one bare repo served over HTTPS (the host's `git http-backend` as CGI,
// Basic auth) and over SSH (ssh2 in-process, publickey auth, the host's `git upload-pack`).
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { join } from 'node:path';
import ssh2 from 'ssh2';
import type { LabRequest } from './lab-proxy.js';

/** Credentials the HTTPS git server accepts (HTTP Basic). */
export const GIT_HTTP_USER = 'gituser';
export const GIT_HTTP_PASSWORD = 'git-s3cret-token';
/** The only user the SSH git server lets in (with the lab client key). */
export const GIT_SSH_USER = 'git';
/** Name of the git host; the lab DNS wildcard *.lab.test answers the gateway for it. */
export const GIT_HOST = 'git.lab.test';
/** Path of the one repository on both servers. */
export const GIT_REPO_PATH = '/acme/private.git';
/** Tag on the repo's only commit, so `go mod download <vanity>@v1.0.0` has a version to fetch. */
export const GIT_TAG = 'v1.0.0';
/**
 * Go import path whose `?go-get=1` page (on the lab's port-443 server) points at the HTTPS repo.
 * It cannot live on the git server itself: import paths allow no port, so discovery is always on 443.
 */
export const VANITY_IMPORT_PATH = 'go.lab.test/private';

/** One SSH authentication attempt or command the lab SSH server saw. */
export interface SshEvent {
  event: 'auth' | 'exec';
  user: string;
  /** The auth method (`none`, `publickey`, ...) or the exec command line. */
  detail: string;
  /** Auth accepted, or command allowed and exited 0. */
  ok: boolean;
}

/** The lab git host, as tests see it. */
export interface LabGit {
  /** Bare repo on the host (`<lab dir>/git/acme/private.git`). */
  repoDir: string;
  /** `/acme/private.git`. */
  repoPath: string;
  /** Hash of the repo's only commit (branch `main`, tag `v1.0.0`). */
  commit: string;
  /** HTTPS git server port on the gateway (test-CA certificate, Basic auth). */
  httpsPort: number;
  /** `https://git.lab.test:<httpsPort>/acme/private.git`. */
  httpsUrl: string;
  /** SSH git server port on the gateway. */
  sshPort: number;
  /** `ssh://git@git.lab.test:<sshPort>/acme/private.git`. */
  sshUrl: string;
  /** The host key's public half, `ssh-ed25519 <base64>`. */
  hostPublicKey: string;
  /** Private key the SSH server accepts for user `git` (OpenSSH format, mode 0600). */
  clientKeyPath: string;
  /** A valid key the SSH server does not know (OpenSSH format, mode 0600): "Permission denied (publickey)". */
  wrongKeyPath: string;
  /** known_hosts line for the name: `[git.lab.test]:<sshPort> ssh-ed25519 <base64>`. */
  knownHostsLine: string;
  /** known_hosts line for the gateway IP: `[<gateway>]:<sshPort> ssh-ed25519 <base64>`. */
  knownHostsIpLine: string;
  /** File holding both known_hosts lines. An unknown host key is simply a known_hosts without them. */
  knownHostsFile: string;
  /** `go.lab.test/private`: its go-get=1 page on port 443 names `vanityRepoUrl`; its go.mod says the same path. */
  vanityPath: string;
  /** Repo URL the vanity page points at (= httpsUrl). */
  vanityRepoUrl: string;
  /** SSH auth attempts and exec requests, oldest first (tests may clear it). HTTPS requests go to lab.requests. */
  sshLog: SshEvent[];
}

export interface GitServerOptions {
  gateway: string;
  /** The lab temp dir (removed by lab.stop()). */
  dir: string;
  /** TLS options for the HTTPS server (the lab's good certificate). */
  tls: https.ServerOptions;
  /** The lab request log. */
  requests: LabRequest[];
  /** lab.ts's listen-and-undo: binds on the gateway, closes (and drops sockets) on stop. */
  serve: (server: net.Server, port: number) => Promise<number>;
}

/** Create `<root>/acme/private.git` with one commit holding a Go module; returns the commit hash. */
function makeRepo(dir: string, repoDir: string): string {
  const work = join(dir, 'git-work');
  // Fixed identity and dates, and no user or system config: the same commit on every machine.
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: dir,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_AUTHOR_NAME: 'Lab',
    GIT_AUTHOR_EMAIL: 'lab@lab.test',
    GIT_AUTHOR_DATE: '2024-01-01T00:00:00Z',
    GIT_COMMITTER_NAME: 'Lab',
    GIT_COMMITTER_EMAIL: 'lab@lab.test',
    GIT_COMMITTER_DATE: '2024-01-01T00:00:00Z',
  };
  const git = (...args: string[]): string =>
    execFileSync('git', args, { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  git('init', '-q', '-b', 'main', work);
  writeFileSync(join(work, 'go.mod'), `module ${VANITY_IMPORT_PATH}\n\ngo 1.16\n`);
  writeFileSync(join(work, 'private.go'), 'package private\n\n// Secret proves the private module was fetched.\nconst Secret = "lab"\n');
  git('-C', work, 'add', '-A');
  git('-C', work, 'commit', '-q', '-m', 'private module');
  git('-C', work, 'tag', GIT_TAG);
  mkdirSync(join(repoDir, '..'), { recursive: true });
  git('clone', '-q', '--bare', work, repoDir);
  rmSync(work, { recursive: true, force: true });
  return git('--git-dir', repoDir, 'rev-parse', 'HEAD');
}

function basicAuthOk(header: string | undefined): boolean {
  const m = /^Basic\s+(\S+)$/i.exec(header ?? '');
  return !!m && Buffer.from(m[1]!, 'base64').toString() === `${GIT_HTTP_USER}:${GIT_HTTP_PASSWORD}`;
}

/** Split CGI output into status, headers and body (http-backend ends headers with a blank CRLF line). */
function parseCgi(out: Buffer): { status: number; headers: Record<string, string>; body: Buffer } | undefined {
  const crlf = out.indexOf('\r\n\r\n');
  const lf = out.indexOf('\n\n');
  const [end, sepLen] = crlf >= 0 && (lf < 0 || crlf < lf) ? [crlf, 4] : [lf, 2];
  if (end < 0) return undefined;
  let status = 200;
  const headers: Record<string, string> = {};
  for (const line of out.subarray(0, end).toString('latin1').split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i <= 0) continue;
    const name = line.slice(0, i).trim();
    const value = line.slice(i + 1).trim();
    if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10) || 500;
    else headers[name] = value;
  }
  return { status, headers, body: out.subarray(end + sepLen) };
}

/** The HTTPS handler: Basic auth on everything, then `git http-backend` as a CGI. */
function gitHttpHandler(projectRoot: string, requests: LabRequest[]) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'https://git.lab.test');
    requests.push({ method: req.method ?? '', host: req.headers.host ?? '', path: req.url ?? '/', port: req.socket.localPort ?? 0 });
    const reply = (status: number, body: string, extra: Record<string, string> = {}): void => {
      res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body), ...extra });
      res.end(body);
    };
    if (!basicAuthOk(req.headers.authorization)) {
      return reply(401, 'authentication required\n', { 'www-authenticate': 'Basic realm="lab-git"' });
    }

    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_PROJECT_ROOT: projectRoot,
      GIT_HTTP_EXPORT_ALL: '1', // serve repos without a git-daemon-export-ok file
      GATEWAY_INTERFACE: 'CGI/1.1',
      REQUEST_METHOD: req.method ?? 'GET',
      PATH_INFO: decodeURIComponent(url.pathname),
      QUERY_STRING: url.search.slice(1),
      REMOTE_USER: GIT_HTTP_USER,
      REMOTE_ADDR: req.socket.remoteAddress ?? '',
      CONTENT_TYPE: req.headers['content-type'] ?? '',
    };
    // Without CONTENT_LENGTH http-backend reads the (chunked) body to EOF.
    if (req.headers['content-length']) env.CONTENT_LENGTH = req.headers['content-length'];
    // CGI passes request headers as HTTP_*: http-backend needs Git-Protocol (v2) and Content-Encoding (gzip).
    for (const [name, value] of Object.entries(req.headers)) {
      if (name === 'authorization' || value === undefined) continue;
      env[`HTTP_${name.toUpperCase().replace(/-/g, '_')}`] = Array.isArray(value) ? value.join(', ') : value;
    }

    const child = spawn('git', ['http-backend'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    child.stdin.on('error', () => undefined); // http-backend may answer (e.g. 404) without reading the body
    req.pipe(child.stdin);
    // The repo is tiny: buffering the whole CGI answer keeps header parsing trivial.
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', (e) => reply(500, `git http-backend: ${e.message}\n`));
    child.on('close', (code) => {
      if (res.headersSent || res.destroyed) return;
      const cgi = parseCgi(Buffer.concat(out));
      if (!cgi) return reply(500, `git http-backend exited ${code}: ${Buffer.concat(err).toString()}\n`);
      res.writeHead(cgi.status, { ...cgi.headers, 'content-length': cgi.body.length });
      res.end(cgi.body);
    });
    // A client gone (or lab.stop() dropping the socket) must not leave a backend behind.
    res.on('close', () => {
      if (child.exitCode === null && child.signalCode === null) child.kill();
    });
  };
}

/** Allow `git-upload-pack '/acme/private.git'` (quotes and leading slash optional); refuse anything else with a message. */
function checkSshCommand(command: string): { ok: true } | { ok: false; message: string } {
  const m = /^git[- ]upload-pack\s+'?([^']*?)'?\s*$/.exec(command.trim());
  if (!m) return { ok: false, message: `lab git: only git-upload-pack is served, not: ${command}\n` };
  if (`/${m[1]!.replace(/^\/+/, '')}` !== GIT_REPO_PATH) return { ok: false, message: 'ERROR: Repository not found.\n' };
  return { ok: true };
}

/** known_hosts form of an ssh2 key pair's public half: `<type> <base64>`. */
function publicKeyLine(publicKey: string): string {
  const parsed = ssh2.utils.parseKey(publicKey);
  if (parsed instanceof Error) throw parsed;
  return `${parsed.type} ${parsed.getPublicSSH().toString('base64')}`;
}

/** The SSH server: publickey auth for `git` with the lab client key, `git upload-pack` on exec. */
function sshGitServer(hostKey: string, clientPublicKey: string, repoDir: string, log: SshEvent[]): net.Server {
  const allowed = ssh2.utils.parseKey(clientPublicKey);
  if (allowed instanceof Error) throw allowed;

  const ssh = new ssh2.Server({ hostKeys: [hostKey] }, (client) => {
    client.on('error', () => undefined); // clients that hang up mid-handshake (e.g. unknown host key)
    client.on('authentication', (ctx) => {
      let ok = false;
      if (ctx.method === 'publickey' && ctx.username === GIT_SSH_USER) {
        ok =
          ctx.key.algo === allowed.type &&
          ctx.key.data.equals(allowed.getPublicSSH()) &&
          // No signature yet: the client only asks whether this key would do.
          (!ctx.signature || allowed.verify(ctx.blob ?? Buffer.alloc(0), ctx.signature, ctx.hashAlgo));
      }
      log.push({ event: 'auth', user: ctx.username, detail: ctx.method, ok });
      // Only publickey is offered, so OpenSSH ends with "Permission denied (publickey)".
      if (ok) ctx.accept();
      else ctx.reject(['publickey']);
    });
    client.on('ready', () => {
      client.on('session', (acceptSession) => {
        const session = acceptSession();
        const childEnv: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin', GIT_CONFIG_NOSYSTEM: '1' };
        // git sends GIT_PROTOCOL=version=2 with SendEnv; pass it on like sshd's AcceptEnv would.
        session.on('env', (accept, reject, info) => {
          if (info.key === 'GIT_PROTOCOL') {
            childEnv.GIT_PROTOCOL = info.val;
            accept?.();
          } else reject?.();
        });
        session.once('exec', (accept, _reject, info) => {
          const stream = accept();
          const verdict = checkSshCommand(info.command);
          if (!verdict.ok) {
            log.push({ event: 'exec', user: GIT_SSH_USER, detail: info.command, ok: false });
            stream.stderr.write(verdict.message);
            stream.exit(1);
            stream.end();
            return;
          }
          const child = spawn('git', ['upload-pack', repoDir], { env: childEnv, stdio: ['pipe', 'pipe', 'pipe'] });
          child.stdin.on('error', () => undefined);
          stream.pipe(child.stdin);
          child.stdout.pipe(stream, { end: false });
          child.stderr.pipe(stream.stderr, { end: false });
          child.on('close', (code) => {
            log.push({ event: 'exec', user: GIT_SSH_USER, detail: info.command, ok: code === 0 });
            stream.exit(code ?? 1);
            stream.end();
          });
          stream.on('close', () => {
            if (child.exitCode === null && child.signalCode === null) child.kill();
          });
        });
      });
    });
  });
  // Our own net.Server feeds ssh2, so lab.ts tracks and drops its sockets like any other server's.
  return net.createServer((socket) => ssh.injectSocket(socket));
}

/**
 * An ed25519 key pair in OpenSSH's format, made by ssh-keygen. Not ssh2's generateKeyPairSync:
 * about 1 key in 270 it writes is malformed (ssh2 and ssh-keygen both refuse it), which failed
 * the lab's start about once in seven e2e runs.
 */
function ed25519KeyPair(dir: string, comment: string): { private: string; public: string } {
  const path = join(dir, `${comment}-keygen`);
  rmSync(path, { force: true });
  rmSync(`${path}.pub`, { force: true });
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', path], { stdio: 'ignore' });
  const pair = { private: readFileSync(path, 'utf8'), public: readFileSync(`${path}.pub`, 'utf8') };
  rmSync(path);
  rmSync(`${path}.pub`);
  return pair;
}

/** Create the repo, keys and both git servers on the gateway. */
export async function startGit(opts: GitServerOptions): Promise<LabGit> {
  const projectRoot = join(opts.dir, 'git');
  const repoDir = join(projectRoot, GIT_REPO_PATH);
  const commit = makeRepo(opts.dir, repoDir);

  const httpsPort = await opts.serve(https.createServer(opts.tls, gitHttpHandler(projectRoot, opts.requests)), 0);

  const hostKey = ed25519KeyPair(opts.dir, 'lab-git-host');
  const clientKey = ed25519KeyPair(opts.dir, 'lab-git-client');
  const wrongKey = ed25519KeyPair(opts.dir, 'lab-git-wrong');
  const sshLog: SshEvent[] = [];
  const sshPort = await opts.serve(sshGitServer(hostKey.private, clientKey.public, repoDir, sshLog), 0);

  const writeKey = (name: string, pem: string): string => {
    const path = join(opts.dir, name);
    writeFileSync(path, pem, { mode: 0o600 });
    chmodSync(path, 0o600); // ssh refuses keys others can read; `mode` above only applies to new files
    return path;
  };
  const hostPublicKey = publicKeyLine(hostKey.public);
  const knownHostsLine = `[${GIT_HOST}]:${sshPort} ${hostPublicKey}`;
  const knownHostsIpLine = `[${opts.gateway}]:${sshPort} ${hostPublicKey}`;
  const knownHostsFile = join(opts.dir, 'git-known_hosts');
  writeFileSync(knownHostsFile, `${knownHostsLine}\n${knownHostsIpLine}\n`);

  const httpsUrl = `https://${GIT_HOST}:${httpsPort}${GIT_REPO_PATH}`;
  return {
    repoDir,
    repoPath: GIT_REPO_PATH,
    commit,
    httpsPort,
    httpsUrl,
    sshPort,
    sshUrl: `ssh://${GIT_SSH_USER}@${GIT_HOST}:${sshPort}${GIT_REPO_PATH}`,
    hostPublicKey,
    clientKeyPath: writeKey('git-client-key', clientKey.private),
    wrongKeyPath: writeKey('git-wrong-key', wrongKey.private),
    knownHostsLine,
    knownHostsIpLine,
    knownHostsFile,
    vanityPath: VANITY_IMPORT_PATH,
    vanityRepoUrl: httpsUrl,
    sshLog,
  };
}
