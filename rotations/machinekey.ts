// machineKey rotation (kind `machinekey`, PLAT-2374): every web server issues an auth cookie; the validator (IC-Web3,
// as the runbook did) and then each other key group verify them, so the result says which servers share which key.
// Passes when every server the step rolled shares the validator's key (at the end: all ten share one).
import { z } from 'zod';
import type { TokenConfig } from '../core/config/estate.ts';
import type { HarnessConfig } from '../core/config/schema.ts';
import { defineKind, type PlanContext } from '../core/kind.ts';
import { broken, failed, passed, type Probe } from '../core/probe.ts';
import { brokenTask, type CheckTask } from '../core/task.ts';
import type { Endpoint, ResolvedEstate, ResolvedHost } from '../estate/model.ts';
import { mapLimited } from '../sanity/limit.ts';
import { Servers, selectServers } from '../sanity/plan.ts';
import { createTrust, type Trust } from '../sanity/trust.ts';
import { askServer, cookieIn, nameRun } from './web.ts';

type Ctx = PlanContext<HarnessConfig, ResolvedEstate>;
const JIRA = 'PLAT-2374';

interface Target {
  servers: Endpoint[];
  validator: Endpoint;
  rolled: string[];
  host: ResolvedHost;
}
interface Options {
  trust: Trust;
  tokens: TokenConfig;
  account: { user: string | undefined; password: string | undefined };
  requestMs: number;
  concurrency: number;
}

type Verify = 'accepted' | 'rejected' | { error: string };

/** Codes: MACHINEKEY_NOT_SHARED (failed), MACHINEKEY_UNCHECKED / NO_TEST_ACCOUNT (broken). */
export const machineKeyProbe: Probe<Target, Options> = async (t, o, signal) => {
  const { account, tokens } = o;
  if (!account.user || !account.password)
    return broken(
      'NO_TEST_ACCOUNT',
      `the test account is not set: export ${tokens.userEnv} and ${tokens.passwordEnv} to compare machineKeys`,
    );
  const form = new URLSearchParams({ user: account.user, password: account.password }).toString();
  const ask = (s: Endpoint, call: Parameters<typeof askServer>[2]) => askServer(s, t.host, call, o.trust, o.requestMs, signal);
  const cookies = await mapLimited(t.servers, o.concurrency, async (s): Promise<{ server: Endpoint; cookie?: string; why?: string }> => {
    const out = await ask(s, { method: 'POST', path: tokens.loginPath, body: form });
    if (!out.ok) return { server: s, why: out.failure.message };
    const cookie = out.response.status === 200 ? cookieIn(out, tokens.cookieName) : undefined;
    return cookie
      ? { server: s, cookie }
      : { server: s, why: `${s.name} answered ${out.response.status} at ${tokens.loginPath} without an auth cookie` };
  });
  const verify = async (on: Endpoint, cookie: string): Promise<Verify> => {
    const out = await ask(on, { path: tokens.verifyPath, headers: { cookie: `${tokens.cookieName}=${cookie}` } });
    if (!out.ok) return { error: out.failure.message };
    if (out.response.status === 200) return 'accepted';
    if (out.response.status === 401 || out.response.status === 403) return 'rejected';
    return { error: `${on.name} answered ${out.response.status} at ${tokens.verifyPath}` };
  };
  const unchecked = cookies.filter((c) => !c.cookie).map((c) => ({ server: c.server.name, why: c.why! }));
  const issued = cookies.filter((c) => c.cookie) as { server: Endpoint; cookie: string }[];
  // The validator's group: every cookie it accepts.
  const atValidator = await mapLimited(issued, o.concurrency, async (c) => ({ c, v: await verify(t.validator, c.cookie) }));
  const groups: { rep: Endpoint; cookie?: string; members: string[] }[] = [{ rep: t.validator, members: [] }];
  const rest: { server: Endpoint; cookie: string }[] = [];
  for (const { c, v } of atValidator) {
    if (v === 'accepted') groups[0]!.members.push(c.server.name);
    else if (v === 'rejected') rest.push(c);
    else unchecked.push({ server: c.server.name, why: v.error });
  }
  if (!groups[0]!.members.includes(t.validator.name) && !unchecked.some((u) => u.server === t.validator.name))
    unchecked.push({ server: t.validator.name, why: `${t.validator.name} rejected the cookie it issued itself` });
  for (const c of rest) {
    let placed = false;
    for (const g of groups.slice(1)) {
      const v = await verify(g.rep, c.cookie);
      if (v === 'accepted') {
        g.members.push(c.server.name);
        placed = true;
        break;
      }
    }
    if (!placed) groups.push({ rep: c.server, cookie: c.cookie, members: [c.server.name] });
  }
  const validatorKey = `${t.validator.name}'s key`;
  const shares = groups.map((g, i) => ({ key: i === 0 ? validatorKey : `another key (${g.rep.name}'s)`, servers: g.members }));
  const said = shares
    .filter((s) => s.servers.length)
    .map((s) => `${s.key}: ${nameRun(s.servers)}`)
    .join('; ');
  const details = { validatedOn: t.validator.name, rolled: t.rolled, keys: shares, ...(unchecked.length ? { unchecked } : {}) };
  const notShared = t.rolled.filter((n) => !groups[0]!.members.includes(n) && !unchecked.some((u) => u.server === n));
  if (notShared.length)
    return failed(
      {
        layer: 'assertion',
        code: 'MACHINEKEY_NOT_SHARED',
        message: `${nameRun(notShared)} ${notShared.length === 1 ? 'does' : 'do'} not share ${validatorKey} though this step rolled ${nameRun(t.rolled)} (${JIRA}): roll the machineKey to ${nameRun(notShared)} and recycle the app pool. Keys: ${said}`,
      },
      details,
    );
  const missing = unchecked.filter((u) => t.rolled.includes(u.server) || u.server === t.validator.name);
  if (missing.length)
    return broken(
      'MACHINEKEY_UNCHECKED',
      `could not compare the machineKey of ${missing.map((m) => `${m.server} (${m.why})`).join('; ')}; keys seen: ${said || 'none'}`,
      details,
    );
  return passed(details, `validated on ${t.validator.name}: ${nameRun(t.rolled)} share its machineKey (${JIRA}); ${said}`);
};

