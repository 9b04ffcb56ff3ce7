// www (and www2, the same app): home with the biller search, the pay-my-bill flow, sign-in to the account page.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HostKey } from '../../core/config/estate.ts';
import type { AppContext } from './index.ts';
import { acceptsAccount, issueSession, passwordReset, sessionOf, SESSION_SECONDS, validateEmail } from './accounts.ts';
import { billerById, dollars, findBillers, invoicesFor, luhnValid, TEST_CARDS } from './data.ts';
import { clearCookie, escapeHtml, readForm, redirect, send, sessionCookie } from './http.ts';
import { errorSummary, field, page } from './layout.ts';

const SITE = 'Pay your bill';
const NAV = [
  { href: '/', label: 'Home' },
  { href: '/login', label: 'Sign in' },
];

type Ctx = { app: AppContext; req: IncomingMessage; res: ServerResponse; host: HostKey; url: URL };

function render(c: Ctx, title: string, body: string, status = 200): void {
  send(c.res, status, page({ marker: c.app.marker, site: SITE, title, body, nav: NAV }));
}

function searchForm(query = '', error?: string): string {
  return `<form method="get" action="/search" role="search" novalidate>${field({ name: 'q', label: 'Biller name', type: 'search', value: query, ...(error ? { error } : {}), hint: 'The company or town on your bill' })}<button type="submit">Find biller</button></form>`;
}

function home(c: Ctx): void {
  render(
    c,
    'Pay your bill',
    `<h1>Pay your bill</h1><p>${escapeHtml(c.app.marker)} lets you pay bills from your town and utilities online.</p>${searchForm()}`,
  );
}

function search(c: Ctx): void {
  const q = c.url.searchParams.get('q')?.trim() ?? '';
  if (!q)
    return render(
      c,
      'Pay your bill',
      `<h1>Pay your bill</h1>${errorSummary(['Enter a biller name to search'])}${searchForm('', 'Enter a biller name to search')}`,
    );
  const found = findBillers(q);
  const list = found.length
    ? `<ul class="results">${found.map((b) => `<li><a href="/pay/${b.id}">${escapeHtml(b.name)}</a></li>`).join('')}</ul>`
    : `<p role="status">No billers match “${escapeHtml(q)}”. Check the name on your bill.</p>`;
  render(c, 'Search results', `<h1>Billers matching “${escapeHtml(q)}”</h1>${list}${searchForm(q)}`);
}

function accountForm(c: Ctx, billerName: string, value = '', error?: string): void {
  render(
    c,
    `Pay ${billerName}`,
    `<h1>Pay ${escapeHtml(billerName)}</h1>${errorSummary(error ? [error] : [])}<form method="post" novalidate>${field({ name: 'account', label: 'Account number', value, ...(error ? { error } : {}), hint: '6 to 12 digits, printed on your bill' })}<button type="submit">Find my bill</button></form>`,
  );
}

async function payBiller(c: Ctx, billerId: string): Promise<void> {
  const biller = billerById(billerId);
  if (!biller) return render(c, 'Biller not found', '<h1>Biller not found</h1><p><a href="/">Search again</a></p>', 404);
  if (c.req.method !== 'POST') return accountForm(c, biller.name);
  const account = ((await readForm(c.req)).get('account') ?? '').replace(/\s+/g, '');
  if (!/^\d{6,12}$/.test(account))
    return accountForm(c, biller.name, account, account ? 'Account number must be 6 to 12 digits' : 'Enter your account number');
  redirect(c.res, `/pay/${biller.id}/invoices?account=${account}`);
}

function invoices(c: Ctx, billerId: string): void {
  const biller = billerById(billerId);
  const account = c.url.searchParams.get('account') ?? '';
  if (!biller || !/^\d{6,12}$/.test(account)) return redirect(c.res, biller ? `/pay/${billerId}` : '/');
  const rows = invoicesFor(account)
    .map(
      (i) =>
        `<tr><td>${i.number}</td><td>${i.due}</td><td>${dollars(i.amount)}</td><td><a href="/pay/${biller.id}/invoices/${i.number}/payment?account=${account}">Pay invoice ${i.number}</a></td></tr>`,
    )
    .join('');
  render(
    c,
    'Your bill',
    `<h1>Your bill from ${escapeHtml(biller.name)}</h1><p>Account ${account}</p><table><caption>Open invoices</caption><thead><tr><th scope="col">Invoice</th><th scope="col">Due</th><th scope="col">Amount</th><th scope="col">Action</th></tr></thead><tbody>${rows}</tbody></table>`,
  );
}

