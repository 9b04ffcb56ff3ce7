// A fault run through the harness's own k6 path (planner → k6 stand-in → adapter) against the lab: each k6 result
// names the cause k6 saw — refused, HTTP 500, expired certificate, request timeout — and a refused connection is
// never reported as a TLS failure. The stand-in behaves as real k6 v1.3.0 did in test/k6/fixtures.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import rawConfig from '../../harness.config.ts';
import { parseConfig } from '../../core/config/load.ts';
import { CheckResult } from '../../core/result.ts';
import type { CheckResult as Result } from '../../core/result.ts';
import type { BatchTask } from '../../core/task.ts';
import type { Step } from '../../core/window/schema.ts';
import { estateFromLab } from '../../estate/model.ts';
import { startLab } from '../../lab/index.ts';
import type { Lab } from '../../lab/index.ts';
import { K6Params, makeK6Planner } from '../../k6/plan.ts';
import { juneStep } from '../support/window.ts';
import { standInK6, tmpDir } from './helpers.ts';

const config = parseConfig({
  ...rawConfig,
  k6: {
    ...rawConfig.k6,
    lab: { duration: '1s', maxVus: 1, concurrency: 4, gracefulStop: '1s' },
    scripts: { ...rawConfig.k6!.scripts, 'backend-sweep': { vus: 1, duration: '1s', pauseMs: 100, requestTimeout: '1s' } },
  },
});
let lab: Lab;
before(async () => {
  lab = await startLab({ config, state: juneStep('regression').after, slowMs: 3_000, healthIntervalMs: 100, healthTimeoutMs: 300 });
});
after(async () => {
  await lab?.stop();
});

/** backend-sweep of www on `server` with `fault` active: the results by check name. */
async function sweep(server: string, fault: string): Promise<Map<string, Result>> {
  await lab.control.addFault(fault);
  try {
    const step = { ...juneStep('regression'), checks: [{ kind: 'k6', script: 'backend-sweep', hosts: ['www'] }] } as Step;
    const tasks = makeK6Planner({ distDir: tmpDir('k6-dist'), env: { K6_BIN: standInK6().bin, PATH: process.env.PATH } })(
      { step, config, estate: estateFromLab(config, lab.manifest), runDir: tmpDir('k6-run') },
      K6Params.parse({ script: 'backend-sweep', hosts: ['www'] }),
      'critical',
    ) as BatchTask[];
    const task = tasks.find((t) => t.id === `k6:backend-sweep:${server}`)!;
    const out = new Map<string, Result>();
    await task.run({
      signal: new AbortController().signal,
      runDir: tmpDir('k6-run'),
      emit: (r) => out.set(r.id.slice(task.id.length + 1), CheckResult.parse(r)),
    });
    return out;
  } finally {
    await lab.control.removeFault(fault);
  }
}

test('web-down: refused named with its error_code; the TLS check is not failed, it never ran', { timeout: 60_000 }, async () => {
  const r = await sweep('IC-Web3', 'web-down:IC-Web3');
  assert.equal(r.get('check:www status is 200')!.status, 'failed');
  assert.match(
    r.get('check:www status is 200')!.message!,
    /connection refused \(error_code 1212\).*"dial tcp 127\.0\.0\.1:\d+: connect: connection refused" ×\d+ on www\.invoicecloud\.test/,
  );
  assert.equal(r.get('check:www TLS 1.2 or newer')!.status, 'broken', 'a refused connection is not a TLS failure');
  assert.match(r.get('threshold:http_req_failed')!.message!, /connection refused \(error_code 1212\)/);
  const latency = r.get('threshold:http_req_duration{expected_response:true}')!;
  assert.equal(latency.status, 'broken', 'no successful response: no latency to judge, never a pass');
  assert.match(latency.message!, /^no data/);
});

test('web-error: HTTP 500 named (no log line in k6: from the error_code sub-metric)', { timeout: 60_000 }, async () => {
  const r = await sweep('IC-Web5', 'web-error:IC-Web5');
  assert.equal(r.get('check:www status is 200')!.status, 'failed');
  assert.match(r.get('check:www status is 200')!.message!, /HTTP 500 \(error_code 1500\)/);
  assert.equal(r.get('check:www TLS 1.2 or newer')!.status, 'passed');
});

test('web-cert-expired: the x509 error k6 logged is quoted on the TLS check', { timeout: 60_000 }, async () => {
  const r = await sweep('IC-Web7', 'web-cert-expired:IC-Web7');
  const tls = r.get('check:www TLS 1.2 or newer')!;
  assert.equal(tls.status, 'failed');
  assert.match(tls.message!, /x509: certificate has expired or is not yet valid/);
});

test('web-slow: request timeout named with its error_code', { timeout: 60_000 }, async () => {
  const r = await sweep('IC-Web9', 'web-slow:IC-Web9');
  const run = r.get('run')!;
  const all = [...r.values()].map((x) => x.message).join('\n');
  assert.match(all, /request timeout \(error_code 1050\)/, all);
  assert.equal(r.get('threshold:http_req_failed')!.status, 'failed');
  assert.match(
    r.get('threshold:http_req_failed')!.message!,
    /request timeout \(error_code 1050\).*"request timeout" ×\d+ on www\.invoicecloud\.test/,
  );
  assert.match(run.message!, /crossed: http_req_failed/, 'the run ran; its thresholds carry the failure');
});
