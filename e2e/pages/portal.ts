// my (payer portal) and sso page objects: the sign-in round trip, the invoice list, sign-out, idle expiry.
import { expect, type Locator } from '@playwright/test';
import type { Account } from '../fixtures.ts';
import { SitePage } from './site-page.ts';
import { SignInForm } from './sign-in-form.ts';

/** The portal's idle sign-out (the lab app's IDLE_TIMEOUT_MS; the real portal's setting). */
export const PORTAL_IDLE_TIMEOUT = '15:00';

export class Portal extends SitePage {
  get signInLink(): Locator {
    return this.page.getByRole('main').getByRole('link', { name: 'Sign in' });
  }

  async openHome(): Promise<void> {
    await this.open('/');
    await expect(this.page.getByRole('heading', { level: 1, name: 'Payer portal' }), 'my home shows its heading').toBeVisible();
    await expect(this.signInLink, 'my home offers sign-in').toBeVisible();
  }

  /** Starts sign-in on my and lands on sso's form; returns that form. */
  async startSignIn(ssoHost: string): Promise<SignInForm> {
    await this.signInLink.click();
    await expect(this.page, 'my sends the browser to sso to sign in').toHaveURL(
      new RegExp(`^https://${ssoHost.replace(/[.]/g, '\\.')}/authorize\\?`),
    );
    return new SignInForm(this.page);
  }

  /** Checks my accepted sso's token: the invoice list, or the reason my gives for refusing it. */
  async expectSignedInAs(user: string): Promise<void> {
    const invoices = this.page.getByRole('heading', { level: 1, name: 'Your invoices' });
    const refusal = this.page.getByRole('alert');
    await expect(invoices.or(refusal), 'my answers the sign-in').toBeVisible();
    const reason = (await refusal.count()) ? (await refusal.innerText()).trim() : null;
    expect(reason, 'my should accept the token sso signed (SSO round trip)').toBeNull();
    await expect(this.page.getByTestId('signed-in-user'), 'my shows the signed-in account').toHaveText(user);
  }

  async expectInvoicesListed(): Promise<void> {
    const rows = this.page.getByRole('table', { name: 'Invoices on your account' }).getByRole('row');
    await expect(rows.first(), 'the dashboard lists invoices').toBeVisible();
    expect(await rows.count(), 'the dashboard lists at least one invoice (plus the header row)').toBeGreaterThan(1);
  }

  async signOut(): Promise<void> {
    await this.page.getByRole('button', { name: 'Sign out' }).click();
    await expect(this.page.getByRole('status'), 'signing out is confirmed').toContainText('You have signed out');
  }

  async expectDashboardNeedsSignIn(): Promise<void> {
    await this.page.goto('/dashboard');
    await expect(this.page.getByRole('status'), 'the dashboard asks to sign in again').toContainText(/Sign in|session has expired/);
    await expect(this.page.getByRole('heading', { level: 1, name: 'Your invoices' })).toHaveCount(0);
  }

  async expectSessionExpiredNotice(): Promise<void> {
    await expect(this.page.getByRole('status'), 'my says the session expired').toContainText('Your session has expired');
  }
}

export class SsoHome extends SitePage {
  async openHome(): Promise<void> {
    await this.open('/');
    await expect(this.page.getByRole('heading', { level: 1, name: /single sign-on/ }), 'sso home shows its heading').toBeVisible();
  }

  /** Opens sso's sign-in form the way my sends users there (my's client id and callback), without needing my. */
  async openSignInFor(myURL: string): Promise<SignInForm> {
    const query = new URLSearchParams({ client_id: 'my', redirect_uri: `${myURL}/sso/callback`, state: 'smoke-check' });
    await this.open(`/authorize?${query}`);
    const form = new SignInForm(this.page);
    await expect(form.password, 'sso shows its sign-in form for my').toBeVisible();
    await expect(this.page.getByRole('button', { name: 'Sign in' })).toBeEnabled();
    return form;
  }
}

export class PasswordReset extends SitePage {
  async openFrom(signIn: SignInForm): Promise<void> {
    await signIn.page.getByRole('link', { name: 'Forgot your password?' }).click();
    await expect(this.page.getByRole('heading', { level: 1, name: 'Reset your password' })).toBeVisible();
  }

  async requestFor(email: string): Promise<void> {
    await this.page.getByLabel('Email address').fill(email);
    await this.page.getByRole('button', { name: 'Send reset link' }).click();
  }

  async expectSent(): Promise<void> {
    await expect(this.page.getByRole('heading', { level: 1, name: 'Check your email' }), 'the reset request is acknowledged').toBeVisible();
    await expect(this.page.getByRole('status')).toContainText('If an account exists');
  }

  async expectError(text: string): Promise<void> {
    await expect(this.page.getByRole('alert'), 'the reset form explains the problem').toContainText(text);
  }
}

export type { Account };
