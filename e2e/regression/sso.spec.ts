// Regression on sso: the sign-in form's errors, the password reset request, foreign redirect refused.
import { test, expect } from '../fixtures.ts';
import { regressionRetries } from './retries.ts';

test.use({ trace: 'off' });
regressionRetries();

test.describe('sso', { tag: ['@regression', '@lab-app'] }, () => {
  test('sign-in form explains missing and wrong credentials', async ({ ssoHome, siteURL, account }) => {
    await ssoHome.openHome();
    const form = await ssoHome.openSignInFor(siteURL('my'));
    await form.submitWith('', '');
    await form.expectFieldError('email', 'Enter your email address');
    await form.expectFieldError('password', 'Enter your password');
    await form.submitWith(account.user, 'definitely-not-the-password');
    await form.expectRejected('The email address or password is incorrect.');
  });

  test('password reset request is acknowledged', async ({ ssoHome, siteURL, passwordReset, account }) => {
    await ssoHome.openHome();
    const form = await ssoHome.openSignInFor(siteURL('my'));
    await passwordReset.openFrom(form);
    await passwordReset.requestFor('not-an-email');
    await passwordReset.expectError('right format');
    await passwordReset.requestFor(account.user);
    await passwordReset.expectSent();
  });

  test('refuses to send a token to an unknown application', async ({ page, pageHealth }) => {
    pageHealth.allow(400, '/authorize');
    const response = await page.goto('/authorize?client_id=my&redirect_uri=https%3A%2F%2Fattacker.invalid%2Fcb&state=x');
    expect(response?.status(), 'sso refuses a redirect outside the estate').toBe(400);
    await expect(page.getByRole('alert')).toContainText('did not come from a known application');
  });
});
