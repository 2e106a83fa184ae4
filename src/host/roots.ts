/**
 * The CA roots the go command on this host trusts, so the host's TLS verdict means what
 * Go's would. On Linux and the BSDs Go reads files (crypto/x509 root_unix.go
 * loadSystemRoots): SSL_CERT_FILE or the first readable bundle of certFiles, and then
 * every file of SSL_CERT_DIR or of certDirectories. On macOS and Windows Go asks the OS
 * verifier and ignores those variables; Node's bundled Mozilla roots stand in for it.
 */
import { X509Certificate } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';

type Env = Readonly<Record<string, string | undefined>>;

/** Go's certFiles for linux (crypto/x509/root_linux.go), in Go's order. */
export const GO_CERT_FILES = [
  '/etc/ssl/certs/ca-certificates.crt', // Debian/Ubuntu/Gentoo etc.
  '/etc/pki/tls/certs/ca-bundle.crt', // Fedora/RHEL 6
  '/etc/ssl/ca-bundle.pem', // OpenSUSE
  '/etc/pki/tls/cacert.pem', // OpenELEC
  '/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem', // CentOS/RHEL 7
  '/etc/ssl/cert.pem', // Alpine Linux
];

/** Go's certDirectories for linux: read whether or not a bundle file was found. */
export const GO_CERT_DIRS = ['/etc/ssl/certs', '/etc/pki/tls/certs'];

/** The file-system reads root loading needs; null means "could not read". Replaced in tests. */
export interface CertFs {
  readText(path: string): string | null;
  listDir(dir: string): string[] | null;
}

export const realCertFs: CertFs = {
  readText(path) {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return null; // missing, unreadable or a directory: Go skips it too
    }
  },
  listDir(dir) {
    try {
      return readdirSync(dir);
    } catch {
      return null;
    }
  },
};

/** Where the roots come from: the files Go would read, or Node's bundle standing in for the OS verifier. */
export interface RootSources {
  files: string[];
  nodeBundled: boolean;
}

/** Which root files Go would load on `platform` with `env` (only files `fs` can read are listed). */
export function goRootSources(env: Env, platform: NodeJS.Platform, fs: CertFs = realCertFs): RootSources {
  if (platform === 'darwin' || platform === 'win32') return { files: [], nodeBundled: true };
  const files: string[] = [];
  // SSL_CERT_FILE replaces the whole list; Go stops at the first file it can read.
  const bundleCandidates = env.SSL_CERT_FILE ? [env.SSL_CERT_FILE] : GO_CERT_FILES;
  const bundle = bundleCandidates.find((f) => fs.readText(f) !== null);
  if (bundle) files.push(bundle);
  // SSL_CERT_DIR replaces the directory list (colon-separated, as OpenSSL); every entry is read.
  const dirs = env.SSL_CERT_DIR ? env.SSL_CERT_DIR.split(':') : GO_CERT_DIRS;
  for (const dir of dirs) {
    for (const name of fs.listDir(dir) ?? []) files.push(`${dir.replace(/\/+$/, '')}/${name}`);
  }
  return { files, nodeBundled: false };
}

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

/** The CERTIFICATE blocks of a PEM text that parse, as Go's AppendCertsFromPEM keeps them. */
export function pemCertificates(text: string): string[] {
  return (text.match(PEM_BLOCK) ?? []).filter((pem) => {
    try {
      new X509Certificate(pem);
      return true;
    } catch {
      return false;
    }
  });
}

/** Every root PEM the host's go command trusts, plus --ca-cert; deduplicated, ready for tls `ca`. */
export function hostRootPems(
  env: Env,
  extraCaPem: string | null,
  platform: NodeJS.Platform = process.platform,
  fs: CertFs = realCertFs,
): string[] {
  const sources = goRootSources(env, platform, fs);
  const texts = sources.nodeBundled ? [...rootCertificates] : sources.files.map((f) => fs.readText(f) ?? '');
  if (extraCaPem) texts.push(extraCaPem);
  // The bundle and the directory hold the same certificates, wrapped alike or not: keep one of each.
  const byBody = new Map<string, string>();
  for (const pem of texts.flatMap((t) => t.match(PEM_BLOCK) ?? [])) byBody.set(pem.replace(/\s+/g, ''), pem);
  return pemCertificates([...byBody.values()].join('\n'));
}
