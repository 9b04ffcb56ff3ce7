// The second test site's internal CA ("Northwind Internal Root", not the lab's): one leaf per name, DNS or IP
// subject names, made fresh at each start with the lab's openssl steps (lab/tls/pki.ts makeCa, makeLeaf); the CA key never leaves the scratch folder.
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type KeyPair, makeCa, makeLeaf } from '../tls/pki.ts';

export type Leaf = KeyPair;

export interface Site2Pki {
  caPem: string;
  /** PEM file of the CA: what the overlay names as the environment's caFile. */
  caFile: string;
  /** name (a host's FQDN, or 127.0.0.1) → its leaf. */
  leaves: Map<string, Leaf>;
}

export async function createSite2Pki(dir: string, names: readonly string[]): Promise<Site2Pki> {
  const scratch = join(dir, 'pki');
  await makeCa(scratch, '/O=Northwind Utilities/CN=Northwind Internal Root CA', 120);
  const leaves = await Promise.all(
    names.map(async (name, i) => [name, await makeLeaf(scratch, `leaf${i}`, `/O=Northwind Utilities/CN=${name}`, [name])] as const),
  );
  const caPem = await readFile(join(scratch, 'ca.pem'), 'utf8');
  const caFile = join(dir, 'northwind-root.pem');
  await writeFile(caFile, caPem);
  await rm(scratch, { recursive: true, force: true });
  return { caPem, caFile, leaves: new Map(leaves) };
}
