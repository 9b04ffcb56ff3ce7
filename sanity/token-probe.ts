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

function cookieFrom(out: ExchangeOutcome & { ok: true }, name: string): string | undefined {
  const raw = out.response.headers['set-cookie'];
  for (const line of Array.isArray(raw) ? raw : raw ? [raw] : []) {
    const [pair = ''] = line.split(';');
    const eq = pair.indexOf('=');
    if (eq > 0 && pair.slice(0, eq).trim() === name) return pair.slice(eq + 1).trim();
  }
  return undefined;
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
        maxBodyBytes: 16 * 1024,
        ...spec,
      },
      options.trust,
      signal,
    );

  // Issue: the first server that answers the login; a 401 means the account itself is refused, so stop there.
  const loginTries: Verdict[] = [];
  let issuer: Endpoint | undefined;
  let cookie: string | undefined;
  const form = new URLSearchParams({ user: account.user, password: account.password }).toString();
  for (const server of servers) {
    if (signal.aborted) break;
    const out = await call(server, { method: 'POST', path: tokens.loginPath, body: form });
    if (!out.ok) {
      if (out.failure.layer === 'harness') return broken(out.failure.code, out.failure.message);
      loginTries.push({ server: server.name, outcome: 'error', why: out.failure.message });
      continue;
    }
    cookie = out.response.status === 200 ? cookieFrom(out, tokens.cookieName) : undefined;
    if (cookie) {
      issuer = server;
      break;
    }
    const why = `${server.name} answered ${out.response.status}${out.response.status === 200 ? ` without a ${tokens.cookieName} cookie` : ''} at ${tokens.loginPath}`;
    loginTries.push({ server: server.name, outcome: out.response.status === 401 ? 'rejected' : 'error', status: out.response.status, why });
    if (out.response.status === 401) break;
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
    if (s === 200) return { server: server.name, outcome: 'accepted', status: s };
    if (s === 401 || s === 403) return { server: server.name, outcome: 'rejected', status: s };
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
