// The accessibility bar of the regression suite: axe-core with the WCAG 2.0/2.1 A and AA rules, and the
// violations whose impact the config says fail the scan (serious and critical by default).
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { e2eSettings } from './settings.ts';

export const A11Y_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/** One line per failing rule: "rule (impact) on targets: help". Empty when the page passes. */
export async function blockingViolations(page: Page, failOn: readonly string[] = e2eSettings.a11yFailOn): Promise<string[]> {
  const scan = await new AxeBuilder({ page }).withTags(A11Y_TAGS).analyze();
  return scan.violations
    .filter((v) => v.impact && failOn.includes(v.impact))
    .map(
      (v) =>
        `${v.id} (${v.impact}) on ${v.nodes
          .map((n) => n.target.join(' '))
          .slice(0, 3)
          .join(', ')}: ${v.help}`,
    );
}
