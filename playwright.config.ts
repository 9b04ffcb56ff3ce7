// Playwright for the harness: one project per host, Chromium found on the machine, the lab's .test hosts
// mapped to its gateway and only its verified certificates trusted (e2e/fixtures.ts), reports the adapter reads.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { defineConfig, type ReporterDescription } from '@playwright/test';
import { HOST_KEYS, type HostKey } from './core/config/estate.ts';
import type { HostOptions, WorkerOptions } from './e2e/fixtures.ts';
import { baseArgs, findChromium } from './e2e/browser.ts';
import { ENV, runsLabSpecs } from './e2e/target.ts';
import { e2eSettings, harnessSettings } from './e2e/settings.ts';
import { hostContract } from './e2e/contracts.ts';

const CI = Boolean(process.env.CI);
const out = resolve(process.env[ENV.output] || '.tmp/e2e');
// The browser's temp files stay in the project (.tmp), never in $HOME; short paths for Chromium's sockets.
// Set on this process (workers and browsers inherit it), not in launchOptions.env: the JSON report
// copies `use` into itself, and with it every variable of the environment, passwords included.
if (!process.env[ENV.scratch]) {
  const scratch = resolve('.tmp/pw').length <= 50 ? resolve('.tmp/pw') : '/tmp/harness-pw';
  mkdirSync(scratch, { recursive: true });
  Object.assign(process.env, {
    [ENV.scratch]: scratch,
    TMPDIR: scratch,
    XDG_CONFIG_HOME: join(scratch, 'config'),
    XDG_CACHE_HOME: join(scratch, 'cache'),
    XDG_DATA_HOME: join(scratch, 'data'),
  });
}

/** Specs each host runs: the shared ones, and its own (www2 is the same app as www). */
const SPECS: Record<HostKey, string> = { www: 'www', www2: 'www', my: 'my', sso: 'sso' };

const reporters: ReporterDescription[] = [
  ['list'],
  ['json', { outputFile: join(out, 'report.json') }],
  // One line per finished test, read by the harness while the run goes on (e2e/plan.ts).
  ['./e2e/reporters/stream.ts', { outputFile: join(out, 'results.jsonl') }],
  ['allure-playwright', { resultsDir: join(out, 'allure-results'), detail: false, suiteTitle: true }],
];
// One blob per shard; `npx playwright merge-reports` joins them (docs/e2e.md).
if (process.env.HARNESS_E2E_BLOB) reporters.push(['blob', { outputDir: join(out, 'blob-report') }]);

const executablePath = e2eSettings.chromiumPath ?? findChromium();

/**
 * Tests a host's project leaves out, so none is planned that could only skip: the hand-written specs of the lab's app
 * ("Pay your bill", test cards) where that app does not run (the lab, or environments.<env>.labSpecs), the contract
 * sign-in where the host's contract has none, the accessibility-tree comparison where no page is in the baseline.
 */
function leftOut(host: HostKey): { grepInvert?: RegExp[] } {
  const c = hostContract(harnessSettings, host);
  const invert = [
    ...(runsLabSpecs() ? [] : [/@lab-app/]),
    ...(c?.signIn ? [] : [/@contract-sign-in/]),
    ...(c?.pages.some((p) => p.baseline) ? [] : [/@aria-baseline/]),
  ];
  return invert.length ? { grepInvert: invert } : {};
}

export default defineConfig<HostOptions, WorkerOptions>({
  testDir: 'e2e',
  testMatch: '**/*.spec.ts',
  // Starts a lab when run by hand without one (npm run e2e); the harness passes its own.
  globalSetup: './e2e/global-setup.ts',
  outputDir: join(out, 'test-results'),
  forbidOnly: CI,
  // Smoke never retries; the regression specs set their own retries on CI (test.describe.configure).
  retries: 0,
  workers: e2eSettings.workers,
  fullyParallel: true,
  timeout: e2eSettings.testTimeoutMs,
  expect: { timeout: e2eSettings.expectTimeoutMs },
  reporter: reporters,
  use: {
    trace: 'on-first-retry',
    screenshot: 'only-on-failure',
    actionTimeout: e2eSettings.expectTimeoutMs,
    navigationTimeout: e2eSettings.testTimeoutMs / 2,
    launchOptions: {
      ...(executablePath ? { executablePath } : {}),
      args: baseArgs(),
    },
  },
  projects: HOST_KEYS.map((host) => ({
    name: host,
    testMatch: new RegExp(`/(all-hosts|accessibility|${SPECS[host]})\\.spec\\.ts$`),
    use: { hostKey: host },
    ...leftOut(host),
  })),
});
