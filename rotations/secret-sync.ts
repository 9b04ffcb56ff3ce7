// Key Vault → Kubernetes secret sync (kind `secret-sync`): the Kubernetes secret a cron job reads holds Key Vault's
// current version, compared by SHA-256 digest in memory (values never leave this module). The runbook records the
// CSI provider leaving `biller-mailgun-message-status-job`'s secret on the old key until it was deleted.
import { z } from 'zod';
import type { HarnessConfig } from '../core/config/schema.ts';
import { defineKind, type PlanContext } from '../core/kind.ts';
import { failed, passed, type Probe, type ProbeFailure } from '../core/probe.ts';
import { brokenTask, type CheckTask } from '../core/task.ts';
import type { ResolvedEstate } from '../estate/model.ts';
import { callApi, statusFailure, unreachable, type ApiReply } from '../api/client.ts';
import { EnvName, authHeaders, endpointUrl } from '../api/endpoint.ts';
import { createTrust, type Trust } from '../sanity/trust.ts';
import { KeyVaultRef, digest, join, readCurrent, same, vaultFor, versionWithDigest, type Vault } from './keyvault.ts';

type Ctx = PlanContext<HarnessConfig, ResolvedEstate>;

const Name = z.string().regex(/^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$/, 'a Kubernetes name');
const Params = z.strictObject({
  /** Endpoint of the cluster's API server: k8s:aks-prd-1. */
  cluster: z.string().min(1),
  namespace: Name,
  secret: Name,
  /** The key inside the secret's data. */
  key: z.string().min(1),
  /** The cron job that reads the secret: its spec must reference it. */
  cronJob: Name.optional(),
  keyVault: KeyVaultRef,
  k8sTokenEnv: EnvName,
});

interface Target {
  cluster: { label: string; base: URL; headers: Record<string, string> };
  vault: Vault;
  namespace: string;
  secret: string;
  key: string;
  cronJob?: string;
}

/** Names every container/volume secret reference in a pod template. */
function secretRefs(cron: unknown): string[] {
  const spec = (cron as { spec?: { jobTemplate?: { spec?: { template?: { spec?: Record<string, unknown> } } } } })?.spec?.jobTemplate?.spec
    ?.template?.spec;
  const refs: string[] = [];
  const containers = [...((spec?.containers as unknown[]) ?? []), ...((spec?.initContainers as unknown[]) ?? [])] as {
    env?: { valueFrom?: { secretKeyRef?: { name?: string } } }[];
    envFrom?: { secretRef?: { name?: string } }[];
  }[];
  for (const c of containers) {
    for (const e of c.env ?? []) if (e.valueFrom?.secretKeyRef?.name) refs.push(e.valueFrom.secretKeyRef.name);
    for (const e of c.envFrom ?? []) if (e.secretRef?.name) refs.push(e.secretRef.name);
  }
  for (const v of (spec?.volumes as { secret?: { secretName?: string } }[]) ?? []) if (v.secret?.secretName) refs.push(v.secret.secretName);
  return refs;
}

