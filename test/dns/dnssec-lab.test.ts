// dns:dnssec against the signed lab (issue 12, points 1–3): the chain DS → DNSKEY set of every delegated nameserver →
// RRSIG over it → RRSIGs over sampled records, with each way it breaks reproduced by a lab fault.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkDnssec } from '../../dns/checks/dnssec.ts';
import { show, startDirectLab, within } from './lab-direct.ts';

interface Case {
  faults: string[];
  provider?: 'old' | 'new';
  status: 'passed' | 'failed';
  code?: string;
  message: RegExp[];
}

const cases: Record<string, Case> = {
  'healthy signed zone: the whole chain validates': {
    faults: [],
    status: 'passed',
    message: [/DNSSEC validates for invoicecloud.test at every delegated nameserver/, /RRSIGs over \d+ sampled RRsets verify/],
  },
  // 1. A good DS plus a leftover is a warning, not a no-go (BIND and unbound validate it).
  'point 1: a good DS plus an extra DS → passed with a warning': {
    faults: ['dns-ds-extra'],
    status: 'passed',
    message: [/WARNING: DS \d+ 15 2 [0-9A-F]+ at the parent matches no key/, /remove it at the registrar once the rollover is done/],
  },
  // 2. Every delegated nameserver's DNSKEY set is read and compared.
  'point 2: the second nameserver serves a different key set → failed naming both': {
    faults: ['dns-dnskey-split:bob.ns.cloudflare.test'],
    status: 'failed',
    code: 'DNSSEC_KEYSET_DIFFERS',
    message: [/bob.ns.cloudflare.test/],
  },
  // 3. What validators reject: DS at the ZSK, expired signatures, and a DS checked against the servers really delegated to.
  'point 3: DS at the zone-signing key → failed (EDE 6)': {
    faults: ['dns-ds-zsk'],
    status: 'failed',
    code: 'DNSSEC_DS_AT_ZSK',
    message: [
      /points at the zone-signing key key tag \d+ \(flags 256, ED25519\)/,
      /EDE 6 DNSSEC Bogus/,
      /Validating resolvers will answer SERVFAIL/,
    ],
  },
  'point 3: expired RRSIGs → failed (EDE 7)': {
    faults: ['dns-rrsig-expired'],
    status: 'failed',
    code: 'DNSSEC_SIGNATURE_EXPIRED',
    message: [/expired at \d{4}-/, /EDE 7 Signature Expired/],
  },
  'point 3: DS published while the parent still delegates to the old provider → failed (checked against the delegated servers)': {
    faults: ['dns-ds-early'],
    provider: 'old',
    status: 'failed',
    code: 'DNSSEC_DNSKEY_MISSING',
    message: [
      /delegated to GoDaddy \(lab\) \(ns45.domaincontrol.test, ns46.domaincontrol.test\)/,
      /serves no DNSKEY for invoicecloud.test \(EDE 9 DNSKEY Missing\)/,
    ],
  },
  'a stale DS that matches nothing → failed as before': {
    faults: ['dns-ds-stale'],
    status: 'failed',
    code: 'DNSSEC_DS_MISMATCH',
    message: [/no DS matches a DNSKEY served by/, /SERVFAIL for the whole zone/],
  },
};

for (const [name, c] of Object.entries(cases)) {
  test(`dns:dnssec against the signed lab: ${name}`, async () => {
    const lab = await startDirectLab(c.faults, c.provider ?? 'new');
    try {
      const r = await within((s) => checkDnssec(lab.targets, 'new', s));
      assert.equal(r.status, c.status, show(r));
      if (c.code) assert.equal(r.failure?.code, c.code, show(r));
      for (const m of c.message) assert.match(r.message ?? '', m, show(r));
    } finally {
      await lab.stop();
    }
  });
}
