// A lab HTTPS health endpoint for the non-web groups on port 443: GET /health → 200 "ok" with a certificate
// for <server>.<lab domain>; `service-unhealthy:SERVER` answers 503.
import { createServer, type Server } from 'node:https';
import type { KeyPair } from '../tls/pki.ts';
import type { ActiveFaults } from '../faults.ts';

export function healthServer(name: string, pair: KeyPair, faults: ActiveFaults): Server {
  return createServer({ key: pair.key, cert: pair.cert }, (req, res) => {
    const path = new URL(req.url ?? '/', 'https://lab.invalid').pathname;
    if (path !== '/health') return void res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    const healthy = !faults.has('service-unhealthy', name);
    res.writeHead(healthy ? 200 : 503, { 'content-type': 'text/plain' }).end(healthy ? 'ok' : 'unhealthy: dependency check failed');
  });
}

/** The name a lab service's certificate covers: ic-app1.invoicecloud.test. */
export function serviceTlsName(server: string, domain: string): string {
  return `${server.toLowerCase()}.${domain}`;
}
