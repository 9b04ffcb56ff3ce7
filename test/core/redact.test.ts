import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeRedactor, redactValue, secretValues } from '../../core/redact.ts';

test('named secrets are found whatever their length; look-alike names only when long enough', () => {
  const env = { HARNESS_TEST_PASSWORD: 'abc', SOME_TOKEN: 'short', API_KEY: 'a-long-api-key', PATH: '/usr/bin' };
  assert.deepEqual(secretValues(env, ['HARNESS_TEST_PASSWORD']).sort(), ['a-long-api-key', 'abc']);
});

test('a secret is redacted raw, JSON-escaped and URL-encoded, inside any value', () => {
  const secret = 'p@ss "w0rd"\\/&x';
  const redact = makeRedactor([secret]);
  const value = { message: `login with ${secret} failed`, details: { url: `https://x.test/?p=${encodeURIComponent(secret)}` } };
  const out = redactValue(value, redact);
  const text = JSON.stringify(out);
  assert.ok(!text.includes(JSON.stringify(secret).slice(1, -1)));
  assert.ok(!text.includes(encodeURIComponent(secret)));
  assert.equal(out.message, 'login with [redacted] failed');
  assert.equal(out.details.url, 'https://x.test/?p=[redacted]');
});
