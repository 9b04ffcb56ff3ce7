// The one fixtures module every spec imports: per-host options from the environment, the lab trust
// (host mapping + verified certificate pins), and an automatic page-health check.
import { readFileSync } from 'node:fs';
import { test as base, expect, type Browser, type Response, type ConsoleMessage } from '@playwright/test';
import type { HostKey } from '../core/config/estate.ts';
import { environmentLaunchArgs, labLaunchArgs, verifiedLabPins } from './browser.ts';
import { hostContract, type HostContract } from './contracts.ts';
import { harnessError } from './harness-error.ts';
import { ignorableFailure } from './page-health.ts';
import { harnessSettings } from './settings.ts';
import { ENV, resolveTarget, type E2eTarget } from './target.ts';
import type { SiteContext } from './pages/site-page.ts';
import { BillPayment, WwwAccount, WwwHome } from './pages/www.ts';
import { PasswordReset, Portal, SsoHome } from './pages/portal.ts';

export interface Account {
  user: string;
  password: string;
}

export interface HostOptions {
  /** The host this project tests (www, www2, my, sso); set per project in playwright.config.ts. */
  hostKey: HostKey;
}

export interface WorkerOptions {
  /** Everything read from the environment at worker start: base URLs, account, maintenance expectation. */
  target: E2eTarget;
}

export interface PageHealth {
  /** Problems seen so far: console errors, page errors, responses ≥ 400. */
  problems: string[];
  /** Accept a response that a test provokes on purpose (status and URL part). */
  allow(status: number, urlPart: string): void;
}

interface Fixtures {
  /** Base URL of another host (my's tests follow the browser to sso). */
  siteURL: (host: HostKey) => string;
  /** The test account; fails the test, naming the variables, when they are not set. */
  account: Account;
  /** True when the phase expects this host behind the maintenance page. */
  expectMaintenance: boolean;
  pageHealth: PageHealth;
  /** The host's page contract from the config (hosts[].pages / signIn): what proves its app rendered. */
  contract: HostContract;
  site: SiteContext;
  wwwHome: WwwHome;
  billPayment: BillPayment;
  wwwAccount: WwwAccount;
  portal: Portal;
  ssoHome: SsoHome;
  passwordReset: PasswordReset;
}

function urlOf(target: E2eTarget, host: HostKey): string {
  const v = target.baseURLs[host];
  if (typeof v === 'string') return v;
  throw harnessError('NO_BASE_URL', v.missing);
}

