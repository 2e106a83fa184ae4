/**
 * `explain` rules of the private-auth family: private modules fetched by git (credentials, SSH keys, known_hosts, git itself).
 * Field guide: shared/docs/domain.md. Conventions for patterns: ./index.ts.
 */
import type { FixContext, Rule } from './types.js';
import { goprivateFor, hostIn, lines, moduleNear, netrcFix, wordBefore } from './fix-helpers.js';

function sshFix(host: string): string {
  return lines(
    `RUN mkdir -p -m 0700 ~/.ssh && ssh-keyscan ${host} >> ~/.ssh/known_hosts`,
    `RUN git config --global url."ssh://git@${host}/".insteadOf "https://${host}/"`,
    `RUN --mount=type=ssh go mod download`,
    `docker build --ssh default .   # with the key loaded in your ssh-agent (ssh-add -l)`,
  );
}

/** A git/ssh host named in the lines around a hit (`git@host:`, `ssh://…@host`, `https://host/`). */
function hostAround(ctx: FixContext): string | null {
  for (const line of [...ctx.near].reverse()) {
    const h = /(?:git@|ssh:\/\/[^@\s]*@)([\w.-]+\.[a-z]{2,})/.exec(line) ?? /'https?:\/\/(?:[^\s/@']*@)?([\w.-]+\.[a-z]{2,})/.exec(line);
    if (h) return h[1]!;
  }
  return null;
}

export const privateAuthRules: Rule[] = [
  {
    family: 'private-auth',
    id: 'private-auth.git_missing',
    cause: 'auth.git_missing',
    specificity: 75,
    patterns: [/missing Git command/, /exec: "git": executable file not found/],
    meaning: 'The go command needs git to fetch this module directly (GOPRIVATE, GOPROXY=direct or a proxy miss) and the image has none (alpine, distroless).',
    fix: `RUN apk add --no-cache git openssh-client   # Debian-based: apt-get update && apt-get install -y git`,
  },
  {
    family: 'private-auth',
    id: 'private-auth.publickey',
    cause: 'auth.publickey',
    specificity: 72,
    patterns: [/Permission denied \(publickey[^)]*\)/],
    meaning: 'git fetched over SSH (an insteadOf rule or an ssh:// module) and the container has no key the server accepts: the ssh-agent was not forwarded into the build.',
    fix: (m, ctx) => sshFix(/@([\w.-]+)$/.exec(wordBefore(m))?.[1] ?? hostAround(ctx) ?? 'github.com'),
  },
  {
    family: 'private-auth',
    id: 'private-auth.host_key',
    cause: 'auth.host_key',
    specificity: 72,
    patterns: [/Host key verification failed/, /No (?:RSA|ECDSA|ED25519) host key is known for/, /REMOTE HOST IDENTIFICATION HAS CHANGED/],
    meaning: "ssh refused to talk to the git server because its host key is not in the container's known_hosts (the build has no terminal to ask).",
    fix: (_m, ctx) => {
      const host = hostAround(ctx) ?? 'github.com';
      return lines(`RUN mkdir -p -m 0700 ~/.ssh && ssh-keyscan ${host} >> ~/.ssh/known_hosts   # compare with the fingerprints ${host} publishes`, `or fetch over HTTPS with credentials instead (see private-auth.no_credentials)`);
    },
  },
  {
    family: 'private-auth',
    id: 'private-auth.no_credentials',
    cause: 'auth.no_credentials',
    specificity: 70,
    patterns: [/could not read (?:Username|Password) for '(https?:\/\/[^']+)': (?:terminal prompts disabled|No such device or address)/],
    meaning: 'git needed credentials for the repository and the container has none (no .netrc, token or credential helper), so the go command\'s non-interactive git gave up.',
    fix: (m, ctx) => netrcFix(hostIn(m[1]!) ?? 'github.com', moduleNear(m, ctx)),
  },
  {
    family: 'private-auth',
    id: 'private-auth.auth_failed',
    cause: 'auth.failed',
    specificity: 70,
    patterns: [/fatal: Authentication failed for '(https?:\/\/[^']+)'/, /remote: Invalid username or password/, /remote: HTTP Basic: Access denied/, /The requested URL returned error: (401|403)/],
    meaning: 'Credentials reached the git server but were refused: an expired token, one without repository (read) scope, or SSO not authorised for it.',
    fix: (m, ctx) => {
      const host = hostIn(m.input) ?? hostAround(ctx) ?? 'github.com';
      return lines(
        `git ls-remote https://${host}/<org>/<repo>   # with the same token, outside the build`,
        `issue a token with read access to the repository (GitHub: repo / contents:read; GitLab: read_repository) and pass it as a build secret:`,
        `RUN --mount=type=secret,id=netrc,target=/root/.netrc go mod download   # machine ${host} login <user> password <token>`,
      );
    },
  },
  {
    family: 'private-auth',
    id: 'private-auth.repo_not_found',
    cause: 'auth.not_found',
    specificity: 65,
    patterns: [/remote: Repository not found/, /fatal: repository '([^']+)' not found/],
    meaning: 'The git server says the repository does not exist, which is also what it says to credentials that may not see a private one.',
    fix: lines(`check the module path for a typo, then the token's access to that repository`, `git ls-remote https://<host>/<org>/<repo>   # with the build's credentials`),
  },
  {
    family: 'private-auth',
    id: 'private-auth.discovery',
    cause: 'auth.discovery',
    specificity: 62,
    patterns: [/unrecognized import path "([^"]+)": reading (https?:\/\/\S+?\?go-get=1): (40[134] [A-Za-z ]+)/],
    meaning: "The `?go-get=1` discovery page for the import path failed: the host needs authentication to answer it (GitLab subgroups, private vanity hosts) or the path does not exist.",
    fix: (m) =>
      lines(
        `ENV GOPRIVATE=${goprivateFor(m[1]!)}`,
        `authenticate the discovery request too: RUN --mount=type=secret,id=netrc,target=/root/.netrc go mod download`,
        `or name the repository directly with a .git suffix in the module path (${m[1]}.git)`,
      ),
  },
  {
    family: 'private-auth',
    id: 'private-auth.unknown_revision',
    cause: 'auth.not_found',
    specificity: 40,
    patterns: [/`?unknown`? revision (\S+)/],
    meaning: 'git could not find that tag or commit: it was never pushed, was deleted or force-moved, or the repository is private and seen without credentials.',
    fix: (m, ctx) => {
      const mod = moduleNear(m, ctx);
      return lines(
        `git ls-remote https://${mod ?? '<module repository>'} | grep ${m[1]}   # does the revision exist?`,
        `pick an existing version (go list -m -versions ${mod ?? '<module>'}); if private: ENV GOPRIVATE=${mod ? goprivateFor(mod) : '<host>/<org>/*'} plus credentials`,
      );
    },
  },
];
