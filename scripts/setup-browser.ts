// npm ci's postinstall (and `npm run setup`): makes sure the Playwright suites have a Chromium, so the README's
// first command ends GO on a fresh machine. Playwright's own download first; else the OS package (Debian's
// chromium, as root); it says what it installs, and never fails the install.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { findChromium } from '../e2e/browser.ts';

const say = (line: string): void => void process.stdout.write(`harness setup: ${line}\n`);

function run(cmd: string, args: string[], timeoutMs: number): boolean {
  say(`$ ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', timeout: timeoutMs, env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  return r.status === 0;
}

function main(): void {
  if (process.env.HARNESS_SKIP_BROWSER_SETUP === '1') return say('HARNESS_SKIP_BROWSER_SETUP=1: browser setup skipped');
  const found = findChromium();
  if (found) return say(`Chromium for the Playwright suites: ${found}`);
  say("no Chromium found; trying Playwright's own download (npx playwright install chromium)");
  if (run('npx', ['playwright', 'install', 'chromium'], 180_000) && findChromium())
    return say(`installed Playwright's Chromium: ${findChromium()}`);
  const root = process.getuid?.() === 0;
  if (process.platform === 'linux' && root && existsSync('/usr/bin/apt-get')) {
    say("Playwright's download is not reachable; installing the Debian package chromium with apt-get");
    if (
      run('apt-get', ['update', '-qq'], 300_000) &&
      run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'chromium'], 600_000) &&
      findChromium()
    ) {
      return say(`installed Debian's Chromium: ${findChromium()}`);
    }
  }
  say('could not install a Chromium: the e2e checks will be broken (inconclusive) until one is installed.');
  say('install it with `npx playwright install chromium`, or `apt-get install chromium` (Debian/Ubuntu), or set CHROMIUM_PATH.');
}

main();
