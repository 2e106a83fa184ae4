// In-memory PKI for the lab: a test CA, an unrelated rogue CA, and leaf certs for each TLS fault.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import forge from 'node-forge';

const { pki } = forge;

/** A PEM key and certificate pair, ready for `tls.createServer`. */
export interface KeyCert {
  key: string;
  cert: string;
}

/** Everything the lab serves over TLS. */
export interface LabCerts {
  /** PEM of the test CA (the one tests trust). */
  caPem: string;
  /** PEM of the rogue CA (never trusted). */
  rogueCaPem: string;
  /** Test-CA leaf for every public name, *.lab.test and the gateway IP. */
  good: KeyCert;
  /** Same names, issued by the rogue CA: unknown authority. */
  rogueCa: KeyCert;
  /** Test-CA leaf whose only SAN is wrong.example: name mismatch. */
  wrongName: KeyCert;
  /** Test-CA leaf whose notAfter is in the past. */
  expired: KeyCert;
  /** Test-CA leaf whose notBefore is next year. */
  notYetValid: KeyCert;
}

interface Issuer {
  cert: forge.pki.Certificate;
  key: forge.pki.rsa.PrivateKey;
}

// node:crypto makes RSA keys natively; forge's pure-JS keygen takes seconds per key.
function rsaKeys(): { privateKey: forge.pki.rsa.PrivateKey; publicKey: forge.pki.rsa.PublicKey; pem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  return {
    privateKey: pki.privateKeyFromPem(privateKey),
    publicKey: pki.publicKeyFromPem(publicKey) as forge.pki.rsa.PublicKey,
    pem: privateKey,
  };
}

const DAY = 86_400_000;

function baseCert(publicKey: forge.pki.rsa.PublicKey, cn: string, from: Date, to: Date): forge.pki.Certificate {
  const cert = pki.createCertificate();
  cert.publicKey = publicKey;
  // Positive serial: a leading 0x01 byte keeps the DER integer from reading as negative.
  cert.serialNumber = `01${randomBytes(15).toString('hex')}`;
  cert.validity.notBefore = from;
  cert.validity.notAfter = to;
  cert.setSubject([{ name: 'commonName', value: cn }, { name: 'organizationName', value: 'gomod-doctor lab' }]);
  return cert;
}

function makeCa(cn: string): Issuer {
  const keys = rsaKeys();
  const now = Date.now();
  const cert = baseCert(keys.publicKey, cn, new Date(now - DAY), new Date(now + 3650 * DAY));
  cert.setIssuer(cert.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  return { cert, key: keys.privateKey };
}

type San = { dns: string } | { ip: string };

function makeLeaf(
  issuer: Issuer,
  keys: ReturnType<typeof rsaKeys>,
  sans: San[],
  from: Date,
  to: Date,
): KeyCert {
  const first = sans[0];
  const cn = first && 'dns' in first ? first.dns : 'lab';
  const cert = baseCert(keys.publicKey, cn, from, to);
  cert.setIssuer(issuer.cert.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectKeyIdentifier' },
    { name: 'authorityKeyIdentifier', keyIdentifier: issuer.cert.generateSubjectKeyIdentifier().getBytes() },
    {
      name: 'subjectAltName',
      altNames: sans.map((s) => ('dns' in s ? { type: 2, value: s.dns } : { type: 7, ip: s.ip })),
    },
  ]);
  cert.sign(issuer.key, forge.md.sha256.create());
  return { key: keys.pem, cert: pki.certificateToPem(cert) };
}

/** Names every "good" lab certificate covers (besides the gateway IP). */
export const LAB_TLS_NAMES = [
  'proxy.golang.org',
  'goproxy.cn',
  'goproxy.io',
  'github.com',
  'sum.golang.org',
  '*.lab.test',
  'lab.test',
];

/** Generate the lab PKI; `gateway` goes into the leaves as an IP SAN. */
export function makeLabCerts(gateway: string): LabCerts {
  const ca = makeCa('gomod-doctor test CA');
  const rogue = makeCa('gomod-doctor rogue CA');
  const leafKeys = rsaKeys(); // one key for all leaves: only the certificates differ
  const now = Date.now();
  const sans: San[] = [...LAB_TLS_NAMES.map((dns) => ({ dns })), { ip: gateway }];
  const valid: [Date, Date] = [new Date(now - DAY), new Date(now + 365 * DAY)];
  return {
    caPem: pki.certificateToPem(ca.cert),
    rogueCaPem: pki.certificateToPem(rogue.cert),
    good: makeLeaf(ca, leafKeys, sans, ...valid),
    rogueCa: makeLeaf(rogue, leafKeys, sans, ...valid),
    wrongName: makeLeaf(ca, leafKeys, [{ dns: 'wrong.example' }], ...valid),
    expired: makeLeaf(ca, leafKeys, sans, new Date(now - 60 * DAY), new Date(now - DAY)),
    notYetValid: makeLeaf(ca, leafKeys, sans, new Date(now + 365 * DAY), new Date(now + 730 * DAY)),
  };
}
