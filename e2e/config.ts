// Playwright section of the harness config: how the suites run (workers, timeouts, retries, the a11y bar).
import { z } from 'zod';

const Ms = z.number().int().positive();

export const E2eConfig = z.strictObject({
  /** Parallel browser workers; 2 fits the 2-core machines the harness runs on. */
  workers: z.number().int().min(1).max(16).default(2),
  /** Per test; a smoke test takes a few seconds, so this only catches a hang. */
  testTimeoutMs: Ms.default(30_000),
  /** Per expect / action / navigation wait. */
  expectTimeoutMs: Ms.default(5_000),
  /** Regression retries on CI (smoke never retries: a flaky production smoke is a finding, not noise). */
  regressionRetriesOnCi: z.number().int().min(0).max(3).default(1),
  /** Explicit browser; otherwise CHROMIUM_PATH, /usr/bin/chromium, /usr/bin/chromium-browser, Playwright's own. */
  chromiumPath: z.string().min(1).optional(),
  /** axe impacts that fail the accessibility scan. */
  a11yFailOn: z.array(z.enum(['minor', 'moderate', 'serious', 'critical'])).default(['serious', 'critical']),
});
export type E2eConfig = z.infer<typeof E2eConfig>;
export type E2eConfigInput = z.input<typeof E2eConfig>;
