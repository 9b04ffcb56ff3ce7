// Proof beyond the lab's own app: the second test site (lab/site2, Northwind Utilities — other hosts, paths, markup and
// log-on form, an internal CA that is not the lab's, one plain-HTTP backend, its own gateway and ILB, Azure's
// backend-health API) is driven through an overlay file alone. web1-5, pre-maintenance, post-window (against the
// pre-maintenance baseline) and regression are go when it is healthy; each fault is a no-go naming its cause.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Summary } from '../../core/result.ts';
import { type Site2, type Site2Faults, startSite2 } from '../../lab/site2/index.ts';
import { runCli, tempDir } from '../cli/helpers.ts';

let site: Site2;
const root = tempDir('site2');
before(async () => {
  site = await startSite2({ dir: join(root, 'site') });
});
after(async () => {
  await site?.stop();
  if (!process.env.KEEP) rmSync(root, { recursive: true, force: true });
});

async function run(name: string, phase: string, extra: string[] = []) {
  const out = join(root, name);
  const r = await runCli(
    'smoke.ts',
    [`--phase=${phase}`, '--env=site2', '--window=2025-06-22', '--force', `--out=${out}`, ...extra],
    site.env,
  );
  const file = join(out, 'summary.json');
  assert.ok(existsSync(file), `${name}: no summary (exit ${r.code}): ${r.stderr.slice(-2000)}`);
  const s = Summary.parse(JSON.parse(readFileSync(file, 'utf8')));
  const failing = s.checks.filter((c) => c.status !== 'passed').map((c) => `${c.id} ${c.status}: ${c.message}`);
  return { r, s, out, failing };
}

describe('the second test site, healthy, through its overlay alone', { concurrency: 1 }, () => {
  test('the overlay is all the harness is told: hosts, contracts, servers, CA, scope', () => {
    const text = readFileSync(site.overlayFile, 'utf8');
    for (const part of [
      '"label": "shop"',
      '"domain": "northwind.test"',
      '"userLabel": "Customer ID"',
      '"scheme": "http"',
      'northwind-root.pem',
      '"outOfScope"',
    ])
      assert.ok(text.includes(part), part);
    assert.ok(!text.includes('invoicecloud'), 'nothing of the lab app in it');
  });

  test('web1-5 is go; the console says what is out of scope for site2, apart from a partial run', async () => {
    const { r, s, failing } = await run('web1-5', 'web1-5');
    assert.equal(s.verdict, 'go', failing.join('\n'));
    assert.equal(r.code, 0);
    assert.match(r.stderr, /out of scope for site2: rotations, api \(environments\.site2\.outOfScope\)/);
    assert.deepEqual(s.outOfScope, { env: 'site2', families: ['rotations', 'api'] });
    assert.equal(s.partial, undefined);
    const ids = s.checks.map((c) => c.id);
    assert.ok(ids.includes('sanity:IC-Web5:www:/'), 'the plain-HTTP backend is probed (over HTTP, as declared)');
    assert.match(s.checks.find((c) => c.id === 'pool:gateway')?.message ?? '', /Azure reports them Up/);
    assert.ok(ids.includes('e2e:www:smoke/all-hosts.spec.ts:every host › serves the app, not the maintenance page'));
    assert.ok(!ids.some((id) => /www\.spec\.ts/.test(id)), 'no lab-app spec runs on this site');
  });

  test('pre-maintenance records the baseline; post-window against it and regression are go', async () => {
    const pre = await run('pre-maintenance', 'pre-maintenance');
    assert.equal(pre.s.verdict, 'go', pre.failing.join('\n'));
    const aria = join(pre.out, 'e2e', 'smoke', 'aria');
    assert.deepEqual(readdirSync(aria).sort(), ['my', 'sso', 'www', 'www2']);
    assert.ok(!existsSync(join(aria, 'my', `${encodeURIComponent('/signin')}.aria.yml`)), 'a page out of the baseline is not recorded');
    const post = await run('post-window', 'post-window', [`--baseline=${pre.out}`]);
    assert.equal(post.s.verdict, 'go', post.failing.join('\n'));
    const ids = post.s.checks.map((c) => c.id);
    for (const h of ['www', 'my', 'sso'])
      assert.ok(
        ids.includes(`e2e:${h}:smoke/all-hosts.spec.ts:every host › renders as before the window (accessibility-tree baseline)`),
        h,
      );
    assert.ok(ids.includes('e2e:my:smoke/all-hosts.spec.ts:every host › the test account signs in (contract)'));
    assert.equal(post.s.checks.find((c) => c.id === 'sanity:tokens')?.status, 'passed');
    const reg = await run('regression', 'regression');
    assert.equal(reg.s.verdict, 'go', reg.failing.join('\n'));
    assert.deepEqual(reg.s.outOfScope, { env: 'site2', families: ['k6'] });
    assert.ok(!reg.s.checks.some((c) => /test card|pay my bill/i.test(c.id)), 'no payment outside the lab');
    assert.ok(reg.s.checks.some((c) => /accessibility\.spec\.ts/.test(c.id)));
  });

  test('post-window with no baseline: the comparison is broken "no baseline", never passed', async () => {
    const { s } = await run('post-no-baseline', 'post-window', ['--only=e2e', '--baseline=none']);
    const cmp = s.checks.filter((c) => /renders as before the window/.test(c.id));
    assert.equal(cmp.length, 3);
    for (const c of cmp) {
      assert.equal(c.status, 'broken');
      assert.match(c.message ?? '', /no baseline: no complete pre-maintenance run of this window for site2/);
    }
    assert.notEqual(s.verdict, 'go');
  });
});

