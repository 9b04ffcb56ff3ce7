// The lab app every lab web server serves for www, www2, my and sso. Minimal for the foundation issue
// (pages with markers, login issuing the auth cookie, a verify endpoint); the e2e issue grows it.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HostKey } from '../../core/config/estate.ts';
import type { ActiveFaults } from '../faults.ts';
import { signCookie, verifyCookie } from './cookie.ts';

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
}

export type AppHandler = (req: IncomingMessage, res: ServerResponse, host: HostKey) => void;

const TITLES: Record<HostKey, string> = { www: 'Pay your bill', www2: 'Pay your bill', my: 'Payer portal', sso: 'Sign in' };

function readBody(req: IncomingMessage, limit = 64 * 1024): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) reject(new Error('body too large'));
      else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function cookieValue(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return undefined;
}

function send(res: ServerResponse, status: number, body: string, type = 'text/html; charset=utf-8', headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', ...headers });
  res.end(body);
}

export function createApp(ctx: AppContext): AppHandler {
  return (req, res, host) => {
    const url = new URL(req.url ?? '/', 'https://lab.invalid');
    if (url.pathname === '/health') return send(res, 200, 'ok', 'text/plain');
    if (ctx.faults.has('web-error', ctx.serverName)) return send(res, 500, '<h1>Server Error in \'/\' Application.</h1>');
    if (url.pathname === '/auth/login' && req.method === 'POST') {
      void readBody(req).then(
        (body) => {
          const form = new URLSearchParams(body);
          const ok = form.get('user') === ctx.account.user && form.get('password') === ctx.account.password() && !ctx.faults.has('login-broken', host);
          if (!ok) return send(res, 401, JSON.stringify({ error: 'invalid credentials' }), 'application/json');
          const now = Math.floor(Date.now() / 1000);
          const token = signCookie({ sub: ctx.account.user, iss: ctx.serverName, iat: now, exp: now + 1800 }, ctx.machineKey());
          send(res, 200, JSON.stringify({ ok: true }), 'application/json', { 'set-cookie': `${ctx.cookieName}=${token}; Path=/; Secure; HttpOnly; SameSite=Lax` });
        },
        () => send(res, 413, 'too large', 'text/plain'),
      );
      return;
    }
    if (url.pathname === '/auth/verify') {
      const token = cookieValue(req, ctx.cookieName);
      if (!token) return send(res, 401, JSON.stringify({ valid: false, reason: 'no cookie' }), 'application/json');
      const outcome = verifyCookie(token, ctx.machineKey());
      return send(res, outcome.valid ? 200 : 401, JSON.stringify(outcome.valid ? { valid: true, sub: outcome.payload.sub, issuer: outcome.payload.iss } : outcome), 'application/json');
    }
    if (url.pathname === '/' && req.method === 'GET') {
      return send(res, 200, `<!doctype html><html lang="en"><head><title>${TITLES[host]} | ${ctx.marker}</title></head><body><main><h1>${ctx.marker}</h1><p>${TITLES[host]}</p></main></body></html>`);
    }
    send(res, 404, '<h1>Not found</h1>');
  };
}
