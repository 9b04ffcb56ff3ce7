// The maintenance page a balancer serves for a host while the page is up.
import type { ServerResponse } from 'node:http';
import type { LabHost } from './hosts.ts';

export interface MaintenancePage {
  status: number;
  marker: string;
  retryAfterSeconds: number;
}

export function sendMaintenancePage(res: ServerResponse, host: LabHost, page: MaintenancePage): void {
  res.writeHead(page.status, {
    'content-type': 'text/html; charset=utf-8',
    'retry-after': String(page.retryAfterSeconds),
    'cache-control': 'no-store',
  });
  res.end(
    `<!doctype html><html lang="en"><head><title>${page.marker}</title></head><body><main><h1>${page.marker}</h1>` +
      `<p>${host.fqdn} is unavailable during the scheduled maintenance window. Please try again later.</p></main></body></html>`,
  );
}
