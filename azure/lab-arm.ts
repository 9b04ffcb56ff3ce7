// Azure Resource Manager's backend-health API as the lab (and the second test site) serve it on loopback: the
// same paths, long-running-operation protocol (202 + Location, then 200) and JSON shapes the Azure SDK reads.
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { createPki } from '../lab/tls/pki.ts';

/** The name the stand-in's certificate is for; clients reach 127.0.0.1 with this as TLS server name. */
export const ARM_TLS_NAME = 'management.azure.test';

export interface ArmMember {
  name: string;
  address: string;
  /** Up, Down, Draining …; absent = not in the backend pool at all. */
  health: string;
  why?: string;
}

export interface ArmLabOptions {
  /** Folder for the stand-in's own CA (ca.pem). */
  dir: string;
  subscriptionId?: string;
  gateway?: { resourceGroup: string; name: string; members: () => ArmMember[] };
  ilb?: { resourceGroup: string; name: string; rule: string; members: () => ArmMember[] };
  /** The stand-in's certificate and CA when the caller has its own PKI (the second test site's internal CA). */
  tls?: { key: string; cert: string; caPem: string; caFile: string };
  /** Address to listen on (default 127.0.0.1). */
  address?: string;
}

export interface ArmLab {
  endpoint: string;
  subscriptionId: string;
  token: string;
  caFile: string;
  caPem: string;
  stop(): Promise<void>;
}

const nicId = (sub: string, rg: string, name: string) =>
  `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.Network/networkInterfaces/${name}-nic/ipConfigurations/ipconfig1`;

export async function startArmLab(opts: ArmLabOptions): Promise<ArmLab> {
  const sub = opts.subscriptionId ?? '00000000-0000-4000-8000-00000000a2b0';
  const token = `lab-${randomBytes(12).toString('hex')}`;
  const pki = opts.tls ?? (await createPki(join(opts.dir, 'azure'), [ARM_TLS_NAME]));
  const pair = opts.tls ?? (pki as Awaited<ReturnType<typeof createPki>>).hosts.get(ARM_TLS_NAME)!;
  const address = opts.address ?? '127.0.0.1';
  const results = new Map<string, unknown>();
  let port = 0;

  const gatewayBody = () => {
    const g = opts.gateway!;
    return {
      backendAddressPools: [
        {
          backendAddressPool: {
            id: `/subscriptions/${sub}/resourceGroups/${g.resourceGroup}/providers/Microsoft.Network/applicationGateways/${g.name}/backendAddressPools/web`,
          },
          backendHttpSettingsCollection: [
            {
              backendHttpSettings: {
                id: `/subscriptions/${sub}/resourceGroups/${g.resourceGroup}/providers/Microsoft.Network/applicationGateways/${g.name}/backendHttpSettingsCollection/https`,
              },
              servers: g.members().map((m) => ({
                address: m.address,
                ipConfiguration: { id: nicId(sub, g.resourceGroup, m.name) },
                health: m.health,
                ...(m.why ? { healthProbeLog: m.why } : {}),
              })),
            },
          ],
        },
      ],
    };
  };
  const ilbBody = () => {
    const l = opts.ilb!;
    const members = l.members();
    return {
      up: members.filter((m) => m.health === 'Up').length,
      down: members.filter((m) => m.health !== 'Up').length,
      loadBalancerBackendAddresses: members.map((m) => ({
        ipAddress: m.address,
        networkInterfaceIPConfigurationId: nicId(sub, l.resourceGroup, m.name),
        state: m.health,
        ...(m.why ? { reason: m.why } : {}),
      })),
    };
  };

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'x-ms-request-id': randomUUID(), ...headers });
    res.end(body === undefined ? '' : JSON.stringify(body));
  };
  const error = (res: ServerResponse, status: number, code: string, message: string) => send(res, status, { error: { code, message } });

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    if (req.headers.authorization !== `Bearer ${token}`)
      return error(res, 401, 'InvalidAuthenticationToken', 'The access token is invalid.');
    const url = new URL(req.url ?? '/', `https://${ARM_TLS_NAME}`);
    if (!url.searchParams.get('api-version')) return error(res, 400, 'MissingApiVersionParameter', 'api-version is required');
    const op = /^\/operations\/([0-9a-f-]+)$/.exec(url.pathname);
    if (op && req.method === 'GET') {
      const body = results.get(op[1]!);
      return body === undefined ? error(res, 404, 'NotFound', 'no such operation') : send(res, 200, body);
    }
    const base = `/subscriptions/${sub}/resourceGroups/`;
    const g = opts.gateway;
    const l = opts.ilb;
    let body: unknown;
    if (
      req.method === 'POST' &&
      g &&
      url.pathname === `${base}${g.resourceGroup}/providers/Microsoft.Network/applicationGateways/${g.name}/backendhealth`
    )
      body = gatewayBody();
    else if (
      req.method === 'POST' &&
      l &&
      url.pathname === `${base}${l.resourceGroup}/providers/Microsoft.Network/loadBalancers/${l.name}/loadBalancingRules/${l.rule}/health`
    )
      body = ilbBody();
    else return error(res, 404, 'ResourceNotFound', `The Resource '${url.pathname}' was not found.`);
    // As Azure does: accepted now, the result at the Location once the operation has run.
    const id = randomUUID();
    results.set(id, body);
    send(res, 202, undefined, { location: `https://${address}:${port}/operations/${id}?api-version=2026-01-01`, 'retry-after': '0' });
  };

  const server = createServer({ key: pair.key, cert: pair.cert }, (req, res) => {
    req.resume();
    req.on('end', () => handle(req, res));
  });
  server.keepAliveTimeout = 1_000;
  port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, address, () => {
      const a = server.address();
      resolve(a && typeof a === 'object' ? a.port : 0);
    });
  });
  return {
    endpoint: `https://${address}:${port}`,
    subscriptionId: sub,
    token,
    caFile: pki.caFile,
    caPem: pki.caPem,
    stop: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}
