// sso: the sign-in form my sends users to; on success it redirects back with an RS256 token signed
// with the lab's key (with a rogue key under `sso-key-mismatch`).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HostKey } from '../../core/config/estate.ts';
import type { AppContext } from './index.ts';
import { hostOrigin, ssoKeysOf } from './hosts.ts';
import { acceptsAccount, passwordReset, validateEmail } from './accounts.ts';
import { signJwt } from './jwt.ts';
import { escapeHtml, originOf, readForm, redirect, send } from './http.ts';
import { errorSummary, field, page } from './layout.ts';

const SITE = 'Sign in';
const TOKEN_SECONDS = 120;

function render(ctx: AppContext, res: ServerResponse, title: string, body: string, status = 200): void {
  send(res, status, page({ marker: ctx.marker, site: SITE, title, body }));
}

/** The only client is my, and only its own callback on this domain may receive tokens. */
function allowedRedirect(ctx: AppContext, req: IncomingMessage, clientId: string | null, redirectUri: string | null): boolean {
  return clientId === 'my' && redirectUri === `${hostOrigin(ctx, req, 'my')}/sso/callback`;
}

function form(
  ctx: AppContext,
  res: ServerResponse,
  q: { clientId: string; redirectUri: string; state: string },
  user = '',
  errors: string[] = [],
  fieldErrors: { user?: string; password?: string } = {},
): void {
  const hidden = `<input type="hidden" name="client_id" value="${escapeHtml(q.clientId)}"><input type="hidden" name="redirect_uri" value="${escapeHtml(q.redirectUri)}"><input type="hidden" name="state" value="${escapeHtml(q.state)}">`;
  render(
    ctx,
    res,
    'Sign in',
    `<h1>Sign in to ${escapeHtml(ctx.marker)}</h1>${errorSummary(errors)}<form method="post" action="/authorize" novalidate>${hidden}
${field({ name: 'user', label: 'Email address', type: 'email', value: user, autocomplete: 'username', ...(fieldErrors.user ? { error: fieldErrors.user } : {}) })}
${field({ name: 'password', label: 'Password', type: 'password', autocomplete: 'current-password', ...(fieldErrors.password ? { error: fieldErrors.password } : {}) })}
<button type="submit">Sign in</button></form><p><a href="/password/reset">Forgot your password?</a></p>`,
  );
}

async function authorize(ctx: AppContext, req: IncomingMessage, res: ServerResponse, host: HostKey, url: URL): Promise<void> {
  const post = req.method === 'POST' ? await readForm(req) : undefined;
  const params = post ?? url.searchParams;
  const q = { clientId: params.get('client_id') ?? '', redirectUri: params.get('redirect_uri') ?? '', state: params.get('state') ?? '' };
  if (!allowedRedirect(ctx, req, q.clientId, q.redirectUri) || !q.state) {
    return render(
      ctx,
      res,
      'Sign-in request refused',
      '<h1>Sign-in request refused</h1><p role="alert">This sign-in request did not come from a known application.</p>',
      400,
    );
  }
  if (!post) return form(ctx, res, q);
  const user = post.get('user')?.trim() ?? '';
  const password = post.get('password') ?? '';
  const userError = validateEmail(user);
  if (userError || !password) {
    const fe = { ...(userError ? { user: userError } : {}), ...(password ? {} : { password: 'Enter your password' }) };
    return form(ctx, res, q, user, Object.values(fe), fe);
  }
  if (!acceptsAccount(ctx, host, user, password)) return form(ctx, res, q, user, ['The email address or password is incorrect.']);
  const keys = ssoKeysOf(ctx);
  const rogue = ctx.faults.has('sso-key-mismatch') || ctx.faults.has('jwt-cert-old', ctx.serverName);
  const now = Math.floor(Date.now() / 1000);
  const claims = { sub: user, iss: originOf(req), aud: 'my', iat: now, exp: now + TOKEN_SECONDS, nonce: q.state };
  const token = rogue ? signJwt(claims, keys.rogue.privateKey, keys.rogue.kid) : signJwt(claims, keys.signing.privateKey, keys.kid);
  const back = new URL(q.redirectUri);
  back.searchParams.set('token', token);
  back.searchParams.set('state', q.state);
  redirect(res, back.href);
}

function home(ctx: AppContext, req: IncomingMessage, res: ServerResponse): void {
  render(
    ctx,
    res,
    'Single sign-on',
    `<h1>${escapeHtml(ctx.marker)} single sign-on</h1><p>One account for the payer portal and your billers.</p><p><a href="${escapeHtml(hostOrigin(ctx, req, 'my'))}/login">Sign in to the payer portal</a></p>`,
  );
}

/** The public key my trusts, as a JSON Web Key Set (what a relying party fetches in production). */
function jwks(ctx: AppContext, res: ServerResponse): void {
  const keys = ssoKeysOf(ctx);
  const jwk = keys.signing.publicKey.export({ format: 'jwk' });
  send(res, 200, JSON.stringify({ keys: [{ ...jwk, kid: keys.kid, alg: 'RS256', use: 'sig' }] }), 'application/json');
}

export function ssoRoutes(
  ctx: AppContext,
  req: IncomingMessage,
  res: ServerResponse,
  host: HostKey,
  url: URL,
): Promise<void> | void | false {
  const p = url.pathname;
  if (p === '/' && req.method === 'GET') return home(ctx, req, res);
  if (p === '/authorize') return authorize(ctx, req, res, host, url);
  if (p === '/password/reset') return passwordReset(ctx, req, res, SITE);
  if (p === '/.well-known/jwks.json') return jwks(ctx, res);
  return false;
}