export const test = base.extend<HostOptions & Fixtures, WorkerOptions>({
  hostKey: ['www', { option: true }],
  target: [resolveTarget(), { option: true, scope: 'worker' }],

  // In the lab the browser resolves every .test host to the gateway and accepts exactly the certificates
  // Node verified against the lab CA; outside the lab nothing is added (system trust, real DNS).
  launchOptions: [
    async ({ launchOptions, target }, use) => {
      if (target.env !== 'lab') {
        // Outside the lab: the hosts mapped to the gateway and the environment's CA, only where the config says so.
        const hosts = Object.values(target.baseURLs).flatMap((u) => (typeof u === 'string' ? [new URL(u).hostname] : []));
        const ca = target.trust?.caFile ? readFileSync(target.trust.caFile, 'utf8') : undefined;
        const extra = await environmentLaunchArgs({
          hosts,
          ...(target.trust?.resolveTo ? { resolveTo: target.trust.resolveTo } : {}),
          ...(ca ? { ca } : {}),
        });
        return use({ ...launchOptions, args: [...(launchOptions.args ?? []), ...extra] });
      }
      if (!target.lab)
        throw harnessError(
          'NO_LAB',
          `no lab to test: set ${ENV.labManifest} to the manifest of a running lab (\`npm run smoke\` does this; \`npm run lab\` prints one)`,
        );
      // A gateway whose certificate does not verify is a finding (failed), not a harness fault: no tag.
      const pins = await verifiedLabPins(target.lab, readFileSync(target.lab.caFile, 'utf8'));
      await use({ ...launchOptions, args: [...(launchOptions.args ?? []), ...labLaunchArgs(target, pins)] });
    },
    { scope: 'worker' },
  ],

  // Playwright's own browser fixture, launching the same way (the options come from launchOptions through
  // Playwright's defaults), so that a browser that cannot start is tagged as the harness's problem.
  // The harness never connects to a remote browser (connectOptions), so that branch is not kept.
  browser: [
    async ({ playwright, browserName }, use) => {
      let browser: Browser;
      try {
        browser = await playwright[browserName].launch();
      } catch (err) {
        throw harnessError(
          'BROWSER_LAUNCH',
          `the browser could not start (set CHROMIUM_PATH or install chromium): ${err instanceof Error ? err.message : String(err)}`,
        );
      }
      await use(browser);
      await browser.close({ reason: 'Test ended.' });
    },
    { scope: 'worker', timeout: 0 },
  ],

  baseURL: async ({ target, hostKey }, use) => use(urlOf(target, hostKey)),
  siteURL: async ({ target }, use) => use((host) => urlOf(target, host)),

  account: async ({ target }, use) => {
    const { user, password } = target.account;
    if (!user || !password)
      throw harnessError(
        'NO_ACCOUNT',
        'the test account is not set: export HARNESS_E2E_USER and HARNESS_E2E_PASSWORD (the harness fills them from the tokens.userEnv / tokens.passwordEnv variables)',
      );
    await use({ user, password });
  },

  expectMaintenance: async ({ target, hostKey }, use) => use(target.maintenance.on.includes(hostKey)),

  contract: async ({ hostKey }, use) => {
    const c = hostContract(harnessSettings, hostKey);
    if (!c) throw harnessError('NO_CONTRACT', `the config has no host ${hostKey} (estate.hosts): nothing says what its pages are`);
    await use(c);
  },

  site: async ({ target, expectMaintenance }, use) =>
    use({ marker: target.marker, title: target.title, maintenanceMarker: target.maintenance.marker, expectMaintenance }),
  wwwHome: async ({ page, site }, use) => use(new WwwHome(page, site)),
  billPayment: async ({ page, site }, use) => use(new BillPayment(page, site)),
  wwwAccount: async ({ page, site }, use) => use(new WwwAccount(page, site)),
  portal: async ({ page, site }, use) => use(new Portal(page, site)),
  ssoHome: async ({ page, site }, use) => use(new SsoHome(page, site)),
  passwordReset: async ({ page, site }, use) => use(new PasswordReset(page, site)),

  // Fails the test when the page logged a console error, threw, or got a response ≥ 400, and attaches them.
  pageHealth: [
    async ({ page }, use, testInfo) => {
      const allowed: { status: number; urlPart: string }[] = [];
      const isAllowed = (status: number, url: string) =>
        ignorableFailure(status, url) || allowed.some((a) => a.status === status && url.includes(a.urlPart));
      const problems: string[] = [];
      const failedUrls = new Set<string>();
      const onConsole = (m: ConsoleMessage) => {
        if (m.type() !== 'error') return;
        const url = m.location().url;
        // Chromium repeats each failed response as "Failed to load resource": the response line says it already.
        if (
          m.text().startsWith('Failed to load resource') &&
          (failedUrls.has(url) || ignorableFailure(404, url) || allowed.some((a) => url.includes(a.urlPart)))
        )
          return;
        problems.push(`console error: ${m.text()}${url ? ` (${url})` : ''}`);
      };
      const onPageError = (e: Error) => problems.push(`page error: ${e.message}`);
      const onResponse = (r: Response) => {
        if (r.status() < 400 || isAllowed(r.status(), r.url())) return;
        failedUrls.add(r.url());
        problems.push(`${r.request().method()} ${r.url()} answered ${r.status()}`);
      };
      page.on('console', onConsole);
      page.on('pageerror', onPageError);
      page.context().on('response', onResponse);
      await use({ problems, allow: (status, urlPart) => allowed.push({ status, urlPart }) });
      page.off('console', onConsole);
      page.off('pageerror', onPageError);
      page.context().off('response', onResponse);
      const distinct = [...new Set(problems)];
      if (distinct.length) {
        await testInfo.attach('page-health.json', { body: JSON.stringify(distinct, null, 2), contentType: 'application/json' });
        throw new Error(`page health: ${distinct.length} problem(s) on ${page.url()}:\n  - ${distinct.join('\n  - ')}`);
      }
    },
    { auto: true },
  ],
});

export { expect };
