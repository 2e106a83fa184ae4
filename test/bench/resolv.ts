// A resolv.conf naming one server (as test/helpers/cli.ts writes it): bind-mounted over
// /etc/resolv.conf in the doctor's private mount namespace, so its host side never asks
// this machine's real resolver.
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function resolvConfFor(server: string): string {
  const dir = join(tmpdir(), 'gmd-test-resolv');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `resolv.${server.replace(/[^0-9a-f.]/gi, '_')}.conf`);
  writeFileSync(file, `nameserver ${server}\noptions timeout:1 attempts:1\n`);
  return file;
}
