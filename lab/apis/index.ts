// The control-plane APIs the runbook touches, faked on 127.0.0.1 (plain HTTP, loopback only): Opsgenie alerting,
// Mailgun, Key Vault, the K8s API servers and the jobs API. Names here are the ones windows use as endpoints.
import type { ActiveFaults } from '../faults.ts';
import type { ApiFake } from './http.ts';
import { startJobs } from './jobs.ts';
import { labKeyVaultVersions, startKeyVault, type KeyVaultVersion } from './keyvault.ts';
import { LAB_K8S_CLUSTERS, startCluster } from './kubernetes.ts';
import { startMailgun } from './mailgun.ts';
import { startOpsgenie } from './opsgenie.ts';

export interface ApiLab {
  /** Endpoint name → base URL: opsgenie, mailgun, keyvault, jobs, k8s:<cluster>. */
  apis: Record<string, string>;
  /** The Key Vault fake's versions of the Mailgun key, oldest first (what the web servers' apps load). */
  keyVault: readonly KeyVaultVersion[];
  stop(): Promise<void>;
}

export async function startApiLab(opts: { faults: ActiveFaults; servers: readonly string[]; domain: string }): Promise<ApiLab> {
  const versions = labKeyVaultVersions();
  const entries: [string, Promise<ApiFake>][] = [
    ['opsgenie', startOpsgenie(opts.faults, opts.servers)],
    ['mailgun', startMailgun(opts.faults, `mg.${opts.domain}`)],
    ['keyvault', startKeyVault(versions)],
    ['jobs', startJobs(opts.faults)],
    ...LAB_K8S_CLUSTERS.map((c): [string, Promise<ApiFake>] => [`k8s:${c}`, startCluster(c, opts.faults, versions)]),
  ];
  const settled = await Promise.allSettled(entries.map(([, p]) => p));
  const up = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const stop = async () => void (await Promise.all(up.map((f) => f.stop())));
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) {
    await stop();
    throw failed.reason;
  }
  return { apis: Object.fromEntries(entries.map(([name], i) => [name, up[i]!.url])), keyVault: versions, stop };
}
