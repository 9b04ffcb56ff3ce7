// The k6 config section: defaults in the schema, strict keys, errors that name the path.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import rawConfig from '../../harness.config.ts';
import { K6Config, DEFAULT_INSTALL_HINT } from '../../k6/config.ts';
import { parseConfig, ConfigError } from '../../core/config/load.ts';
import { k6Config } from '../../config/k6.ts';

test('defaults: the issue thresholds, short lab-sized runs, pins only in the lab, an install hint', () => {
  const c = K6Config.parse({});
  assert.deepEqual(c.thresholds, { httpReqFailedRate: 0.01, p95Ms: 1_500, checksRate: 1 });
  assert.deepEqual(Object.keys(c.scripts), ['connection-sanity', 'smoke-load', 'backend-sweep']);
  assert.equal(c.pinHosts, 'lab');
  assert.equal(c.installHint, DEFAULT_INSTALL_HINT);
  assert.match(c.installHint, /K6_BIN/);
});

test('the production values load through the whole harness config', () => {
  const c = parseConfig(rawConfig).k6;
  assert.deepEqual(c.scripts['smoke-load'], { vus: 10, duration: '2m', pauseMs: 1_000, requestTimeout: '10s', thresholds: {} });
  assert.equal(c.pinHosts, k6Config.pinHosts);
  assert.equal(c.concurrency, 1);
});

test('mistakes are reported with their path', () => {
  const bad = (k6: unknown, msg: RegExp) => {
    try {
      parseConfig({ ...rawConfig, k6 });
      assert.fail('accepted');
    } catch (e) {
      assert.ok(e instanceof ConfigError);
      assert.match(e.message, msg);
    }
  };
  bad(
    { scripts: { 'smoke-load': { vus: 1, duration: 'two minutes' } } },
    /k6\.scripts\.smoke-load\.duration: a k6 duration such as 30s, 2m or 1m30s/,
  );
  bad({ thresholds: { httpReqFailedRate: 2 } }, /k6\.thresholds\.httpReqFailedRate/);
  bad({ pinhosts: 'lab' }, /k6: Unrecognized key: "pinhosts"/);
  bad({ pinHosts: 'sometimes' }, /k6\.pinHosts/);
});
