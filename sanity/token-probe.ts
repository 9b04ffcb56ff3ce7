// Token portability: log in on one web server, present its auth cookie directly to every other in-pool server.
// A server that rejects it signs with a different machineKey (PLAT-2374); the password never leaves this module.
import { broken, failed, passed, type Probe, type ProbeFailure, type ProbeResult } from '../core/probe.ts';
import type { Endpoint, ResolvedHost } from '../estate/model.ts';
import type { TokenConfig } from '../core/config/estate.ts';
import { exchange, type ExchangeOutcome } from './exchange.ts';
import { deadline, mapLimited } from './limit.ts';
import type { Trust } from './trust.ts';

export interface TokenTarget {
  /** In-pool web servers; the first reachable one issues the cookie. */
  servers: Endpoint[];
  host: Pick<ResolvedHost, 'name'>;
}

export interface TokenOptions {
  trust: Trust;
  tokens: TokenConfig;
  account: { user: string | undefined; password: string | undefined };
  requestTimeoutMs: number;
  concurrency: number;
  timeoutMs: number;
}

type Outcome = 'accepted' | 'rejected' | 'error';
interface Verdict {
  server: string;
  outcome: Outcome;
  status?: number;
  why?: string;
}

const JIRA = 'PLAT-2374';

function setCookies(out: ExchangeOutcome & { ok: true }): string[] {
  const raw = out.response.headers['set-cookie'];
  return Array.isArray(raw) ? raw : raw ? [raw] : [];
}

function cookieFrom(out: ExchangeOutcome & { ok: true }, name: string): string | undefined {
  for (const line of setCookies(out)) {
    const [pair = ''] = line.split(';');
    const eq = pair.indexOf('=');
    if (eq > 0 && pair.slice(0, eq).trim() === name) return pair.slice(eq + 1).trim();
  }
  return undefined;
}

/** name=value of every cookie a response set (what a browser would send back with the form). */
function cookieHeader(out: ExchangeOutcome & { ok: true }): string {
  return setCookies(out)
    .map((line) => (line.split(';')[0] ?? '').trim())
    .filter((pair) => pair.indexOf('=') > 0)
    .join('; ');
}

