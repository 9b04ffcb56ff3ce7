// `npm run plan -- --env=production --only=dns` over the whole window: each step is planned for the families it
// has (steps with none are left out, not a usage error), and no web-server address is asked for.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../cli/helpers.ts';

const NO_OVERLAY = { HARNESS_LOCAL_CONFIG: '' };

test('npm run plan --env=production --only=dns (no --phase): the dns steps and their gaps, no web-server address, 78', async () => {
  const r = await runCli('plan.ts', ['--window=2025-06-22', '--env=production', '--only=dns'], NO_OVERLAY);
  assert.equal(r.code, 78, r.stdout + r.stderr);
  assert.doesNotMatch(r.stderr, /has no dns checks/);
  assert.match(r.stdout, /^dns-migration /m);
  assert.doesNotMatch(r.stdout, /^pull-web1-5 /m, 'a step without dns checks is not listed');
  const gaps = r.stdout.slice(r.stdout.indexOf('gap(s) would make checks broken'));
  assert.match(gaps, /dns\.providers\.new\.nameservers/);
  assert.doesNotMatch(r.stdout, /addresses\["IC-Web|agw-pri-appgateway0-prd"\]/);
  assert.doesNotMatch(r.stdout, /BLOCKS (direct|pool|sanity|k6|e2e)/);
});

test('--only with --phase naming a step without that family stays a usage error (64)', async () => {
  const r = await runCli('plan.ts', ['--window=2025-06-22', '--phase=pull-web1-5', '--only=dns'], NO_OVERLAY);
  assert.equal(r.code, 64, r.stdout + r.stderr);
  assert.match(r.stderr, /step pull-web1-5 has no dns checks; it has: sanity/);
});
