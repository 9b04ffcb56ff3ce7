// Where a control-plane API lives and how to authenticate to it: in the lab, the fake's URL from the manifest and
// the lab's own token; elsewhere, https to the host in environments.<env>.addresses[<endpoint>] and the secret from
// the environment variable the window names. What is missing is a gap naming the exact thing to set.
import { isIP } from 'node:net';
import { z } from 'zod';
import type { HarnessConfig } from '../core/config/schema.ts';
import { isLoopback } from '../dns/cidr.ts';
import type { ResolvedEstate } from '../estate/model.ts';
import { LAB_API_TOKEN } from '../lab/apis/credentials.ts';

export type Resolved<T> = { ok: true; value: T } | { ok: false; gap: string };

export const EnvName = z.string().regex(/^[A-Z][A-Z0-9_]*$/, 'an environment variable name such as OPSGENIE_API_KEY');

export const Auth = z.discriminatedUnion('scheme', [
  z.strictObject({ scheme: z.literal('none') }),
  z.strictObject({ scheme: z.literal('bearer'), env: EnvName }),
  z.strictObject({ scheme: z.literal('genie-key'), env: EnvName }),
  z.strictObject({ scheme: z.literal('basic'), user: z.string().min(1).optional(), userEnv: EnvName.optional(), env: EnvName }),
  z.strictObject({ scheme: z.literal('header'), header: z.string().regex(/^[A-Za-z0-9-]+$/), env: EnvName }),
]);
export type Auth = z.output<typeof Auth>;

/** An API's base URL must be https, or plain http to a loopback address (checked as a parsed IP). */
export function urlProblem(url: URL): string | undefined {
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:' && isLoopback(url.hostname)) return undefined;
  if (url.protocol === 'http:') return `${url.origin} is plain http to a non-loopback address: use https`;
  return `${url.href} is not an http(s) URL`;
}

/**
 * The base URL of an API endpoint. Lab: the fake's URL from the manifest. Environment: https to the address in
 * environments.<env>.addresses[<endpoint>] (a host name or IP, as every address there), on `port` (443).
 */
export function endpointUrl(config: HarnessConfig, estate: ResolvedEstate, name: string, port = 443): Resolved<URL> {
  if (estate.env === 'lab') {
    const raw = estate.lab?.apis?.[name];
    if (!raw)
      return {
        ok: false,
        gap: `the lab serves no API named "${name}" (it serves: ${Object.keys(estate.lab?.apis ?? {}).join(', ') || 'none'})`,
      };
    const url = new URL(raw);
    const problem = urlProblem(url);
    return problem ? { ok: false, gap: `${name}: ${problem}` } : { ok: true, value: url };
  }
  const address = config.environments[estate.env]?.addresses[name];
  if (!address)
    return {
      ok: false,
      gap: `environments.${estate.env}.addresses["${name}"]: the host name of the ${name} API is not set; fill it in as the other addresses (README: "Pointing it at a real estate")`,
    };
  const host = isIP(address) === 6 ? `[${address}]` : address;
  return { ok: true, value: new URL(`https://${host}${port === 443 ? '' : `:${port}`}/`) };
}

/** A secret from the environment (the lab's own value in the lab); never logged, never put in a message. */
export function secretFor(estate: ResolvedEstate, env: string, labValue: string = LAB_API_TOKEN): Resolved<string> {
  const value = estate.env === 'lab' ? labValue : process.env[env];
  return value
    ? { ok: true, value }
    : { ok: false, gap: `${env} is not set: export it before the run (the secret is read from the environment only)` };
}

export function authHeaders(estate: ResolvedEstate, auth: Auth, labValue?: string): Resolved<Record<string, string>> {
  if (auth.scheme === 'none') return { ok: true, value: {} };
  const secret = secretFor(estate, auth.env, labValue);
  if (!secret.ok) return secret;
  const v = secret.value;
  switch (auth.scheme) {
    case 'bearer':
      return { ok: true, value: { authorization: `Bearer ${v}` } };
    case 'genie-key':
      return { ok: true, value: { authorization: `GenieKey ${v}` } };
    case 'header':
      return { ok: true, value: { [auth.header.toLowerCase()]: v } };
    case 'basic': {
      const user = auth.user ?? (auth.userEnv ? (estate.env === 'lab' ? 'api' : process.env[auth.userEnv]) : 'api');
      if (!user) return { ok: false, gap: `${auth.userEnv} is not set: export it before the run` };
      return { ok: true, value: { authorization: `Basic ${Buffer.from(`${user}:${v}`).toString('base64')}` } };
    }
  }
}
