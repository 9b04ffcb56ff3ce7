// Base of every page object: opening a path fails, in words, when the maintenance page answers instead.
import { expect, type Page, type Response } from '@playwright/test';

export interface SiteContext {
  /** Text every healthy page of the host contains in its body (config marker). */
  marker: string;
  /** Text its document title contains (config title, else the marker). */
  title: string;
  maintenanceMarker: string;
  /** The phase expects this host behind the maintenance page. */
  expectMaintenance: boolean;
}

export class SitePage {
  constructor(
    readonly page: Page,
    readonly site: SiteContext,
  ) {}

  protected hostName(): string {
    return new URL(this.page.url()).host;
  }

  /** Opens a path of this host and checks that the app answered, not the maintenance page. */
  async open(path: string): Promise<Response> {
    const response = await this.page.goto(path);
    expect(response, `no response for ${path}`).not.toBeNull();
    await this.expectAppNotMaintenance(response!);
    return response!;
  }

  async expectAppNotMaintenance(response: Response): Promise<void> {
    const host = new URL(response.url()).host;
    const status = response.status();
    const maintenance = (await response.text()).includes(this.site.maintenanceMarker);
    // The message is shown only when the check fails, i.e. when the page is there.
    expect(maintenance, `the maintenance page is still served on ${host} (HTTP ${status}); the app should be serving now`).toBe(false);
    expect(status, `${host} answered ${status} for ${new URL(response.url()).pathname}`).toBeLessThan(400);
    // The body proves the app answered; the title is checked on its own (a site's title need not carry the marker).
    await expect(this.page.locator('body'), `${host} pages carry the marker "${this.site.marker}"`).toContainText(this.site.marker);
    await expect(this.page, `${host} pages carry "${this.site.title}" in their title`).toHaveTitle(
      new RegExp(escapeRegExp(this.site.title)),
    );
  }
}

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
