// Regression on my: sign-in through sso, the invoice list, sign-out, and idle session expiry.
import { test, expect } from '../fixtures.ts';
import { blockingViolations } from '../a11y.ts';
import { PORTAL_IDLE_TIMEOUT } from '../pages/portal.ts';
import { regressionRetries } from './retries.ts';

test.use({ trace: 'off' });
regressionRetries();

test.describe('my portal', { tag: ['@regression', '@lab-app'] }, () => {
  test.beforeEach(async ({ portal, account, siteURL }) => {
    await portal.openHome();
    const form = await portal.startSignIn(new URL(siteURL('sso')).host);
    await form.signInAs(account);
    await portal.expectSignedInAs(account.user);
  });

  test('lists the account invoices and signs out', { tag: '@critical' }, async ({ portal }) => {
    await portal.expectInvoicesListed();
    await portal.signOut();
    await portal.expectDashboardNeedsSignIn();
  });

  test('the signed-in dashboard has no serious or critical axe violation', async ({ page }) => {
    const bad = await blockingViolations(page);
    expect(bad, 'axe violations on the dashboard').toEqual([]);
  });

  test('an idle session expires and asks to sign in again', async ({ portal, page }) => {
    // The clock is installed on a fresh load of the dashboard, so the idle timer runs on fake time (no sleeping).
    await page.clock.install();
    await page.reload();
    await portal.expectInvoicesListed();
    await page.clock.fastForward(PORTAL_IDLE_TIMEOUT);
    await portal.expectSessionExpiredNotice();
    await portal.expectDashboardNeedsSignIn();
  });
});

test.describe('my without a session', { tag: ['@regression', '@lab-app'] }, () => {
  test('the dashboard asks to sign in', async ({ portal }) => {
    await portal.openHome();
    await portal.expectDashboardNeedsSignIn();
  });
});
