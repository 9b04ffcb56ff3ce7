// Northwind Utilities, the second test site's app: other hosts, paths and markup than the lab's app (div landmarks
// by role, h2 headings, a "Log on" form with a customer ID, a passcode and an antiforgery pair), so a suite that
// passes here and on the lab is tuned to neither. Pages carry no server name: every backend renders the same tree.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HostKey } from '../../core/config/estate.ts';
import { readBody } from '../http-util.ts';

export const NORTHWIND = {
  marker: 'Northwind',
  title: 'Northwind Utilities',
  cookie: 'NWAUTH',
  csrfCookie: 'nw_af',
  csrfField: '__nwaf',
  userField: 'customer',
  passwordField: 'passcode',
} as const;

export interface Site2State {
  /** Hosts whose pages lose their main landmark (fault landmark-gone). */
  landmarkGone: Set<HostKey>;
  /** Every log-on attempt is refused (fault login-broken). */
  loginBroken: boolean;
}

export interface Site2AppOptions {
  /** The farm's shared signing key: a cookie issued by one backend is accepted by every other. */
  farmKey: Buffer;
  account: { user: string; password: string };
  state: Site2State;
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const STYLE =
  'body{font:16px/1.5 Georgia,serif;margin:0;color:#111;background:#fdfdf8}.top{background:#1d4d2b;color:#fff;padding:.5rem 1.5rem}' +
  '.top a{color:#fff}.content{padding:1rem 1.5rem}.foot{padding:1rem 1.5rem;border-top:1px solid #444}label{display:block;margin-top:.5rem}' +
  'input{font-size:1rem;padding:.3rem;border:1px solid #333}.btn{margin-top:.75rem;padding:.4rem .9rem;background:#1d4d2b;color:#fff;border:0}' +
  '.warn{color:#8a0000}';

/** A page: div landmarks by role (no <main>/<header> elements), an h2 per page; landmark-gone drops the main role. */
function page(host: HostKey, state: Site2State, section: string, heading: string, body: string): string {
  const main = state.landmarkGone.has(host) ? '<div class="content">' : '<div class="content" role="main">';
  return `<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8"><title>${esc(section)} · ${NORTHWIND.title}</title>
<link rel="icon" href="data:,"><style>${STYLE}</style></head><body>
<div class="top" role="banner"><span>${NORTHWIND.marker} Utilities</span> — <span>${esc(section)}</span></div>
<div role="navigation" aria-label="Site"><a href="/">Home</a> · <a href="/outages">Outages</a></div>
${main}<h2>${esc(heading)}</h2>${body}</div>
<div class="foot" role="contentinfo">${NORTHWIND.marker} Utilities, customer services</div></body></html>`;
}

function send(res: ServerResponse, status: number, html: string, headers: Record<string, string | string[]> = {}): void {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', ...headers });
  res.end(html);
}

function cookies(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) out[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  return out;
}

const mac = (key: Buffer, text: string) => createHmac('sha256', key).update(text).digest('base64url');

function issue(key: Buffer, user: string): string {
  const body = Buffer.from(JSON.stringify({ u: user, exp: Date.now() + 20 * 60_000 })).toString('base64url');
  return `${body}.${mac(key, body)}`;
}

function verify(key: Buffer, token: string | undefined): string | undefined {
  const [body, sig] = (token ?? '').split('.');
  if (!body || !sig) return undefined;
  const want = Buffer.from(mac(key, body));
  const got = Buffer.from(sig);
  if (want.length !== got.length || !timingSafeEqual(want, got)) return undefined;
  const claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as { u: string; exp: number };
  return claims.exp > Date.now() ? claims.u : undefined;
}

function logOnForm(host: HostKey, o: Site2AppOptions, res: ServerResponse, problem?: string): void {
  const af = randomBytes(16).toString('base64url');
  const form = `${problem ? `<p class="warn" role="alert">${esc(problem)}</p>` : ''}
<form method="post" action="/signin" aria-label="Log on"><input type="hidden" name="${NORTHWIND.csrfField}" value="${af}">
<label for="customer">Customer ID</label><input id="customer" name="${NORTHWIND.userField}" autocomplete="username">
<label for="passcode">Passcode</label><input id="passcode" name="${NORTHWIND.passwordField}" type="password" autocomplete="current-password">
<button class="btn" type="submit">Log on</button></form>`;
  send(res, problem ? 401 : 200, page(host, o.state, 'My account', 'Log on to your account', form), {
    'set-cookie': `${NORTHWIND.csrfCookie}=${af}; Path=/; Secure; HttpOnly; SameSite=Strict`,
  });
}

async function logOn(host: HostKey, o: Site2AppOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const form = new URLSearchParams(await readBody(req));
  const af = form.get(NORTHWIND.csrfField);
  if (!af || af !== cookies(req)[NORTHWIND.csrfCookie])
    return send(res, 400, page(host, o.state, 'My account', 'Request refused', '<p>The form expired. Go back and log on again.</p>'));
  const ok =
    !o.state.loginBroken && form.get(NORTHWIND.userField) === o.account.user && form.get(NORTHWIND.passwordField) === o.account.password;
  if (!ok) return logOnForm(host, o, res, 'We could not log you on with that customer ID and passcode.');
  res.writeHead(303, {
    location: '/summary',
    'set-cookie': `${NORTHWIND.cookie}=${issue(o.farmKey, o.account.user)}; Path=/; Secure; HttpOnly; SameSite=Lax`,
    'cache-control': 'no-store',
  });
  res.end();
}

/** One request to the Northwind app for one of its hosts. */
export async function northwind(host: HostKey, o: Site2AppOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'https://northwind.invalid');
  const p = url.pathname;
  if (p === '/healthz') return send(res, 200, 'healthy');
  if (p === '/outages')
    return send(res, 200, page(host, o.state, 'Outages', 'Current outages', '<p>No planned or unplanned outages in your area.</p>'));
  if (host === 'www' || host === 'www2') {
    if (p === '/')
      return send(
        res,
        200,
        page(
          host,
          o.state,
          'Home',
          'Start, stop or move service',
          '<p>Tell us when you move and we will transfer your water and power.</p><p><a href="/outages">Check outages near you</a></p>',
        ),
      );
  }
  if (host === 'my') {
    if (p === '/')
      return send(res, 200, page(host, o.state, 'My account', 'Account centre', '<p><a href="/signin">Log on</a> to see your bills.</p>'));
    if (p === '/signin') return req.method === 'POST' ? logOn(host, o, req, res) : logOnForm(host, o, res);
    if (p === '/summary') {
      const user = verify(o.farmKey, cookies(req)[NORTHWIND.cookie]);
      if (!user) {
        res.writeHead(302, { location: '/signin', 'cache-control': 'no-store' });
        return void res.end();
      }
      return send(
        res,
        200,
        page(host, o.state, 'My account', 'Your account summary', `<p>Signed in as ${esc(user)}.</p><p>Balance due: none.</p>`),
      );
    }
  }
  if (host === 'sso' && p === '/')
    return send(res, 200, page(host, o.state, 'Northwind ID', 'One sign-in for every Northwind service', '<p>Use your customer ID.</p>'));
  send(res, 404, page(host, o.state, 'Not found', 'We cannot find that page', '<p><a href="/">Go to the home page</a></p>'));
}
