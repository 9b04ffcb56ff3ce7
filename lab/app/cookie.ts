// The lab's auth cookie: an HMAC-SHA256 over a small JSON payload with the server's machineKey,
// the way ASP.NET forms auth ties a cookie to the farm's shared machineKey.
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface AuthPayload {
  sub: string;
  /** Server that issued it, for evidence. */
  iss: string;
  iat: number;
  exp: number;
}

export function signCookie(payload: AuthPayload, machineKey: Buffer): string {
  const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
  const mac = createHmac('sha256', machineKey).update(body).digest('base64url');
  return `${body}.${mac}`;
}

export type VerifyOutcome = { valid: true; payload: AuthPayload } | { valid: false; reason: 'malformed' | 'bad-signature' | 'expired' };

export function verifyCookie(value: string, machineKey: Buffer, now = Date.now()): VerifyOutcome {
  const [body, mac, extra] = value.split('.');
  if (!body || !mac || extra !== undefined) return { valid: false, reason: 'malformed' };
  const expected = createHmac('sha256', machineKey).update(body).digest();
  const given = Buffer.from(mac, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { valid: false, reason: 'bad-signature' };
  let payload: AuthPayload;
  try {
    payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as AuthPayload;
  } catch {
    return { valid: false, reason: 'malformed' };
  }
  if (typeof payload.exp !== 'number' || payload.exp * 1000 < now) return { valid: false, reason: 'expired' };
  return { valid: true, payload };
}
