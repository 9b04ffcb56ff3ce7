// Reading a Key Vault secret for the rotation checks (secret-sync, recycle): its current version and a SHA-256 digest
// of its value, kept in memory; the value itself never leaves this module, so no message or detail can carry it.
import { createHash, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { HarnessConfig } from '../core/config/schema.ts';
import type { ProbeFailure } from '../core/probe.ts';
import type { ResolvedEstate } from '../estate/model.ts';
import { callApi, statusFailure } from '../api/client.ts';
import { EnvName, authHeaders, endpointUrl, type Resolved } from '../api/endpoint.ts';
import type { Trust } from '../sanity/trust.ts';

/** The Key Vault secret a window names: where the vault is, which secret, the token's variable. */
export const KeyVaultRef = z.strictObject({
  endpoint: z.string().min(1).default('keyvault'),
  secret: z.string().regex(/^[A-Za-z0-9-]{1,127}$/),
  tokenEnv: EnvName.default('AZURE_KEYVAULT_TOKEN'),
  apiVersion: z.string().default('7.4'),
});
export type KeyVaultRef = z.output<typeof KeyVaultRef>;

export interface Vault {
  base: URL;
  headers: Record<string, string>;
  secret: string;
  apiVersion: string;
}

export interface Current {
  version: string;
  /** ISO time the version was created, or 'unknown'. */
  created: string;
  digest: Buffer;
}

/** `down`: no answer (a network failure, as data); `failure`: Key Vault answered, but not with the secret. */
export type VaultRead = { ok: true; current: Current } | { ok: false; down: ProbeFailure } | { ok: false; failure: ProbeFailure };

export const LABEL = 'Key Vault';
export const digest = (v: string | Buffer) => createHash('sha256').update(v).digest();
export const same = (a: Buffer, b: Buffer) => a.length === b.length && timingSafeEqual(a, b);
export const when = (unixSeconds: unknown) => (typeof unixSeconds === 'number' ? new Date(unixSeconds * 1000).toISOString() : 'unknown');
export const join = (base: URL, path: string) => new URL(path.replace(/^\//, ''), base.href.endsWith('/') ? base : `${base.href}/`);

type KvBundle = { value?: unknown; id?: unknown; attributes?: { created?: unknown } };

/** The vault's URL and auth for a plan: in the lab the fake, elsewhere the environment's address and token. */
export function vaultFor(config: HarnessConfig, estate: ResolvedEstate, ref: KeyVaultRef): Resolved<Vault> {
  const base = endpointUrl(config, estate, ref.endpoint);
  if (!base.ok) return base;
  const auth = authHeaders(estate, { scheme: 'bearer', env: ref.tokenEnv });
  if (!auth.ok) return auth;
  return { ok: true, value: { base: base.value, headers: auth.value, secret: ref.secret, apiVersion: ref.apiVersion } };
}

function kvGet(v: Vault, path: string, trust: Trust, requestMs: number, signal: AbortSignal) {
  const url = join(v.base, path);
  url.searchParams.set('api-version', v.apiVersion);
  return callApi({ label: LABEL, url, headers: v.headers, timeoutMs: requestMs, trust }, signal);
}

/** The secret's current version and the digest of its value. */
export async function readCurrent(v: Vault, trust: Trust, requestMs: number, signal: AbortSignal): Promise<VaultRead> {
  const current = await kvGet(v, `/secrets/${v.secret}`, trust, requestMs, signal);
  if (!current.ok) return { ok: false, down: current.failure };
  if (current.status === 404)
    return { ok: false, failure: { layer: 'assertion', code: 'KEYVAULT_SECRET_MISSING', message: `Key Vault has no secret ${v.secret}` } };
  const bad = statusFailure(LABEL, `secret ${v.secret}`, current, [200], false);
  if (bad) return { ok: false, failure: bad };
  const bundle = current.json as KvBundle;
  if (typeof bundle?.value !== 'string')
    return {
      ok: false,
      failure: { layer: 'assertion', code: 'API_BODY_NOT_JSON', message: `Key Vault answered secret ${v.secret} without a value` },
    };
  const version =
    String(bundle.id ?? '')
      .split('/')
      .at(-1) ?? '';
  return { ok: true, current: { version, created: when(bundle.attributes?.created), digest: digest(bundle.value) } };
}

/** The newest of the secret's last five versions (other than `skip`) whose value has `wanted` as digest, if any. */
export async function versionWithDigest(
  v: Vault,
  wanted: Buffer,
  skip: string,
  trust: Trust,
  requestMs: number,
  signal: AbortSignal,
): Promise<{ version: string; created: string } | undefined> {
  const versions = await kvGet(v, `/secrets/${v.secret}/versions`, trust, requestMs, signal);
  if (!versions.ok || versions.status !== 200) return undefined;
  const ids = ((versions.json as { value?: { id?: string; attributes?: { created?: number } }[] })?.value ?? [])
    .filter((x) => typeof x.id === 'string')
    .sort((a, b) => (b.attributes?.created ?? 0) - (a.attributes?.created ?? 0))
    .slice(0, 5);
  for (const x of ids) {
    const id = x.id!.split('/').at(-1)!;
    if (id === skip) continue;
    const old = await kvGet(v, `/secrets/${v.secret}/${id}`, trust, requestMs, signal);
    const value = old.ok && old.status === 200 ? (old.json as KvBundle)?.value : undefined;
    if (typeof value === 'string' && same(digest(value), wanted)) return { version: id, created: when(x.attributes?.created) };
  }
  return undefined;
}
