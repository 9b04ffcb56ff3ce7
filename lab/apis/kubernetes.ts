// Kubernetes API servers of the K8s clusters (PLAT-1987): /version, nodes with a Ready condition, the Mailgun
// secret the Key Vault CSI provider syncs, and the cron job that reads it. Faults: an old version, a node not
// Ready, the secret stale (still the previous Key Vault version, as the runbook saw) or missing.
import type { ActiveFaults } from '../faults.ts';
import { credential, json, serveFake, type ApiFake } from './http.ts';
import { LAB_API_TOKEN } from './credentials.ts';
import type { KeyVaultVersion } from './keyvault.ts';

export const LAB_K8S_CLUSTERS = ['aks-prd-1', 'aks-prd-2'] as const;
export const LAB_K8S_VERSION = 'v1.31.4';
export const LAB_K8S_SECRET = { cluster: 'aks-prd-1', namespace: 'biller', name: 'biller-mailgun', key: 'MAILGUN_API_KEY' } as const;
export const LAB_CRONJOB = 'biller-mailgun-message-status-job';

const status = (code: number, reason: string, message: string) => ({
  kind: 'Status',
  apiVersion: 'v1',
  status: 'Failure',
  message,
  reason,
  code,
});

export async function startCluster(name: string, faults: ActiveFaults, keyVault: readonly KeyVaultVersion[]): Promise<ApiFake> {
  return serveFake((req, res, url) => {
    if (credential(req, 'Bearer') !== LAB_API_TOKEN) return json(res, 401, status(401, 'Unauthorized', 'Unauthorized'));
    if (req.method !== 'GET') return json(res, 405, status(405, 'MethodNotAllowed', 'the lab serves GET only'));
    const p = url.pathname;
    const version = faults.has('k8s-version-old', name) ? 'v1.30.9' : LAB_K8S_VERSION;
    if (p === '/version') {
      const [, major, minor] = /^v(\d+)\.(\d+)/.exec(version)!;
      return json(res, 200, { major, minor, gitVersion: version, platform: 'linux/amd64' });
    }
    if (p === '/api/v1/nodes') {
      const items = [1, 2, 3].map((i) => {
        const ready = !(i === 2 && faults.has('k8s-node-notready', name));
        return {
          metadata: { name: `${name}-nodepool1-${i}` },
          status: {
            conditions: [
              { type: 'MemoryPressure', status: 'False' },
              ready
                ? { type: 'Ready', status: 'True', reason: 'KubeletReady' }
                : { type: 'Ready', status: 'False', reason: 'KubeletNotReady', message: 'container runtime is down' },
            ],
            nodeInfo: { kubeletVersion: version },
          },
        };
      });
      return json(res, 200, { kind: 'NodeList', apiVersion: 'v1', items });
    }
    const s = LAB_K8S_SECRET;
    const hasSecret = name === s.cluster && !faults.has('k8s-secret-missing');
    if (p === `/api/v1/namespaces/${s.namespace}/secrets/${s.name}` && hasSecret) {
      // The CSI driver created it from the previous version and never updated it (the June window's trouble).
      const synced = faults.has('k8s-secret-stale') ? keyVault[0]! : keyVault.at(-1)!;
      return json(res, 200, {
        kind: 'Secret',
        apiVersion: 'v1',
        metadata: {
          name: s.name,
          namespace: s.namespace,
          creationTimestamp: new Date(synced.created * 1000 + 60_000).toISOString(),
          labels: { 'secrets-store.csi.k8s.io/managed': 'true' },
        },
        type: 'Opaque',
        data: { [s.key]: Buffer.from(synced.value).toString('base64') },
      });
    }
    if (p === `/apis/batch/v1/namespaces/${s.namespace}/cronjobs/${LAB_CRONJOB}` && name === s.cluster) {
      const container = {
        name: 'job',
        image: 'lab/biller:1',
        env: [{ name: s.key, valueFrom: { secretKeyRef: { name: s.name, key: s.key } } }],
      };
      return json(res, 200, {
        kind: 'CronJob',
        apiVersion: 'batch/v1',
        metadata: { name: LAB_CRONJOB, namespace: s.namespace },
        spec: { schedule: '*/15 * * * *', suspend: false, jobTemplate: { spec: { template: { spec: { containers: [container] } } } } },
      });
    }
    const kind = p.includes('/secrets/') ? 'secrets' : p.includes('/cronjobs/') ? 'cronjobs.batch' : 'resource';
    json(res, 404, status(404, 'NotFound', `${kind} "${p.split('/').at(-1)}" not found`));
  });
}
