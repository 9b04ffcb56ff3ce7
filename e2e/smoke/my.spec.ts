// Smoke on my: the portal loads, and the SSO round trip (my → sso → signed token → my) signs the test account in.
import { test } from '../fixtures.ts';

// This spec types the test account's password: no trace may record it (docs/e2e.md).
test.use({ trace: 'off' });

test.describe('my', { tag: ['@smoke', '@lab-app'] }, () => {
  test('portal home page loads', { tag: '@critical' }, async ({ portal }) => {
    await portal.openHome();
  });

  test('SSO round trip signs the test account in', { tag: '@critical' }, async ({ portal, account, siteURL }) => {
    await test.step('open the portal', () => portal.openHome());
    const form = await test.step('my sends the browser to sso', () => portal.startSignIn(new URL(siteURL('sso')).host));
    await test.step('sign in at sso with the test account', () => form.signInAs(account));
    await test.step('my accepts the token sso signed', () => portal.expectSignedInAs(account.user));
    await test.step('the dashboard lists invoices', () => portal.expectInvoicesListed());
  });
});
