// One way tests start Chromium: the harness's own flags, the system browser, and every temp/XDG folder in a
// scratch folder inside the project; `close()` removes both the browser and the folder.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium } from '@playwright/test';
import { baseArgs, findChromium } from '../../e2e/browser.ts';
import { scratchDir } from '../../e2e/run.ts';

export interface TestBrowser {
  browser: Browser;
  close(): Promise<void>;
}

/** Undefined when no Chromium is installed (the caller skips, saying so). */
export async function launchTestBrowser(): Promise<TestBrowser | undefined> {
  const executablePath = findChromium();
  if (!executablePath) return undefined;
  const scratch = scratchDir();
  const browser = await chromium.launch({
    executablePath,
    args: baseArgs(),
    env: {
      ...process.env,
      TMPDIR: scratch,
      XDG_CONFIG_HOME: join(scratch, 'config'),
      XDG_CACHE_HOME: join(scratch, 'cache'),
      XDG_DATA_HOME: join(scratch, 'data'),
    },
  });
  return {
    browser,
    close: async () => {
      await browser.close();
      rmSync(scratch, { recursive: true, force: true });
    },
  };
}
