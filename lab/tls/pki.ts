// The lab's PKI, made fresh at each start: a CA, one leaf per lab host, and an expired leaf for web-cert-expired.
// ECDSA P-256 keys via the openssl CLI: fast (~10 ms per certificate), no extra npm dependency.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { openssl } from './openssl.ts';

export interface KeyPair {
  key: string;
  cert: string;
}

export interface LabPki {
  /** PEM of the CA every lab client trusts. */
  caPem: string;
  caFile: string;
  /** Leaf certificate per FQDN (www.invoicecloud.test …). */
  hosts: Map<string, KeyPair>;
  /** Valid for every lab host name but expired yesterday. */
  expired: KeyPair;
}

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];

// A config of our own so the system openssl.cnf's default extensions (CA:TRUE on req -x509) never apply.
const REQ_CNF = `[req]\ndistinguished_name = dn\nprompt = no\n[dn]\nCN = lab\n`;
const CA_CNF = `[ca]\ndefault_ca = lab\n[lab]\ndatabase = index.txt\nnew_certs_dir = .\nserial = serial\ndefault_md = sha256\npolicy = pol\nunique_subject = no\nx509_extensions = leaf\n[pol]\ncommonName = supplied\n[leaf]\nbasicConstraints = critical,CA:FALSE\nkeyUsage = critical,digitalSignature\nextendedKeyUsage = serverAuth\nsubjectAltName = $ENV::LAB_SAN\n`;

function leafExt(names: readonly string[]): string[] {
  return [
    '-addext',
    'basicConstraints=critical,CA:FALSE',
    '-addext',
    'keyUsage=critical,digitalSignature',
    '-addext',
    'extendedKeyUsage=serverAuth',
    '-addext',
    `subjectAltName=${san(names)}`,
  ];
}

/** Subject names: an IP address as IP:, anything else as DNS:. */
function san(names: readonly string[]): string {
  return names.map((n) => (isIP(n) ? `IP:${n}` : `DNS:${n}`)).join(',');
}

/** openssl ca's date format. */
function asn1Time(d: Date): string {
  return d.toISOString().replace(/[-:T]/g, '').slice(0, 14) + 'Z';
}

async function readPair(dir: string, base: string): Promise<KeyPair> {
  const [key, cert] = await Promise.all([readFile(join(dir, `${base}.key`), 'utf8'), readFile(join(dir, `${base}.pem`), 'utf8')]);
  return { key, cert };
}

async function expiredLeaf(dir: string, names: string[]): Promise<KeyPair> {
  await writeFile(join(dir, 'ca.cnf'), CA_CNF.replace('$ENV::LAB_SAN', san(names)));
  await writeFile(join(dir, 'index.txt'), '');
  await writeFile(join(dir, 'serial'), '1000\n');
  await openssl(
    ['req', '-config', 'req.cnf', '-new', ...EC, '-keyout', 'expired.key', '-out', 'expired.csr', '-subj', `/CN=${names[0]}`],
    dir,
  );
  const day = 86_400_000;
  const now = Date.now();
  await openssl(
    [
      'ca',
      '-batch',
      '-config',
      'ca.cnf',
      '-cert',
      'ca.pem',
      '-keyfile',
      'ca.key',
      '-in',
      'expired.csr',
      '-out',
      'expired.pem',
      '-notext',
      '-startdate',
      asn1Time(new Date(now - 30 * day)),
      '-enddate',
      asn1Time(new Date(now - day)),
    ],
    dir,
  );
  return readPair(dir, 'expired');
}

/**
 * A CA in `dir` (ca.key, ca.pem), with a req config of our own there: `subject` as openssl's -subj, valid `days`.
 * Shared by the lab's PKI and the second test site's (lab/site2/pki.ts).
 */
export async function makeCa(dir: string, subject: string, days: number): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'req.cnf'), REQ_CNF);
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
      '-days',
      String(days),
      '-subj',
      subject,
      '-addext',
      'basicConstraints=critical,CA:TRUE,pathlen:0',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ],
    dir,
  );
}

/** A server leaf signed by the CA `makeCa` left in `dir`, valid 90 days for `names` (DNS names or IP addresses). */
export async function makeLeaf(dir: string, base: string, subject: string, names: readonly string[]): Promise<KeyPair> {
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
      `${base}.key`,
      '-out',
      `${base}.pem`,
      '-days',
      '90',
      '-subj',
      subject,
      ...leafExt(names),
    ],
    dir,
  );
  return readPair(dir, base);
}

/** Makes the CA and leaves in a scratch `dir/pki` (removed after), writes the CA's PEM to `caFile`. */
export async function createPki(dir: string, hostNames: string[], caFile = join(dir, 'ca.pem')): Promise<LabPki> {
  const pkiDir = join(dir, 'pki');
  await makeCa(pkiDir, `/CN=Maintenance harness lab CA ${new Date().toISOString()}`, 90);
  const leaves = hostNames.map(async (name, i) => [name, await makeLeaf(pkiDir, `host${i}`, `/CN=${name}`, [name])] as const);
  const [hosts, expired, caPem] = await Promise.all([
    Promise.all(leaves),
    expiredLeaf(pkiDir, hostNames),
    readFile(join(pkiDir, 'ca.pem'), 'utf8'),
  ]);
  await writeFile(caFile, caPem);
  // Keys live in memory from here on; none stays on disk (run folders are shared as evidence).
  await rm(pkiDir, { recursive: true, force: true });
  return { caPem, caFile, hosts: new Map(hosts), expired };
}
