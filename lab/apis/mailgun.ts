// A Mailgun-like API: the sending domain, messages accepted and routed, and the events API reporting delivery.
// Faults: `mailgun-key-old` (Mailgun refuses the key: the rotation never reached Mailgun), `mail-routing-broken`
// (messages are accepted but fail at delivery, as a broken route does).
import { randomBytes } from 'node:crypto';
import type { ActiveFaults } from '../faults.ts';
import { credential, json, serveFake, type ApiFake } from './http.ts';
import { LAB_MAILGUN_KEY } from './credentials.ts';

interface Sent {
  id: string;
  to: string;
  at: number;
  failed: boolean;
}

export async function startMailgun(faults: ActiveFaults, domain: string): Promise<ApiFake> {
  const sent = new Map<string, Sent>();
  return serveFake((req, res, url, body) => {
    const key = credential(req, 'Basic');
    if (key !== LAB_MAILGUN_KEY || faults.has('mailgun-key-old')) {
      res.writeHead(401, { 'content-type': 'text/plain' });
      return res.end('Forbidden');
    }
    const p = url.pathname;
    if (req.method === 'GET' && p === `/v3/domains/${domain}`)
      return json(res, 200, {
        domain: { name: domain, state: 'active', type: 'custom' },
        receiving_dns_records: [],
        sending_dns_records: [],
      });
    if (req.method === 'GET' && /^\/v3\/domains\/[^/]+$/.test(p)) return json(res, 404, { message: 'Domain not found' });
    if (req.method === 'POST' && p === `/v3/${domain}/messages`) {
      const form = new URLSearchParams(body);
      const to = form.get('to');
      if (!to || !form.get('from') || !form.get('subject')) return json(res, 400, { message: "'from', 'to' and 'subject' are required" });
      const id = `${Date.now()}.${randomBytes(6).toString('hex')}@${domain}`;
      sent.set(id, { id, to, at: Date.now() / 1000, failed: faults.has('mail-routing-broken') });
      if (sent.size > 500) sent.delete(sent.keys().next().value!);
      return json(res, 200, { id: `<${id}>`, message: 'Queued. Thank you.' });
    }
    if (req.method === 'GET' && p === `/v3/${domain}/events`) {
      const m = sent.get((url.searchParams.get('message-id') ?? '').replace(/^<|>$/g, ''));
      const base = (event: string, dt: number) => ({
        event,
        timestamp: (m?.at ?? 0) + dt,
        recipient: m?.to,
        message: { headers: { 'message-id': m?.id } },
      });
      const items = !m
        ? []
        : [
            base('accepted', 0),
            m.failed
              ? {
                  ...base('failed', 0.5),
                  severity: 'permanent',
                  reason: 'generic',
                  'delivery-status': { code: 550, message: '5.1.1 no route matches the recipient', description: 'route missing' },
                }
              : { ...base('delivered', 0.5), 'delivery-status': { code: 250, message: 'OK' } },
          ];
      return json(res, 200, { items, paging: {} });
    }
    json(res, 404, { message: `no route ${req.method} ${p}` });
  });
}
