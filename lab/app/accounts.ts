// Sign-in and password-reset pieces every host shares: the credential check (with `login-broken:HOST`)
// and the session cookie signed with the server's machineKey.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HostKey } from '../../core/config/estate.ts';
import type { AppContext } from './index.ts';
import { signCookie, verifyCookie, type AuthPayload } from './cookie.ts';
import { cookieValue, readForm, send } from './http.ts';
import { errorSummary, field, page } from './layout.ts';

/** Lifetime of a signed-in session (the portal's idle timer signs the user out sooner). */
export const SESSION_SECONDS = 1800;

export function acceptsAccount(ctx: AppContext, host: HostKey, user: string | null, password: string | null): boolean {
  return user === ctx.account.user && password === ctx.account.password() && !ctx.faults.has('login-broken', host);
}

export function issueSession(ctx: AppContext, user: string): string {
  const now = Math.floor(Date.now() / 1000);
  return signCookie({ sub: user, iss: ctx.serverName, iat: now, exp: now + SESSION_SECONDS }, ctx.machineKey());
}

export type SessionState = { state: 'signed-in'; payload: AuthPayload } | { state: 'none' } | { state: 'expired' } | { state: 'invalid' };

export function sessionOf(ctx: AppContext, req: IncomingMessage): SessionState {
  const token = cookieValue(req, ctx.cookieName);
  if (!token) return { state: 'none' };
  const outcome = verifyCookie(token, ctx.machineKey());
  if (outcome.valid) return { state: 'signed-in', payload: outcome.payload };
  return { state: outcome.reason === 'expired' ? 'expired' : 'invalid' };
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function validateEmail(value: string): string | undefined {
  if (!value) return 'Enter your email address';
  if (!EMAIL.test(value)) return 'Enter an email address in the right format, like name@example.com';
  return undefined;
}

/** GET/POST /password/reset: asks for the email; always the same answer, so it reveals no account. */
export async function passwordReset(ctx: AppContext, req: IncomingMessage, res: ServerResponse, site: string): Promise<void> {
  const render = (body: string) => send(res, 200, page({ marker: ctx.marker, site, title: 'Reset your password', body }));
  if (req.method !== 'POST') {
    return render(
      `<h1>Reset your password</h1><form method="post" novalidate>${field({ name: 'email', label: 'Email address', type: 'email', autocomplete: 'email' })}<button type="submit">Send reset link</button></form>`,
    );
  }
  const email = (await readForm(req)).get('email')?.trim() ?? '';
  const error = validateEmail(email);
  if (error) {
    return render(
      `<h1>Reset your password</h1>${errorSummary([error])}<form method="post" novalidate>${field({ name: 'email', label: 'Email address', type: 'email', value: email, error, autocomplete: 'email' })}<button type="submit">Send reset link</button></form>`,
    );
  }
  render(
    `<h1>Check your email</h1><p class="notice" role="status">If an account exists for that email address, we have sent a link to reset the password. The link works for 30 minutes.</p>`,
  );
}
