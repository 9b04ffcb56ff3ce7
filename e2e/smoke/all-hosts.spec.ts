// Smoke on every host: the page loads with its marker, and the maintenance page is gone when the phase says so.
import { test, expect } from '../fixtures.ts';
import { escapeRegExp } from '../pages/site-page.ts';

test.describe('every host', { tag: '@smoke' }, () => {
  test('serves the app, not the maintenance page', { tag: '@critical' }, async ({ page, site, expectMaintenance, hostKey }) => {
    test.skip(expectMaintenance, `the phase expects ${hostKey} behind the maintenance page (the maintenance checks cover it)`);
    const response = await page.goto('/');
    expect(response, 'the home page answers').not.toBeNull();
    const host = new URL(response!.url()).host;
    const maintenance = (await response!.text()).includes(site.maintenanceMarker);
    // The message is shown only when the check fails, i.e. when the page is there.
    expect(maintenance, `the maintenance page is still served on ${host} (HTTP ${response!.status()}); no page is expected now`).toBe(
      false,
    );
    expect(response!.status(), `${host} home page status`).toBe(200);
    await expect(page.locator('body'), `${host} carries the marker "${site.marker}"`).toContainText(site.marker);
    await expect(page, `${host} carries "${site.title}" in its title`).toHaveTitle(new RegExp(escapeRegExp(site.title)));
    await expect(page.getByRole('main'), `${host} renders its main content`).toBeVisible();
  });
});
