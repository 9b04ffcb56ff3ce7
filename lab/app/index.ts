// The lab app every lab web server serves for www, www2, my and sso: www/www2 (biller search, pay-my-bill,
// sign-in), my (payer portal signed in through sso), sso (sign-in form issuing RS256 tokens), plus the
// API other checks use (POST /auth/login issuing the machineKey cookie, GET /auth/verify, /health, /health/secrets).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HostKey } from '../../core/config/estate.ts';
import type { ActiveFaults } from '../faults.ts';
import type { SsoKeys } from './sso-keys.ts';
import { signCookie, verifyCookie } from './cookie.ts';
import { send, cookieValue } from './http.ts';
import { readBody } from '../http-util.ts';
import { acceptsAccount, SESSION_SECONDS } from './accounts.ts';
import { page } from './layout.ts';
import { wwwRoutes } from './www.ts';
import { myRoutes } from './my.ts';
import { ssoRoutes } from './sso.ts';
import { SECRETS_PATH, secretsRoute, type LoadedSecret } from './secrets.ts';

export interface AppContext {
  /** IC-Web3 … */
  serverName: string;
  /** The machineKey this server signs and checks cookies with (a stale one under web-stale-key). */
  machineKey: () => Buffer;
  faults: ActiveFaults;
  account: { user: string; password: () => string };
  cookieName: string;
  /** Text every healthy page contains (from config). */
  marker: string;
  /** The lab's SSO key pair (same on every server); made once per process when absent. See createSsoKeys. */
  sso?: SsoKeys;
  /** FQDN per host (www.invoicecloud.test …) for links between my and sso; derived from Host when absent. */
  hostNames?: Partial<Record<HostKey, string>>;
  /** What the running app loaded from Key Vault (version ids, never values); absent: no /health/secrets (404). */
  secrets?: () => Record<string, LoadedSecret>;
}

export type AppHandler = (req: IncomingMessage, res: ServerResponse, host: HostKey) => void;

const ROUTERS = { www: wwwRoutes, www2: wwwRoutes, my: myRoutes, sso: ssoRoutes } as const;

function apiLogin(ctx: AppContext, req: IncomingMessage, res: ServerResponse, host: HostKey): void {
  void readBody(req).then(
    (body) => {
      const form = new URLSearchParams(body);
      if (!acceptsAccount(ctx, host, form.get('user'), form.get('password')))
        return send(res, 401, JSON.stringify({ error: 'invalid credentials' }), 'application/json');
      const now = Math.floor(Date.now() / 1000);
      const token = signCookie({ sub: ctx.account.user, iss: ctx.serverName, iat: now, exp: now + SESSION_SECONDS }, ctx.machineKey());
      send(res, 200, JSON.stringify({ ok: true }), 'application/json', {
        'set-cookie': `${ctx.cookieName}=${token}; Path=/; Secure; HttpOnly; SameSite=Lax`,
      });
    },
    () => send(res, 413, 'too large', 'text/plain'),
  );
}

function apiVerify(ctx: AppContext, req: IncomingMessage, res: ServerResponse): void {
  const token = cookieValue(req, ctx.cookieName);
  if (!token) return send(res, 401, JSON.stringify({ valid: false, reason: 'no cookie' }), 'application/json');
  const outcome = verifyCookie(token, ctx.machineKey());
  send(
    res,
    outcome.valid ? 200 : 401,
    JSON.stringify(outcome.valid ? { valid: true, sub: outcome.payload.sub, issuer: outcome.payload.iss } : outcome),
    'application/json',
  );
}

export function createApp(ctx: AppContext): AppHandler {
  return (req, res, host) => {
    const url = new URL(req.url ?? '/', 'https://lab.invalid');
    if (url.pathname === '/health') return send(res, 200, 'ok', 'text/plain');
    if (url.pathname === '/favicon.ico') return send(res, 204, '', 'image/x-icon');
    if (ctx.faults.has('web-error', ctx.serverName)) return send(res, 500, "<h1>Server Error in '/' Application.</h1>");
    if (url.pathname === '/auth/login' && req.method === 'POST') return apiLogin(ctx, req, res, host);
    if (url.pathname === '/auth/verify') return apiVerify(ctx, req, res);
    if (url.pathname === SECRETS_PATH && ctx.secrets) return secretsRoute(res, ctx.serverName, ctx.secrets());
    const handled = ROUTERS[host](ctx, req, res, host, url);
    if (handled instanceof Promise) {
      handled.catch(() => {
        if (!res.headersSent)
          send(res, 400, page({ marker: ctx.marker, site: 'Error', title: 'Bad request', body: '<h1>Bad request</h1>' }));
      });
      return;
    }
    if (handled === false)
      send(
        res,
        404,
        page({
          marker: ctx.marker,
          site: 'Not found',
          title: 'Page not found',
          body: '<h1>Page not found</h1><p><a href="/">Go to the home page</a></p>',
        }),
      );
  };
}
