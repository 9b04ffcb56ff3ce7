// JWT signing certificate (kind `jwt`, ARC-135): each web server's sso, asked directly, signs a token with the new
// certificate (its key id), and my on the next server verifies that token — the MyIIS redeploy reached every server.
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { HarnessConfig } from '../core/config/schema.ts';
import { defineKind, type PlanContext } from '../core/kind.ts';
import { broken, failed, passed, type Probe } from '../core/probe.ts';
import { brokenTask, type CheckTask } from '../core/task.ts';
import type { Endpoint, ResolvedEstate, ResolvedHost } from '../estate/model.ts';
import { Servers, selectServers } from '../sanity/plan.ts';
import { createTrust, type Trust } from '../sanity/trust.ts';
import { askServer, locationOf } from './web.ts';

type Ctx = PlanContext<HarnessConfig, ResolvedEstate>;
const JIRA = 'ARC-135';
const STATE_COOKIE = 'ic_sso_state';

interface Target {
  issuer: Endpoint;
  verifier: Endpoint;
  sso: ResolvedHost;
  my: ResolvedHost;
  kid: string;
}
interface Options {
  trust: Trust;
  account: { user: string | undefined; password: string | undefined };
  requestMs: number;
}

function headerOf(token: string): { kid?: string; alg?: string; x5t?: string } | undefined {
  try {
    return JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString('utf8')) as { kid?: string };
  } catch {
    return undefined;
  }
}

/** Codes: JWT_NOT_ISSUED, JWT_WRONG_KEY, JWT_NOT_VERIFIED (failed); NO_TEST_ACCOUNT (broken). */
export const jwtProbe: Probe<Target, Options> = async (t, o, signal) => {
  const { account } = o;
  if (!account.user || !account.password)
    return broken('NO_TEST_ACCOUNT', 'the test account is not set: export the test account variables to check JWT signing');
  const state = randomBytes(16).toString('base64url');
  const redirectUri = `https://${t.my.name}/sso/callback`;
  const form = new URLSearchParams({ client_id: 'my', redirect_uri: redirectUri, state, user: account.user, password: account.password });
  const issued = await askServer(
    t.issuer,
    t.sso,
    { method: 'POST', path: '/authorize', body: form.toString() },
    o.trust,
    o.requestMs,
    signal,
  );
  if (!issued.ok) return failed(issued.failure);
  const location = locationOf(issued);
  const token = location ? new URL(location, `https://${t.my.name}`).searchParams.get('token') : null;
  if (!token)
    return failed({
      layer: 'assertion',
      code: 'JWT_NOT_ISSUED',
      message: `${t.issuer.name}'s sso answered ${issued.response.status} to the test sign-in without a token (${JIRA}): check sso's signing certificate on ${t.issuer.name}`,
    });
  const header = headerOf(token);
  const kid = header?.x5t ?? header?.kid;
  const details = { issuer: t.issuer.name, verifier: t.verifier.name, kid: kid ?? null, expectedKid: t.kid, alg: header?.alg ?? null };
  if (kid !== t.kid)
    return failed(
      {
        layer: 'assertion',
        code: 'JWT_WRONG_KEY',
        message: `${t.issuer.name}'s sso signs with key ${kid ?? '(none)'}, not the new certificate ${t.kid} (${JIRA}): set JwtSigningCertificate1 in the ADO Library and redeploy MyIIS to ${t.issuer.name}`,
      },
      details,
    );
  const checked = await askServer(
    t.verifier,
    t.my,
    { path: `/sso/callback?${new URLSearchParams({ token, state })}`, headers: { cookie: `${STATE_COOKIE}=${state}` } },
    o.trust,
    o.requestMs,
    signal,
  );
  if (!checked.ok) return failed(checked.failure, details);
  const s = checked.response.status;
  if (s >= 300 && s < 400 && !/^\/?\?|login|reason=/.test(locationOf(checked) ?? ''))
    return passed(details, `${t.issuer.name} signs with ${t.kid}; my on ${t.verifier.name} accepted the token`);
  const why = /Sign-in failed: ([^<.]+)/.exec(checked.response.body)?.[1] ?? `status ${s}`;
  return failed(
    {
      layer: 'assertion',
      code: 'JWT_NOT_VERIFIED',
      message: `my on ${t.verifier.name} refused the token ${t.issuer.name}'s sso signed: ${why} (${JIRA}): redeploy MyIIS to ${t.verifier.name} so it trusts ${t.kid}`,
    },
    details,
  );
};

export const jwtKind = defineKind({
  id: 'jwt',
  family: 'rotations',
  summary: "JWT certificates (ARC-135): each server's sso signs with the new key id and my on another server verifies it",
  params: z.strictObject({
    servers: Servers,
    /** The new signing certificate's key id or thumbprint; the lab's sso key id in the lab. */
    kid: z.string().min(1).optional(),
  }),
  severity: 'critical',
  plan: (ctx: Ctx, p, severity): CheckTask[] => {
    const { estate, config } = ctx;
    const requestMs = config.policy.timeouts.probeMs;
    const { servers, unknown } = selectServers(estate, p.servers);
    const base = (name: string) => ({
      id: `jwt:${name}`,
      kind: 'jwt',
      family: 'rotations',
      severity,
      title: `${name}'s sso signs with the new JWT certificate and my verifies it on another server (${JIRA})`,
      target: { server: name },
    });
    const sso = estate.hosts.find((h) => h.key === 'sso');
    const my = estate.hosts.find((h) => h.key === 'my');
    const kid = estate.env === 'lab' ? estate.lab?.sso?.kid : p.kid;
    const gaps = unknown.map((n) => brokenTask(base(n), `the window names ${n}, but the estate has no such web server`));
    const gap =
      !sso || !my
        ? 'the estate has no sso or my host'
        : !kid
          ? `the window names no kid for ${JIRA}: set kid to the new JwtSigningCertificate1's key id or thumbprint`
          : undefined;
    const ring = estate.webServers;
    const trust = createTrust(estate.ca);
    return [
      ...gaps,
      ...servers.map((issuer): CheckTask => {
        if (gap) return brokenTask(base(issuer.name), gap);
        const i = ring.findIndex((s) => s.name === issuer.name);
        const verifier = ring[(i + 1) % ring.length] ?? issuer;
        const target: Target = { issuer, verifier, sso: sso!, my: my!, kid: kid! };
        const options: Options = { trust, account: estate.account, requestMs };
        return {
          ...base(issuer.name),
          type: 'check',
          timeoutMs: requestMs * 3,
          retries: config.policy.retries,
          run: (signal) => jwtProbe(target, options, signal),
        };
      }),
    ];
  },
});
