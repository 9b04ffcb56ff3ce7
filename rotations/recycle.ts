// The IIS recycle after a key rotation (kind `recycle`): each web server, asked directly, says which version of a
// Key Vault secret its running app loaded (at a configured path and JSON field), compared with Key Vault's current
// version. A server whose app pool was not recycled keeps sending with the old, revoked key. Values are never shown.
import { z } from 'zod';
import { HostKey } from '../core/config/estate.ts';
import type { HarnessConfig } from '../core/config/schema.ts';
import { defineKind, type PlanContext } from '../core/kind.ts';
import { broken, failed, passed, type Probe } from '../core/probe.ts';
import { brokenTask, type CheckTask } from '../core/task.ts';
import type { Endpoint, ResolvedEstate, ResolvedHost } from '../estate/model.ts';
import { Auth, authHeaders } from '../api/endpoint.ts';
import { evaluate, parsePath, PathError, type Segment } from '../api/json-path.ts';
import { Servers, selectServers } from '../sanity/plan.ts';
import { createTrust, type Trust } from '../sanity/trust.ts';
import { KeyVaultRef, digest, readCurrent, same, vaultFor, versionWithDigest, type Vault } from './keyvault.ts';
import { askServer } from './web.ts';

type Ctx = PlanContext<HarnessConfig, ResolvedEstate>;

const JsonField = z
  .string()
  .min(1)
  .max(200)
  .superRefine((p, ctx) => {
    try {
      if (parsePath(p).some((s) => !('key' in s) && !('index' in s)))
        ctx.addIssue({ code: 'custom', message: 'the field must name one value: keys and indexes only, no [*] or filters' });
    } catch (err) {
      if (!(err instanceof PathError)) throw err;
      ctx.addIssue({ code: 'custom', message: err.message });
    }
  });