/** Codes: K8S_SECRET_STALE, K8S_SECRET_MISSING, K8S_SECRET_KEY_MISSING, KEYVAULT_SECRET_MISSING, CRONJOB_SECRET_NOT_REFERENCED, API_*. */
export const secretSyncProbe: Probe<Target, { trust: Trust; requestMs: number }> = async (t, o, signal) => {
  const get = (label: string, base: URL, headers: Record<string, string>, path: string) =>
    callApi({ label, url: join(base, path), headers, timeoutMs: o.requestMs, trust: o.trust }, signal);
  const fail = (f: ProbeFailure, details?: Record<string, unknown>) => failed(f, details);
  const where = `${t.namespace}/${t.secret} on ${t.cluster.label}`;
  const down = (r: ApiReply & { ok: false }) => unreachable(r.failure);

  const kv = await readCurrent(t.vault, o.trust, o.requestMs, signal);
  if (!kv.ok) return 'down' in kv ? unreachable(kv.down) : fail(kv.failure);
  const { version, digest: kvDigest } = kv.current;
  const details: Record<string, unknown> = {
    keyVaultSecret: t.vault.secret,
    keyVaultVersion: version,
    keyVaultVersionCreated: kv.current.created,
    comparedBy: 'sha256 digest (values never shown)',
  };

  if (t.cronJob) {
    const cron = await get(
      t.cluster.label,
      t.cluster.base,
      t.cluster.headers,
      `/apis/batch/v1/namespaces/${t.namespace}/cronjobs/${t.cronJob}`,
    );
    if (!cron.ok) return down(cron);
    const cronBad = statusFailure(t.cluster.label, `cron job ${t.namespace}/${t.cronJob}`, cron, [200]);
    if (cronBad) return fail(cronBad, details);
    const refs = secretRefs(cron.json);
    details.cronJobSecrets = refs;
    if (!refs.includes(t.secret))
      return fail(
        {
          layer: 'assertion',
          code: 'CRONJOB_SECRET_NOT_REFERENCED',
          message: `cron job ${t.namespace}/${t.cronJob} on ${t.cluster.label} does not read secret ${t.secret} (it reads: ${refs.join(', ') || 'none'}); the window names the wrong secret`,
        },
        details,
      );
  }

  const k8s = await get(t.cluster.label, t.cluster.base, t.cluster.headers, `/api/v1/namespaces/${t.namespace}/secrets/${t.secret}`);
  if (!k8s.ok) return down(k8s);
  if (k8s.status === 404)
    return fail(
      {
        layer: 'assertion',
        code: 'K8S_SECRET_MISSING',
        message: `secret ${where} does not exist: the Key Vault CSI provider has not created it; restart a pod that mounts the SecretProviderClass${t.cronJob ? ` (cron job ${t.cronJob})` : ''}`,
      },
      details,
    );
  const k8sBad = statusFailure(t.cluster.label, `secret ${t.namespace}/${t.secret}`, k8s, [200], false);
  if (k8sBad) return fail(k8sBad, details);
  const secret = k8s.json as { data?: Record<string, unknown>; metadata?: { creationTimestamp?: string } };
  details.k8sSecretCreated = secret?.metadata?.creationTimestamp ?? 'unknown';
  const raw = secret?.data?.[t.key];
  if (typeof raw !== 'string')
    return fail(
      {
        layer: 'assertion',
        code: 'K8S_SECRET_KEY_MISSING',
        message: `secret ${where} has no key ${t.key} (keys: ${Object.keys(secret?.data ?? {}).join(', ') || 'none'})`,
      },
      details,
    );
  const k8sDigest = digest(Buffer.from(raw, 'base64'));
  if (same(k8sDigest, kvDigest))
    return passed(details, `secret ${where} (key ${t.key}) holds Key Vault ${t.vault.secret} version ${version} (compared by digest)`);

  // Which older version it still holds, if any (each compared by digest, none shown).
  const older = await versionWithDigest(t.vault, k8sDigest, version, o.trust, o.requestMs, signal);
  const holds = older ? `the older version ${older.version} (created ${older.created})` : 'no version Key Vault lists';
  if (older) details.k8sHoldsVersion = older.version;
  return fail(
    {
      layer: 'assertion',
      code: 'K8S_SECRET_STALE',
      message: `secret ${where} (key ${t.key}) is not Key Vault ${t.vault.secret}'s current version ${version}: it holds ${holds}. The CSI provider did not resync — delete the secret (kubectl -n ${t.namespace} delete secret ${t.secret}) so it is recreated from Key Vault${t.cronJob ? `, then check cron job ${t.cronJob}'s next run` : ''}`,
    },
    details,
  );
};

export const secretSyncKind = defineKind({
  id: 'secret-sync',
  family: 'rotations',
  summary: "a cron job's Kubernetes secret holds Key Vault's current version (compared by digest, never shown)",
  params: Params,
  severity: 'critical',
  plan: (ctx: Ctx, p, severity): CheckTask[] => {
    const { estate, config } = ctx;
    const requestMs = config.policy.timeouts.probeMs;
    const label = p.cluster.replace(/^k8s:/, 'K8s ');
    const task = {
      id: `secret-sync:${p.cluster}:${p.namespace}/${p.secret}`,
      kind: 'secret-sync',
      family: 'rotations',
      severity,
      title: `${p.namespace}/${p.secret} on ${label} holds Key Vault ${p.keyVault.secret}'s current version${p.cronJob ? ` (cron job ${p.cronJob})` : ''}`,
      target: { server: label, record: `${p.namespace}/${p.secret}` },
    };
    const cluster = endpointUrl(config, estate, p.cluster);
    const vault = vaultFor(config, estate, p.keyVault);
    const k8sAuth = authHeaders(estate, { scheme: 'bearer', env: p.k8sTokenEnv });
    for (const r of [cluster, vault, k8sAuth]) if (!r.ok) return [brokenTask(task, r.gap)];
    if (!cluster.ok || !vault.ok || !k8sAuth.ok) return [];
    const t: Target = {
      cluster: { label, base: cluster.value, headers: k8sAuth.value },
      vault: vault.value,
      namespace: p.namespace,
      secret: p.secret,
      key: p.key,
      ...(p.cronJob ? { cronJob: p.cronJob } : {}),
    };
    const timeoutMs = requestMs * 8;
    const options = { trust: createTrust(estate.ca), requestMs };
    return [{ ...task, type: 'check', timeoutMs, retries: config.policy.retries, run: (signal) => secretSyncProbe(t, options, signal) }];
  },
});