export const machineKeyKind = defineKind({
  id: 'machinekey',
  family: 'rotations',
  summary: 'machineKey rotation (PLAT-2374): validated on one server, which web servers share which key; rolled ones share it',
  params: z.strictObject({
    /** The servers compared (and grouped by key). */
    servers: Servers,
    /** The servers this step rolled the new key to: each must share the validator's key. */
    rolled: Servers,
    /** Where the runbook validates the new key. */
    validateOn: z.string().min(1).default('IC-Web3'),
  }),
  severity: 'critical',
  plan: (ctx: Ctx, p, severity): CheckTask[] => {
    const { estate, config } = ctx;
    const { policy } = config;
    const task = {
      id: `machinekey:${p.validateOn}`,
      kind: 'machinekey',
      family: 'rotations',
      severity,
      title: `machineKey validated on ${p.validateOn}: the rolled servers share it; which servers share which key (${JIRA})`,
      target: { server: p.validateOn },
    };
    const servers = selectServers(estate, p.servers);
    const rolled = selectServers(estate, p.rolled);
    const validator = estate.webServers.find((s) => s.name === p.validateOn);
    const host = estate.hosts.find((h) => h.key === estate.tokens.host);
    const unknown = [...servers.unknown, ...rolled.unknown, ...(validator ? [] : [p.validateOn])];
    if (unknown.length) return [brokenTask(task, `the window names ${unknown.join(', ')}, but the estate has no such web server`)];
    if (!host) return [brokenTask(task, `estate.tokens.host is "${estate.tokens.host}", which is not one of the configured hosts`)];
    const all = servers.servers.some((s) => s.name === validator!.name) ? servers.servers : [validator!, ...servers.servers];
    const concurrency = Math.max(1, Math.min(policy.concurrency, all.length));
    const requestMs = policy.timeouts.probeMs;
    const timeoutMs = requestMs * (4 + 2 * Math.ceil(all.length / concurrency));
    const target: Target = { servers: all, validator: validator!, rolled: rolled.servers.map((s) => s.name), host };
    const options: Options = { trust: createTrust(estate.ca), tokens: estate.tokens, account: estate.account, requestMs, concurrency };
    return [{ ...task, type: 'check', timeoutMs, retries: 0, run: (signal) => machineKeyProbe(target, options, signal) }];
  },
});