const faults: { name: string; phase: string; faults: Site2Faults; args?: string[]; want: RegExp[] }[] = [
  {
    name: "a page's landmark changes",
    phase: 'web1-5',
    faults: { landmarkGone: ['www'] },
    args: ['--only=e2e'],
    want: [
      /e2e:www:smoke\/all-hosts\.spec\.ts:every host › serves the app, not the maintenance page failed: .*shop\.northwind\.test\/ renders its main landmark/,
    ],
  },
  {
    name: 'a login fails',
    phase: 'post-window',
    faults: { loginBroken: true },
    args: ['--only=sanity,e2e', '--baseline=none'],
    want: [
      /sanity:tokens failed: .*refused the test account meter\.reader@northwind\.test at \/signin on account\.northwind\.test/,
      /e2e:my:smoke\/all-hosts\.spec\.ts:every host › the test account signs in \(contract\) failed: .*account\.northwind\.test should accept the test account/,
    ],
  },
  {
    name: "a backend's certificate is for the wrong name",
    phase: 'web1-5',
    faults: { wrongCert: ['IC-Web2'] },
    args: ['--only=sanity'],
    want: [/sanity:IC-Web2:www:\/ failed: .*(certificate|ERR_TLS_CERT_ALTNAME_INVALID|altnames)/i, /pool:gateway failed: .*IC-Web2/],
  },
  {
    name: 'a server drops out of the pools (identity header)',
    phase: 'web1-5',
    faults: { poolDrop: ['IC-Web3'] },
    args: ['--only=sanity'],
    want: [/pool:gateway failed: .*IC-Web3 never answered through nw-agw-01/, /pool:ilb failed: .*IC-Web3/],
  },
  {
    name: "a server is down in Azure's backend health",
    phase: 'web1-5',
    faults: { azureDown: ['IC-Web4'] },
    args: ['--only=sanity'],
    want: [
      /pool:gateway failed: Azure does not report IC-Web4 Up in nw-agw-01's backend health: IC-Web4 Down \(the health probe to \/healthz timed out/,
      /pool:ilb failed: Azure does not report IC-Web4 Up in nw-ilb-01's rule https/,
    ],
  },
];

describe('the second test site under faults: no-go naming the cause', { concurrency: 1 }, () => {
  for (const f of faults)
    test(f.name, async () => {
      await site.setFaults(f.faults);
      try {
        const { r, s, failing } = await run(`fault-${faults.indexOf(f)}`, f.phase, f.args);
        assert.equal(s.verdict, 'no-go', failing.join('\n'));
        assert.equal(r.code, 1);
        const said = `${s.reasons.join('\n')}\n${failing.join('\n')}`;
        for (const w of f.want) assert.match(said, w);
      } finally {
        await site.setFaults({});
      }
    });
});