interface Card {
  name: string;
  number: string;
  expiry: string;
  cvc: string;
}

function cardErrors(card: Card, now = new Date()): Partial<Record<keyof Card, string>> {
  const errors: Partial<Record<keyof Card, string>> = {};
  if (!card.name) errors.name = 'Enter the name on the card';
  if (!/^\d{13,19}$/.test(card.number) || !luhnValid(card.number)) errors.number = 'Enter a valid card number';
  const m = /^(\d{2})\/(\d{2})$/.exec(card.expiry);
  const month = m ? Number(m[1]) : 0;
  const expired = m ? new Date(2000 + Number(m[2]), month, 1) <= now : true;
  if (!m || month < 1 || month > 12 || expired) errors.expiry = 'Enter an expiry date in the future, as MM/YY';
  if (!/^\d{3,4}$/.test(card.cvc)) errors.cvc = 'Enter the 3 or 4 digit security code';
  return errors;
}

function paymentForm(
  c: Ctx,
  amount: string,
  invoice: string,
  card: Partial<Card> = {},
  errors: Partial<Record<keyof Card, string>> = {},
  declined = false,
): void {
  const summary = declined ? ['Your card was declined. Use a different card.'] : Object.values(errors);
  const f = (name: keyof Card, label: string, autocomplete: string) =>
    field({ name, label, value: name === 'name' ? (card.name ?? '') : '', autocomplete, ...(errors[name] ? { error: errors[name] } : {}) });
  render(
    c,
    'Payment',
    `<h1>Pay invoice ${escapeHtml(invoice)}</h1>${errorSummary(summary)}<p>Amount due: <strong>${amount}</strong></p>
<form method="post" novalidate>${f('name', 'Name on card', 'cc-name')}${f('number', 'Card number', 'cc-number')}${f('expiry', 'Expiry date (MM/YY)', 'cc-exp')}${f('cvc', 'Security code', 'cc-csc')}<button type="submit">Pay ${amount}</button></form>`,
  );
}

async function payment(c: Ctx, billerId: string, invoiceNumber: string): Promise<void> {
  const account = c.url.searchParams.get('account') ?? '';
  const invoice = /^\d{6,12}$/.test(account) ? invoicesFor(account).find((i) => i.number === invoiceNumber) : undefined;
  if (!billerById(billerId) || !invoice)
    return render(c, 'Invoice not found', '<h1>Invoice not found</h1><p><a href="/">Start again</a></p>', 404);
  const amount = dollars(invoice.amount);
  if (c.req.method !== 'POST') return paymentForm(c, amount, invoice.number);
  const form = await readForm(c.req);
  const card: Card = {
    name: form.get('name')?.trim() ?? '',
    number: (form.get('number') ?? '').replace(/[\s-]/g, ''),
    expiry: form.get('expiry')?.trim() ?? '',
    cvc: form.get('cvc')?.trim() ?? '',
  };
  const errors = cardErrors(card);
  if (Object.keys(errors).length) return paymentForm(c, amount, invoice.number, card, errors);
  if (card.number === TEST_CARDS.declined) return paymentForm(c, amount, invoice.number, card, {}, true);
  const code = `IC${Date.now().toString(36).toUpperCase()}`;
  redirect(c.res, `/pay/${billerId}/confirmation/${code}?invoice=${invoice.number}&amount=${invoice.amount}&card=${card.number.slice(-4)}`);
}

