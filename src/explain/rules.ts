/**
 * What `gomod-doctor explain` knows: an ordered table of failure texts (from the go command's
 * source, net/http, crypto/x509, net's resolver, git/ssh and BuildKit/docker, as seen in real
 * logs; see test/fixtures/logs/) with what each means and the fix to paste.
 * Field guide: shared/docs/domain.md. Pure data plus small pure fix builders.
 *
 * Rules match one cleaned log line (ANSI, CR and BuildKit prefixes gone, trimmed, at most
 * 2000 characters). Keep every pattern linear: literals first, no nested quantifiers, `.*`
 * only in anchored lookaheads, never the `g` flag.
 */
import type { Cause } from '../model.js';

export type Family =
  | 'dns'
  | 'tcp'
  | 'tls-stall'
  | 'tls-trust'
  | 'proxy-env'
  | 'goproxy'
  | 'private-auth'
  | 'filesystem'
  | 'toolchain'
  | 'base-image'
  | 'build-context';

/** Display names, in the field guide's order. */
export const FAMILY_TITLES: Record<Family, string> = {
  dns: 'DNS',
  tcp: 'TCP',
  'tls-stall': 'TLS stall',
  'tls-trust': 'TLS trust',
  'proxy-env': 'Proxy environment',
  goproxy: 'GOPROXY / checksum database',
  'private-auth': 'Private module access',
  filesystem: 'Filesystem',
  toolchain: 'Go toolchain',
  'base-image': 'Base image pull (docker)',
  'build-context': 'Build context (docker)',
};

/** Cleaned log lines around a rule's first hit (up to 6 before, 3 after), for fixes that need more than the line. */
export interface FixContext {
  near: readonly string[];
}

export interface Rule {
  family: Family;
  /** Stable: `<family>.<name>`; tests and --json compare it. */
  id: string;
  cause?: Cause;
  /** 0–100. Among the first failure's lines the most specific rule wins (a sumdb timeout over a bare TCP timeout). */
  specificity: number;
  /** Any one matching a line is a hit. */
  patterns: RegExp[];
  /** The hit counts only when a later line within `within` lines matches too (multi-line go errors). */
  followedBy?: { pattern: RegExp; within: number };
  meaning: string;
  fix: string | ((m: RegExpExecArray, ctx: FixContext) => string);
}

// ---- fix builders ---------------------------------------------------------------------------

