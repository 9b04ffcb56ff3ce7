// Regression retries: on CI only (a pass on retry is reported flaky); smoke never retries.
import { test } from '../fixtures.ts';
import { e2eSettings } from '../settings.ts';

export function regressionRetries(): void {
  test.describe.configure({ retries: process.env.CI ? e2eSettings.regressionRetriesOnCi : 0 });
}
