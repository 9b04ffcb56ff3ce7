// The accessibility check can fail: axe in the lab's Chromium finds the blocking violations of a bad page
// and none on a page built with the lab app's layout (what the regression scan holds the lab to).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { launchTestBrowser, type TestBrowser } from '../support/browser.ts';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from '@playwright/test';
import { blockingViolations } from '../../e2e/a11y.ts';
import { field, page as layout } from '../../lab/app/layout.ts';

const PAGES: Record<string, string> = {
  '/bad': '<!doctype html><html><head><title>x</title></head><body><img src="data:,"><input type="text"><button></button></body></html>',
  '/good': layout({
    marker: 'InvoiceCloud',
    site: 'Pay your bill',
    title: 'Sign in',
    body: `<h1>Sign in</h1><form>${field({ name: 'user', label: 'Email address', type: 'email' })}<button type="submit">Sign in</button></form>`,
  }),
};
let server: Server;
let browser: Browser;
let launched: TestBrowser | undefined;

before(async () => {
  server = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(PAGES[req.url ?? ''] ?? '');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  launched = await launchTestBrowser();
  if (!launched) throw new Error('no Chromium found: run npm run setup (or set CHROMIUM_PATH)');
  browser = launched.browser;
});
after(async () => {
  await launched?.close();
  await new Promise<void>((r) => server.close(() => r()));
});

const cases = [
  { path: '/bad', want: ['button-name', 'html-has-lang', 'image-alt', 'label'] },
  { path: '/good', want: [] },
];
for (const c of cases) {
  test(`axe on ${c.path}: ${c.want.length ? c.want.join(', ') : 'nothing blocking'}`, async () => {
    // axe needs a page of an explicit context (it opens a blank page beside it for frames).
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}${c.path}`);
      const found = (await blockingViolations(page)).map((l) => l.split(' ')[0]).sort();
      assert.deepEqual(found, c.want);
    } finally {
      await context.close();
    }
  });
}
