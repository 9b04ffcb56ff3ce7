// Accessibility scan (axe-core, WCAG 2 A/AA) of each host's contract pages (and, where the lab's app runs, its
// key pages): no serious or critical violation.
import type { HostKey } from '../../core/config/estate.ts';
import { test, expect } from '../fixtures.ts';
import { e2eSettings } from '../settings.ts';
import { blockingViolations } from '../a11y.ts';
import { regressionRetries } from './retries.ts';
import { runsLabSpecs } from '../target.ts';

regressionRetries();

/** The lab app's key pages per host that need no sign-in (the signed-in dashboard is scanned in my.spec.ts). */
const LAB_KEY_PAGES: Record<HostKey, string[]> = {
  www: ['/', '/search?q=Springfield', '/pay/springfield-water', '/login', '/password/reset'],
  www2: ['/', '/login'],
  my: ['/'],
  sso: ['/', '/password/reset'],
};

test.describe('accessibility', { tag: '@regression' }, () => {
  test('key pages have no serious or critical axe violation', async ({ page, hostKey, contract }, testInfo) => {
    const findings: string[] = [];
    const paths = [...new Set([...contract.pages.map((p) => p.path), ...(runsLabSpecs() ? LAB_KEY_PAGES[hostKey] : [])])];
    for (const path of paths) {
      await test.step(`scan ${path}`, async () => {
        await page.goto(path);
        for (const line of await blockingViolations(page)) findings.push(`${path}: ${line}`);
      });
    }
    if (findings.length) await testInfo.attach('axe-violations.txt', { body: findings.join('\n'), contentType: 'text/plain' });
    expect(findings, `axe found ${e2eSettings.a11yFailOn.join(' or ')} violations`).toEqual([]);
  });
});
