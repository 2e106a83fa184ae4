/**
 * `explain` rules of the goproxy family: GOPROXY entries and the checksum database.
 * Field guide: shared/docs/domain.md. Conventions for patterns: ./index.ts.
 */
import type { Rule } from './types.js';
import { goprivateFor, lines, moduleNear, NET_ERR, netrcFix, unescapeModule } from './fix-helpers.js';

/** Hosts that serve only public modules: no GOPRIVATE advice for them. */
const PUBLIC_ONLY = /^(?:golang\.org|google\.golang\.org|gopkg\.in|go\.uber\.org|k8s\.io|sigs\.k8s\.io|cloud\.google\.com|go\.opentelemetry\.io|dmitri\.shuralyov\.com)$/;

export const goproxyRules: Rule[] = [
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
    id: 'goproxy.origin_refused',
    cause: 'http.status',
    // Above goproxy.server_error: a `?go-get=1` page is the origin's, asked only when fetching direct.
    specificity: 62,
    patterns: [/\?go-get=1\)?:? (418 [^"]+|429 [A-Za-z ]+|451 [A-Za-z ]+|5\d\d [A-Za-z ]+)/],
    meaning:
      "The origin's `?go-get=1` page (the vanity host or code host itself) refused or failed: the go command asked it directly (GOPROXY=direct, a GOPROXY miss, or GONOPROXY/GOPRIVATE covering a public path), and the host blocks, rate-limits or cannot serve this network (CI runners share addresses).",
    fix: (m) =>
      lines(
        `fetch public modules through a module proxy, which serves them from its cache without asking the origin:`,
        `ENV GOPROXY=https://proxy.golang.org,direct`,
        `if GOPROXY=direct is there for private modules, scope that instead: ENV GOPRIVATE=<your private paths> (they alone go direct)`,
        /^429/.test(m[1]!) && `429: the host rate-limits this address; a proxy (or an authenticated mirror) avoids hitting it at all`,
      ),
  },
  {
    family: 'goproxy',
    id: 'goproxy.not_module_proxy',
    cause: 'http.bad_listing',
    specificity: 74,
    patterns: [/invalid response from proxy "([^"]+)": /, /module (\S+): invalid character '[^']+' looking for beginning of value/],
    ties: [
      {
        family: 'proxy-env',
        why: "a '<' is an HTML page: an intercepting proxy, a captive portal or a login page may have answered instead of the GOPROXY",
        when: /invalid character '<'/,
      },
    ],
    meaning:
      "The go command asked GOPROXY for a module's JSON (`@v/list`, `.info`, `@latest`) and got something else: GOPROXY points at a site that is not a module proxy (a web page, a registry UI, a path without the proxy's prefix), or something in between answered instead.",
    fix: (m) =>
      lines(
        `go env GOPROXY   # each entry must be a module proxy's base URL: curl -sS "$(go env GOPROXY | cut -d, -f1)/${m[1] && !m[1].includes('://') ? m[1] : 'golang.org/x/text'}/@v/list" lists versions, not HTML`,
        `ENV GOPROXY=https://proxy.golang.org,direct   # or your Athens/Artifactory/Nexus proxy's Go endpoint (…/api/go/<repo>)`,
        `an HTML page from a corporate proxy or portal: route through it properly (--build-arg HTTPS_PROXY=...) or get the host allowed`,
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
];
