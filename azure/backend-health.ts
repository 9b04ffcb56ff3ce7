// Pool membership in Azure's own words: the Application Gateway's backend health and the load balancer's rule
// health, read with the Azure SDK (DefaultAzureCredential in production; the lab's test token on loopback).
import { Agent as HttpsAgent } from 'node:https';
import { rootCertificates } from 'node:tls';
import type { TokenCredential } from '@azure/core-auth';
import type { AzureView } from '../estate/model.ts';

/** One backend as Azure reports it. */
export interface AzureBackend {
  address: string;
  /** The NIC IP configuration's resource id, when Azure gives one. */
  nic?: string;
  /** Up, Down, Unknown, Partial, Draining (gateway); Up, Down (load balancer rule). */
  health: string;
  /** The gateway's health probe log or the load balancer's reason. */
  why?: string;
}

export type AzureRead = { ok: true; backends: AzureBackend[] } | { ok: false; code: string; message: string };

export interface ReadOptions {
  /** Extra CA for the Resource Manager endpoint (the lab's); Azure's own uses the system roots. */
  ca?: string;
  signal: AbortSignal;
  /** Tests: a credential instead of the default chain. */
  credential?: TokenCredential;
}

/**
 * The Azure RBAC actions each read needs, as Azure's Microsoft.Network operations list names them (both reads are
 * POSTs, which the built-in Reader role's read-only actions do not cover), then the reads of the long-running result
 * the SDK polls. docs/production.md §6 gives the custom role with exactly these; a test keeps the two in step.
 */
export const AZURE_PERMISSIONS = {
  'application-gateway': 'Microsoft.Network/applicationGateways/backendhealth/action',
  'load-balancer': 'Microsoft.Network/loadBalancers/loadBalancingRules/health/action',
  poll: ['Microsoft.Network/locations/operationResults/read', 'Microsoft.Network/locations/operations/read'],
} as const;

/** The lab's stand-in accepts this token only; a real endpoint never sees it (the lab's view carries it). */
function staticCredential(token: string): TokenCredential {
  return { getToken: async () => ({ token, expiresOnTimestamp: Date.now() + 3_600_000 }) };
}

async function credentialFor(view: AzureView, given?: TokenCredential): Promise<TokenCredential> {
  if (given) return given;
  if (view.labToken) return staticCredential(view.labToken);
  // Azure CLI login, managed identity, workload identity or environment variables, in the SDK's own order.
  const { DefaultAzureCredential } = await import('@azure/identity');
  return new DefaultAzureCredential();
}

/** What went wrong, by the SDK's stable fields (status, code), never by message text. */
function failureOf(err: unknown, view: AzureView): { code: string; message: string } {
  const e = err as { statusCode?: number; code?: string; name?: string; message?: string };
  const what = `${view.kind === 'application-gateway' ? 'backend health of' : 'rule health of'} ${view.name} (${view.resourceGroup})`;
  if (e.statusCode === 401 || e.statusCode === 403 || e.code === 'AuthorizationFailed')
    return {
      code: 'AZURE_FORBIDDEN',
      message: `Azure refused to show the ${what} (${e.statusCode ?? e.code}): Reader is not enough (the read is a POST); grant the harness's identity ${AZURE_PERMISSIONS[view.kind]} and ${AZURE_PERMISSIONS.poll.join(', ')} (the custom role in docs/production.md §6)`,
    };
  if (e.name === 'CredentialUnavailableError' || e.name === 'AuthenticationRequiredError' || e.name === 'AggregateAuthenticationError')
    return {
      code: 'AZURE_NO_CREDENTIAL',
      message: `no Azure credential to read the ${what}: sign in with \`az login\`, or run with a managed or workload identity (${e.name})`,
    };
  if (e.statusCode === 404)
    return { code: 'AZURE_NOT_FOUND', message: `Azure has no such resource: the ${what} (check environments.*.azure)` };
  if (e.name === 'AbortError') return { code: 'TIMEOUT', message: `Azure did not answer for the ${what} in time` };
  return { code: e.code ?? 'AZURE_ERROR', message: `could not read the ${what}: ${e.code ?? e.statusCode ?? e.name ?? 'error'}` };
}

