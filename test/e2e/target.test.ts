// What the suites run against and how the browser is set up: lab defaults, production only from the
// environment, Chromium discovery, host mapping, and certificate pins only for what the lab CA verifies.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import { resolveTarget, TargetError } from '../../e2e/target.ts';
import { baseArgs, findChromium, hostResolverRules, labLaunchArgs, spkiHash, verifiedLabPins } from '../../e2e/browser.ts';
import { suiteEnv } from '../../e2e/plan.ts';
import { JUNE, juneStep, planJune } from '../support/window.ts';
import type { HarnessConfig } from '../../core/config/schema.ts';
import type { Lab } from '../../lab/index.ts';
import { labFor, planContext, tmpDir } from './support/lab.ts';

describe('resolveTarget', () => {
  test('the lab by default: .test hosts, the lab account, no production name anywhere', () => {
    const t = resolveTarget({});
    assert.equal(t.env, 'lab');
    assert.deepEqual(t.baseURLs, {
      www: 'https://www.invoicecloud.test',
      www2: 'https://www2.invoicecloud.test',
      my: 'https://my.invoicecloud.test',
      sso: 'https://sso.invoicecloud.test',
    });
    assert.equal(t.account.user, 'lab.payer@invoicecloud.test');
    assert.ok(t.account.password);
    assert.doesNotMatch(JSON.stringify(t), /invoicecloud\.com/);
  });

  test('production: base URLs and account only from the environment; a missing one names its variable', () => {
    const t = resolveTarget({
      HARNESS_E2E_ENV: 'production',
      HARNESS_E2E_BASE_URL_WWW: 'https://www.example.org/',
      HARNESS_E2E_USER: 'u@example.org',
    });
    assert.equal(t.baseURLs.www, 'https://www.example.org');
    assert.deepEqual(t.baseURLs.my, {
      missing:
        'HARNESS_E2E_BASE_URL_MY is not set: with --env=production the base URL of my comes from the environment (e.g. https://my.invoicecloud.com)',
    });
    assert.deepEqual(t.account, { user: 'u@example.org', password: undefined });
    assert.equal(t.lab, undefined);
  });

  const bad: { name: string; env: NodeJS.ProcessEnv; error: RegExp }[] = [
    {
      name: 'unknown maintenance host',
      env: { HARNESS_E2E_MAINTENANCE_ON: 'www,shop' },
      error: /HARNESS_E2E_MAINTENANCE_ON: unknown host "shop" \(known: www, www2, my, sso\)/,
    },
    {
      name: 'unreadable manifest',
      env: { HARNESS_LAB_MANIFEST: '/nonexistent/manifest.json' },
      error: /HARNESS_LAB_MANIFEST=\/nonexistent\/manifest\.json: cannot read the lab manifest \(ENOENT\)/,
    },
  ];
  for (const c of bad)
    test(`rejects ${c.name}`, () =>
      assert.throws(
        () => resolveTarget(c.env),
        (e: unknown) => e instanceof TargetError && c.error.test(e.message),
      ));

  test('maintenance hosts are read as a list', () =>
    assert.deepEqual(resolveTarget({ HARNESS_E2E_MAINTENANCE_ON: 'www, my' }).maintenance.on, ['www', 'my']));
});

describe('findChromium', () => {
  const cases: { name: string; env: NodeJS.ProcessEnv; present: string[]; want: string | undefined }[] = [
    { name: 'CHROMIUM_PATH wins', env: { CHROMIUM_PATH: '/opt/c/chrome' }, present: ['/usr/bin/chromium'], want: '/opt/c/chrome' },
    { name: "Debian's chromium", env: {}, present: ['/usr/bin/chromium', '/usr/bin/chromium-browser'], want: '/usr/bin/chromium' },
    { name: 'chromium-browser', env: {}, present: ['/usr/bin/chromium-browser'], want: '/usr/bin/chromium-browser' },
    { name: 'nothing installed', env: {}, present: [], want: undefined },
  ];
  for (const c of cases)
    test(c.name, () =>
      assert.equal(
        findChromium(c.env, (p) => c.present.includes(p)),
        c.want,
      ),
    );

  test('root runs without the sandbox; every run without background networking', () => {
    assert.ok(baseArgs(true).includes('--no-sandbox'));
    assert.ok(!baseArgs(false).includes('--no-sandbox'));
    for (const f of [
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-gpu',
      '--disable-quic',
    ])
      assert.ok(baseArgs(false).includes(f), f);
  });
});

