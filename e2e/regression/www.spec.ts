// Regression on www (and www2): the full pay-my-bill flow with the lab's test cards, every form's
// validation errors, sign-in / sign-out and the password reset request.
import { test } from '../fixtures.ts';
import { TEST_CARDS } from '../pages/www.ts';
import { regressionRetries } from './retries.ts';

// This spec types the test account's password: no trace may record it (docs/e2e.md).
test.use({ trace: 'off' });
regressionRetries();

/** A payment (approved or declined) changes data: only where the environment declares it safe; production never by default. */
const paymentsSafe = (target: { env: string; safeToChangeData: boolean }) =>
  test.skip(
    !target.safeToChangeData,
    `${target.env} does not declare data-changing flows safe (environments.${target.env}.safeToChangeData)`,
  );

test.describe('www pay my bill', { tag: ['@regression', '@lab-app'] }, () => {
  test('pays an invoice with the test card and shows the confirmation', { tag: '@critical' }, async ({ wwwHome, billPayment, target }) => {
    paymentsSafe(target);
    await test.step('find the biller', async () => {
      await wwwHome.openHome();
      await wwwHome.searchForBiller('water');
      await billPayment.chooseBiller('City of Springfield Water');
    });
    await test.step('enter the account number', () => billPayment.enterAccountNumber('12345678'));
    const invoice = await test.step('choose the open invoice', () => billPayment.payFirstInvoice());
    await test.step('pay with the approved test card', () => billPayment.payWithCard(TEST_CARDS.approved));
    await test.step('the confirmation names the invoice', () => billPayment.expectConfirmation(invoice));
  });

  test('a declined card is refused with a clear message', async ({ wwwHome, billPayment, target }) => {
    paymentsSafe(target);
    await wwwHome.openHome();
    await wwwHome.searchForBiller('Electric');
    await billPayment.chooseBiller('Springfield Electric Cooperative');
    await billPayment.enterAccountNumber('55501234');
    await billPayment.payFirstInvoice();
    await billPayment.payWithCard(TEST_CARDS.declined);
    await billPayment.expectPaymentError('Your card was declined');
  });

  test('search explains an empty query and an unknown biller', async ({ wwwHome }) => {
    await wwwHome.openHome();
    await wwwHome.searchForBiller('');
    await wwwHome.expectSearchError('Enter a biller name to search');
    await wwwHome.searchForBiller('No Such Utility');
    await wwwHome.expectNoBillerFound();
  });

  const accountCases = [
    { input: '', error: 'Enter your account number' },
    { input: '12ab', error: 'Account number must be 6 to 12 digits' },
  ];
  for (const c of accountCases) {
    test(`account number "${c.input}" is refused: ${c.error}`, async ({ wwwHome, billPayment }) => {
      await wwwHome.openHome();
      await wwwHome.searchForBiller('Shelbyville');
      await billPayment.chooseBiller('Shelbyville Property Tax');
      await billPayment.enterAccountNumber(c.input);
      await billPayment.expectAccountError(c.error);
    });
  }

  test('an empty payment form names every missing field', async ({ wwwHome, billPayment, target }) => {
    paymentsSafe(target);
    await wwwHome.openHome();
    await wwwHome.searchForBiller('Ogdenville');
    await billPayment.chooseBiller('Ogdenville Waste Services');
    await billPayment.enterAccountNumber('900100');
    await billPayment.payFirstInvoice();
    await billPayment.payWithCard({ name: '', number: '', expiry: '', cvc: '' });
    for (const text of [
      'Enter the name on the card',
      'Enter a valid card number',
      'Enter an expiry date in the future',
      'Enter the 3 or 4 digit security code',
    ]) {
      await billPayment.expectPaymentError(text);
    }
  });
});

test.describe('www account', { tag: ['@regression', '@lab-app'] }, () => {
  test('signs in and out with the test account', { tag: '@critical' }, async ({ wwwAccount, account }) => {
    await wwwAccount.openSignIn();
    await wwwAccount.signInAs(account);
    await wwwAccount.expectSignedInAs(account.user);
    await wwwAccount.signOut();
    await wwwAccount.expectAccountPageNeedsSignIn();
  });

  test('sign-in form explains missing and wrong credentials', async ({ wwwAccount, account }) => {
    await wwwAccount.openSignIn();
    await wwwAccount.form.submitWith('', '');
    await wwwAccount.form.expectFieldError('email', 'Enter your email address');
    await wwwAccount.form.expectFieldError('password', 'Enter your password');
    await wwwAccount.form.submitWith('not-an-email', 'x');
    await wwwAccount.form.expectFieldError('email', /right format/);
    await wwwAccount.form.submitWith(account.user, 'definitely-not-the-password');
    await wwwAccount.form.expectRejected('The email address or password is incorrect.');
  });

  test('password reset request is acknowledged without revealing the account', async ({ wwwAccount, passwordReset, account }) => {
    await wwwAccount.openSignIn();
    await passwordReset.openFrom(wwwAccount.form);
    await passwordReset.requestFor('');
    await passwordReset.expectError('Enter your email address');
    await passwordReset.requestFor(account.user);
    await passwordReset.expectSent();
  });
});
