// docs/k6.md says what Go and k6 really do: SSL_CERT_FILE adds to the system roots on Linux (the cert
// directories are still read), and k6 inspect/archive see the harness's variables only when told to.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './helpers.ts';

const doc = readFileSync(join(REPO_ROOT, 'docs', 'k6.md'), 'utf8').replace(/\s+/g, ' ');

test('SSL_CERT_FILE is described as adding to the system roots, not replacing them', () => {
  assert.doesNotMatch(doc, /as \*the\* root file, not an addition/);
  assert.match(doc, /`SSL_CERT_FILE` \*adds\* to the system roots rather than replacing them/);
  assert.match(doc, /SSL_CERT_DIR/);
});

test('k6 inspect and k6 archive by hand are given the environment (--include-system-env-vars or -e)', () => {
  assert.match(doc, /k6 inspect --include-system-env-vars/);
  assert.match(doc, /k6 archive -e HARNESS_K6=/);
});