const attr = (tag: string, name: string): string | undefined => {
  const m = new RegExp(`\\s${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i').exec(tag);
  return m ? (m[1] ?? m[2] ?? m[3]) : undefined;
};
const decodeEntities = (v: string) =>
  v.replace(/&(amp|lt|gt|quot|#39);/g, (_, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" })[e] ?? '');

/** The hidden inputs of a login form page (antiforgery tokens and the like), name → value. */
export function hiddenInputs(html: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [tag] of html.matchAll(/<input\b[^>]*>/gi)) {
    if ((attr(tag, 'type') ?? '').toLowerCase() !== 'hidden') continue;
    const name = attr(tag, 'name');
    if (name) out[decodeEntities(name)] = decodeEntities(attr(tag, 'value') ?? '');
  }
  return out;
}

export const tokenProbe: Probe<TokenTarget, TokenOptions> = async (target, options, callerSignal) => {
  const overall = deadline(callerSignal, options.timeoutMs);
  try {
    return await checkTokens(target, options, overall.signal);
  } finally {
    overall.clear();
  }
};

async function checkTokens({ servers, host }: TokenTarget, options: TokenOptions, signal: AbortSignal): Promise<ProbeResult> {
  const { tokens, account } = options;
  if (!account.user || !account.password) {
    return broken(
      'NO_TEST_ACCOUNT',
      `the test account is not set: export ${tokens.userEnv} and ${tokens.passwordEnv} to check token portability`,
    );
  }
  const call = (server: Endpoint, spec: { method?: 'POST'; path: string; body?: string; headers?: Record<string, string> }) =>
    exchange(
      {
        label: server.name,
        address: server.address,
        port: server.port,
        hostname: host.name,
        timeoutMs: options.requestTimeoutMs,
        maxBodyBytes: 64 * 1024,
        ...(server.scheme === 'http' ? { scheme: 'http' as const } : {}),
        ...spec,
      },
      options.trust,
      signal,
    );

  // Issue: the first server that answers the login; a 401 means the account itself is refused, so stop there.
  const loginTries: Verdict[] = [];
  let issuer: Endpoint | undefined;
  let cookie: string | undefined;
  for (const server of servers) {
    if (signal.aborted) break;
    // A form page first where the app wants one: its hidden inputs (antiforgery) and cookies go with the login.
    let hidden: Record<string, string> = {};
    let formCookies = '';
    if (tokens.formPath) {
      const page = await call(server, { path: tokens.formPath });
      if (!page.ok) {
        if (page.failure.layer === 'harness') return broken(page.failure.code, page.failure.message);
        loginTries.push({ server: server.name, outcome: 'error', why: page.failure.message });
        continue;
      }
      if (page.response.status !== 200) {
        const why = `${server.name} answered ${page.response.status} for the login form ${tokens.formPath}`;
        loginTries.push({ server: server.name, outcome: 'error', status: page.response.status, why });
        continue;
      }
      hidden = hiddenInputs(page.response.body);
      formCookies = cookieHeader(page);
    }
    const form = new URLSearchParams({
      ...hidden,
      ...tokens.extraFields,
      [tokens.userField]: account.user,
      [tokens.passwordField]: account.password,
    }).toString();
    const out = await call(server, {
      method: 'POST',
      path: tokens.loginPath,
      body: form,
      ...(formCookies ? { headers: { cookie: formCookies } } : {}),
    });
    if (!out.ok) {
      if (out.failure.layer === 'harness') return broken(out.failure.code, out.failure.message);
      loginTries.push({ server: server.name, outcome: 'error', why: out.failure.message });
      continue;
    }
    const status = out.response.status;
    // A login answers 200 or redirects (302/303 to the app) with the auth cookie set.
    cookie = status < 400 ? cookieFrom(out, tokens.cookieName) : undefined;
    if (cookie) {
      issuer = server;
      break;
    }
    const refused = status === 401 || status === 403;
    const why = `${server.name} answered ${status}${status < 400 ? ` without a ${tokens.cookieName} cookie` : ''} at ${tokens.loginPath}`;
    loginTries.push({ server: server.name, outcome: refused ? 'rejected' : 'error', status, why });
    if (refused) break;
  }
  if (!issuer || !cookie) {
    const tried = loginTries.map((t) => t.why).join('; ');
    const refused = loginTries.at(-1)?.outcome === 'rejected';
    const message = refused
      ? `${loginTries.at(-1)!.server} refused the test account ${account.user} at ${tokens.loginPath} on ${host.name}; the cookie could not be issued (${tried})`
      : `no web server issued an auth cookie for ${host.name}${signal.aborted ? ` within ${options.timeoutMs} ms` : ''} (${tried || 'none tried'})`;
    return failed(
      { layer: 'assertion', code: refused ? 'TOKEN_LOGIN_REJECTED' : 'TOKEN_LOGIN_FAILED', message },
      { host: host.name, login: loginTries },
    );
  }

  // Verify everywhere, the issuer included (a server refusing its own cookie is broken, not mis-keyed).
  const presented = `${tokens.cookieName}=${cookie}`;
  const verdicts = await mapLimited(servers, options.concurrency, async (server): Promise<Verdict> => {
    const out = await call(server, { path: tokens.verifyPath, headers: { cookie: presented } });
    if (!out.ok) return { server: server.name, outcome: 'error', why: out.failure.message };
    const s = out.response.status;
    // With a marker, only the signed-in page proves acceptance; a server that does not trust the cookie answers
    // 401/403, sends the browser to sign in (3xx), or shows a page without the marker.
    const marked = tokens.verifyMarker === undefined || out.response.body.includes(tokens.verifyMarker);
    if (s === 200 && marked) return { server: server.name, outcome: 'accepted', status: s };
    if (s === 401 || s === 403 || (s >= 300 && s < 400 && tokens.verifyMarker !== undefined))
      return { server: server.name, outcome: 'rejected', status: s };
    if (s === 200)
      return { server: server.name, outcome: 'rejected', status: s, why: `no "${tokens.verifyMarker}" on ${tokens.verifyPath}` };
    return { server: server.name, outcome: 'error', status: s, why: `${server.name} answered ${s} at ${tokens.verifyPath}` };
  });
  const self = verdicts.find((v) => v.server === issuer.name)!;
  const others = verdicts.filter((v) => v.server !== issuer.name);
  const rejected = others.filter((v) => v.outcome === 'rejected').map((v) => v.server);
  const accepted = others.filter((v) => v.outcome === 'accepted').map((v) => v.server);
  const errors = verdicts.filter((v) => v.outcome === 'error');
  const details = {
    host: host.name,
    issuer: issuer.name,
    perServer: Object.fromEntries(verdicts.map(({ server, ...v }) => [server, v])),
    ...(loginTries.length ? { loginFailedOn: loginTries } : {}),
  };

  const lines: string[] = [];
  let code = '';
  const problem = (c: string, line: string) => {
    code ||= c;
    lines.push(line);
  };
  if (self.outcome === 'rejected') problem('TOKEN_REJECTED_BY_ISSUER', `${issuer.name} rejected the auth cookie it issued itself`);
  if (rejected.length && rejected.length > accepted.length && others.length >= 2) {
    problem(
      'TOKEN_ISSUER_KEY_DIFFERS',
      `${issuer.name}'s machineKey is the odd one out: ${rejected.length} of ${rejected.length + accepted.length} other servers rejected the auth cookie it issued (${JIRA})`,
    );
  } else if (rejected.length) {
    problem('TOKEN_REJECTED', `${rejected.join(', ')} rejected the auth cookie issued by ${issuer.name} — machineKey differs (${JIRA})`);
  }
  for (const e of errors)
    problem('TOKEN_VERIFY_FAILED', `${e.why}, so the auth cookie issued by ${issuer.name} could not be checked there`);
  if (!lines.length)
    return passed(details, `all ${servers.length} servers accepted the auth cookie issued by ${issuer.name} on ${host.name}`);
  const failure: ProbeFailure = { layer: 'assertion', code, message: lines.join('; ') };
  return failed(failure, details);
}
