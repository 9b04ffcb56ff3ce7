// npm ci's browser setup: a Chromium already there is used; else Playwright's download; else Debian's package
// as root; each step says what it installs, and a machine where nothing works is told how.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setupBrowser, type SetupDeps } from '../../scripts/setup-browser.ts';

function deps(o: { found?: boolean; playwrightWorks?: boolean; aptWorks?: boolean; root?: boolean; skip?: boolean }) {
  let installed = o.found ?? false;
  const ran: string[] = [];
  const said: string[] = [];
  const d: SetupDeps = {
    find: () => (installed ? '/usr/bin/chromium' : undefined),
    run: (cmd, args) => {
      ran.push(`${cmd} ${args.join(' ')}`);
      const ok = cmd === 'npx' ? o.playwrightWorks === true : o.aptWorks === true;
      if (ok && (cmd === 'npx' || args.includes('install'))) installed = true;
      return ok;
    },
    say: (l) => said.push(l),
    env: o.skip ? { HARNESS_SKIP_BROWSER_SETUP: '1' } : {},
    root: o.root ?? true,
    hasApt: true,
  };
  return { d, ran, said };
}

test('browser setup: found, Playwright download, apt as root, or how to do it by hand', () => {
  const rows: { name: string; o: Parameters<typeof deps>[0]; outcome: string; ran: string[]; says: RegExp }[] = [
    {
      name: 'already there',
      o: { found: true },
      outcome: 'found',
      ran: [],
      says: /Chromium for the Playwright suites: \/usr\/bin\/chromium/,
    },
    {
      name: "Playwright's download works",
      o: { playwrightWorks: true },
      outcome: 'playwright',
      ran: ['npx playwright install chromium'],
      says: /installed Playwright's Chromium/,
    },
    {
      name: 'no download, root with apt',
      o: { aptWorks: true },
      outcome: 'apt',
      ran: ['npx playwright install chromium', 'apt-get update -qq', 'apt-get install -y -qq --no-install-recommends chromium'],
      says: /installing the Debian package chromium with apt-get/,
    },
    {
      name: 'no download, not root',
      o: { root: false },
      outcome: 'none',
      ran: ['npx playwright install chromium'],
      says: /install it with `npx playwright install chromium`, or `apt-get install chromium`/,
    },
    { name: 'skipped', o: { skip: true }, outcome: 'skipped', ran: [], says: /skipped/ },
  ];
  for (const r of rows) {
    const { d, ran, said } = deps(r.o);
    assert.equal(setupBrowser(d), r.outcome, r.name);
    assert.deepEqual(ran, r.ran, r.name);
    assert.ok(
      said.some((l) => r.says.test(l)),
      `${r.name}: ${said.join(' | ')}`,
    );
  }
});
