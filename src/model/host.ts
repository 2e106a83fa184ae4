/**
 * Host evidence: the same network steps measured from the machine running the doctor (Node),
 * for the host-vs-container comparison. A null step did not run.
 */

export interface HostDnsEvidence {
  outcome: 'resolved' | 'nxdomain' | 'timeout' | 'error';
  addresses: string[];
  ms: number | null;
  message: string;
}

export interface HostTcpEvidence {
  /** The address dialled: the host's own answer, else the --add-host entry for the name. */
  address: string;
  /** Where `address` came from. */
  addressFrom: 'host' | 'add-host';
  outcome: 'connected' | 'refused' | 'timeout' | 'unreachable' | 'error';
  ms: number | null;
  message: string;
}

export interface HostTlsEvidence {
  outcome: 'ok' | 'timeout' | 'error';
  /** Whether the chain verified against the host's roots (Go's: SSL_CERT_FILE/DIR or the system bundle, plus --ca-cert). */
  verified: boolean;
  /** Node's verification error code (UNABLE_TO_GET_ISSUER_CERT_LOCALLY, CERT_HAS_EXPIRED, ...), when not verified. */
  verifyError: string | null;
  issuer: string | null;
  ms: number | null;
  message: string;
}

export interface HostHttpEvidence {
  url: string;
  /** The proxy the go command on the host would use for url (host environment, Go's NO_PROXY rules), redacted. */
  proxy: string | null;
  outcome: 'response' | 'timeout' | 'proxy_refused' | 'proxy_auth' | 'tls_error' | 'error';
  status: number | null;
  ms: number | null;
  message: string;
}

/** The host's route towards an address: the interface and its MTU (Linux), for the MTU comparison. */
export interface HostRoute {
  address: string;
  device: string | null;
  mtu: number | null;
  /** True when the address is one of the host's own (the route is loopback: no MTU to compare). */
  local: boolean;
}

export interface HostTargetEvidence {
  /** The PlannedTarget key this row mirrors. */
  key: string;
  dns: HostDnsEvidence | null;
  tcp: HostTcpEvidence | null;
  tls: HostTlsEvidence | null;
  http: HostHttpEvidence | null;
  route: HostRoute | null;
}

export interface HostEvidence {
  /** Proxy variables set in the host's environment (the doctor's own process), values redacted. */
  proxyEnv: Record<string, string>;
  /** The resolvers the host uses (/etc/resolv.conf), for fix lines. */
  nameservers: string[];
  /** MTU of the Docker network the probe container used, from the engine. */
  networkMtu: number | null;
  /** Name of that network (bridge, a user network, host). */
  networkName: string;
  targets: HostTargetEvidence[];
}