const Params = z.strictObject({
  /** The web servers asked (default every web server of the estate). */
  servers: Servers,
  /** The host whose name is sent as Host and TLS server name (its certificate is verified for it). */
  host: HostKey.default('www'),
  /** Where the running app says what it loaded. */
  path: z
    .string()
    .regex(/^\/[A-Za-z0-9._~!$&'()*+,;=:@%/-]{0,255}$/, 'a path such as /health/secrets')
    .default('/health/secrets'),
  /** JSON field holding the loaded secret's version id (or digest); default secrets["<keyVault.secret>"].version. */
  field: JsonField.optional(),
  /** What the field holds: the Key Vault version id, or the hex SHA-256 of the secret's value. */
  by: z.enum(['version', 'sha256']).default('version'),
  keyVault: KeyVaultRef,
  /** How the harness authenticates to the endpoint, if the app protects it. */
  auth: Auth.default({ scheme: 'none' }),
});

interface Target {
  server: Endpoint;
  host: ResolvedHost;
  path: string;
  field: { text: string; segments: Segment[] };
  by: 'version' | 'sha256';
  vault: Vault;
  headers: Record<string, string>;
}
interface Options {
  trust: Trust;
  requestMs: number;
}

/** A version id as Key Vault gives it (or the last segment of a secret identifier URL). */
const VERSION = /^[A-Za-z0-9._-]{1,128}$/;
const SHA256 = /^(?:sha256:)?([0-9a-fA-F]{64})$/;
const FIX_DOC = 'the app must expose it: docs/production.md, "The Mailgun key each app loaded"';

/**
 * Codes: APP_NOT_RECYCLED, APP_EXPOSES_SECRET_VALUE, HTTP_STATUS, network codes (failed); APP_SECRETS_ENDPOINT_MISSING,
 * APP_SECRETS_AUTH, APP_SECRETS_NOT_JSON, APP_SECRET_VERSION_MISSING, APP_SECRET_VERSION_UNREADABLE, KEYVAULT_* (broken).
 */
export const recycleProbe: Probe<Target, Options> = async (t, o, signal) => {
  const name = t.server.name;
  const secret = t.vault.secret;
  const kv = await readCurrent(t.vault, o.trust, o.requestMs, signal);
  if (!kv.ok) {
    const cause = 'down' in kv ? kv.down : kv.failure;
    return broken(
      'down' in kv ? 'KEYVAULT_UNREACHABLE' : cause.code.startsWith('KEYVAULT_') ? cause.code : `KEYVAULT_${cause.code}`,
      `${cause.message}: cannot tell which ${secret} version ${name} should run, so ${name} was not checked`,
      { server: name, keyVaultSecret: secret, keyVaultError: cause.code },
    );
  }
  const { current } = kv;
  const details: Record<string, unknown> = {
    server: name,
    keyVaultSecret: secret,
    currentVersion: current.version,
    currentVersionCreated: current.created,
    comparedBy:
      t.by === 'version' ? `version id at ${t.path} ${t.field.text}` : `sha256 digest at ${t.path} ${t.field.text} (values never shown)`,
  };
  const out = await askServer(
    t.server,
    t.host,
    { path: t.path, headers: { accept: 'application/json', ...t.headers } },
    o.trust,
    o.requestMs,
    signal,
  );
  if (!out.ok) return failed(out.failure, details);
  const { status, body } = out.response;
  const at = `${name} answered ${status} at ${t.path}`;
  if (status === 404)
    return broken(
      'APP_SECRETS_ENDPOINT_MISSING',
      `${at}: the app does not say which ${secret} version it loaded, so the IIS recycle cannot be checked (${FIX_DOC})`,
      details,
    );
  if (status === 401 || status === 403)
    return broken('APP_SECRETS_AUTH', `${at}: the endpoint refused the harness; set the window's auth for the recycle check`, details);
  if (status !== 200)
    return failed(
      {
        layer: 'http',
        code: 'HTTP_STATUS',
        message: `${at}, expected 200: ${name}'s app is not serving; it cannot have loaded the new ${secret}`,
      },
      details,
    );
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return broken('APP_SECRETS_NOT_JSON', `${name} answered ${t.path} with something other than JSON (${FIX_DOC})`, details);
  }
  const found = evaluate(json, t.field.segments);
  const raw = found.length === 1 ? found[0]!.value : undefined;
  if (typeof raw !== 'string' || !raw)
    return broken(
      'APP_SECRET_VERSION_MISSING',
      `${name}'s ${t.path} has no ${t.field.text}: the app does not report which ${secret} version it loaded (${FIX_DOC})`,
      details,
    );
  // The field must never carry the secret itself: compared by digest, and then not repeated anywhere.
  if (same(digest(raw), current.digest))
    return failed(
      {
        layer: 'assertion',
        code: 'APP_EXPOSES_SECRET_VALUE',
        message: `${name}'s ${t.path} ${t.field.text} holds the ${secret} value itself, not its version: stop exposing it and report the version id`,
      },
      details,
    );

  let runs: string | undefined;
  let matches: boolean;
  if (t.by === 'version') {
    const id = raw.split('/').at(-1) ?? '';
    if (!VERSION.test(id))
      return broken(
        'APP_SECRET_VERSION_UNREADABLE',
        `${name}'s ${t.path} ${t.field.text} is not a Key Vault version id (not shown): report the version id`,
        details,
      );
    runs = id;
    matches = id === current.version;
  } else {
    const hex = SHA256.exec(raw)?.[1];
    if (!hex)
      return broken(
        'APP_SECRET_VERSION_UNREADABLE',
        `${name}'s ${t.path} ${t.field.text} is not a hex SHA-256 digest (not shown): report the digest of the value`,
        details,
      );
    const loaded = Buffer.from(hex, 'hex');
    matches = same(loaded, current.digest);
    if (!matches) runs = (await versionWithDigest(t.vault, loaded, current.version, o.trust, o.requestMs, signal))?.version;
  }
  if (matches) {
    details.runsVersion = current.version;
    return passed(details, `${name}'s app runs Key Vault ${secret} version ${current.version}, the current one`);
  }
  details.runsVersion = runs ?? 'no version Key Vault lists';
  const loadedAt = loadedTime(json, t.field.segments);
  if (loadedAt) details.loadedAt = loadedAt;
  return failed(
    {
      layer: 'assertion',
      code: 'APP_NOT_RECYCLED',
      message: `${name}'s app runs Key Vault ${secret} ${runs ? `version ${runs}` : 'a version Key Vault does not list'}${loadedAt ? ` (loaded ${loadedAt})` : ''}, not the current version ${current.version} (created ${current.created}): recycle the IIS app pool on ${name} so it loads the new key — until then it sends with the old, revoked key`,
    },
    details,
  );
};

/** A `loadedAt` beside the field, when the app gives one (an ISO time; anything else is ignored). */
function loadedTime(json: unknown, field: readonly Segment[]): string | undefined {
  const v = evaluate(json, [...field.slice(0, -1), { key: 'loadedAt' }])[0]?.value;
  return typeof v === 'string' && /^\d{4}-\d\d-\d\dT[\d:.]+Z$/.test(v) ? v : undefined;
}

export const recycleKind = defineKind({
  id: 'recycle',
  family: 'rotations',
  summary: "IIS recycled after a key rotation: each web server's running app reports Key Vault's current version",
  params: Params,
  severity: 'critical',
  plan: (ctx: Ctx, p, severity): CheckTask[] => {
    const { estate, config } = ctx;
    const requestMs = config.policy.timeouts.probeMs;
    const secret = p.keyVault.secret;
    const base = (name: string) => ({
      id: `recycle:${name}`,
      kind: 'recycle',
      family: 'rotations',
      severity,
      title: `${name}'s app was recycled and runs Key Vault ${secret}'s current version`,
      target: { server: name },
    });
    const { servers, unknown } = selectServers(estate, p.servers);
    const gaps = unknown.map((n) => brokenTask(base(n), `the window names ${n}, but the estate has no such web server`));
    const host = estate.hosts.find((h) => h.key === p.host);
    const vault = vaultFor(config, estate, p.keyVault);
    const headers = authHeaders(estate, p.auth);
    const fieldText = p.field ?? `secrets["${secret}"].version`;
    const gap = !host ? `the estate has no host ${p.host}` : !vault.ok ? vault.gap : !headers.ok ? headers.gap : undefined;
    if (gap !== undefined || !host || !vault.ok || !headers.ok)
      return [...gaps, ...servers.map((s) => brokenTask(base(s.name), gap ?? ''))];
    const trust = createTrust(estate.ca);
    const field = { text: fieldText, segments: parsePath(fieldText) };
    return [
      ...gaps,
      ...servers.map((server): CheckTask => {
        const target: Target = { server, host, path: p.path, field, by: p.by, vault: vault.value, headers: headers.value };
        return {
          ...base(server.name),
          type: 'check',
          timeoutMs: requestMs * (p.by === 'sha256' ? 9 : 3),
          retries: config.policy.retries,
          run: (signal) => recycleProbe(target, { trust, requestMs }, signal),
        };
      }),
    ];
  },
});
