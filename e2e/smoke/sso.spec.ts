// Smoke on sso: its page loads and its sign-in form is reachable the way my sends users to it.
import { test } from '../fixtures.ts';

test.describe('sso', { tag: ['@smoke', '@lab-app'] }, () => {
  test('sign-in form loads', { tag: '@critical' }, async ({ ssoHome, siteURL }) => {
    await ssoHome.openHome();
    await ssoHome.openSignInFor(siteURL('my'));
  });
});
