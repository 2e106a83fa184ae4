/** One target's network chain as the agent measured it in the container: DNS → TCP → TLS → HTTP. Serialisable. */
import type { StopReason } from './go-evidence.js';

export type DnsOutcome = 'resolved' | 'nxdomain' | 'servfail' | 'timeout' | 'no_answer' | 'error' | 'no_tool';

export interface DnsEvidence {
  host: string;
  tool: string | null;
  outcome: DnsOutcome;
  v4: string[];
  v6: string[];
  /** Addresses that came from /etc/hosts (or --add-host). */
  fromHostsFile: boolean;
  ms: number | null;
  message: string;
}

export type TcpOutcome = 'connected' | 'refused' | 'timeout' | 'unreachable' | 'error' | 'no_tool';

export interface TcpAttempt {
  address: string;
  port: number;
  outcome: TcpOutcome;
  ms: number | null;
  message: string;
}

export interface TcpEvidence {
  host: string;
  tool: string | null;
  attempts: TcpAttempt[];
}

export type TlsOutcome = 'ok' | 'timeout' | 'error' | 'no_tool';

export interface TlsEvidence {
  host: string;
  address: string | null;
  port: number;
  tool: string | null;
  outcome: TlsOutcome;
  /** Whether the tool could verify the chain at all (busybox's TLS cannot). */
  verifiable: boolean;
  verifyCode: number | null;
  verifyMessage: string | null;
  protocol: string | null;
  subject: string | null;
  issuer: string | null;
  notBefore: string | null;
  notAfter: string | null;
  ms: number | null;
  message: string;
}

export type HttpOutcome = 'response' | 'timeout' | 'proxy_refused' | 'proxy_auth' | 'tls_error' | 'error' | 'no_tool' | 'stopped';

export interface HttpEvidence {
  url: string;
  proxy: string | null;
  tool: string | null;
  outcome: HttpOutcome;
  status: number | null;
  /** Time to first byte as the tool reports it (curl), else the whole request. */
  ttfbMs: number | null;
  ms: number | null;
  /** The first lines of the body, for a module proxy `@v/list`. */
  bodyHead: string;
  message: string;
  /** Set when the outcome is `stopped`: the row that decided the request through a dead proxy. */
  stoppedBy?: StopReason;
}
