// The HTML report as a person opens it: real Chromium at 1400×1000, the verdict and action on the first screen.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { launchTestBrowser, type TestBrowser } from '../support/browser.ts';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from '@playwright/test';
import { findChromium } from '../../e2e/browser.ts';
import { runReport } from '../../reports/report.ts';
import { targetLabel } from '../../reports/checks.ts';
import type { CheckResult } from '../../core/result.ts';
import { makeRunFolder, syntheticChecks, tmpRoot } from './fixture.ts';

const TMP_ROOT = tmpRoot('browser');
const VIEWPORT = { width: 1400, height: 1000 };
const executablePath = findChromium();
let browser: Browser | undefined;
let launched: TestBrowser | undefined;

before(async () => {
  launched = await launchTestBrowser();
  browser = launched?.browser;
});
after(async () => {
  await launched?.close();
});

/** The case: a NO-GO with a few failed servers drowned in 51 broken, non-blocking k6 checks. */
function noisyNoGo(): CheckResult[] {
  const base = syntheticChecks().filter((c) => c.status === 'passed' || (c.status === 'failed' && c.kind !== 'sanity'));
  const k6 = Array.from(
    { length: 51 },
    (_, i): CheckResult => ({
      id: `k6:smoke-load:www:threshold-${i}`,
      kind: 'k6',
      title: `k6 smoke-load threshold ${i}`,
      target: { host: 'www' },
      severity: 'major',
      status: 'broken',
      attempts: 1,
      flaky: false,
      startedAt: '2025-06-22T04:01:00.000Z',
      durationMs: 5,
      message: 'k6 is not installed: set K6_BIN or put k6 on PATH',
    }),
  );
  return [...base, ...k6];
}

async function openReport(page: Page, html: string): Promise<string[]> {
  const requests: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(pathToFileURL(html).href);
  await page.locator('[data-testid="tree-leaf"]').first().waitFor({ timeout: 30_000 }); // the Allure app rendered below
  return requests;
}

async function assertOnFirstScreen(page: Page, selector: string): Promise<void> {
  const box = await page.locator(selector).first().boundingBox();
  assert.ok(box, `${selector} is rendered`);
  assert.ok(
    box.y >= 0 && box.x >= 0 && box.y + box.height <= VIEWPORT.height && box.x + box.width <= VIEWPORT.width,
    `${selector} inside the first screen: ${JSON.stringify(box)}`,
  );
}

test('the report opens on the decision: verdict, action, reasons in a real browser at 1400×1000', {
  skip: executablePath ? false : 'no Chromium (apt-get install -y chromium, or CHROMIUM_PATH)',
}, async () => {
  const { dir, summary } = await makeRunFolder(TMP_ROOT, { checks: noisyNoGo() });
  assert.equal(summary.verdict, 'no-go');
  const outcome = await runReport({ runDir: dir, log: () => undefined });
  assert.ok(outcome.htmlPath);
  const page = await browser!.newPage({ viewport: VIEWPORT });
  try {
    const requests = await openReport(page, outcome.htmlPath);
    assert.deepEqual(
      requests.filter((u) => !/^(file|data|blob):/.test(u)),
      [],
      'opens from disk: no network',
    );
    assert.equal(await page.evaluate('window.scrollY'), 0, 'not scrolled');
    await page.screenshot({ path: join(dir, 'first-screen.png') });

    assert.equal((await page.locator('.hd-verdict').first().innerText()).trim(), 'NO-GO');
    assert.match(await page.locator('.hd-action').first().innerText(), /restore the maintenance page|^Action/i);
    await assertOnFirstScreen(page, '.hd-verdict');
    await assertOnFirstScreen(page, '.hd-action');
    // one line per driving check, in words, each linking to its check in the report
    const reasons = page.locator('.hd-run h2 + ul').first().locator('li');
    assert.equal(await reasons.count(), summary.reasons.length);
    await assertOnFirstScreen(page, '.hd-run h2 + ul li:last-child');
    const first = summary.checks.find((c) => `${c.id} ${c.status}: ${c.message}` === summary.reasons[0])!;
    assert.equal((await reasons.first().innerText()).trim(), `${targetLabel(first)} — ${first.title} — failed: ${first.message}`);
    // the 51 broken k6 checks are one folded, non-blocking warning line, not the first screen
    const warnings = await page.locator('.hd-run h2 + ul').nth(1).innerText();
    assert.match(warnings, /51 checks — could not be checked: k6 is not installed/);

    const link = reasons.first().locator('a');
    const href = await link.getAttribute('href');
    assert.match(href ?? '', /^#[0-9a-f]{32}$/);
    await link.click();
    await page.getByText(first.message!).first().waitFor({ timeout: 10_000 });
  } finally {
    await page.close();
  }
});

test('a GO run opens on GO and its action; the categories tell blocking, new, pre-existing, flaky and broken apart', {
  skip: executablePath ? false : 'no Chromium',
}, async () => {
  const passing = syntheticChecks()
    .filter((c) => c.status !== 'failed')
    .map((c) => (c.status === 'broken' || c.status === 'skipped' ? { ...c, severity: 'minor' as const } : c));
  const { dir: baselineDir } = await makeRunFolder(TMP_ROOT, { checks: passing, phase: 'pre-maintenance' });
  const later = passing.map((c) => (c.kind === 'dns' && c.status === 'broken' ? { ...c, message: 'a new cause' } : c));
  const { dir, summary } = await makeRunFolder(TMP_ROOT, { checks: later });
  assert.equal(summary.verdict, 'go');
  const outcome = await runReport({ runDir: dir, baselineDir, log: () => undefined });
  const page = await browser!.newPage({ viewport: VIEWPORT });
  try {
    await openReport(page, outcome.htmlPath!);
    await page.screenshot({ path: join(dir, 'first-screen.png') });
    assert.equal((await page.locator('.hd-verdict').first().innerText()).trim(), 'GO');
    await assertOnFirstScreen(page, '.hd-verdict');
    await assertOnFirstScreen(page, '.hd-action');
    const counts = await page.locator('.hd-counts').first().innerText();
    assert.match(counts, /Pre-existing: failed the same way at baseline: 6/);
    assert.match(counts, /Could not be checked, not blocking: 1/, 'the dns broken check has a new message: not pre-existing');
    assert.match(counts, /Flaky: passed after a retry: 1/);
  } finally {
    await page.close();
  }
});
