// Accessibility scan (axe-core, WCAG 2 A/AA) of each host's key pages: no serious or critical violation.
import { AxeBuilder } from '@axe-core/playwright';
import type { HostKey } from '../../core/config/estate.ts';
import { test, expect } from '../fixtures.ts';
import { e2eSettings } from '../settings.ts';
import { regressionRetries } from './retries.ts';

regressionRetries();

/** Key pages per host that need no sign-in (the signed-in dashboard is scanned in my.spec.ts). */
const KEY_PAGES: Record<HostKey, string[]> = {
  www: ['/', '/search?q=Springfield', '/pay/springfield-water', '/login', '/password/reset'],
  www2: ['/', '/login'],
  my: ['/'],
  sso: ['/', '/password/reset'],
};

test.describe('accessibility', { tag: '@regression' }, () => {
  test('key pages have no serious or critical axe violation', async ({ page, hostKey }, testInfo) => {
    const findings: string[] = [];
    for (const path of KEY_PAGES[hostKey]) {
      await test.step(`scan ${path}`, async () => {
        await page.goto(path);
        const scan = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
        const bad = scan.violations.filter((v) => v.impact && (e2eSettings.a11yFailOn as string[]).includes(v.impact));
        for (const v of bad) findings.push(`${path}: ${v.id} (${v.impact}) on ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}: ${v.help}`);
      });
    }
    if (findings.length) await testInfo.attach('axe-violations.txt', { body: findings.join('\n'), contentType: 'text/plain' });
    expect(findings, `axe found ${e2eSettings.a11yFailOn.join(' or ')} violations`).toEqual([]);
  });
});
