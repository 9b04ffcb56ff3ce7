// The maintenance-page probe through a stand-in gateway whose answer per host the test sets.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { maintenanceProbe } from '../../sanity/maintenance-probe.ts';
import type { HostKey } from '../../core/config/estate.ts';
import { httpsServer, page, testPki, type Running } from './fixtures.ts';

const running: Running[] = [];
after(() => Promise.all(running.map((r) => r.close())));
const PAGE = { status: 503, marker: 'Scheduled maintenance in progress' };
const MARKER = 'InvoiceCloud';

type Answer = (res: ServerResponse) => void;
const maintenance: Answer = (res) => page(res, 503, `<h1>${PAGE.marker}</h1>`, { 'retry-after': '3600' });
const site: Answer = (res) => page(res, 200, `<h1>${MARKER}</h1>`, { 'x-served-by': 'IC-Web4' });

async function gateway(answer: Answer): Promise<number> {
  const s = await httpsServer((_req, res) => answer(res));
  running.push(s);
  return s.port;
}

async function probe(port: number, key: HostKey, expectedOn: boolean, timeoutMs = 3_000) {
  const { trust } = await testPki();
  const host = { key, name: `${key}.invoicecloud.test`, marker: MARKER, path: '/', maintenancePage: key !== 'www2' };
  const gw = { name: 'agw-pri-appgateway0-prd', address: '127.0.0.1', port, identityHeader: 'x-served-by' };
  return maintenanceProbe({ gateway: gw, host, expectedOn }, { trust, maintenance: PAGE, timeoutMs }, AbortSignal.timeout(timeoutMs));
}

const cases: { name: string; answer: Answer; key: HostKey; on: boolean; status: string; code?: string; message: RegExp }[] = [
  {
    name: 'page up where expected',
    answer: maintenance,
    key: 'www',
    on: true,
    status: 'passed',
    message: /^maintenance page is up on www\.invoicecloud\.test \(503, Retry-After 3600\)$/,
  },
  {
    name: 'page missing where expected',
    answer: site,
    key: 'my',
    on: true,
    status: 'failed',
    code: 'MAINTENANCE_PAGE_MISSING',
    message: /^maintenance page is not served on my\.invoicecloud\.test: it answered 200 from IC-Web4 through agw-pri-appgateway0-prd$/,
  },
  {
    name: 'page without Retry-After',
    answer: (res) => page(res, 503, PAGE.marker),
    key: 'sso',
    on: true,
    status: 'failed',
    code: 'MAINTENANCE_PAGE_INCOMPLETE',
    message: /^maintenance page on sso\.invoicecloud\.test is incomplete: no Retry-After header$/,
  },
  {
    name: 'page served with the wrong status',
    answer: (res) => page(res, 200, PAGE.marker, { 'retry-after': '60' }),
    key: 'www',
    on: true,
    status: 'failed',
    code: 'MAINTENANCE_PAGE_INCOMPLETE',
    message: /incomplete: status 200 instead of 503/,
  },
  {
    name: 'page gone where expected',
    answer: site,
    key: 'my',
    on: false,
    status: 'passed',
    message: /^maintenance page is down on my\.invoicecloud\.test: 200 with "InvoiceCloud"$/,
  },
  {
    name: 'page stuck after it was taken down',
    answer: maintenance,
    key: 'my',
    on: false,
    status: 'failed',
    code: 'MAINTENANCE_PAGE_STILL_UP',
    message: /^maintenance page still served on my\.invoicecloud\.test \(503 "Scheduled maintenance in progress"\)$/,
  },
  {
    name: 'www2 serving',
    answer: site,
    key: 'www2',
    on: false,
    status: 'passed',
    message: /^www2 still serving: 200 with "InvoiceCloud", not behind the maintenance page$/,
  },
  {
    name: 'www2 behind the page',
    answer: maintenance,
    key: 'www2',
    on: false,
    status: 'failed',
    code: 'MAINTENANCE_PAGE_STILL_UP',
    message: /^www2\.invoicecloud\.test is behind the maintenance page \(503 .*\): www2 must keep serving during the window$/,
  },
  {
    name: 'page gone but the site is broken',
    answer: (res) => page(res, 502, 'Bad Gateway'),
    key: 'www',
    on: false,
    status: 'failed',
    code: 'HTTP_STATUS',
    message:
      /^www\.invoicecloud\.test answered 502 through agw-pri-appgateway0-prd \(expected 200 with "InvoiceCloud", no maintenance page\)$/,
  },
];

for (const c of cases) {
  test(`maintenance probe: ${c.name}`, async () => {
    const r = await probe(await gateway(c.answer), c.key, c.on);
    assert.equal(r.status, c.status, JSON.stringify(r));
    assert.match(r.message ?? '', c.message);
    if (c.code) assert.equal(r.failure?.code, c.code);
  });
}

test('maintenance probe: a gateway that never answers is a timeout naming it and the host', async () => {
  const s = await httpsServer(() => undefined);
  running.push(s);
  const r = await probe(s.port, 'www', true, 1_000);
  assert.equal(r.failure?.code, 'TIMEOUT');
  assert.match(r.message ?? '', /^agw-pri-appgateway0-prd \(for www\.invoicecloud\.test\) did not send response headers within 1000 ms$/);
});
