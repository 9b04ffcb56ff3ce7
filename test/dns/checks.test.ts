// The fault matrix: the healthy lab passes every dns check of each phase; each DNS fault of the table in docs/contracts.md fails
// the check that names it, with a message an on-call engineer acts on, and leaves the others passing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dnsTasks, notPassed, providerAfter, runAll, startTestLab } from './helpers.ts';

interface Case {
  faults: string[];
  phase?: string;
  /** Check id → fragments its message must contain; every check not listed must pass. */
  fails: Record<string, RegExp[]>;
}

const RESOLVERS = ['dns:resolver:lab-resolver-1', 'dns:resolver:lab-resolver-2', 'dns:resolver:lab-doh'];

const cases: Record<string, Case> = {
  'healthy dns-migration': { faults: [], fails: {} },
  'healthy post-window': { faults: [], phase: 'post-window', fails: {} },
  'healthy pre-maintenance (old provider live)': { faults: [], phase: 'pre-maintenance', fails: {} },
  'dns-delegation-old': {
    faults: ['dns-delegation-old'],
    fails: {
      'dns:delegation': [
        /the parent \(test\) delegates invoicecloud.test to the old provider GoDaddy \(lab\) \(ns45.domaincontrol.test, ns46.domaincontrol.test\)/,
        /GoDaddy \(lab\) is live, not Cloudflare \(lab\)/,
        /change the nameservers at the registrar to ada.ns.cloudflare.test, bob.ns.cloudflare.test/,
      ],
      // Resolvers follow the parent, so they serve the old answers too, and say why.
      ...Object.fromEntries(
        RESOLVERS.map((id) => [
          id,
          [/because the parent \(test\) still delegates invoicecloud.test to GoDaddy \(lab\) \(see dns:delegation\)/],
        ]),
      ),
    },
  },
  'dns-record-drift:www': {
    faults: ['dns-record-drift:www'],
    fails: {
      'dns:parity:www.invoicecloud.test:A': [
        /www.invoicecloud.test A differs: Cloudflare \(lab\) answers 127.0.0.99 \(TTL 300 s\), GoDaddy \(lab\) answers 127.0.0.1; correct the record at Cloudflare \(lab\)/,
      ],
    },
  },
  'dns-record-drift:portal (a CNAME)': {
    faults: ['dns-record-drift:portal.invoicecloud.test'],
    fails: {
      'dns:parity:portal.invoicecloud.test:CNAME': [/answers parked.drifted.test/, /GoDaddy \(lab\) answers www.invoicecloud.test/],
    },
  },
  'dns-missing-txt:_dmarc': {
    faults: ['dns-missing-txt:_dmarc'],
    fails: {
      'dns:mail:dmarc': [
        /no DMARC record at Cloudflare \(lab\)/,
        /GoDaddy \(lab\) has "v=DMARC1; p=quarantine/,
        /add the TXT record at Cloudflare \(lab\)/,
      ],
    },
  },
  'dns-missing-txt:invoicecloud.test (SPF)': {
    faults: ['dns-missing-txt:invoicecloud.test'],
    fails: { 'dns:mail:spf': [/no SPF record at Cloudflare \(lab\)/, /include:mailgun.org/] },
  },
  'dns-missing-txt:k1._domainkey (DKIM)': {
    faults: ['dns-missing-txt:k1._domainkey'],
    fails: { 'dns:mail:dkim:k1': [/no DKIM \(selector k1\) record at Cloudflare \(lab\)/] },
  },
  'dns-resolver-stale:lab-resolver-2': {
    faults: ['dns-resolver-stale:lab-resolver-2'],
    fails: {
      'dns:resolver:lab-resolver-2': [
        /resolver lab-resolver-2 still serves GoDaddy \(lab\)'s \(old\) answers/,
        /invoicecloud.test NS → ns45.domaincontrol.test, ns46.domaincontrol.test with \d+ s left \(GoDaddy \(lab\)'s TTL is 300 s/,
        /flush its cache/,
      ],
    },
  },
  'dns-resolver-stale:lab-doh': {
    faults: ['dns-resolver-stale:lab-doh'],
    fails: {
      'dns:resolver:lab-doh': [/resolver lab-doh still serves GoDaddy \(lab\)'s \(old\) answers/, /static.invoicecloud.test A → 127.0.0.1/],
    },
  },
  'dns-ds-stale': {
    faults: ['dns-ds-stale'],
    fails: {
      'dns:dnssec': [
        /the parent \(test\) publishes DS \d+ 15 2 [0-9A-F]{64} for invoicecloud.test, delegated to Cloudflare \(lab\)/,
        /no DS matches a DNSKEY served by ada.ns.cloudflare.test/,
        /Validating resolvers will answer SERVFAIL for the whole zone/,
        /the DS at the registrar must be \d+ 15 2 [0-9A-F]{64} \(the KSK's\)/,
      ],
    },
  },
  // Issue 12, point 1: a leftover DS next to a good one is no no-go (the dnssec check passes, with a warning).
  'dns-ds-extra (point 1)': { faults: ['dns-ds-extra'], fails: {} },
  // Point 3: what validators reject is a no-go.
  'dns-ds-zsk (point 3)': { faults: ['dns-ds-zsk'], fails: { 'dns:dnssec': [/points at the zone-signing key/, /EDE 6 DNSSEC Bogus/] } },
  'dns-rrsig-expired (point 3)': { faults: ['dns-rrsig-expired'], fails: { 'dns:dnssec': [/expired at/, /EDE 7 Signature Expired/] } },
  // Point 2: the second nameserver's key set is read too.
  'dns-dnskey-split:bob (point 2)': {
    faults: ['dns-dnskey-split:bob.ns.cloudflare.test'],
    fails: { 'dns:dnssec': [/serve different DNSKEY sets/, /bob.ns.cloudflare.test: key tag/] },
  },
  // Point 5: a validating resolver's SERVFAIL names DNSSEC (its EDE), not "check that the zone is loaded".
  'dns-resolver-bogus:lab-resolver-1 (point 5)': {
    faults: ['dns-resolver-bogus:lab-resolver-1'],
    fails: {
      'dns:resolver:lab-resolver-1': [
        /answered SERVFAIL for invoicecloud.test NS: DNSSEC validation failed \(EDE 6 DNSSEC Bogus: "validation failure <invoicecloud.test NS>: no valid signature found"\)/,
        /see dns:dnssec/,
      ],
    },
  },
  // Point 8: glue, an extra NS and a CNAME loop, each named for what it is.
  'dns-glue-old (point 8)': {
    faults: ['dns-glue-old'],
    fails: {
      'dns:delegation': [
        /gives the glue address 127.0.0.2 for ada.ns.cloudflare.test, but Cloudflare \(lab\) serves it at 127.0.0.1/,
        /answers with GoDaddy \(lab\)'s copy of the zone \(SOA ns45.domaincontrol.test\): the old provider's server/,
        /glue \/ host record\) at the registrar/,
      ],
    },
  },
  'dns-delegation-extra (point 8)': {
    faults: ['dns-delegation-extra'],
    fails: {
      'dns:delegation': [
        /delegates invoicecloud.test to Cloudflare \(lab\)'s ada.ns.cloudflare.test, bob.ns.cloudflare.test plus ns45.domaincontrol.test \(GoDaddy \(lab\)\)/,
        /remove ns45.domaincontrol.test from the nameservers at the registrar/,
      ],
      // …and the DS now also covers a server that does not sign: resolvers that pick it get bogus answers.
      'dns:dnssec': [
        /delegated to Cloudflare \(lab\) and GoDaddy \(lab\)/,
        /ns45.domaincontrol.test serves no DNSKEY for invoicecloud.test \(EDE 9 DNSKEY Missing\)/,
      ],
    },
  },
  'dns-cname-loop:portal (point 8)': {
    faults: ['dns-cname-loop:portal'],
    fails: {
      'dns:parity:portal.invoicecloud.test:CNAME': [
        /CNAME loop \(portal.invoicecloud.test → loop.portal.invoicecloud.test → portal.invoicecloud.test\)/,
      ],
    },
  },
  // Point 6: the old provider's apex NS TTL counts for TTL readiness.
  'dns-ns-ttl-high (point 6)': {
    faults: ['dns-ns-ttl-high'],
    phase: 'pre-maintenance',
    fails: {
      'dns:ttl:invoicecloud.test:NS': [
        /the apex NS set of invoicecloud.test has TTL 3600 s at GoDaddy \(lab\), above the 300 s ceiling/,
        /keep asking GoDaddy \(lab\)'s nameservers for up to 3600 s after the flip/,
      ],
    },
  },
  'dns-truncate': { faults: ['dns-truncate'], fails: {} },
};

for (const [name, c] of Object.entries(cases)) {
  test(`fault matrix: ${name}`, async () => {
    const phase = c.phase ?? 'dns-migration';
    const lab = await startTestLab(c.faults, { provider: providerAfter(phase) });
    try {
      const tasks = dnsTasks(lab, phase);
      assert.ok(tasks.length >= 15, `planned ${tasks.length} dns checks`);
      const results = await runAll(tasks);
      for (const id of Object.keys(c.fails)) assert.ok(results.has(id), `check ${id} was planned`);
      for (const [id, r] of results) {
        const expect = c.fails[id];
        if (!expect) {
          assert.equal(r.status, 'passed', `${id} should pass: ${r.message}`);
          continue;
        }
        assert.equal(r.status, 'failed', `${id} should fail: ${r.message}`);
        for (const fragment of expect) assert.match(r.message ?? '', fragment, id);
      }
    } finally {
      await lab.lab.stop();
    }
  });
}

test('dns-truncate: the answers really came over TCP after a truncated UDP answer', async () => {
  const lab = await startTestLab(['dns-truncate'], { provider: 'new' });
  try {
    const results = await runAll(dnsTasks(lab, 'dns-migration'));
    assert.deepEqual(notPassed(results), []);
    const www = results.get('dns:parity:www.invoicecloud.test:A')?.details as {
      new: Record<string, { transport: string; truncatedOverUdp: boolean }>;
    };
    assert.deepEqual(
      Object.values(www.new).map((s) => [s.transport, s.truncatedOverUdp]),
      [
        ['tcp', true],
        ['tcp', true],
      ],
    );
    assert.ok((lab.lab.servers['ada.ns.cloudflare.test']?.counts.tcp ?? 0) > 10);
  } finally {
    await lab.lab.stop();
  }
});

test('dns-servfail on a new nameserver: every check that asks it fails naming it; resolvers fall back and pass', async () => {
  const lab = await startTestLab(['dns-servfail:bob.ns.cloudflare.test'], { provider: 'new' });
  try {
    const results = await runAll(dnsTasks(lab, 'dns-migration'));
    for (const [id, r] of results) {
      if (id.startsWith('dns:resolver:')) assert.equal(r.status, 'passed', `${id}: ${r.message}`);
      else {
        assert.equal(r.status, 'failed', id);
        assert.match(
          r.message ?? '',
          /bob.ns.cloudflare.test \(127.0.0.1:\d+\) answered SERVFAIL for .*: resolvers that pick this nameserver get no answer/,
          id,
        );
      }
    }
  } finally {
    await lab.lab.stop();
  }
});

test('dns-servfail on both old nameservers (GoDaddy gone after the move): parity and mail compare with the zone export', async () => {
  const lab = await startTestLab(['dns-servfail:ns45.domaincontrol.test', 'dns-servfail:ns46.domaincontrol.test'], { provider: 'new' });
  try {
    const results = await runAll(dnsTasks(lab, 'post-window'));
    assert.deepEqual(notPassed(results), []);
    assert.match(results.get('dns:parity:www.invoicecloud.test:A')?.message ?? '', /agree \(127.0.0.1\)/);
    assert.match(
      results.get('dns:parity:www.invoicecloud.test:A')?.message ?? '',
      /invoicecloud.test.zone:\d+ \(the old provider did not answer: ns45.domaincontrol.test .* answered SERVFAIL/,
    );
    assert.match(results.get('dns:mail:dmarc')?.message ?? '', /equal to invoicecloud.test.zone:\d+ \(GoDaddy \(lab\) did not answer/);
  } finally {
    await lab.lab.stop();
  }
});

test('dns-servfail on a lab resolver: only that resolver check fails', async () => {
  const lab = await startTestLab(['dns-servfail:lab-resolver-1'], { provider: 'new' });
  try {
    const results = await runAll(dnsTasks(lab, 'dns-migration'));
    assert.deepEqual(
      notPassed(results).map((l) => l.split(':').slice(0, 3).join(':')),
      ['dns:resolver:lab-resolver-1'],
    );
    assert.match(
      results.get('dns:resolver:lab-resolver-1')?.message ?? '',
      /lab-resolver-1 \(127.0.0.1:\d+\) answered SERVFAIL for invoicecloud.test NS/,
    );
  } finally {
    await lab.lab.stop();
  }
});

test('the runbook cutover: dns-migration before setProvider(new) fails delegation; after it, everything passes', async () => {
  const lab = await startTestLab([], { provider: 'old' });
  try {
    const before = await runAll(dnsTasks(lab, 'dns-migration'));
    assert.match(before.get('dns:delegation')?.message ?? '', /to the old provider GoDaddy \(lab\)/);
    lab.lab.setProvider('new');
    assert.deepEqual(notPassed(await runAll(dnsTasks(lab, 'dns-migration'))), []);
  } finally {
    await lab.lab.stop();
  }
});

test('old → new in quick succession (a lab run replaying the runbook step): no resolver keeps what it learnt before', async () => {
  const lab = await startTestLab(['dns-truncate'], { provider: 'new' });
  try {
    const parent = lab.lab.servers['a.nic.test']!;
    const before = parent.counts.tcp;
    lab.lab.setProvider('old'); // starts warming the old delegation in the background…
    // …wait until the parent has referred a resolver to the old provider, then cut over:
    while (parent.counts.tcp < before + 3) await new Promise((r) => setTimeout(r, 1));
    lab.lab.setProvider('new'); // what the old lookups learn next must not land in the caches after this flush
    await new Promise((r) => setTimeout(r, 300));
    const results = await runAll(dnsTasks(lab, 'dns-migration').filter((t) => t.id.startsWith('dns:resolver:')));
    assert.equal(results.size, 3);
    assert.deepEqual(notPassed(results), []);
  } finally {
    await lab.lab.stop();
  }
});

test('pre-maintenance delegation expects the old provider: after an early cutover it fails', async () => {
  const lab = await startTestLab([], { provider: 'new' });
  try {
    const results = await runAll(dnsTasks(lab, 'pre-maintenance'));
    assert.match(
      results.get('dns:delegation')?.message ?? '',
      /delegates invoicecloud.test to the new provider Cloudflare \(lab\).*so Cloudflare \(lab\) is live, not GoDaddy \(lab\)/,
    );
  } finally {
    await lab.lab.stop();
  }
});

test('TTL readiness fails for TTLs above the configured ceiling, naming record, TTL and provider', async () => {
  const lab = await startTestLab([], { provider: 'old' });
  try {
    const config = { ...lab.config, dns: { ...lab.config.dns, ttlMaxSeconds: 120 } };
    const results = await runAll(dnsTasks(lab, 'pre-maintenance', config).filter((t) => t.id.startsWith('dns:ttl:')));
    assert.ok(results.size >= 15);
    const www = results.get('dns:ttl:www.invoicecloud.test:A');
    assert.equal(www?.status, 'failed');
    assert.match(
      www?.message ?? '',
      /www.invoicecloud.test A has TTL 300 s at GoDaddy \(lab\), above the 120 s ceiling: lower it at GoDaddy \(lab\) now/,
    );
  } finally {
    await lab.lab.stop();
  }
});
