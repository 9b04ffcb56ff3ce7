// The Kubernetes manifests the k6-operator runs: a ConfigMap holding the bundle (and the CA when one is
// trusted) and a TestRun with the parallelism, the environment and the k6 arguments.
import { isIP } from 'node:net';
import { stringify } from 'yaml';
import type { K6RunPlan } from '../contract.ts';
import { PLAN_ENV } from '../contract.ts';

/** A ConfigMap holds at most 1 MiB (the k6-operator's documented limit for configMap scripts). */
export const CONFIGMAP_LIMIT_BYTES = 1_048_576;
const CA_DIR = '/etc/harness-ca';

export interface OperatorInput {
  /** DNS-1123 name of the TestRun; the ConfigMaps are <name>-bundle and <name>-ca. */
  name: string;
  namespace: string;
  parallelism: number;
  image: string;
  /** File name inside the ConfigMap: <script>.js. */
  file: string;
  bundleText: string;
  plan: K6RunPlan;
  /** PEM of an extra CA to trust (mounted, SSL_CERT_FILE points at it). */
  caPem?: string;
}

/** Arguments given to `k6 run` in every runner (the operator needs k6's REST API, so it stays on). */
export const OPERATOR_ARGUMENTS = '--no-usage-report --no-color --quiet';

export function operatorManifests(i: OperatorInput): Record<string, unknown>[] {
  if (!/^[a-z0-9]([-a-z0-9]{0,50}[a-z0-9])?$/.test(i.name))
    throw new Error(`TestRun name ${i.name} is not a Kubernetes name (lowercase letters, digits, '-'; at most 52 characters)`);
  if (!Number.isInteger(i.parallelism) || i.parallelism < 1)
    throw new Error(`parallelism must be a whole number of at least 1, got ${i.parallelism}`);
  for (const t of i.plan.targets) {
    const host = t.address?.replace(/^\[|\]?:\d+$/g, '');
    if (host !== undefined && !isIP(host))
      throw new Error(
        `target ${t.name} is pinned to ${t.address}: k6 never looks up a name in hosts (it would dial 0.0.0.0); resolve it first (resolvePins)`,
      );
  }
  const bytes = Buffer.byteLength(i.bundleText);
  if (bytes > CONFIGMAP_LIMIT_BYTES)
    throw new Error(`the bundle ${i.file} is ${bytes} bytes, over the 1 MiB a ConfigMap holds; use a volumeClaim`);
  const labels = { 'app.kubernetes.io/part-of': 'maintenance-window-harness', 'harness/script': i.plan.script };
  const env = [
    { name: PLAN_ENV, value: JSON.stringify(i.plan) },
    { name: 'K6_NO_USAGE_REPORT', value: 'true' },
    ...(i.caPem ? [{ name: 'SSL_CERT_FILE', value: `${CA_DIR}/ca.pem` }] : []),
  ];
  const ca = i.caPem
    ? {
        volumes: [{ name: 'harness-ca', configMap: { name: `${i.name}-ca` } }],
        volumeMounts: [{ name: 'harness-ca', mountPath: CA_DIR, readOnly: true }],
      }
    : {};
  const docs: Record<string, unknown>[] = [
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: `${i.name}-bundle`, namespace: i.namespace, labels },
      data: { [i.file]: i.bundleText },
    },
  ];
  if (i.caPem)
    docs.push({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: `${i.name}-ca`, namespace: i.namespace, labels },
      data: { 'ca.pem': i.caPem },
    });
  docs.push({
    apiVersion: 'k6.io/v1alpha1',
    kind: 'TestRun',
    metadata: {
      name: i.name,
      namespace: i.namespace,
      labels,
      annotations: {
        'harness/thresholds': 'evaluated by each runner on its own share of the load; the operator does not merge them across runners',
      },
    },
    spec: {
      parallelism: i.parallelism,
      script: { configMap: { name: `${i.name}-bundle`, file: i.file } },
      arguments: OPERATOR_ARGUMENTS,
      separate: false,
      // The initializer runs the script's init code (k6 archive/inspect), which reads HARNESS_K6; the operator
      // gives that pod only spec.initializer.env, not the runner's.
      initializer: { image: i.image, env },
      runner: { image: i.image, env, ...ca },
    },
  });
  return docs;
}

export function toYaml(docs: readonly Record<string, unknown>[]): string {
  return docs.map((d) => stringify(d, { lineWidth: 0, aliasDuplicateObjects: false })).join('---\n');
}
