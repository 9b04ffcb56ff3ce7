// Smoke on every host, from its page contract in the config (hosts[].pages / signIn): each page answers the app,
// not the maintenance page, with its landmark, heading, marker and title; the contract's sign-in signs the test
// account in; the pre-maintenance run records each page's accessibility tree, and after the window each must match.
import { test } from '../fixtures.ts';
import { ARIA_ENV, type AriaMode } from '../contracts.ts';
import { harnessError } from '../harness-error.ts';
import { ContractPage } from '../pages/contract-page.ts';

// The sign-in types the test account's password: no trace may record it (docs/e2e.md).
test.use({ trace: 'off' });

const aria = process.env[ARIA_ENV.mode] as AriaMode | undefined;
const ariaDir = process.env[ARIA_ENV.dir] || undefined;

test.describe('every host', { tag: ['@smoke', '@regression'] }, () => {
  test('serves the app, not the maintenance page', { tag: '@critical' }, async ({ page, site, contract, expectMaintenance, hostKey }) => {
    test.skip(expectMaintenance, `the phase expects ${hostKey} behind the maintenance page (the maintenance checks cover it)`);
    const pages = new ContractPage(page, contract, site.maintenanceMarker);
    for (const p of contract.pages)
      await test.step(`${p.path} renders as its contract says`, async () => {
        await pages.open(p.path);
        await pages.expectRendered(p);
        if (aria === 'record' && ariaDir && p.baseline) await pages.record(p, ariaDir);
      });
  });

  // Only the projects of hosts whose contract has a sign-in flow run it (playwright.config.ts leaves it out elsewhere).
  test('the test account signs in (contract)', { tag: ['@critical', '@contract-sign-in'] }, async ({
    page,
    site,
    contract,
    account,
    expectMaintenance,
    hostKey,
  }) => {
    test.skip(expectMaintenance, `the phase expects ${hostKey} behind the maintenance page`);
    if (!contract.signIn) throw harnessError('NO_CONTRACT', `${hostKey} has no sign-in flow in its contract (estate.hosts[].signIn)`);
    await new ContractPage(page, contract, site.maintenanceMarker).signIn(contract.signIn, account);
  });

  // After the window: every baseline page against the pre-maintenance run's snapshot (no baseline: broken, never passed).
  // Only the projects of hosts with a baseline page run it (playwright.config.ts).
  if (aria === 'compare')
    test('renders as before the window (accessibility-tree baseline)', { tag: ['@critical', '@aria-baseline'] }, async ({
      page,
      site,
      contract,
      expectMaintenance,
      hostKey,
    }) => {
      test.skip(expectMaintenance, `the phase expects ${hostKey} behind the maintenance page`);
      const pages = new ContractPage(page, contract, site.maintenanceMarker);
      const missing = process.env[ARIA_ENV.missing] || 'no pre-maintenance run of this window to compare with';
      for (const p of contract.pages.filter((x) => x.baseline))
        await test.step(`${p.path} matches its pre-maintenance snapshot`, async () => {
          if (!ariaDir) return pages.compare(p, undefined, missing);
          await pages.open(p.path);
          await pages.compare(p, ariaDir, missing);
        });
    });
});
