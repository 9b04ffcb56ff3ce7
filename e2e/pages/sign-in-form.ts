// The email + password form of www and sso. The password is typed inside a boxed step so reports show
// "type the password" and never the value (specs that type it also turn tracing off: see docs/e2e.md).
import { expect, test, type Locator, type Page } from '@playwright/test';
import type { Account } from '../fixtures.ts';

export class SignInForm {
  readonly email: Locator;
  readonly password: Locator;
  readonly submitButton: Locator;
  readonly problem: Locator;

  constructor(readonly page: Page) {
    this.email = page.getByLabel('Email address');
    this.password = page.getByLabel('Password', { exact: true });
    this.submitButton = page.getByRole('button', { name: 'Sign in' });
    this.problem = page.getByRole('alert');
  }

  async enterPassword(password: string): Promise<void> {
    await test.step('type the password (value not recorded)', () => this.password.fill(password), { box: true });
  }

  async signInAs(account: Account): Promise<void> {
    await this.email.fill(account.user);
    await this.enterPassword(account.password);
    await this.submitButton.click();
  }

  /** Submits with the given fields (for validation tests); an empty string leaves a field blank. */
  async submitWith(email: string, password: string): Promise<void> {
    await this.email.fill(email);
    if (password) await this.enterPassword(password);
    await this.submitButton.click();
  }

  async expectRejected(text: string | RegExp): Promise<void> {
    await expect(this.problem, 'the form should say what is wrong').toContainText(text);
  }

  async expectFieldError(field: 'email' | 'password', text: string | RegExp): Promise<void> {
    const input = field === 'email' ? this.email : this.password;
    await expect(input, `the ${field} field should be marked invalid`).toHaveAttribute('aria-invalid', 'true');
    await expect(input, `the ${field} field should describe its error`).toHaveAccessibleDescription(text);
  }
}
