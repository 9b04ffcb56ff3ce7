// Smoke on www (and www2, the same app): safe against production — reads pages and signs in, never pays.
import { test } from '../fixtures.ts';

// This spec types the test account's password: no trace may record it (docs/e2e.md).
test.use({ trace: 'off' });

test.describe('www', { tag: ['@smoke', '@lab-app'] }, () => {
  test('home page offers the biller search', { tag: '@critical' }, async ({ wwwHome }) => {
    await wwwHome.openHome();
    await wwwHome.searchForBiller('Springfield');
    await wwwHome.expectBillerFound('City of Springfield Water');
  });

  test('test account signs in', { tag: '@critical' }, async ({ wwwAccount, account }) => {
    await test.step('open the sign-in page', () => wwwAccount.openSignIn());
    await test.step('sign in with the test account', () => wwwAccount.signInAs(account));
    await test.step('the account page shows the test account', () => wwwAccount.expectSignedInAs(account.user));
  });
});
