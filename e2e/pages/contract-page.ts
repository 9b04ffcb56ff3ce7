// A page as its contract describes it (path, landmark, heading, marker, title) and the contract's sign-in flow:
// what the smoke asserts on any site, written in the config instead of the specs.
import { writeFileSync, mkdirSync, existsSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { expect, test, type Page, type Response } from '@playwright/test';
import type { PageContract, SignInFlow } from '../../core/config/contracts.ts';
import type { Account } from '../fixtures.ts';
import type { HostContract } from '../contracts.ts';
import { snapshotFile, strictTemplate } from '../contracts.ts';
import { ariaDiff, diffSummary } from '../aria-diff.ts';
import { harnessError } from '../harness-error.ts';
import { escapeRegExp } from './site-page.ts';

export class ContractPage {
  constructor(
    readonly page: Page,
    readonly contract: HostContract,
    readonly maintenanceMarker: string,
  ) {}

  private where(path: string): string {
    return `${new URL(this.page.url()).host}${path}`;
  }

  /** Opens a path: it must answer the app (status < 400), never the maintenance page. */
  async open(path: string): Promise<Response> {
    const response = await this.page.goto(path);
    expect(response, `no response for ${path}`).not.toBeNull();
    const host = new URL(response!.url()).host;
    const status = response!.status();
    const maintenance = (await response!.text()).includes(this.maintenanceMarker);
    // The message is shown only when the check fails, i.e. when the page is there.
    expect(maintenance, `the maintenance page is still served on ${host} (HTTP ${status}); no page is expected now`).toBe(false);
    expect(status, `${host}${path} answered ${status}`).toBeLessThan(400);
    return response!;
  }

  /** Everything the contract says proves the page rendered: marker, title, landmark, heading. */
  async expectRendered(p: PageContract): Promise<void> {
    const at = this.where(p.path);
    const marker = p.marker ?? this.contract.marker;
    const title = p.title ?? this.contract.title;
    await expect(this.page.locator('body'), `${at} carries the marker "${marker}"`).toContainText(marker);
    await expect(this.page, `${at} carries "${title}" in its title`).toHaveTitle(new RegExp(escapeRegExp(title)));
    await expect(this.page.getByRole(p.landmark).first(), `${at} renders its ${p.landmark} landmark`).toBeVisible();
    if (p.heading)
      await expect(
        this.page.getByRole('heading', { name: p.heading, ...(p.headingLevel ? { level: p.headingLevel } : {}) }).first(),
        `${at} shows the heading "${p.heading}"${p.headingLevel ? ` (level ${p.headingLevel})` : ''}`,
      ).toBeVisible();
  }

  /** The pre-maintenance run: the page's accessibility tree, kept in the run folder for the comparison after the window. */
  async record(p: PageContract, dir: string): Promise<void> {
    const file = snapshotFile(dir, this.contract.host, p.path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${await this.page.locator('body').ariaSnapshot()}\n`);
  }

  /** After the window: the page's accessibility tree must be the one recorded before it, exactly. */
  async compare(p: PageContract, dir: string | undefined, missing: string): Promise<void> {
    if (!dir) throw harnessError('NO_BASELINE', `no baseline: ${missing}`);
    const file = snapshotFile(dir, this.contract.host, p.path);
    if (!existsSync(file))
      throw harnessError('NO_BASELINE', `no baseline for ${this.contract.host} ${p.path}: the pre-maintenance run recorded none (${file})`);
    const recorded = readFileSync(file, 'utf8');
    const body = this.page.locator('body');
    // Playwright's matcher waits for the page to settle into the recorded tree (exactly: deep-equal); when it never
    // does, the message names the page and the lines that changed (the whole diff is attached).
    const same = await expect(body)
      .toMatchAriaSnapshot(strictTemplate(recorded))
      .then(() => true)
      .catch(() => false);
    if (same) return;
    const lines = ariaDiff(recorded, await body.ariaSnapshot());
    await test.info().attach(`aria-diff-${this.contract.host}${p.path.replace(/[^A-Za-z0-9]+/g, '-')}.txt`, {
      body: `baseline: ${file}\n\n${lines.join('\n')}\n`,
      contentType: 'text/plain',
    });
    throw new Error(`${this.where(p.path)} renders differently from before the window: ${diffSummary(lines)} (baseline ${file})`);
  }

  /** The contract's sign-in: start, follow `via`, fill the labelled fields, submit, and see what proves success. */
  async signIn(flow: SignInFlow, account: Account): Promise<void> {
    await this.open(flow.start);
    if (flow.via) {
      const via = this.page.getByRole('link', { name: flow.via }).or(this.page.getByRole('button', { name: flow.via }));
      await via.first().click();
    }
    const user = this.page.getByLabel(flow.userLabel, { exact: true });
    await expect(user, `${this.where(flow.start)} leads to a sign-in form with "${flow.userLabel}"`).toBeVisible();
    await user.fill(account.user);
    const password = this.page.getByLabel(flow.passwordLabel, { exact: true });
    await test.step('type the password (value not recorded)', () => password.fill(account.password), { box: true });
    await this.page.getByRole('button', { name: flow.submit }).click();
    const host = () => new URL(this.page.url()).host;
    // What the user sees first: the heading or text that proves the account is in; then where it landed.
    if (flow.success.heading)
      await expect(
        this.page.getByRole('heading', { name: flow.success.heading }).first(),
        `${host()} should accept the test account: the heading "${flow.success.heading}" is shown`,
      ).toBeVisible();
    if (flow.success.text)
      await expect(this.page.locator('body'), `${host()} should accept the test account: "${flow.success.text}" is shown`).toContainText(
        flow.success.text,
      );
    if (flow.success.url)
      await expect(this.page, `the sign-in lands on a URL with "${flow.success.url}"`).toHaveURL(
        new RegExp(escapeRegExp(flow.success.url)),
      );
  }
}
