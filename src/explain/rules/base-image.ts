/**
 * `explain` rules of the base-image family: Docker's own part, the FROM image the engine pulls before any Go step runs.
 * Field guide: shared/docs/domain.md. Conventions for patterns: ./index.ts.
 */
import type { Rule } from './types.js';
import { EXAMPLE_PROXY, lines, NET_ERR, REGISTRY } from './fix-helpers.js';
import { daemonDnsFix, daemonJsonFix, engineProxyFix, MIRROR_SETTING } from '../../../checks/engine-fixes.js';

export const baseImageRules: Rule[] = [
  {
    family: 'base-image',
    id: 'base-image.credential_helper',
    cause: 'engine.pull',
    specificity: 91,
    patterns: [
      /error (?:getting|listing|storing) credentials - err: /,
      /docker-credential-[\w.-]+ (?:not installed or not available in PATH|resolves to executable in current directory)/,
      /exec: "docker-credential-[\w.-]+(?:\.exe)?": executable file not found/,
    ],
    meaning:
      "The docker client's config (~/.docker/config.json `credsStore` or `credHelpers`) names a credential helper that is not installed, not on PATH or failing, so the pull (or push) stops before the registry is even asked: Docker Desktop settings carried to Linux, WSL or CI are the usual source. Go never ran.",
    fix: (m) => {
      const helper = /docker-credential-([\w.-]+?)(?:\.exe)?\b(?!-)/.exec(m.input)?.[1] ?? null;
      const installed = /exit status \d+/.test(m.input);
      return lines(
        installed
          ? `the helper ran and failed (Docker Desktop not running, a locked keychain, a helper not logged in): start it, or stop using it as below`
          : `~/.docker/config.json names docker-credential-${helper ?? '<helper>'} ("credsStore": "${helper ?? '<helper>'}", or a "credHelpers" entry) but this machine has no such program on PATH`,
        `remove that "credsStore" line (or the registry's "credHelpers" entry) from ~/.docker/config.json, then docker login <registry> again if it is private`,
        `CI or a throwaway shell: use a clean client config: export DOCKER_CONFIG=$(mktemp -d)`,
        helper === 'gcloud' || helper === 'gcr'
          ? `or install it: gcloud components install docker-credential-gcr && gcloud auth configure-docker`
          : helper === 'ecr-login'
            ? `or install it: amazon-ecr-credential-helper (apt install amazon-ecr-credential-helper)`
            : helper === 'osxkeychain'
              ? `or install it: brew install docker-credential-helper`
              : helper?.startsWith('desktop') && `Docker Desktop is not installed or not running here (WSL: enable its integration for this distro), so its helper is missing`,
      );
    },
  },
  {
    family: 'base-image',
    id: 'base-image.rate_limit',
    cause: 'engine.pull',
    specificity: 92,
    patterns: [/toomanyrequests|You have reached your (?:unauthenticated )?pull rate limit/],
    meaning: "Docker Hub refused to serve the base image: the engine's anonymous (or your account's) pull rate limit is used up. Go never ran.",
    fix: lines(
      `docker login   # authenticated pulls have a higher limit (CI: log in before the build step)`,
      `or pull through a mirror: ${daemonJsonFix('docker', MIRROR_SETTING, null)}`,
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
      // A proxy named on the line is the proxy's failure (proxy-env), not the registry's.
      new RegExp(String.raw`^(?!.*proxyconnect)(?=.*${REGISTRY})(?=.*(?:${NET_ERR}|x509:))`),
    ],
    ties: [
      {
        family: 'proxy-env',
        why: "a proxy the shell or the CI jobs use but the engine does not: without one the engine's pull just times out, with no proxy wording",
        when: /Client\.Timeout|i\/o timeout|request canceled/,
      },
    ],
    meaning: "The engine could not reach the registry to resolve the FROM image: its own DNS, network or proxy failed (the engine pulls, not the build's RUN steps). Go never ran.",
    fix: (m) => {
      const t = m.input;
      return lines(
        /lookup |no such host|server misbehaving/.test(t) &&
          `DNS on the engine's machine failed (resolvectl status; /etc/resolv.conf); fix it there, or set ${daemonDnsFix('docker', ['<resolver-ip>'])}.`,
        /x509:/.test(t) && `Trust the registry's CA: /etc/docker/certs.d/<registry>/ca.crt (or the system store), then restart the engine.`,
        /Client\.Timeout|i\/o timeout|request canceled/.test(t) &&
          `The registry did not answer in time: a firewall or a proxy only the shell knows about (the engine does not read your shell's HTTPS_PROXY), or a slow link.`,
        `If only a proxy gets out, give the engine one: ${engineProxyFix('docker', EXAMPLE_PROXY, false)}`,
        `or a mirror: ${daemonJsonFix('docker', MIRROR_SETTING, null)}`,
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
      `Retry later (status.docker.com), or pull through another mirror: ${daemonJsonFix('docker', MIRROR_SETTING, null)}`,
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
];