const MODULE = /(?:^|[\s'"(])([a-z0-9][-a-z0-9.]*\.[a-z]{2,}(?:\/[-A-Za-z0-9_.~!+]+)+)@v\d/;
const URL_HOST = /https?:\/\/(?:[^\s/@'"]*@)?([^\s/:'"?]+)/;
const PUBLIC_GO_HOSTS = /(?:^|\.)(?:golang\.org|googleapis\.com|googlesource\.com|goproxy\.cn|goproxy\.io|gocenter\.io|github\.com|gitlab\.com|bitbucket\.org|gopkg\.in|docker\.io|docker\.com)$/;
/** Hosts that serve only public modules: no GOPRIVATE advice for them. */
const PUBLIC_ONLY = /^(?:golang\.org|google\.golang\.org|gopkg\.in|go\.uber\.org|k8s\.io|sigs\.k8s\.io|cloud\.google\.com|go\.opentelemetry\.io|dmitri\.shuralyov\.com)$/;
const CODE_HOSTS = /^(?:github\.com|gitlab\.com|bitbucket\.org|gitee\.com|dev\.azure\.com)$/;

/** proxy.golang.org paths escape upper case as `!x`. */
function unescapeModule(path: string): string {
  return path.replace(/!([a-z])/g, (_m, c: string) => c.toUpperCase());
}

/** The first module path (`host/path@vX`) on the hit line or just before it. */
export function moduleNear(m: RegExpExecArray, ctx: FixContext): string | null {
  for (const line of [m.input, ...[...ctx.near].reverse()]) {
    const hit = MODULE.exec(line);
    if (hit) return unescapeModule(hit[1]!);
  }
  return null;
}

/** The whitespace-separated word just before the match, without its trailing colon (`open /src/go.mod:` → `/src/go.mod`). */
function wordBefore(m: RegExpExecArray): string {
  const before = m.input.slice(0, m.index).trimEnd();
  return before.slice(before.lastIndexOf(' ') + 1).replace(/:$/, '');
}

function hostIn(text: string): string | null {
  return URL_HOST.exec(text)?.[1] ?? null;
}

/** A GOPRIVATE pattern for a module: the organisation on shared code hosts, else the whole host. */
export function goprivateFor(modulePath: string): string {
  const [host, org] = modulePath.split('/');
  return CODE_HOSTS.test(host!) && org ? `${host}/${org}/*` : `${host}/*`;
}

/** `1.25.0` → `1.25` (the golang image tag that carries it). */
export function minorOf(version: string): string {
  const v = /^(?:go)?(\d+)\.(\d+)/.exec(version);
  return v ? `${v[1]}.${v[2]}` : version;
}

const lines = (...xs: Array<string | false | null | undefined>) => xs.filter(Boolean).join('\n');

function dnsFix(host: string, resolver: string | undefined): string {
  const where = resolver?.startsWith('127.0.0.11')
    ? `127.0.0.11 is Docker's embedded DNS (compose/user-defined networks); it forwards to the engine host's resolvers.`
    : resolver?.startsWith('127.0.0.53')
      ? `127.0.0.53 is the engine host's systemd-resolved stub: the pull or a host-network step used it; \`resolvectl status\` shows its upstream servers.`
      : resolver
        ? `The build asked ${resolver}.`
        : null;
  return lines(
    where,
    `Give the engine resolvers that answer ${host}, in /etc/docker/daemon.json:`,
    `  { "dns": ["<your network's DNS server>", "1.1.1.1"] }`,
    `  sudo systemctl restart docker`,
    `or build on the host's network: docker build --network host .`,
  );
}

function egressFix(host: string | null): string {
  const google = host && /(?:^|\.)(?:golang\.org|googleapis\.com)$/.test(host);
  return lines(
    google && `${host} is blocked or throttled from this network (e.g. in mainland China): use a reachable mirror:`,
    google && `  ENV GOPROXY=https://goproxy.cn,direct`,
    `If the network only lets traffic out through a proxy, hand it to the build:`,
    `  docker build --build-arg HTTPS_PROXY=http://proxy.corp.example:3128 --build-arg HTTP_PROXY=http://proxy.corp.example:3128 .`,
    !google && host && `else open egress to ${host}:443 from the Docker network (firewall/security group), or: docker build --network host .`,
  );
}

function netrcFix(host: string, modulePath: string | null): string {
  return lines(
    modulePath && `ENV GOPRIVATE=${goprivateFor(modulePath)}`,
    `RUN --mount=type=secret,id=netrc,target=/root/.netrc go mod download`,
    `docker build --secret id=netrc,src=$HOME/.netrc .   # .netrc: machine ${host} login <user> password <token>`,
    `(as a non-root USER: target=/home/<user>/.netrc). If the repository is public, check the import path first: a typo asks for credentials too.`,
  );
}

function sshFix(host: string): string {
  return lines(
    `RUN mkdir -p -m 0700 ~/.ssh && ssh-keyscan ${host} >> ~/.ssh/known_hosts`,
    `RUN git config --global url."ssh://git@${host}/".insteadOf "https://${host}/"`,
    `RUN --mount=type=ssh go mod download`,
    `docker build --ssh default .   # with the key loaded in your ssh-agent (ssh-add -l)`,
  );
}

function chownFix(path: string): string {
  const root = /^\/go(?:\/|$)/.test(path) ? '/go' : /^(\/home\/[^/]+)/.exec(path)?.[1] ?? path.replace(/\/pkg\/mod.*$/, '');
  return lines(
    `The image user cannot write ${path}. Before USER in the Dockerfile:`,
    `  RUN mkdir -p ${root} && chown -R app:app ${root}   # app = your USER`,
    `or give that user its own paths: ENV GOPATH=/home/app/go GOMODCACHE=/home/app/go/pkg/mod GOCACHE=/home/app/.cache/go-build`,
    `with cache mounts, own them: RUN --mount=type=cache,target=/go/pkg/mod,uid=1000,gid=1000 go mod download`,
  );
}

const STD_SINCE: Record<string, string> = {
  embed: '1.16',
  'io/fs': '1.16',
  slices: '1.21',
  maps: '1.21',
  cmp: '1.21',
  'log/slog': '1.21',
  'math/rand/v2': '1.22',
  iter: '1.23',
  unique: '1.23',
  structs: '1.23',
  weak: '1.24',
  'crypto/mlkem': '1.24',
  'testing/synctest': '1.25',
};
const STD_NAMES = Object.keys(STD_SINCE).join('|');

/** Patterns that say the connection itself failed (used inside lookaheads). */
const NET_ERR = String.raw`(?:dial tcp|i/o timeout|connection refused|no such host|server misbehaving|TLS handshake timeout|connection reset|network is unreachable|no route to host|Client\.Timeout exceeded)`;

// ---- the table --------------------------------------------------------------------------------

export const RULES: Rule[] = [
  // -- docker's own part: the FROM image ------------------------------------------------------
  {
    family: 'base-image',
    id: 'base-image.rate_limit',
    cause: 'engine.pull',
    specificity: 92,
    patterns: [/toomanyrequests|You have reached your (?:unauthenticated )?pull rate limit/],
    meaning: "Docker Hub refused to serve the base image: the engine's anonymous (or your account's) pull rate limit is used up. Go never ran.",
    fix: lines(
      `docker login   # authenticated pulls have a higher limit (CI: log in before the build step)`,
      `or pull through a mirror, in /etc/docker/daemon.json: { "registry-mirrors": ["https://mirror.gcr.io"] }`,
      `or FROM mirror.gcr.io/library/golang:<tag> in the Dockerfile`,
    ),
  },
  {
    family: 'base-image',
    id: 'base-image.access_denied',
    cause: 'engine.pull',
    specificity: 90,
    patterns: [/pull access denied for ([^\s,]+)/, /repository does not exist or may require 'docker login'/],
    meaning: 'The registry does not serve that image name to this engine: the name or tag is wrong, or it is private and the engine is not logged in.',
    fix: (m) =>
      lines(
        `Check the FROM line${m[1] ? ` (${m[1]})` : ''}: docker manifest inspect <image:tag>`,
        `A local image built earlier? Build it first, or refer to it by the name it was tagged with.`,
        `Private: docker login <registry> on the machine that runs the build, then rebuild.`,
      ),
  },
  {
    family: 'base-image',
    id: 'base-image.platform',
    cause: 'engine.pull',
    specificity: 88,
    patterns: [/no matching manifest for (\S+) in the manifest list entries/],
    meaning: "The base image tag has no variant for the build's platform.",
    fix: (m) => lines(`Pick a tag published for ${m[1]}, or build for a platform it has: docker build --platform linux/amd64 .`),
  },
  {
    family: 'base-image',
    id: 'base-image.not_found',
    cause: 'engine.pull',
    specificity: 88,
    patterns: [/failed to resolve source metadata for (\S+?): \S+?: not found/, /manifest for (\S+) not found: manifest unknown/],
    meaning: 'The base image tag does not exist in the registry (a typo, or a Go release whose image is not published yet).',
    fix: (m) =>
      lines(
        `docker manifest inspect ${m[1] ?? '<image:tag>'}   # confirm the tag`,
        `Use a published tag, e.g. FROM golang:1.23 (new Go releases reach Docker Hub a few hours after go.dev)`,
      ),
  },
  {
    family: 'base-image',
    id: 'base-image.registry_unreachable',
    cause: 'engine.pull',
    specificity: 86,
    patterns: [
      new RegExp(String.raw`^(?=.*(?:failed to resolve source metadata for|error pinging docker registry|load metadata for))(?=.*(?:${NET_ERR}|x509:|proxyconnect))`),
    ],
    meaning: "The engine could not reach the registry to resolve the FROM image: its own DNS, network or proxy failed (the engine pulls, not the build's RUN steps). Go never ran.",
    fix: (m) => {
      const t = m.input;
      return lines(
        /lookup |no such host|server misbehaving/.test(t) &&
          `DNS on the engine's machine failed (resolvectl status; /etc/resolv.conf); fix it there, or set "dns" in /etc/docker/daemon.json.`,
        /x509:/.test(t) && `Trust the registry's CA: /etc/docker/certs.d/<registry>/ca.crt (or the system store), then restart the engine.`,
        /proxyconnect/.test(t) && `The engine's own proxy failed: check HTTPS_PROXY in its systemd drop-in or "proxies" in daemon.json.`,
        `If only a proxy gets out, give the engine one: "proxies": {"https-proxy": "http://proxy.corp.example:3128", "no-proxy": "localhost,127.0.0.1"} in /etc/docker/daemon.json`,
        `or a mirror: { "registry-mirrors": ["https://mirror.gcr.io"] }; then sudo systemctl restart docker`,
      );
    },
  },
  {
    family: 'base-image',
    id: 'base-image.registry_error',
    cause: 'engine.pull',
    specificity: 84,
    patterns: [/^(?=.*(?:failed to resolve source metadata for|httpReadSeeker|error pulling image))(?=.*: (5\d\d [A-Za-z ]+))/],
    meaning: 'The registry answered the pull of the FROM image with a server error: an outage or a broken mirror, not your build.',
    fix: lines(
      `Retry later (status.docker.com), or pull through another mirror: { "registry-mirrors": ["https://mirror.gcr.io"] } in /etc/docker/daemon.json`,
      `or docker pull <image:tag> once it works; the build then uses the local copy.`,
    ),
  },
  {
    family: 'base-image',
    id: 'base-image.pull_failed',
    cause: 'engine.pull',
    specificity: 30,
    patterns: [/ERROR \[internal\] load metadata for (\S+)/, /failed to resolve source metadata for (\S+?):/],
    meaning: 'The engine could not resolve the FROM image; the log does not say why.',
    fix: (m) => lines(`docker pull ${m[1] ?? '<image:tag>'}   # shows the engine's own error`, `then see base-image.registry_unreachable / rate_limit.`),
  },

  // -- docker's own part: the build context ---------------------------------------------------
  {
    family: 'build-context',
    id: 'build-context.not_in_context',
    cause: 'build.dockerignore',
    specificity: 85,
    patterns: [
      /failed to compute cache key: (?:failed to calculate checksum of ref \S+ )?"([^"]+)":? not found/,
      /ERROR: "([^"]+)" not found: not found/,
      /COPY failed: (?:file not found in build context or excluded by \.dockerignore: )?stat ([^:\s]+): file does not exist/,
      // podman/buildah: building at STEP "COPY ...": checking on sources under "...": copier: stat: "/go.sum": no such file or directory
      /copier: stat: "([^"]+)": no such file or directory/,
    ],
    meaning: 'A file the Dockerfile COPYs is not in the build context: excluded by .dockerignore, missing from the repository (a module with no dependencies has no go.sum), or the context directory is not the module root.',
    fix: (m) => {
      const file = (m[1] ?? '').replace(/^\//, '');
      return lines(
        `git ls-files ${file || 'go.mod go.sum'}   # is it in the repository?`,
        `.dockerignore: keep it in the context, e.g. add the line !${file || 'go.sum'} (after any * or **/*.sum rule)`,
        /go\.sum$/.test(file) && `no dependencies yet (no go.sum): COPY go.mod go.sum* ./`,
        `build from the module root: docker build -f path/to/Dockerfile .`,
      );
    },
  },
  {
    family: 'build-context',
    id: 'build-context.no_gomod',
    specificity: 80,
    patterns: [/go\.mod file not found in current directory or any parent directory/],
    meaning: 'The go command ran where no go.mod is: it was not copied into the image before this step, or WORKDIR is not the module root.',
    fix: lines(`WORKDIR /src`, `COPY go.mod go.sum ./`, `RUN go mod download`, `COPY . .`),
  },
  {
    family: 'build-context',
    id: 'build-context.missing_gosum_entry',
    specificity: 70,
    patterns: [/missing go\.sum entry/],
    meaning: "go.sum in the image lacks hashes the build needs: go.sum was not copied next to go.mod, or it is out of date in the repository.",
    fix: lines(
      `COPY go.mod go.sum ./   # both files, before RUN go mod download`,
      `and on your machine: go mod tidy && git add go.sum   # commit the updated go.sum`,
    ),
  },
  {
    family: 'build-context',
    id: 'build-context.vendor',
    specificity: 70,
    patterns: [/import lookup disabled by -mod=vendor/, /inconsistent vendoring/],
    meaning: 'The build runs with -mod=vendor (GOFLAGS or a vendor/ directory) but vendor/ is missing from the image or out of date.',
    fix: lines(`COPY vendor/ vendor/   # or drop -mod=vendor from GOFLAGS`, `on your machine: go mod vendor && git add vendor`),
  },
  {
    family: 'toolchain',
    id: 'toolchain.std_too_new',
    cause: 'go.toolchain',
    specificity: 86,
    patterns: [
      new RegExp(String.raw`malformed module path "(${STD_NAMES})": missing dot in first path element`),
      new RegExp(String.raw`package (${STD_NAMES}) is not in (?:GOROOT|std)`),
    ],
    meaning: "The code imports a standard-library package this Go does not have yet, so the go command takes it for a module path: the builder image's Go is too old.",
    fix: (m) => `FROM golang:${STD_SINCE[m[1]!] ?? '<newer>'}   # ${m[1]} is in the standard library since Go ${STD_SINCE[m[1]!]}`,
  },
  {
    family: 'build-context',
    id: 'build-context.malformed_path',
    specificity: 60,
    patterns: [/malformed module path "([^"]+)": missing dot in first path element/],
    meaning: 'An import path without a host (no dot in its first element) is not a downloadable module: a typo, a local package whose module prefix is missing, or source files not copied into the image.',
    fix: (m) =>
      lines(
        `"${m[1]}": use the full module path (e.g. github.com/<owner>/${m[1]}), or the module's own prefix for a local package`,
        `a local module: add replace ${m[1]} => ./path in go.mod and COPY that directory before the build`,
      ),
  },

  // -- toolchain ---------------------------------------------------------------------------------
  {
    family: 'toolchain',
    id: 'toolchain.too_old',
    cause: 'go.toolchain',
    specificity: 88,
    patterns: [/requires go >= ([\d.]+\w*) \(running go ([\d.]+\w*); GOTOOLCHAIN=([^)]+)\)/],
    meaning: "go.mod (or a dependency) needs a newer Go than the builder image has, and GOTOOLCHAIN=local (the golang images' default) forbids fetching it.",
    fix: (m) =>
      lines(
        `FROM golang:${minorOf(m[1]!)}   # instead of the image with go ${m[2]}`,
        `or let the go command download go${m[1]} through GOPROXY: ENV GOTOOLCHAIN=auto`,
      ),
  },
  {
    family: 'toolchain',
    id: 'toolchain.not_available',
    cause: 'go.toolchain',
    specificity: 88,
    patterns: [/download (go[\d.]+\w*) for (\S+): toolchain not available/],
    meaning: "go.mod names a toolchain that was never released: since Go 1.21 the first release is 1.N.0, so `go 1.22` asks for a non-existent go1.22.",
    fix: (m) => {
      const v = m[1]!.replace(/^go/, '');
      return lines(`in go.mod: go ${/^\d+\.\d+$/.test(v) ? `${v}.0` : v}   (or add: toolchain go${/^\d+\.\d+$/.test(v) ? `${v}.0` : v})`, `or FROM golang:${minorOf(v)} so no download is needed`);
    },
  },
  {
    family: 'toolchain',
    id: 'toolchain.download_failed',
    cause: 'go.toolchain',
    specificity: 82,
    patterns: [/^go: download (go[\d.]+\w*)(?: for (\S+))?: (?!toolchain not available)(.+)$/],
    meaning: 'go.mod asks for a newer Go and GOTOOLCHAIN allows downloading it, but the download (a module fetch through GOPROXY) failed.',
    fix: (m) => lines(`FROM golang:${minorOf(m[1]!)}   # the builder already has it; no download`, `else fix what the download hit: ${m[3]}`),
  },
  {
    family: 'toolchain',
    id: 'toolchain.invalid_go_version',
    cause: 'go.toolchain',
    specificity: 88,
    patterns: [/invalid go version '([^']+)': must match format/],
    meaning: "A Go older than 1.21 is reading a go.mod written for 1.21+ (three-part `go 1.21.0` lines): the builder image is too old.",
    fix: (m) => `FROM golang:${minorOf(m[1]!)}   # go.mod says go ${m[1]}`,
  },
  {
    family: 'toolchain',
    id: 'toolchain.unknown_directive',
    cause: 'go.toolchain',
    specificity: 85,
    patterns: [/unknown directive: toolchain/],
    meaning: 'A Go older than 1.21 is reading a go.mod with a toolchain line: the builder image is too old.',
    fix: `FROM golang:1.21   # or the version in go.mod's go line`,
  },

  // -- filesystem --------------------------------------------------------------------------------
  {
    family: 'filesystem',
    id: 'filesystem.no_space',
    cause: 'fs.low_space',
    specificity: 90,
    patterns: [/no space left on device/],
    meaning: "The disk (or tmpfs) under the build is full: the engine's data root, a small /tmp, or the CI runner's disk.",
    fix: lines(
      `docker system df; docker builder prune -af; docker image prune -af   # on the engine's machine`,
      `CI: free the runner's disk before the build; a tmpfs /tmp: ENV GOTMPDIR=/go/tmp (and mkdir it)`,
    ),
  },
  {
    family: 'filesystem',
    id: 'filesystem.read_only',
    cause: 'fs.read_only',
    specificity: 88,
    patterns: [/read-only file system/],
    meaning: 'The go command had to write to a read-only place: a RUN --mount=type=bind (read-only by default) or a read-only cache/volume.',
    fix: (m) => {
      const path = wordBefore(m);
      return /go\.(?:mod|sum)$/.test(path)
        ? lines(
            `go wanted to update ${path} inside a read-only bind mount: make go.mod/go.sum tidy in the repository (go mod tidy && git commit),`,
            `or let the step write: RUN --mount=type=bind,target=.,rw go mod download`,
          )
        : lines(`${path || 'That path'} is mounted read-only: mount it rw (--mount=type=bind,...,rw) or point GOMODCACHE/GOCACHE at a writable path.`);
    },
  },
  {
    family: 'filesystem',
    id: 'filesystem.gocache_undefined',
    cause: 'fs.undefined',
    specificity: 88,
    patterns: [/GOCACHE is not defined and (?:neither \$XDG_CACHE_HOME nor \$HOME are defined|\$HOME is not defined)/, /GOCACHE is not an absolute path/],
    meaning: 'The go command has nowhere to put its build cache: HOME (and XDG_CACHE_HOME) are unset, typical of CI running the container as an arbitrary uid.',
    fix: lines(`ENV GOCACHE=/tmp/go-build GOMODCACHE=/tmp/go/pkg/mod`, `or give the user a HOME: ENV HOME=/home/app (docker run -e HOME=/tmp ...)`),
  },
  {
    family: 'filesystem',
    id: 'filesystem.gocache_unwritable',
    cause: 'fs.not_writable',
    specificity: 80,
    patterns: [/(?:disabling cache \(([^)]+)\) due to initialization failure|initializing cache in \$GOCACHE|failed to initialize build cache)[^\n]*?: permission denied/],
    meaning: "The build cache directory is not writable by the user the go command runs as (often HOME=/ for an arbitrary uid, so the cache lands in /.cache).",
    fix: (m) => lines(`ENV GOCACHE=/tmp/go-build   # writable by any uid`, m[1] && `(it tried ${m[1]})`, `or run as a user with its own HOME (docker run --user ... -e HOME=/tmp)`),
  },
  {
    family: 'filesystem',
    id: 'filesystem.modcache_unwritable',
    cause: 'fs.not_writable',
    specificity: 82,
    patterns: [
      /(?:mkdir|open|rename|create|remove|write)\s+(\S*\/pkg\/mod\b\S*?): permission denied/,
      /could not create module cache: mkdir (\S+?): permission denied/,
      /failed to create cache directory (\S+?): .*?permission denied/,
    ],
    meaning: 'The module cache is owned by another user: USER switched to non-root after /go was created as root, or a cache mount belongs to another uid.',
    fix: (m) => chownFix(m[1] ?? '/go/pkg/mod'),
  },
  {
    family: 'filesystem',
    id: 'filesystem.permission',
    cause: 'fs.not_writable',
    specificity: 50,
    patterns: [/^go: .*?(?:mkdir|open|rename|create|write)\s+(\/\S+?): permission denied/],
    meaning: 'The go command could not write a path it needs as the image user.',
    fix: (m) => chownFix(m[1]!),
  },

  // -- proxy environment ------------------------------------------------------------------------------
  {
    family: 'proxy-env',
    id: 'proxy-env.https_scheme',
    cause: 'proxy.bad_url',
    specificity: 88,
    patterns: [
      /proxyconnect tcp: (?:tls: first record does not look like a TLS handshake|.*?http: server gave HTTP response to HTTPS client)/,
      // git/OpenSSL saying the same of an https:// proxy URL
      /SSL routines:(?:ssl3_get_record|):wrong version number/,
    ],
    meaning: 'HTTPS_PROXY is written as https://… but the proxy speaks plain HTTP, so the TLS hello to the proxy fails.',
    fix: lines(
      `docker build --build-arg HTTPS_PROXY=http://proxy.corp.example:3128 --build-arg HTTP_PROXY=http://proxy.corp.example:3128 .   # http://, not https://`,
      `and the same in ~/.docker/config.json "proxies" and any ENV HTTPS_PROXY in the Dockerfile`,
    ),
  },
  {
    family: 'proxy-env',
    id: 'proxy-env.localhost',
    cause: 'proxy.localhost',
    specificity: 88,
    patterns: [/proxyconnect tcp: dial tcp (127\.\d+\.\d+\.\d+|\[::1\]|localhost):(\d+): /],
    meaning: 'The proxy variables point at localhost, which inside the build container is the container itself, not the machine running the proxy.',
    fix: (m) =>
      lines(
        `docker build --add-host=host.docker.internal:host-gateway --build-arg HTTPS_PROXY=http://host.docker.internal:${m[2]} --build-arg HTTP_PROXY=http://host.docker.internal:${m[2]} .`,
        `(the proxy must listen on the docker0 address, not only on 127.0.0.1) or: docker build --network host .`,
        `and fix "proxies" in ~/.docker/config.json if it says localhost`,
      ),
  },
  {
    family: 'proxy-env',
    id: 'proxy-env.unreachable',
    cause: 'proxy.unreachable',
    specificity: 80,
    patterns: [/proxyconnect tcp: dial tcp:? (?:lookup )?(\[[^\]]+\]:\d+|[^\s:]+(?::\d+)?)/],
    meaning: 'The build has a proxy configured but cannot reach it: wrong address, a name only the host resolves, or a proxy not reachable from the Docker network.',
    fix: (m) =>
      lines(
        `docker run --rm -e HTTPS_PROXY curlimages/curl -sSI https://proxy.golang.org   # test ${m[1]} from a container`,
        `fix the address in --build-arg HTTPS_PROXY=... / ~/.docker/config.json "proxies" / ENV in the Dockerfile (an IP if only the host resolves its name)`,
        `and NO_PROXY for hosts that must go direct: --build-arg NO_PROXY=localhost,127.0.0.1,.corp.example`,
      ),
  },
  {
    family: 'proxy-env',
    id: 'proxy-env.dropped',
    cause: 'proxy.connect_failed',
    specificity: 75,
    patterns: [/proxyconnect tcp: (EOF|read: connection reset by peer|write: broken pipe)/],
    meaning: 'The build reached its proxy, which then closed the connection before the tunnel was up: a proxy that wants another protocol (http:// vs https:// in the variable), wants credentials it does not ask for, or blocks the destination.',
    fix: () =>
      lines(
        `check the scheme in HTTPS_PROXY: most proxies are plain HTTP even for HTTPS traffic (HTTPS_PROXY=http://proxy:3128, not https://)`,
        `test it from a container: docker run --rm -e HTTPS_PROXY curlimages/curl -sSv https://proxy.golang.org/   # look at the CONNECT answer`,
        `credentials, if it wants them: --build-arg HTTPS_PROXY=http://user:password@proxy:3128 (from a CI secret)`,
      ),
  },
  {
    family: 'proxy-env',
    id: 'proxy-env.auth',
    cause: 'proxy.auth',
    specificity: 80,
    patterns: [/Proxy Authentication Required/, /Received HTTP code 407 from proxy/, /CONNECT tunnel failed, response 407/],
    meaning: 'The proxy wants credentials and the build sent none (or wrong ones): the variables reached the build without the user:password part.',
    fix: lines(
      `docker build --build-arg HTTPS_PROXY=http://<user>:<password>@proxy.corp.example:3128 --build-arg HTTP_PROXY=http://<user>:<password>@proxy.corp.example:3128 .`,
      `(percent-encode @ : / in the password; the predefined *_PROXY build args stay out of the image history)`,
      `NTLM/Kerberos-only proxies: run a local relay (cntlm, px) and point the build at it.`,
    ),
  },
  {
    family: 'proxy-env',
    id: 'proxy-env.connect_rejected',
    cause: 'proxy.connect_failed',
    specificity: 70,
    patterns: [/Get "https?:\/\/([^/"]+)[^"]*": (Forbidden|Bad Gateway|Service Unavailable|Gateway Timeout|Bad Request|Method Not Allowed)$/],
    meaning: "The HTTP proxy refused the CONNECT to the module host (policy block or the proxy's own upstream failure); Go reports the proxy's status text without a code.",
    fix: (m) =>
      lines(
        `ask for ${m[1]}:443 to be allowed through the proxy, or use a GOPROXY it allows: ENV GOPROXY=https://<allowed mirror>,direct`,
        `if ${m[1]} is internal, bypass the proxy: --build-arg NO_PROXY=${m[1]}`,
      ),
  },

  // -- GOPROXY / checksum database --------------------------------------------------------------------
  {
    family: 'goproxy',
    id: 'goproxy.private_via_proxy',
    cause: 'go.private_leak',
    specificity: 90,
    patterns: [
      // single-line body: `server response: not found: m@v: …`; multi-line: `server response:` then `not found: m@v: …`
      /^(?:server response: )?not found: (\S+?)@\S*?: (?:invalid version|unrecognized import path|.*?(?:terminal prompts disabled|could not read Username|Repository not found|no such host))/,
    ],
    meaning: "A private module was asked of the public module proxy, which cannot see it: the module is not covered by GOPRIVATE, so the go command never tried the company's git server.",
    fix: (m) => netrcFix(m[1]!.split('/')[0]!, unescapeModule(m[1]!)),
  },
  {
    family: 'goproxy',
    id: 'goproxy.checksum_gosum',
    cause: 'e2e.checksum',
    specificity: 86,
    patterns: [/verifying (?:module: )?(\S+?): checksum mismatch/],
    followedBy: { pattern: /^go\.sum:\s+h1:|recorded in go\.sum/, within: 5 },
    meaning: 'What was downloaded differs from the hash in go.sum: the version was re-tagged at its origin (seen with GOPROXY=direct or GONOSUMDB), a mirror served other bits, or go.sum was edited.',
    fix: (m) =>
      lines(
        `go clean -modcache && GOFLAGS=-mod=mod GOPROXY=https://proxy.golang.org go mod download ${m[1]!.replace(/\/go\.mod$/, '')}   # on your machine`,
        `then bump to a clean version (go get <module>@<newer>) rather than editing go.sum; in the build drop stale caches: docker build --no-cache .`,
      ),
  },
  {
    family: 'goproxy',
    id: 'goproxy.checksum_sumdb',
    cause: 'e2e.checksum',
    specificity: 85,
    patterns: [/verifying (?:module: )?(\S+?): checksum mismatch/],
    followedBy: { pattern: /reported by the checksum server|^(?!go\.sum:|downloaded:)[\w.-]+: h1:/, within: 5 },
    meaning: 'The downloaded module does not match the checksum database (SECURITY ERROR): a stale or tampered mirror, or an interception proxy rewriting downloads. A private module does not belong in the public database at all.',
    fix: (m, ctx) => {
      const mod = moduleNear(m, ctx) ?? m[1]!;
      return lines(
        `go clean -modcache (in the build: docker build --no-cache), then fetch through the canonical proxy: ENV GOPROXY=https://proxy.golang.org,direct`,
        `if ${mod} is private: ENV GOPRIVATE=${goprivateFor(mod)}   # never GOSUMDB=off for public modules`,
      );
    },
  },
  {
    // Either form, when the lines that tell go.sum from the checksum database were not pasted.
    family: 'goproxy',
    id: 'goproxy.checksum',
    cause: 'e2e.checksum',
    specificity: 70,
    patterns: [/verifying (?:module: )?(\S+?): checksum mismatch/, /: verifying (?:module|go\.mod): checksum mismatch/],
    meaning: 'The downloaded module does not match the checksum recorded for it (go.sum or the checksum database): re-tagged at its origin, a stale or tampered mirror, an interception proxy rewriting downloads, or an edited go.sum.',
    fix: (m, ctx) => {
      const mod = moduleNear(m, ctx) ?? m[1] ?? '<module>';
      return lines(
        `go clean -modcache && GOPROXY=https://proxy.golang.org go mod download ${mod.replace(/\/go\.mod$/, '')}   # on your machine: which side is wrong?`,
        `in the build: docker build --no-cache (drop stale cache mounts) with ENV GOPROXY=https://proxy.golang.org,direct; if private: ENV GOPRIVATE=${goprivateFor(mod)}`,
      );
    },
  },
  {
    family: 'goproxy',
    id: 'goproxy.sumdb_private',
    cause: 'go.nosumdb_gap',
    specificity: 88,
    patterns: [/verifying \S+?: .*?reading https?:\/\/[^/\s]+\/(?:sumdb\/[^/\s]+\/)?lookup\/(\S+?)@\S+: (404 Not Found|410 Gone)/],
    meaning: 'The module was looked up in the public checksum database, which does not know it: a private module not covered by GOPRIVATE/GONOSUMDB.',
    fix: (m) => lines(`ENV GOPRIVATE=${goprivateFor(unescapeModule(m[1]!))}   # skips the public proxy and checksum DB for it`, `(or only GONOSUMDB=${goprivateFor(unescapeModule(m[1]!))} if a private GOPROXY serves it)`),
  },
  {
    family: 'goproxy',
    id: 'goproxy.sumdb_unreachable',
    cause: 'e2e.sumdb_unreachable',
    specificity: 75,
    patterns: [new RegExp(String.raw`^(?=.*${NET_ERR})(?=.*verifying )(?=.*https?://([^/\s"]+)/\S*(?:lookup|tile)/)`)],
    meaning: 'The modules downloaded but the checksum database could not be reached to verify them (sum.golang.org is blocked or slow on some networks).',
    fix: (m) =>
      lines(
        `reach the checksum DB through a proxy that serves it: ENV GOPROXY=https://goproxy.cn,direct   (proxies /sumdb/ for ${m[1]})`,
        `or a reachable mirror of it: ENV GOSUMDB=sum.golang.google.cn`,
        `private modules: GONOSUMDB=<their paths> — not GOSUMDB=off`,
      ),
  },
  {
    family: 'goproxy',
    id: 'goproxy.server_error',
    cause: 'e2e.server_error',
    specificity: 60,
    patterns: [/(?:reading |unexpected status \()https?:\/\/([^/\s)]+)\S*?\)?: (5\d\d [A-Za-z ]+)/],
    meaning: 'The module proxy failed (5xx). With a comma-separated GOPROXY the go command does not fall through to the next entry on such errors.',
    fix: (m) => lines(`fall through on any error with "|": ENV GOPROXY=https://${m[1]}|https://proxy.golang.org,direct`, `or retry later / pick another proxy`),
  },
  {
    family: 'goproxy',
    id: 'goproxy.denied',
    cause: 'http.status',
    specificity: 60,
    patterns: [/(?:reading |unexpected status \()https?:\/\/([^/\s)]+)\S*?\)?: (40[13] [A-Za-z ]+)/],
    meaning: 'The module proxy refused the request: it needs credentials (a private Athens/Artifactory/Nexus) or blocks that module by policy.',
    fix: (m) =>
      lines(
        `RUN --mount=type=secret,id=netrc,target=/root/.netrc go mod download   # .netrc: machine ${m[1]} login <user> password <token>`,
        `docker build --secret id=netrc,src=$HOME/.netrc .`,
      ),
  },
  {
    family: 'goproxy',
    id: 'goproxy.not_found',
    cause: 'e2e.not_found',
    specificity: 45,
    patterns: [/(?:reading |unexpected status \()https?:\/\/([^/\s)]+)\/(\S+?)\/@(?:v\/\S*?|latest)\)?: (404 Not Found|410 Gone)/],
    meaning: "The module proxy does not have that module or version: the version does not exist (typo, deleted tag), the mirror lacks it, or the module is private and the public proxy cannot see it.",
    fix: (m) => {
      const mod = unescapeModule(m[2]!);
      return lines(
        `GOPROXY=direct go list -m -versions ${mod}   # the versions its origin really has`,
        !PUBLIC_ONLY.test(mod.split('/')[0]!) && `if it is private: ENV GOPRIVATE=${goprivateFor(mod)} (plus credentials, see private-auth.no_credentials)`,
        m[1] !== 'proxy.golang.org' && `if the mirror lacks it: ENV GOPROXY=https://${m[1]},https://proxy.golang.org,direct`,
      );
    },
  },
  {
    family: 'goproxy',
    id: 'goproxy.off',
    cause: 'go.goproxy_off',
    specificity: 80,
    patterns: [/disabled by GOPROXY=off/],
    meaning: 'GOPROXY=off forbids all downloads, and a module is missing from the cache/vendor directory.',
    fix: `ENV GOPROXY=https://proxy.golang.org,direct   # or vendor the dependencies: go mod vendor, COPY vendor/`,
  },
  {
    family: 'goproxy',
    id: 'goproxy.empty_list',
    cause: 'go.goproxy_invalid',
    specificity: 80,
    patterns: [/GOPROXY list is not the empty string, but contains no entries/],
    meaning: 'GOPROXY is set to something without entries (e.g. only commas or spaces); Go 1.21+ toolchains packaged without $GOROOT/go.env show it too.',
    fix: `ENV GOPROXY=https://proxy.golang.org,direct GOSUMDB=sum.golang.org`,
  },

  // -- private module access ----------------------------------------------------------------------------
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

  // -- TLS ----------------------------------------------------------------------------------------------
  {
    family: 'tls-stall',
    id: 'tls-stall.handshake_timeout',
    cause: 'tls.timeout',
    specificity: 60,
    patterns: [/net\/http: TLS handshake timeout/],
    meaning: "TCP connected but the TLS handshake never completed: usually an MTU mismatch (VPN, overlay, docker-in-docker) drops the large certificate packets while small ones pass.",
    fix: lines(
      `compare the host uplink's MTU (ip link) with the bridge's: docker network inspect bridge -f '{{index .Options "com.docker.network.driver.mtu"}}'`,
      `/etc/docker/daemon.json: { "mtu": 1400 }   # the uplink/VPN MTU; then sudo systemctl restart docker`,
      `docker-in-docker (GitLab CI): start the dind service with --mtu=1400`,
      `or: docker build --network host .`,
    ),
  },
  {
    family: 'tls-stall',
    id: 'tls-stall.git_tls',
    cause: 'tls.error',
    specificity: 45,
    patterns: [/GnuTLS recv error \(-\d+\)/, /gnutls_handshake\(\) failed/, /OpenSSL SSL_connect: SSL_ERROR_SYSCALL/],
    meaning: "git's TLS connection was cut mid-stream: the same MTU or middlebox trouble as a Go TLS handshake timeout.",
    fix: lines(`/etc/docker/daemon.json: { "mtu": 1400 }   # the uplink/VPN MTU; then sudo systemctl restart docker`, `or: docker build --network host .`),
  },
  {
    family: 'tls-trust',
    id: 'tls-trust.no_roots',
    cause: 'tls.unknown_ca',
    specificity: 65,
    patterns: [/x509: failed to load system roots and no roots provided/],
    meaning: 'The image has no CA bundle at all (scratch, distroless-static without certs, alpine without ca-certificates).',
    fix: lines(`RUN apk add --no-cache ca-certificates   # alpine; Debian: apt-get install -y ca-certificates`, `scratch: COPY --from=builder /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/`),
  },
  {
    family: 'tls-trust',
    id: 'tls-trust.unknown_authority',
    cause: 'tls.unknown_ca',
    specificity: 60,
    patterns: [/x509: certificate signed by unknown authority(?: \(possibly because of "[^"]*" while trying to verify candidate authority certificate "([^"]*)"\))?/],
    meaning: "The certificate presented to the build is signed by a CA the image does not trust: a corporate TLS-inspecting proxy (Zscaler, Netskope…) re-signs traffic, or the image lacks ca-certificates.",
    fix: (m) => {
      const host = hostIn(m.input) ?? 'proxy.golang.org';
      return lines(
        `openssl s_client -showcerts -connect ${host}:443 </dev/null   # the top issuer${m[1] ? ` ("${m[1]}")` : ''} is the CA to trust`,
        `COPY corp-root-ca.crt /usr/local/share/ca-certificates/corp-root-ca.crt`,
        `RUN update-ca-certificates   # alpine: RUN apk add --no-cache ca-certificates && update-ca-certificates`,
      );
    },
  },
  {
    family: 'tls-trust',
    id: 'tls-trust.not_yet_valid',
    cause: 'tls.not_yet_valid',
    specificity: 62,
    patterns: [/x509: certificate has expired or is not yet valid: current time (\S+) is before (\S+)/],
    meaning: "The container's clock is behind the certificate's start date: the engine host's (or Docker Desktop VM's) clock is wrong.",
    fix: lines(`date -u   # on the engine's machine; fix NTP (timedatectl set-ntp true)`, `Docker Desktop/WSL: restart the VM after sleep to resync its clock`),
  },
  {
    family: 'tls-trust',
    id: 'tls-trust.expired',
    cause: 'tls.expired',
    specificity: 60,
    patterns: [/x509: certificate has expired or is not yet valid(?:: current time (\S+) is after (\S+))?/],
    meaning: "The server's certificate has expired (often a self-hosted GOPROXY mirror), or an inspecting proxy serves a stale one.",
    fix: (m) => {
      const host = hostIn(m.input);
      return lines(
        host && `${host} serves an expired certificate${m[2] ? ` (not after ${m[2]})` : ''}: switch to another GOPROXY until it is renewed:`,
        `ENV GOPROXY=https://proxy.golang.org,direct`,
        `if the clock is wrong instead: date -u on the engine's machine`,
      );
    },
  },
  {
    family: 'tls-trust',
    id: 'tls-trust.wrong_name',
    cause: 'tls.wrong_name',
    specificity: 60,
    patterns: [/x509: certificate is valid for (.+?), not ([^\s)]+)/, /x509: certificate is not valid for any names, but wanted to match ([^\s)]+)/],
    meaning: "The server that answered is not the host asked for: a captive portal, an intercepting proxy, or DNS sending the name somewhere else.",
    fix: (m) => {
      const host = m[2] ?? m[1]!;
      return lines(
        `docker run --rm alpine nslookup ${host}   # does the container resolve ${host} to the right place?`,
        `openssl s_client -connect ${host}:443 -servername ${host} </dev/null | openssl x509 -noout -subject -issuer`,
        `behind an inspecting proxy: trust its CA (see tls-trust.unknown_authority) or route through the proxy with --build-arg HTTPS_PROXY=...`,
      );
    },
  },
  {
    family: 'tls-trust',
    id: 'tls-trust.git_ca',
    cause: 'tls.unknown_ca',
    specificity: 58,
    patterns: [/SSL certificate problem: (unable to get local issuer certificate|self[- ]signed certificate in certificate chain|self[- ]signed certificate)/, /server certificate verification failed\. CAfile/],
    meaning: "git does not trust the git server's certificate: a corporate CA missing from the image's trust store.",
    fix: lines(`COPY corp-root-ca.crt /usr/local/share/ca-certificates/corp-root-ca.crt`, `RUN update-ca-certificates   # git and Go both read the system store`),
  },

  // -- DNS ------------------------------------------------------------------------------------------------
  {
    family: 'dns',
    id: 'dns.resolver_unreachable',
    cause: 'dns.no_resolver',
    specificity: 58,
    patterns: [/lookup ([^\s:]+) on (\S+?): (?:read|dial|write) udp \S+: (?:read|write|connect): (?:no route to host|connection refused|network is unreachable)/],
    meaning: "The resolver in the container's resolv.conf cannot be reached from the Docker network (a host-only or VPN resolver, a stub address copied from the host).",
    fix: (m) => dnsFix(m[1]!, m[2]),
  },
  {
    family: 'dns',
    id: 'dns.server_misbehaving',
    cause: 'dns.servfail',
    specificity: 55,
    patterns: [/lookup ([^\s:]+)(?: on (\S+?))?: server misbehaving/],
    meaning: "The resolver answered with an error (SERVFAIL/REFUSED): Docker's embedded DNS or the host's stub could not get an answer upstream.",
    fix: (m) => dnsFix(m[1]!, m[2]),
  },
  {
    family: 'dns',
    id: 'dns.no_such_host',
    cause: 'dns.nxdomain',
    specificity: 55,
    patterns: [/lookup ([^\s:]+)(?: on (\S+?))?: no such host/],
    meaning: "The resolver says the name does not exist: an internal (split-horizon) name the container's resolver does not know, a filtered resolver, or a typo.",
    fix: (m) =>
      PUBLIC_GO_HOSTS.test(m[1]!)
        ? dnsFix(m[1]!, m[2])
        : lines(
            `${m[1]} is only known to your network's DNS. Either give the engine that DNS: /etc/docker/daemon.json { "dns": ["<corporate DNS IP>"] }`,
            `or pin it for the build: docker build --add-host ${m[1]}:<IP> .   (or --network host)`,
          ),
  },
  {
    family: 'dns',
    id: 'dns.timeout',
    cause: 'dns.timeout',
    specificity: 55,
    patterns: [/lookup ([^\s:]+)(?: on (\S+?))?: (?:read udp \S+: )?i\/o timeout/],
    meaning: "The resolver in the container's resolv.conf never answered: unreachable from the Docker network, or UDP 53 is filtered.",
    fix: (m) => dnsFix(m[1]!, m[2]),
  },
  {
    family: 'dns',
    id: 'dns.could_not_resolve',
    specificity: 50,
    patterns: [/Could not resolve host: ([^\s':]+)/, /Temporary failure in name resolution/],
    meaning: 'git/curl in the container could not resolve the host name.',
    fix: (m) => dnsFix(m[1] ?? 'the host', undefined),
  },

  // -- TCP ------------------------------------------------------------------------------------------------
  {
    family: 'tcp',
    id: 'tcp.ipv6_unreachable',
    cause: 'tcp.unreachable',
    specificity: 55,
    patterns: [/dial tcp (\[[0-9a-fA-F:]+\]:\d+): connect: (?:cannot assign requested address|network is unreachable|no route to host)/],
    meaning: 'The name resolved to an IPv6 address but the container has no IPv6 route (Docker networks are IPv4-only by default).',
    fix: lines(
      `give the network IPv6, /etc/docker/daemon.json: { "ipv6": true, "fixed-cidr-v6": "fd00:d0c::/64" } then sudo systemctl restart docker`,
      `or build on the host's network: docker build --network host .`,
    ),
  },
  {
    family: 'tcp',
    id: 'tcp.timeout',
    cause: 'tcp.timeout',
    specificity: 45,
    patterns: [/dial tcp(?: (\[[0-9a-fA-F:.]+\]:\d+|[0-9.]+:\d+))?: (?:i\/o timeout|connect: connection timed out)/, /Failed to connect to (\S+) port \d+(?: after \d+ ms)?: (?:Operation|Connection) timed out/],
    meaning: 'No answer to the TCP connection: an egress firewall drops it, or the destination is blocked from this network.',
    fix: (m) => egressFix(hostIn(m.input) ?? (m[1] && !/^[\d.[]/.test(m[1]) ? m[1] : null)),
  },
  {
    family: 'tcp',
    id: 'tcp.refused',
    cause: 'tcp.refused',
    specificity: 45,
    patterns: [/dial tcp (\S+): connect: connection refused/, /Failed to connect to (\S+) port \d+(?: after \d+ ms)?: Connection refused/],
    meaning: 'The connection was actively refused: a firewall rejecting it (or a national firewall), or nothing listening at that address.',
    fix: (m) => egressFix(hostIn(m.input)),
  },
  {
    family: 'tcp',
    id: 'tcp.unreachable',
    cause: 'tcp.unreachable',
    specificity: 45,
    patterns: [/dial tcp (\S+): connect: (?:network is unreachable|no route to host)/],
    meaning: 'The container has no route to that address.',
    fix: (m) => lines(`check the container's routes: docker run --rm alpine ip route`, egressFix(hostIn(m.input))),
  },
  {
    family: 'tcp',
    id: 'tcp.reset',
    cause: 'tcp.error',
    specificity: 40,
    patterns: [/connection reset by peer/],
    meaning: 'The connection was cut mid-transfer: a middlebox resetting long or large transfers, or an overloaded/blocked proxy.',
    fix: (m) => egressFix(hostIn(m.input)),
  },
  {
    family: 'tcp',
    id: 'tcp.client_timeout',
    cause: 'http.timeout',
    specificity: 35,
    patterns: [/Client\.Timeout exceeded while awaiting headers/, /request canceled while waiting for connection/],
    meaning: 'The request timed out before any response: the connection or handshake hung.',
    fix: (m) => egressFix(hostIn(m.input)),
  },
];

/** A git/ssh host named in the lines around a hit (`git@host:`, `ssh://…@host`, `https://host/`). */
function hostAround(ctx: FixContext): string | null {
  for (const line of [...ctx.near].reverse()) {
    const h = /(?:git@|ssh:\/\/[^@\s]*@)([\w.-]+\.[a-z]{2,})/.exec(line) ?? /'https?:\/\/(?:[^\s/@']*@)?([\w.-]+\.[a-z]{2,})/.exec(line);
    if (h) return h[1]!;
  }
  return null;
}
