// The lab's checksum database: a one-record transparency log served with the sumdb protocol
// (golang.org/x/mod/sumdb): /lookup/PATH@VERSION and the hash tile that proves the record.
// Its key is fresh per lab; the go command accepts it as GOSUMDB="NAME+HASH+KEY URL".
import { createHash, generateKeyPairSync, sign } from 'node:crypto';

/** dirhash.Hash1: base64 SHA-256 over "sha256hex  name\n" lines, sorted by name. */
export function hash1(files: Record<string, string | Buffer>): string {
  const summary = Object.keys(files)
    .sort()
    .map((name) => `${createHash('sha256').update(files[name]!).digest('hex')}  ${name}\n`)
    .join('');
  return `h1:${createHash('sha256').update(summary).digest('base64')}`;
}

export interface LabSumdb {
  name: string;
  /** The verifier key for GOSUMDB: NAME+HASH+KEY. */
  key: string;
  /** Response body for a sumdb path, or undefined (404). */
  route(path: string): Buffer | undefined;
}

/** A checksum database named `name` holding one record: the go.sum lines of one module version. */
export function makeSumdb(name: string, module: string, version: string, goSumLines: string): LabSumdb {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const pub = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url');
  const keyBytes = Buffer.concat([Buffer.from([1]), pub]); // algorithm 1: Ed25519
  const keyHash = createHash('sha256').update(Buffer.concat([Buffer.from(`${name}\n`), keyBytes])).digest().subarray(0, 4);
  const key = `${name}+${keyHash.toString('hex')}+${keyBytes.toString('base64')}`;

  // A tree of one record: its root hash is the record's leaf hash, SHA-256(0x00 || data).
  const data = Buffer.from(goSumLines);
  const leaf = createHash('sha256').update(Buffer.concat([Buffer.from([0]), data])).digest();
  const text = `go.sum database tree\n1\n${leaf.toString('base64')}\n`;
  const sig = sign(null, Buffer.from(text), privateKey);
  const note = `${text}\n\u2014 ${name} ${Buffer.concat([keyHash, sig]).toString('base64')}\n`;
  const lookup = Buffer.from(`0\n${goSumLines}\n${note}`);

  return {
    name,
    key,
    route(path) {
      if (path === `/lookup/${module}@${version}`) return lookup;
      // Level-0 hash tile 0, partial width 1: the one leaf hash.
      if (path === '/tile/8/0/000.p/1') return leaf;
      if (path === '/latest') return Buffer.from(note);
      return undefined;
    },
  };
}
