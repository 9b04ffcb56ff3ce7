// What the browser suites take from an environment beyond the lab: a title checked apart from the body marker,
// payments only where declared safe, and a missing favicon that says nothing about a site's health.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ignorableFailure } from '../../e2e/page-health.ts';
import { resolveTarget } from '../../e2e/target.ts';

test('the title is its own setting; without one it is the body marker', () => {
  assert.equal(resolveTarget({ HARNESS_E2E_MARKER: 'Northwind' }).title, 'Northwind');
  const t = resolveTarget({ HARNESS_E2E_MARKER: 'Northwind Utilities', HARNESS_E2E_TITLE: 'Northwind' });
  assert.deepEqual([t.marker, t.title], ['Northwind Utilities', 'Northwind']);
});

const safety: { name: string; env: NodeJS.ProcessEnv; safe: boolean }[] = [
  { name: 'the lab pays with its test cards', env: {}, safe: true },
  { name: 'production never pays by default', env: { HARNESS_E2E_ENV: 'production' }, safe: false },
  { name: 'an environment that declares it safe', env: { HARNESS_E2E_ENV: 'staging', HARNESS_E2E_SAFE_TO_CHANGE_DATA: '1' }, safe: true },
  {
    name: 'anything but 1 is not a declaration',
    env: { HARNESS_E2E_ENV: 'production', HARNESS_E2E_SAFE_TO_CHANGE_DATA: 'yes' },
    safe: false,
  },
];
for (const c of safety) test(`data-changing flows: ${c.name}`, () => assert.equal(resolveTarget(c.env).safeToChangeData, c.safe));

const failures: { status: number; url: string; ignorable: boolean }[] = [
  { status: 404, url: 'https://www.example.test/favicon.ico', ignorable: true },
  { status: 404, url: 'https://www.example.test/FAVICON.ICO', ignorable: true },
  { status: 500, url: 'https://www.example.test/favicon.ico', ignorable: false },
  { status: 404, url: 'https://www.example.test/app.js', ignorable: false },
  { status: 404, url: 'https://www.example.test/img/favicon.ico.js', ignorable: false },
  { status: 404, url: 'not a url', ignorable: false },
];
for (const f of failures)
  test(`page health: ${f.status} for ${f.url} is ${f.ignorable ? 'not a problem' : 'a problem'}`, () =>
    assert.equal(ignorableFailure(f.status, f.url), f.ignorable));
