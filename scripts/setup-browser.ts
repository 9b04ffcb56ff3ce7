// npm ci's postinstall (and `npm run setup`): makes sure the Playwright suites have a Chromium, so the README's
// first command ends GO on a fresh machine. Playwright's own download first; else the OS package (Debian's
// chromium, as root); it says what it installs, and never fails the install.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { findChromium } from '../e2e/browser.ts';

export interface SetupDeps {
  find: () => string | undefined;
  run: (cmd: string, args: string[], timeoutMs: number) => boolean;
  say: (line: string) => void;
  env: NodeJS.ProcessEnv;
  root: boolean;
  hasApt: boolean;
}

/** Returns what it did, in order: 'found', 'playwright', 'apt', or 'none' (then the reader is told how). */
export function setupBrowser(d: SetupDeps): 'skipped' | 'found' | 'playwright' | 'apt' | 'none' {
  if (d.env.HARNESS_SKIP_BROWSER_SETUP === '1') {
    d.say('HARNESS_SKIP_BROWSER_SETUP=1: browser setup skipped');
    return 'skipped';
  }
  const found = d.find();
  if (found) {
    d.say(`Chromium for the Playwright suites: ${found}`);
    return 'found';
  }
  d.say("no Chromium found; installing Playwright's own (npx playwright install chromium)");
  if (d.run('npx', ['playwright', 'install', 'chromium'], 180_000) && d.find()) {
    d.say(`installed Playwright's Chromium: ${d.find()}`);
    return 'playwright';
  }
  if (d.root && d.hasApt) {
    d.say("Playwright's download is not reachable; installing the Debian package chromium with apt-get");
    if (
      d.run('apt-get', ['update', '-qq'], 300_000) &&
      d.run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'chromium'], 600_000) &&
      d.find()
    ) {
      d.say(`installed Debian's Chromium: ${d.find()}`);
      return 'apt';
    }
  }
  d.say('could not install a Chromium: the e2e checks will be broken (inconclusive) until one is installed.');
  d.say('install it with `npx playwright install chromium`, or `apt-get install chromium` (Debian/Ubuntu), or set CHROMIUM_PATH.');
  return 'none';
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  setupBrowser({
    find: () => findChromium(),
    run: (cmd, args, timeoutMs) => {
      process.stdout.write(`harness setup: $ ${cmd} ${args.join(' ')}\n`);
      return (
        spawnSync(cmd, args, { stdio: 'inherit', timeout: timeoutMs, env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } })
          .status === 0
      );
    },
    say: (line) => void process.stdout.write(`harness setup: ${line}\n`),
    env: process.env,
    root: process.getuid?.() === 0,
    hasApt: process.platform === 'linux' && existsSync('/usr/bin/apt-get'),
  });
}
