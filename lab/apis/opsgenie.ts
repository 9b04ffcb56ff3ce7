// An Opsgenie-like alerting API: one integration per server (web and non-web), enabled unless `alerting-off`
// covers it — the runbook turns alerting off for a batch while it is patched and on again after.
import type { ActiveFaults } from '../faults.ts';
import { credential, json, serveFake, type ApiFake } from './http.ts';
import { LAB_API_TOKEN } from './credentials.ts';
import { faultCovers } from './names.ts';

export async function startOpsgenie(faults: ActiveFaults, servers: readonly string[]): Promise<ApiFake> {
  return serveFake((req, res, url) => {
    const requestId = 'lab-request';
    if (credential(req, 'GenieKey') !== LAB_API_TOKEN) return json(res, 401, { message: 'Could not authenticate', took: 0, requestId });
    const integrations = servers.map((name, i) => ({
      id: `lab-integration-${i + 1}`,
      name,
      type: 'AzureV2',
      enabled: !faultCovers(faults, 'alerting-off', name),
      teamId: 'lab-team-platform',
    }));
    if (req.method === 'GET' && url.pathname === '/v2/integrations') return json(res, 200, { data: integrations, took: 0.01, requestId });
    const one = /^\/v2\/integrations\/([^/]+)$/.exec(url.pathname);
    const found = one && integrations.find((x) => x.id === one[1]);
    if (req.method === 'GET' && found) return json(res, 200, { data: found, took: 0.01, requestId });
    json(res, 404, { message: `no such resource: ${req.method} ${url.pathname}`, took: 0, requestId });
  });
}
