// Verifies one DNSSEC signature with node's crypto: RSA/SHA-1, SHA-256 and SHA-512 (RFC 3110, 5702), ECDSA P-256/P-384 (RFC 6605,
// raw r||s, hence ieee-p1363), Ed25519 (RFC 8080). The DNSKEY's public key field becomes a JWK.
import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import type { DnskeyData } from './dnssec.ts';

const b64u = (b: Buffer) => b.toString('base64url');

interface Algo {
  name: string;
  hash: string | null;
  key(k: Buffer): KeyObject;
  p1363?: boolean;
}

/** RFC 3110 2: exponent length (1 byte, or 0 then 2 bytes), exponent, modulus. */
function rsaKey(k: Buffer): KeyObject {
  const long = k[0] === 0;
  const expLen = long ? k.readUInt16BE(1) : (k[0] ?? 0);
  const start = long ? 3 : 1;
  const e = k.subarray(start, start + expLen);
  const n = k.subarray(start + expLen);
  if (!e.length || !n.length) throw Object.assign(new Error('RSA key field is too short'), { code: 'DNSKEY_BAD_KEY' });
  return createPublicKey({ key: { kty: 'RSA', n: b64u(n), e: b64u(e) }, format: 'jwk' });
}

const ecKey = (crv: string, size: number) => (k: Buffer) => {
  if (k.length !== size * 2) throw Object.assign(new Error(`${crv} key is ${k.length} bytes, not ${size * 2}`), { code: 'DNSKEY_BAD_KEY' });
  return createPublicKey({ key: { kty: 'EC', crv, x: b64u(k.subarray(0, size)), y: b64u(k.subarray(size)) }, format: 'jwk' });
};

export const ALGORITHMS: Record<number, Algo> = {
  5: { name: 'RSASHA1', hash: 'sha1', key: rsaKey },
  7: { name: 'RSASHA1-NSEC3-SHA1', hash: 'sha1', key: rsaKey },
  8: { name: 'RSASHA256', hash: 'sha256', key: rsaKey },
  10: { name: 'RSASHA512', hash: 'sha512', key: rsaKey },
  13: { name: 'ECDSAP256SHA256', hash: 'sha256', key: ecKey('P-256', 32), p1363: true },
  14: { name: 'ECDSAP384SHA384', hash: 'sha384', key: ecKey('P-384', 48), p1363: true },
  15: { name: 'ED25519', hash: null, key: (k) => createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: b64u(k) }, format: 'jwk' }) },
};

export const algorithmName = (n: number) => ALGORITHMS[n]?.name ?? `algorithm ${n}`;

/** true / false, or the stable code of why the key cannot be used (unsupported algorithm, bad key). */
export function verifyWithDnskey(key: DnskeyData, data: Buffer, signature: Buffer): boolean | { code: string; problem: string } {
  const algo = ALGORITHMS[key.algorithm];
  if (!algo)
    return {
      code: 'DNSSEC_ALGORITHM_UNSUPPORTED',
      problem: `algorithm ${key.algorithm} is not one the harness verifies (5, 7, 8, 10, 13, 14, 15)`,
    };
  let pub: KeyObject;
  try {
    pub = algo.key(key.key);
  } catch (err) {
    return {
      code: 'DNSKEY_BAD_KEY',
      problem: `the DNSKEY's ${algo.name} public key cannot be read (${(err as NodeJS.ErrnoException).code ?? 'invalid'})`,
    };
  }
  try {
    return verify(algo.hash, data, algo.p1363 ? { key: pub, dsaEncoding: 'ieee-p1363' } : pub, signature);
  } catch {
    return false; // a signature of the wrong size or shape does not verify
  }
}
