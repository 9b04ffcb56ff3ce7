// www / www2 page objects: home with the biller search, the pay-my-bill flow, sign-in and the account page.
import { expect, type Locator } from '@playwright/test';
import type { Account } from '../fixtures.ts';
import { SitePage } from './site-page.ts';
import { SignInForm } from './sign-in-form.ts';

export interface TestCard {
  name: string;
  number: string;
  expiry: string;
  cvc: string;
}

/** Processor test cards: the lab (and the payment provider's test mode) approve / decline them. */
export const TEST_CARDS = {
  approved: { name: 'Lab Payer', number: '4111 1111 1111 1111', expiry: '12/34', cvc: '123' },
  declined: { name: 'Lab Payer', number: '4000 0000 0000 0002', expiry: '12/34', cvc: '123' },
} satisfies Record<string, TestCard>;

export class WwwHome extends SitePage {
  get billerSearch(): Locator {
    return this.page.getByRole('searchbox', { name: 'Biller name' });
  }

  async openHome(): Promise<void> {
    await this.open('/');
    await expect(this.page.getByRole('heading', { level: 1, name: 'Pay your bill' }), 'www home shows its heading').toBeVisible();
    await expect(this.billerSearch, 'www home offers the biller search').toBeVisible();
  }

  async searchForBiller(name: string): Promise<void> {
    await this.billerSearch.fill(name);
    await this.page.getByRole('button', { name: 'Find biller' }).click();
  }

  async expectBillerFound(name: string): Promise<void> {
    await expect(this.page.getByRole('link', { name }), `the search lists ${name}`).toBeVisible();
  }

  async expectNoBillerFound(): Promise<void> {
    await expect(this.page.getByRole('status'), 'the search says nothing matched').toContainText('No billers match');
  }

  async expectSearchError(text: string): Promise<void> {
    await expect(this.page.getByRole('alert'), 'the search explains the problem').toContainText(text);
    await expect(this.billerSearch).toHaveAttribute('aria-invalid', 'true');
  }
}

export class BillPayment extends SitePage {
  async chooseBiller(name: string): Promise<void> {
    await this.page.getByRole('link', { name }).click();
    await expect(this.page.getByRole('heading', { level: 1, name: `Pay ${name}` })).toBeVisible();
  }

  async enterAccountNumber(account: string): Promise<void> {
    await this.page.getByLabel('Account number').fill(account);
    await this.page.getByRole('button', { name: 'Find my bill' }).click();
  }

  async expectAccountError(text: string): Promise<void> {
    await expect(this.page.getByRole('alert'), 'the account form explains the problem').toContainText(text);
    await expect(this.page.getByLabel('Account number')).toHaveAttribute('aria-invalid', 'true');
  }

  /** Picks the first open invoice and returns its number. */
  async payFirstInvoice(): Promise<string> {
    const link = this.page
      .getByRole('table', { name: 'Open invoices' })
      .getByRole('link', { name: /^Pay invoice / })
      .first();
    await expect(link, 'the bill lists an open invoice').toBeVisible();
    const number = ((await link.textContent()) ?? '').replace('Pay invoice ', '').trim();
    await link.click();
    await expect(this.page.getByRole('heading', { level: 1, name: `Pay invoice ${number}` })).toBeVisible();
    return number;
  }

  async payWithCard(card: TestCard): Promise<void> {
    await this.page.getByLabel('Name on card').fill(card.name);
    await this.page.getByLabel('Card number').fill(card.number);
    await this.page.getByLabel('Expiry date (MM/YY)').fill(card.expiry);
    await this.page.getByLabel('Security code').fill(card.cvc);
    await this.page.getByRole('button', { name: /^Pay \$/ }).click();
  }

  async expectPaymentError(text: string | RegExp): Promise<void> {
    await expect(this.page.getByRole('alert'), 'the payment form explains the problem').toContainText(text);
  }

  async expectConfirmation(invoice: string): Promise<string> {
    await expect(this.page.getByRole('heading', { level: 1, name: 'Payment received' }), 'the payment is confirmed').toBeVisible();
    await expect(this.page.getByRole('status')).toContainText(invoice);
    const code = this.page.getByTestId('confirmation-number');
    await expect(code, 'the confirmation shows a confirmation number').toHaveText(/^IC[A-Z0-9]+$/);
    return (await code.textContent()) ?? '';
  }
}

export class WwwAccount extends SitePage {
  readonly form = new SignInForm(this.page);

  async openSignIn(): Promise<void> {
    await this.open('/login');
    await expect(this.page.getByRole('heading', { level: 1, name: 'Sign in' })).toBeVisible();
  }

  async signInAs(account: Account): Promise<void> {
    await this.form.signInAs(account);
  }

  async expectSignedInAs(user: string): Promise<void> {
    await expect(this.form.problem, `${this.hostName()} should accept the test account`).toHaveCount(0);
    await expect(this.page.getByTestId('signed-in-user'), `${this.hostName()} should show the signed-in account`).toHaveText(user);
  }

  async signOut(): Promise<void> {
    await this.page.getByRole('button', { name: 'Sign out' }).click();
    await expect(this.page.getByRole('status'), 'signing out is confirmed').toContainText('You have signed out');
  }

  async expectAccountPageNeedsSignIn(): Promise<void> {
    await this.page.goto('/account');
    await expect(this.page.getByRole('heading', { level: 1, name: 'Sign in' }), 'the account page asks to sign in again').toBeVisible();
  }
}
