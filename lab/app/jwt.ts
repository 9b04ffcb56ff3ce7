// RS256 JSON Web Tokens, the way sso hands a signed identity to my (node:crypto only).
import { createPublicKey, sign, verify, type KeyObject } from 'node:crypto';

export interface SsoClaims {
  sub: string;
  iss: string;
  aud: string;
  iat: number;
  exp: number;
  /** Echo of my's state, binding the token to the sign-in that asked for it. */
  nonce: string;
}

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

export function signJwt(claims: SsoClaims, privateKey: KeyObject, kid: string): string {
  const head = `${b64({ alg: 'RS256', typ: 'JWT', kid })}.${b64(claims)}`;
  return `${head}.${sign('sha256', Buffer.from(head), privateKey).toString('base64url')}`;
}

export type JwtOutcome =
  | { valid: true; claims: SsoClaims }
  | { valid: false; reason: 'malformed' | 'wrong-algorithm' | 'bad-signature' | 'expired' | 'wrong-audience' | 'wrong-issuer' };

export interface JwtExpectations {
  audience: string;
  issuer: string;
  now?: number;
}

export function verifyJwt(token: string, publicKey: KeyObject, expect: JwtExpectations): JwtOutcome {
  const [h, p, s, extra] = token.split('.');
  if (!h || !p || !s || extra !== undefined) return { valid: false, reason: 'malformed' };
  let header: { alg?: string };
  let claims: SsoClaims;
  try {
    header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8')) as { alg?: string };
    claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as SsoClaims;
  } catch {
    return { valid: false, reason: 'malformed' };
  }
  // Only RS256 is accepted: never let the token pick its own algorithm ("none", HS256 with the public key).
  if (header.alg !== 'RS256') return { valid: false, reason: 'wrong-algorithm' };
  if (!verify('sha256', Buffer.from(`${h}.${p}`), publicKey, Buffer.from(s, 'base64url'))) return { valid: false, reason: 'bad-signature' };
  if (typeof claims.exp !== 'number' || claims.exp * 1000 < (expect.now ?? Date.now())) return { valid: false, reason: 'expired' };
  if (claims.aud !== expect.audience) return { valid: false, reason: 'wrong-audience' };
  if (claims.iss !== expect.issuer) return { valid: false, reason: 'wrong-issuer' };
  return { valid: true, claims };
}

export function publicKeyOf(privateKey: KeyObject): KeyObject {
  return createPublicKey(privateKey);
}
