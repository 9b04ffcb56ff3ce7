// Proxied (orange-cloud) records: an address inside the provider's ranges passes; the origin address, or an
// address outside the ranges, fails. A flattened apex CNAME is accepted as its A records.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { judgeProxied } from '../../dns/checks/parity.ts';
import { dnsTasks, runTask, startTestLab } from './helpers.ts';

const CLOUDFLARE_SAMPLE = ['173.245.48.0/20', '104.16.0.0/13', '2606:4700::/32'];

const table: [string, string[], string[], string[], RegExp | undefined][] = [
  ['inside the IPv4 ranges', ['104.16.132.229', '104.16.133.229'], ['203.0.113.10'], CLOUDFLARE_SAMPLE, undefined],
  ['inside the IPv6 ranges', ['2606:4700::6810:84e5'], ['2001:db8::10'], CLOUDFLARE_SAMPLE, undefined],
  [
    'the origin address (grey cloud)',
    ['203.0.113.10'],
    ['203.0.113.10'],
    CLOUDFLARE_SAMPLE,
    /origin address 203.0.113.10: the record is not proxied \(grey cloud\)/,
  ],
  [
    'outside the ranges',
    ['198.51.100.7'],
    ['203.0.113.10'],
    CLOUDFLARE_SAMPLE,
    /answers 198.51.100.7, outside the provider's published ranges/,
  ],
  ['one of two outside', ['104.16.132.229', '198.51.100.7'], ['203.0.113.10'], CLOUDFLARE_SAMPLE, /answers 198.51.100.7, outside/],
  ['no address at all', [], ['203.0.113.10'], CLOUDFLARE_SAMPLE, /answers no address/],
  ['no ranges configured', ['104.16.132.229'], ['203.0.113.10'], [], /no proxy ranges are configured/],
  ['the lab edge range', ['127.64.3.4'], ['127.0.0.1'], ['127.64.0.0/16'], undefined],
];

for (const [what, answer, origin, ranges, problem] of table) {
  test(`proxied answer ${what}`, () => {
    const got = judgeProxied(answer, origin, ranges);
    if (problem) assert.match(got ?? '(passed)', problem);
    else assert.equal(got, undefined);
  });
}

test('lab: the proxied record answers inside 127.64.0.0/16 and passes; the old provider answers the origin', async () => {
  const lab = await startTestLab([], { provider: 'new' });
  try {
    const task = dnsTasks(lab, 'dns-migration').find((t) => t.id === 'dns:parity:static.invoicecloud.test:A');
    assert.ok(task);
    const r = await runTask(task);
    assert.equal(r.status, 'passed', r.message);
    assert.match(
      r.message ?? '',
      /static.invoicecloud.test A is proxied at Cloudflare \(lab\): 127\.64\.\d+\.\d+ inside 127.64.0.0\/16; origin 127.0.0.1/,
    );
  } finally {
    await lab.lab.stop();
  }
});

test('lab: a name marked proxied that the new provider serves at the origin address fails', async () => {
  const lab = await startTestLab([], { provider: 'new' });
  try {
    // Declare www proxied (as a record on top of the zone file): the lab's new provider serves it unproxied.
    const dns = lab.estate.lab?.dns as { records: unknown[] };
    dns.records.push({ name: 'www.invoicecloud.test', type: 'A', values: [], proxied: true, source: 'test: www marked proxied' });
    const task = dnsTasks(lab, 'dns-migration').find((t) => t.id === 'dns:parity:www.invoicecloud.test:A');
    assert.ok(task);
    const r = await runTask(task);
    assert.equal(r.status, 'failed');
    assert.match(
      r.message ?? '',
      /www.invoicecloud.test A is proxied, but Cloudflare \(lab\) answers with the origin address 127.0.0.1: the record is not proxied \(grey cloud\)/,
    );
  } finally {
    await lab.lab.stop();
  }
});

test('lab: a proxied record drifting outside the ranges fails', async () => {
  const lab = await startTestLab(['dns-record-drift:static'], { provider: 'new' });
  try {
    const task = dnsTasks(lab, 'dns-migration').find((t) => t.id === 'dns:parity:static.invoicecloud.test:A');
    assert.ok(task);
    const r = await runTask(task);
    assert.equal(r.status, 'failed');
    assert.match(r.message ?? '', /Cloudflare \(lab\) answers 127.0.0.99, outside the provider's published ranges \(127.64.0.0\/16\)/);
  } finally {
    await lab.lab.stop();
  }
});

test('lab: the apex CNAME is flattened (no CNAME at the apex, A equal to the target) and accepted', async () => {
  const lab = await startTestLab([], { provider: 'new' });
  try {
    const task = dnsTasks(lab, 'dns-migration').find((t) => t.id === 'dns:parity:invoicecloud.test:CNAME');
    assert.ok(task);
    const r = await runTask(task);
    assert.equal(r.status, 'passed', r.message);
    assert.match(r.message ?? '', /apex CNAME to origin.invoicecloud.test flattened/);
    const d = r.details as { new: Record<string, { values: string[]; chain: string[] }>; flattenTarget: { values: string[] } };
    for (const s of Object.values(d.new)) assert.deepEqual([s.values, s.chain], [['127.0.0.1'], []]);
    assert.deepEqual(d.flattenTarget.values, ['127.0.0.1']);
  } finally {
    await lab.lab.stop();
  }
});