export async function readAzureHealth(view: AzureView, options: ReadOptions): Promise<AzureRead> {
  try {
    const [{ NetworkManagementClient }, credential] = await Promise.all([
      import('@azure/arm-network'),
      credentialFor(view, options.credential),
    ]);
    const ca = options.ca ?? view.ca;
    const client = new NetworkManagementClient(credential, view.subscriptionId, {
      ...(view.endpoint ? { endpoint: view.endpoint, credentials: { scopes: [`${view.endpoint}/.default`] } } : {}),
      retryOptions: { maxRetries: 1 },
      // The lab's endpoint is trusted through its CA, on top of the system roots; verification stays on.
      ...(ca
        ? {
            additionalPolicies: [
              {
                position: 'perCall' as const,
                policy: {
                  name: 'harness-trust',
                  sendRequest: (req, next) => {
                    // The lab's stand-in listens on 127.0.0.1 with a certificate for its name: verified for that name.
                    req.agent = new HttpsAgent({ ca: [...rootCertificates, ca], ...(view.tlsName ? { servername: view.tlsName } : {}) });
                    return next(req);
                  },
                },
              },
            ],
          }
        : {}),
    });
    const poll = { abortSignal: options.signal, updateIntervalInMs: view.labToken ? 50 : 2_000 };
    if (view.kind === 'application-gateway') {
      const health = await client.applicationGateways.backendHealth(view.resourceGroup, view.name, poll);
      const backends: AzureBackend[] = [];
      for (const pool of health.backendAddressPools ?? [])
        for (const settings of pool.backendHttpSettingsCollection ?? [])
          for (const s of settings.servers ?? [])
            backends.push({
              address: s.address ?? '',
              ...(s.ipConfiguration?.id ? { nic: s.ipConfiguration.id } : {}),
              health: s.health ?? 'Unknown',
              ...(s.healthProbeLog ? { why: s.healthProbeLog } : {}),
            });
      return { ok: true, backends };
    }
    if (!view.rule) return { ok: false, code: 'AZURE_NO_RULE', message: `environments.*.azure.ilb.rule is not set for ${view.name}` };
    const rule = await client.loadBalancerLoadBalancingRules.health(view.resourceGroup, view.name, view.rule, poll);
    return {
      ok: true,
      backends: (rule.loadBalancerBackendAddresses ?? []).map((a) => ({
        address: a.ipAddress ?? '',
        ...(a.networkInterfaceIPConfigurationId ? { nic: a.networkInterfaceIPConfigurationId } : {}),
        health: a.state ?? 'Unknown',
        ...(a.reason ? { why: a.reason } : {}),
      })),
    };
  } catch (err) {
    return { ok: false, ...failureOf(err, view) };
  }
}

/**
 * Azure's backends by server name: by address where the address is unique among the servers, else by the NIC
 * resource id naming the server (`…/networkInterfaces/<name>` or `<name>-nic`). A backend that maps to no server is kept by address.
 */
export function byServer(
  backends: readonly AzureBackend[],
  servers: readonly { name: string; address: string }[],
): Map<string, AzureBackend[]> {
  const out = new Map<string, AzureBackend[]>();
  const nicName = (id?: string) => /\/networkInterfaces\/([^/]+)/i.exec(id ?? '')?.[1]?.toLowerCase();
  for (const b of backends) {
    const sameAddress = servers.filter((s) => s.address === b.address);
    const nic = nicName(b.nic);
    const server =
      sameAddress.length === 1
        ? sameAddress[0]
        : servers.find((s) => nic && (nic === s.name.toLowerCase() || nic === `${s.name.toLowerCase()}-nic`));
    const key = server?.name ?? b.address;
    out.set(key, [...(out.get(key) ?? []), b]);
  }
  return out;
}

/** A server is up in Azure only when every entry for it is Up (a gateway lists it once per HTTP setting). */
export const isUp = (entries: readonly AzureBackend[] | undefined): boolean =>
  Boolean(entries?.length) && entries!.every((b) => b.health === 'Up');