function confirmation(c: Ctx, billerId: string, code: string): void {
  const biller = billerById(billerId);
  const amount = Number(c.url.searchParams.get('amount'));
  const invoice = c.url.searchParams.get('invoice') ?? '';
  const last4 = c.url.searchParams.get('card') ?? '';
  if (!biller || !Number.isFinite(amount)) return redirect(c.res, '/');
  render(
    c,
    'Payment received',
    `<h1>Payment received</h1><p class="notice" role="status">We received ${dollars(amount)} for invoice ${escapeHtml(invoice)} to ${escapeHtml(biller.name)}, paid with the card ending ${escapeHtml(last4)}.</p><p>Confirmation number <strong data-testid="confirmation-number">${escapeHtml(code)}</strong></p><p><a href="/">Pay another bill</a></p>`,
  );
}

function loginForm(c: Ctx, user = '', errors: { user?: string; password?: string; form?: string } = {}): void {
  const summary = [errors.form, errors.user, errors.password].filter((e): e is string => Boolean(e));
  const notice = c.url.searchParams.get('signedOut') ? '<p class="notice" role="status">You have signed out.</p>' : '';
  render(
    c,
    'Sign in',
    `<h1>Sign in</h1>${notice}${errorSummary(summary)}<form method="post" action="/login" novalidate>
${field({ name: 'user', label: 'Email address', type: 'email', value: user, autocomplete: 'username', ...(errors.user ? { error: errors.user } : {}) })}
${field({ name: 'password', label: 'Password', type: 'password', autocomplete: 'current-password', ...(errors.password ? { error: errors.password } : {}) })}
<button type="submit">Sign in</button></form><p><a href="/password/reset">Forgot your password?</a></p>`,
  );
}

async function login(c: Ctx): Promise<void> {
  if (c.req.method !== 'POST') return loginForm(c);
  const form = await readForm(c.req);
  const user = form.get('user')?.trim() ?? '';
  const password = form.get('password') ?? '';
  const userError = validateEmail(user);
  if (userError || !password)
    return loginForm(c, user, { ...(userError ? { user: userError } : {}), ...(password ? {} : { password: 'Enter your password' }) });
  if (!acceptsAccount(c.app, c.host, user, password)) return loginForm(c, user, { form: 'The email address or password is incorrect.' });
  redirect(c.res, '/account', { 'set-cookie': sessionCookie(c.app.cookieName, issueSession(c.app, user), SESSION_SECONDS) });
}

function account(c: Ctx): void {
  const s = sessionOf(c.app, c.req);
  if (s.state !== 'signed-in') return redirect(c.res, '/login');
  render(
    c,
    'Your account',
    `<h1>Your account</h1><p>Signed in as <strong data-testid="signed-in-user">${escapeHtml(s.payload.sub)}</strong></p><form method="post" action="/logout"><button type="submit">Sign out</button></form>`,
  );
}

/** Routes of www / www2; returns false when the path is not theirs. */
export function wwwRoutes(
  app: AppContext,
  req: IncomingMessage,
  res: ServerResponse,
  host: HostKey,
  url: URL,
): Promise<void> | void | false {
  const c: Ctx = { app, req, res, host, url };
  const p = url.pathname;
  let m: RegExpExecArray | null;
  if (p === '/' && req.method === 'GET') return home(c);
  if (p === '/search') return search(c);
  if (p === '/login') return login(c);
  if (p === '/account') return account(c);
  if (p === '/logout') return redirect(res, '/login?signedOut=1', { 'set-cookie': clearCookie(app.cookieName) });
  if (p === '/password/reset') return passwordReset(app, req, res, SITE);
  if ((m = /^\/pay\/([a-z0-9-]+)$/.exec(p))) return payBiller(c, m[1] ?? '');
  if ((m = /^\/pay\/([a-z0-9-]+)\/invoices$/.exec(p))) return invoices(c, m[1] ?? '');
  if ((m = /^\/pay\/([a-z0-9-]+)\/invoices\/([A-Z0-9-]+)\/payment$/.exec(p))) return payment(c, m[1] ?? '', m[2] ?? '');
  if ((m = /^\/pay\/([a-z0-9-]+)\/confirmation\/([A-Z0-9]+)$/.exec(p))) return confirmation(c, m[1] ?? '', m[2] ?? '');
  return false;
}