describe('lab trust', () => {
  let config: HarnessConfig;
  let lab: Lab;
  before(async () => ({ config, lab } = await labFor('post-window')));
  after(async () => {
    await lab?.stop();
    rmSync(lab.dir, { recursive: true, force: true });
  });

  test('every lab host maps to the gateway, then nothing else resolves but loopback', () => {
    const { address, port } = lab.manifest.gateway;
    const maps = Object.values(lab.manifest.hosts).map((h) => `MAP ${h} ${address}:${port}`);
    const excluded = [...new Set(['127.0.0.1', 'localhost', address])].map((h) => `EXCLUDE ${h}`);
    assert.equal(hostResolverRules(lab.manifest), `--host-resolver-rules=${[...maps, 'MAP * ~NOTFOUND', ...excluded].join(',')}`);
  });

  test('a lab run adds the mapping with its catch-all and the pins; a production run adds nothing', () => {
    const args = labLaunchArgs({ env: 'lab', lab: lab.manifest }, ['pinA=', 'pinB=']);
    assert.equal(args.length, 2);
    assert.match(args[0] ?? '', /^--host-resolver-rules=MAP www\.[^,]+,.*,MAP \* ~NOTFOUND,EXCLUDE 127\.0\.0\.1,EXCLUDE localhost/);
    assert.equal(args[1], '--ignore-certificate-errors-spki-list=pinA=,pinB=');
    assert.deepEqual(labLaunchArgs({ env: 'production' }, []), []);
    assert.ok(
      !labLaunchArgs({ env: 'production', lab: lab.manifest }, ['pinA=']).some((a) => a.includes('NOTFOUND')),
      'production keeps real DNS even if a manifest is around',
    );
  });

  test('pins are the keys of certificates the lab CA verified, never the CA itself', async () => {
    const ca = readFileSync(lab.manifest.caFile, 'utf8');
    const pins = await verifiedLabPins(lab.manifest, ca);
    assert.ok(pins.length >= 1);
    assert.ok(!pins.includes(spkiHash(ca)), 'the CA key is not pinned (it would accept any certificate it signed, expired ones too)');
    for (const p of pins) assert.match(p, /^[A-Za-z0-9+/]{43}=$/);
  });

  test('a certificate the given CA did not sign is refused, naming host and cause', async () => {
    await assert.rejects(
      verifiedLabPins(lab.manifest, rootCertificates[0]!),
      /cannot trust the lab's certificate for www\.invoicecloud\.test at 127\.0\.0\.1:\d+: [A-Z_]+ /,
    );
  });

  test('the planner: one Playwright batch per phase with e2e, the suite and hosts of the phase', () => {
    const runDir = tmpDir('e2e-plan-');
    try {
      const want: Record<string, string> = {
        'pre-maintenance': 'smoke on www, www2, my, sso',
        'web1-5': 'smoke on www',
        'web6-10': 'smoke on www',
        'post-window': 'smoke on www, my, sso',
        regression: 'regression on www, www2, my, sso',
      };
      for (const { id } of JUNE.steps) {
        const tasks = planJune(config, planContext(config, lab, id, runDir).estate, id, runDir).filter((t) => t.family === 'e2e');
        if (!want[id]) assert.deepEqual(tasks, [], id);
        else {
          assert.equal(tasks.length, 1, id);
          assert.equal(tasks[0]?.id, 'e2e');
          assert.equal(tasks[0]?.title, `Playwright ${want[id]}`);
          assert.equal(tasks[0]?.type, 'batch');
        }
      }
    } finally {
      rmSync(runDir, { recursive: true, force: true });
    }
  });

  test('suite environment: the lab manifest in the lab; the estate names only outside it', () => {
    const ctx = planContext(config, lab, 'post-window', '/unused');
    const labEnv = suiteEnv(ctx, '/run/lab-manifest.json', ['www']);
    assert.equal(labEnv.HARNESS_LAB_MANIFEST, '/run/lab-manifest.json');
    assert.equal(labEnv.HARNESS_E2E_ENV, 'lab');
    assert.ok(!Object.keys(labEnv).some((k) => k.startsWith('HARNESS_E2E_BASE_URL_')));
    const prod = {
      ...ctx,
      step: juneStep('web1-5'),
      estate: {
        ...ctx.estate,
        env: 'production',
        hosts: ctx.estate.hosts.map((h) => ({ ...h, name: `${h.key}.example.org` })),
        account: { user: 'u', password: undefined },
      },
    };
    const prodEnv = suiteEnv(prod, undefined, ['www']);
    assert.equal(prodEnv.HARNESS_E2E_BASE_URL_WWW, process.env.HARNESS_E2E_BASE_URL_WWW ?? 'https://www.example.org');
    assert.equal(prodEnv.HARNESS_E2E_PASSWORD, undefined);
    assert.equal(prodEnv.HARNESS_LAB_MANIFEST, undefined);
  });
});
