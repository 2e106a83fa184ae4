/**
 * auth: private modules. The go command fetches them with git, non-interactively,
 * as the image user: git must exist, credentials must be there (presence only is
 * reported, never contents), and `git ls-remote` must succeed. Pure over Evidence.
 */
import type { Evidence, RepoEvidence } from '../src/model.js';
import { type ImageCheck, secs, type ImageRow } from './check.js';
import { CA_COPY, CA_UPDATE } from './fixes.js';

/** Hosts the user wants private access to: --private-repo hosts and GOPRIVATE's literal hosts. */
export function privateTargets(ev: Evidence): Array<{ host: string; ssh: boolean }> {
  const out = new Map<string, { host: string; ssh: boolean }>();
  for (const r of ev.repos) out.set(r.repo.host, { host: r.repo.host, ssh: r.repo.kind === 'ssh' || (out.get(r.repo.host)?.ssh ?? false) });
  for (const te of ev.targets) if (te.target.roles.includes('private') && !out.has(te.target.host)) out.set(te.target.host, { host: te.target.host, ssh: false });
  return [...out.values()];
}

function installGit(os: string | null): string {
  return os === 'alpine' ? 'RUN apk add --no-cache git openssh-client' : 'RUN apt-get update && apt-get install -y git openssh-client';
}

/** auth.git: the go command needs git (and ssh for ssh URLs) to fetch modules directly. */
export const authGit = {
  id: 'auth.git',
  category: 'auth',
  title: 'git for private modules',
  evaluate(ev: Evidence): ImageRow[] {
    const wanted = privateTargets(ev);
    if (wanted.length === 0) return [];
    const tools = ev.facts.tools;
    const needSsh = wanted.some((w) => w.ssh);
    const base = { target: 'git', ms: null, evidence: { git: tools.git ?? null, ssh: tools.ssh ?? null } };
    if (!tools.git) {
      return [{ ...base, status: 'fail', cause: 'auth.git_missing', summary: 'no git in the image: the go command cannot fetch private (direct) modules ("exec: \\"git\\": executable file not found in $PATH")', fix: installGit(ev.facts.os) }];
    }
    if (needSsh && !tools.ssh) {
      return [{ ...base, status: 'fail', cause: 'auth.git_missing', summary: 'git is there but ssh is not: ssh:// and git@ URLs cannot be fetched', fix: installGit(ev.facts.os) }];
    }
    return [{ ...base, status: 'pass', cause: null, fix: null, summary: `git at ${tools.git}${tools.ssh ? ` · ssh at ${tools.ssh}` : ''}` }];
  },
} satisfies ImageCheck;

/** What credentials apply to a host, in words (names of sources, never their contents). */
export function credentialsFor(ev: Evidence, host: string, ssh: boolean): string[] {
  const c = ev.facts.credentials;
  const found: string[] = [];
  if (ssh) {
    if (c.handedSshKey) found.push('--ssh-key');
    if (c.sshAgent) found.push('SSH agent (SSH_AUTH_SOCK)');
    if (c.sshKeys.length) found.push(`~/.ssh/${c.sshKeys.join(', ~/.ssh/')}`);
    return found;
  }
  if (c.handedNetrc) found.push('--netrc / GOMOD_DOCTOR_GIT_TOKEN');
  if (c.netrcMachines?.includes(host)) found.push(`~/.netrc machine ${host}`);
  else if (c.netrcDefault) found.push('~/.netrc default entry');
  for (const h of c.credentialHelpers) found.push(`git credential.helper ${h}`);
  for (const r of c.insteadOf) if (r.base.includes(host) && r.base.includes('***@')) found.push(`url.insteadOf with credentials for ${host}`);
  return found;
}

/** auth.credentials: does the container have any credential git would use for each private host? */
export const authCredentials = {
  id: 'auth.credentials',
  category: 'auth',
  title: 'Credentials for private hosts',
  evaluate(ev: Evidence): ImageRow[] {
    return privateTargets(ev).map(({ host, ssh }) => {
      const found = credentialsFor(ev, host, ssh);
      const kh = ssh ? (ev.facts.credentials.knownHostsFile ? ' · known_hosts present' : ' · no known_hosts file') : '';
      const evidence = { host, ssh, found };
      if (found.length) return { target: host, status: 'pass', ms: null, cause: null, evidence, fix: null, summary: `${found.join(', ')}${kh}` };
      return {
        target: host,
        status: 'warn',
        ms: null,
        cause: 'auth.no_credentials',
        evidence,
        summary: `no ${ssh ? 'SSH key or agent' : 'netrc entry, credential helper or insteadOf with a token'} for ${host}${kh}: git will stop at a prompt it cannot show`,
        fix: ssh ? sshSecretFix() : netrcSecretFix(host),
      };
    });
  },
} satisfies ImageCheck;

function netrcSecretFix(host: string): string {
  return (
    `hand the build credentials without baking them into a layer: RUN --mount=type=secret,id=netrc,target=/root/.netrc go mod download ` +
    `with docker build --secret id=netrc,src=$HOME/.netrc . (a netrc line: machine ${host} login <user> password <token>)`
  );
}

