// The lab's SSO signing keys: the key sso signs with and my trusts, and a rogue key for `sso-key-mismatch`.
import { generateKeyPairSync, type KeyObject } from 'node:crypto';

export interface SsoKeys {
  /** Key id published in the token header. */
  kid: string;
  /** sso signs with this; my trusts its public half. */
  signing: { privateKey: KeyObject; publicKey: KeyObject };
  /** sso signs with this under `sso-key-mismatch`: a key my was never told about. */
  rogue: { privateKey: KeyObject; kid: string };
}

/** Makes the lab's key pairs (RSA 2048); the lab makes them once at start and gives them to every server. */
export function createSsoKeys(): SsoKeys {
  const signing = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const rogue = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { kid: 'lab-sso-1', signing, rogue: { privateKey: rogue.privateKey, kid: 'lab-sso-rogue' } };
}
