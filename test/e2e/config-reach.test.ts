// --config reaches every family, Playwright included: the e2e section of the given config (not the tracked one)
// is what the browser run uses (HARNESS_CONFIG passed to Playwright, read by e2e/settings.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Summary } from '../../core/result.ts';
import { ROOT, runCli, tempDir } from '../cli/helpers.ts';

test('--config=FILE: Playwright launches the browser that config names', async () => {
  const dir = tempDir('cfg-reach');
  const file = join(dir, 'alt.config.ts');
  writeFileSync(
    file,
    `import base from ${JSON.stringify(join(ROOT, 'harness.config.ts'))};\nexport default { ...base, e2e: { ...(base as { e2e: object }).e2e, chromiumPath: '/nonexistent/chromium-from-config' } };\n`,
  );
  const r = await runCli('smoke.ts', [
    '--phase=web1-5',
    '--window=2025-06-22',
    '--only=e2e',
    `--config=${file}`,
    `--out=${join(dir, 'out')}`,
    '--json',
  ]);
  assert.equal(r.code, 2, r.stderr);
  const s = Summary.parse(JSON.parse(r.stdout));
  assert.ok(
    s.checks.some((c) => c.status === 'broken' && /chromium-from-config/.test(c.message ?? '')),
    JSON.stringify(s.reasons),
  );
});