function sshSecretFix(): string {
  return 'forward your SSH agent: RUN --mount=type=ssh go mod download with docker build --ssh default . (and GIT_SSH_COMMAND or url.insteadOf to use ssh)';
}

function repoFix(r: RepoEvidence, ev: Evidence): string | null {
  const host = r.repo.host;
  switch (r.outcome) {
    case 'no_credentials':
      return r.repo.kind === 'ssh' ? sshSecretFix() : netrcSecretFix(host);
    case 'auth_failed':
      return `${host} rejected the credentials: check the token's scope (read access to this repository) and expiry, and the netrc login/password for machine ${host}`;
    case 'publickey':
      return `${host} rejected every SSH key offered: register the key (a deploy key) for this repository, and forward it: docker build --ssh default with RUN --mount=type=ssh`;
    case 'host_key': {
      // Only ssh:// URLs carry a port; in git@host:1234/x.git the digits are the path.
      const port = /^ssh:\/\/[^/]*:(\d+)\//.exec(r.repo.url)?.[1];
      return `add ${host}'s host key for the build user (check its fingerprint): RUN mkdir -p -m 0700 ~/.ssh && ssh-keyscan ${port ? `-p ${port} ` : ''}${host} >> ~/.ssh/known_hosts`;
    }
    case 'not_found':
      return 'check the repository path; many hosts answer "not found" instead of 401/403 when the credentials lack access to it';
    case 'network':
      if (/\b407\b/.test(r.message)) return `the proxy wants credentials (407): put them in the proxy URL git uses (https_proxy=http://<user>:<password>@<proxy>:<port>)`;
      return `git cannot reach ${host} from the container: see the dns/tcp rows for it, and HTTPS_PROXY/NO_PROXY (git uses the lower-case https_proxy)`;
    case 'tls':
      return `git does not trust ${host}'s certificate: install the CA into the image's system bundle (${CA_COPY} && ${CA_UPDATE})`;
    case 'timeout':
      return `git ls-remote did not finish within ${secs(ev.context.timeoutMs)}: a prompt nobody answers, or a stalled connection; see the network rows for ${host}`;
    case 'no_git':
      return installGit(ev.facts.os);
    default:
      return `run GIT_TERMINAL_PROMPT=0 git ls-remote ${r.repo.url} as the build user in the image to see git's whole message`;
  }
}

const CAUSE: Record<RepoEvidence['outcome'], ImageRow['cause']> = {
  ok: null,
  no_credentials: 'auth.no_credentials',
  auth_failed: 'auth.failed',
  publickey: 'auth.publickey',
  host_key: 'auth.host_key',
  not_found: 'auth.not_found',
  network: 'auth.network',
  tls: 'auth.tls',
  timeout: 'auth.timeout',
  no_git: 'auth.git_missing',
  error: 'auth.error',
};

function repoRow(r: RepoEvidence, ev: Evidence): ImageRow {
  const evidence = { ...r };
  const base = { target: r.repo.input, ms: r.ms, evidence };
  if (r.repo.kind === 'module' && r.discovery && !r.discovery.goImport) {
    const status = r.discovery.status ? `answered ${r.discovery.status}` : `failed${r.discovery.message ? ` (${r.discovery.message})` : ''}`;
    return {
      ...base,
      status: 'fail',
      cause: 'auth.discovery',
      summary: `https://${r.repo.url}?go-get=1 ${status} without a go-import meta tag: the go command cannot find the repository`,
      fix: `serve <meta name="go-import" content="${r.repo.url} git https://<git-host>/<repo>.git"> there, or point git at the repository: git config --global url."https://<git-host>/".insteadOf "https://${r.repo.host}/"`,
    };
  }
  const via = r.discovery?.goImport ? ` (go-import: ${r.discovery.goImport})` : '';
  if (r.repo.kind === 'module' && r.discovery?.goImport && !r.url) {
    return { ...base, status: 'warn', cause: 'auth.discovery', summary: `the module is not in git${via}: not probed`, fix: null };
  }
  if (r.outcome === 'ok') return { ...base, status: 'pass', cause: null, fix: null, summary: `git ls-remote ${r.url ?? r.repo.url}${via}: ok in ${r.ms ?? '?'} ms` };
  const what = r.outcome === 'timeout' ? `no answer within ${secs(ev.context.timeoutMs)}` : r.message || r.outcome;
  return { ...base, status: 'fail', cause: CAUSE[r.outcome], summary: `git ls-remote ${r.url ?? r.repo.url}${via}: ${what}`, fix: repoFix(r, ev) };
}

/** auth.repo: a non-interactive `git ls-remote` of each --private-repo, as the image user. */
export const authRepo = {
  id: 'auth.repo',
  category: 'auth',
  title: 'Private repository access',
  evaluate: (ev: Evidence): ImageRow[] => ev.repos.map((r) => repoRow(r, ev)),
} satisfies ImageCheck;
