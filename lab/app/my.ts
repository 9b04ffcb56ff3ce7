// my: the payer portal. Sign-in goes through sso (an RS256 token my verifies), then a session cookie
// signed with the server's machineKey; the dashboard lists invoices and signs out after 15 idle minutes.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HostKey } from '../../core/config/estate.ts';
import type { AppContext } from './index.ts';
import { hostOrigin, ssoKeysOf } from './hosts.ts';
import { issueSession, sessionOf, SESSION_SECONDS } from './accounts.ts';
import { dollars, PORTAL_INVOICES } from './data.ts';
import { verifyJwt, type JwtOutcome } from './jwt.ts';
import { clearCookie, cookieValue, escapeHtml, originOf, redirect, send, sessionCookie } from './http.ts';
import { page } from './layout.ts';

const SITE = 'Payer portal';
const STATE_COOKIE = 'ic_sso_state';
/** The portal signs an idle user out after this long (client-side timer; the session cookie outlives it). */
export const IDLE_TIMEOUT_MS = 15 * 60 * 1000;

const REASONS: Record<Exclude<JwtOutcome, { valid: true }>['reason'] | 'state' | 'account' | 'missing', string> = {
  'bad-signature': 'the sign-in token from sso is signed with a key this portal does not trust',
  malformed: 'the sign-in token from sso is malformed',
  'wrong-algorithm': 'the sign-in token from sso is not signed with RS256',
  expired: 'the sign-in token from sso has expired',
  'wrong-audience': 'the sign-in token from sso was issued for another application',
  'wrong-issuer': 'the sign-in token was not issued by sso',
  state: 'the sign-in did not start here (state mismatch); start again',
  account: 'your account cannot use the payer portal right now',
  missing: 'sso returned no sign-in token',
};

function render(ctx: AppContext, res: ServerResponse, title: string, body: string, status = 200, script?: string): void {
  const nav = [
    { href: '/', label: 'Home' },
    { href: '/dashboard', label: 'Invoices' },
  ];
  send(res, status, page({ marker: ctx.marker, site: SITE, title, body, nav, ...(script ? { script } : {}) }));
}

function home(ctx: AppContext, res: ServerResponse, url: URL): void {
  const notices: Record<string, string> = {
    expired: 'Your session has expired. Sign in again to see your invoices.',
    'signed-out': 'You have signed out.',
    'sign-in': 'Sign in to see your invoices.',
  };
  const notice = notices[url.searchParams.get('reason') ?? ''];
  render(
    ctx,
    res,
    'Payer portal',
    `<h1>Payer portal</h1>${notice ? `<p class="notice" role="status">${notice}</p>` : ''}<p>See and pay your invoices from every biller in one place.</p><p><a href="/login">Sign in</a></p>`,
  );
}

function startSignIn(ctx: AppContext, req: IncomingMessage, res: ServerResponse): void {
  const state = randomBytes(16).toString('base64url');
  const target = new URL('/authorize', hostOrigin(ctx, req, 'sso'));
  target.searchParams.set('client_id', 'my');
  target.searchParams.set('redirect_uri', `${originOf(req)}/sso/callback`);
  target.searchParams.set('state', state);
  redirect(res, target.href, { 'set-cookie': sessionCookie(STATE_COOKIE, state, 600) });
}

function callback(ctx: AppContext, req: IncomingMessage, res: ServerResponse, host: HostKey, url: URL): void {
  const fail = (reason: keyof typeof REASONS) =>
    render(
      ctx,
      res,
      'Sign-in failed',
      `<h1>Sign-in failed</h1><div role="alert"><p>Sign-in failed: ${REASONS[reason]}.</p></div><p><a href="/login">Try again</a></p>`,
      401,
    );
  const token = url.searchParams.get('token');
  if (!token) return fail('missing');
  const state = url.searchParams.get('state');
  if (!state || state !== cookieValue(req, STATE_COOKIE)) return fail('state');
  const outcome = verifyJwt(token, ssoKeysOf(ctx).signing.publicKey, { audience: 'my', issuer: hostOrigin(ctx, req, 'sso') });
  if (!outcome.valid) return fail(outcome.reason);
  if (outcome.claims.nonce !== state) return fail('state');
  if (ctx.faults.has('login-broken', host) || outcome.claims.sub !== ctx.account.user) return fail('account');
  redirect(res, '/dashboard', {
    'set-cookie': [sessionCookie(ctx.cookieName, issueSession(ctx, outcome.claims.sub), SESSION_SECONDS), clearCookie(STATE_COOKIE)],
  });
}

function dashboard(ctx: AppContext, req: IncomingMessage, res: ServerResponse): void {
  const s = sessionOf(ctx, req);
  if (s.state === 'expired') return redirect(res, '/?reason=expired', { 'set-cookie': clearCookie(ctx.cookieName) });
  if (s.state !== 'signed-in') return redirect(res, '/?reason=sign-in');
  const rows = PORTAL_INVOICES.map(
    (i) =>
      `<tr><td>${i.number}</td><td>${escapeHtml(i.biller)}</td><td>${i.due}</td><td>${dollars(i.amount)}</td><td>${i.status}</td></tr>`,
  ).join('');
  // Idle sign-out, as the real portal does: after IDLE_TIMEOUT_MS without activity the session ends.
  const script = `setTimeout(function(){location.assign('/logout?reason=expired')}, ${IDLE_TIMEOUT_MS});`;
  render(
    ctx,
    res,
    'Your invoices',
    `<h1>Your invoices</h1><p>Signed in as <strong data-testid="signed-in-user">${escapeHtml(s.payload.sub)}</strong></p>
<table><caption>Invoices on your account</caption><thead><tr><th scope="col">Invoice</th><th scope="col">Biller</th><th scope="col">Due</th><th scope="col">Amount</th><th scope="col">Status</th></tr></thead><tbody>${rows}</tbody></table>
<form method="post" action="/logout"><button type="submit">Sign out</button></form>`,
    200,
    script,
  );
}

export function myRoutes(ctx: AppContext, req: IncomingMessage, res: ServerResponse, host: HostKey, url: URL): void | false {
  const p = url.pathname;
  if (p === '/' && req.method === 'GET') return home(ctx, res, url);
  if (p === '/login') return startSignIn(ctx, req, res);
  if (p === '/sso/callback') return callback(ctx, req, res, host, url);
  if (p === '/dashboard') return dashboard(ctx, req, res);
  if (p === '/logout') {
    const reason = url.searchParams.get('reason') === 'expired' ? 'expired' : 'signed-out';
    return redirect(res, `/?reason=${reason}`, { 'set-cookie': clearCookie(ctx.cookieName) });
  }
  return false;
}
