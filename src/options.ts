/** What the CLI hands the runner: flags parsed, files read, values validated. */

/** A `--target HOST[:PORT]` or `--target URL` (a module proxy base URL). */
export interface UserTarget {
  host: string;
  port: number;
  /** Set when the target was given as a URL: it is then probed as a module proxy. */
  proxyUrl: string | null;
}

export interface DoctorOptions {
  image: string;
  /** --user; null means the image's own USER. */
  user: string | null;
  network: string | null;
  dns: string[];
  addHosts: string[];
  /** KEY=VALUE from --env-file then -e, in docker's order (later wins). */
  env: string[];
  platform: string | null;
  targets: UserTarget[];
  /** Probe proxy.golang.org, goproxy.cn, goproxy.io, github.com, sum.golang.org. */
  defaultTargets: boolean;
  /** Bound on each network step inside the container. */
  timeoutMs: number;
  /** --ca-cert: an extra CA the probes trust (PEM). */
  caCertPem: string | null;
  format: 'table' | 'json';
  debug: boolean;
}
