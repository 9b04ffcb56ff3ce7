// The second test site's internal CA ("Northwind Internal Root", not the lab's): one leaf per name, DNS or IP
// subject names, made fresh at each start with the openssl CLI (lab/tls/openssl.ts); the CA key never leaves the scratch folder.
import { isIP } from 'node:net';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { openssl } from '../tls/openssl.ts';

export interface Leaf {
  key: string;
  cert: string;
}

export interface Site2Pki {
  caPem: string;
  /** PEM file of the CA: what the overlay names as the environment's caFile. */
  caFile: string;
  /** name (a host's FQDN, or 127.0.0.1) → its leaf. */
  leaves: Map<string, Leaf>;
}

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
const REQ_CNF = `[req]\ndistinguished_name = dn\nprompt = no\n[dn]\nCN = northwind\n`;
const san = (name: string) => (isIP(name) ? `IP:${name}` : `DNS:${name}`);

export async function createSite2Pki(dir: string, names: readonly string[]): Promise<Site2Pki> {
  const scratch = join(dir, 'pki');
  await mkdir(scratch, { recursive: true });
  await writeFile(join(scratch, 'req.cnf'), REQ_CNF);
  const caArgs = ['-subj', '/O=Northwind Utilities/CN=Northwind Internal Root CA', '-days', '120'];
  await openssl(
    [
      'req',
      '-config',
      'req.cnf',
      '-x509',
      ...EC,
      '-keyout',
      'ca.key',
      '-out',
      'ca.pem',
      ...caArgs,
      '-addext',
      'basicConstraints=critical,CA:TRUE,pathlen:0',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ],
    scratch,
  );
  const leaves = await Promise.all(
    names.map(async (name, i) => {
      await openssl(
        [
          'req',
          '-config',
          'req.cnf',
          '-x509',
          '-CA',
          'ca.pem',
          '-CAkey',
          'ca.key',
          ...EC,
          '-keyout',
          `leaf${i}.key`,
          '-out',
          `leaf${i}.pem`,
          '-days',
          '90',
          '-subj',
          `/O=Northwind Utilities/CN=${name}`,
          '-addext',
          'basicConstraints=critical,CA:FALSE',
          '-addext',
          'keyUsage=critical,digitalSignature',
          '-addext',
          'extendedKeyUsage=serverAuth',
          '-addext',
          `subjectAltName=${san(name)}`,
        ],
        scratch,
      );
      const [key, cert] = await Promise.all([
        readFile(join(scratch, `leaf${i}.key`), 'utf8'),
        readFile(join(scratch, `leaf${i}.pem`), 'utf8'),
      ]);
      return [name, { key, cert }] as const;
    }),
  );
  const caPem = await readFile(join(scratch, 'ca.pem'), 'utf8');
  const caFile = join(dir, 'northwind-root.pem');
  await writeFile(caFile, caPem);
  await rm(scratch, { recursive: true, force: true });
  return { caPem, caFile, leaves: new Map(leaves) };
}
