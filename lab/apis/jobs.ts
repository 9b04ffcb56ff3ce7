// The scheduled-jobs status API the runbook's post-steps restart: Product Integrations and Product Engineering
// jobs, running unless `jobs-stopped:GROUP` leaves that group paused.
import type { ActiveFaults } from '../faults.ts';
import { credential, json, serveFake, type ApiFake } from './http.ts';
import { LAB_API_TOKEN } from './credentials.ts';

export const LAB_JOBS = [
  { name: 'biller-file-import', group: 'integrations' },
  { name: 'payment-export', group: 'integrations' },
  { name: 'ach-return-import', group: 'integrations' },
  { name: 'invoice-notification-sender', group: 'engineering' },
  { name: 'autopay-scheduler', group: 'engineering' },
] as const;

export async function startJobs(faults: ActiveFaults): Promise<ApiFake> {
  return serveFake((req, res, url) => {
    if (credential(req, 'Bearer') !== LAB_API_TOKEN) return json(res, 401, { error: 'unauthorized' });
    if (req.method !== 'GET' || url.pathname !== '/api/jobs') return json(res, 404, { error: `no route ${req.method} ${url.pathname}` });
    const group = url.searchParams.get('group');
    const jobs = LAB_JOBS.filter((j) => !group || j.group === group).map((j) => ({
      ...j,
      state: faults.has('jobs-stopped', j.group) ? 'paused' : 'running',
      lastRunAt: new Date(Date.now() - 60_000).toISOString(),
    }));
    json(res, 200, { jobs });
  });
}
