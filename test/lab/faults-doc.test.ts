// Every fault the lab offers is in the faults table of docs/contracts.md, so the table a reader trusts is whole.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FAULTS } from '../../lab/faults.ts';

test('docs/contracts.md lists every lab fault', () => {
  const doc = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'contracts.md'), 'utf8');
  const missing = FAULTS.filter((f) => !new RegExp(`^\\| \`${f.name}[:\`]`, 'm').test(doc)).map((f) => f.name);
  assert.deepEqual(missing, []);
});
