// RRSIG validation with node's crypto: each algorithm the harness verifies (RSA/SHA-256, ECDSA P-256/P-384, Ed25519)
// signs and verifies, and each way a signature goes wrong has its own code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newLabKey, signRRset, sigWindow } from '../../lab/dns/signer.ts';
import { validateRRset, type RrsigData } from '../../dns/rrsig.ts';
import { keyTag } from '../../dns/dnssec.ts';

const ZONE = 'invoicecloud.test';
const set = { name: 'www.invoicecloud.test', type: 'A', ttl: 300, records: [{ data: '127.0.0.1' }, { data: '127.0.0.2' }] };
const now = Math.floor(Date.now() / 1000);

for (const algorithm of [8, 13, 14, 15]) {
  test(`algorithm ${algorithm}: a signature verifies; a changed record, another key or an expired window do not`, () => {
    const key = newLabKey(false, algorithm);
    const sig = signRRset(ZONE, set, key, sigWindow(false)).data as RrsigData;
    assert.deepEqual(validateRRset(set, [sig], [key.dnskey], ZONE, now).ok, true);
    // Order and case do not matter (canonical form); data does.
    assert.equal(
      validateRRset({ ...set, name: 'WWW.InvoiceCloud.test', records: [...set.records].reverse() }, [sig], [key.dnskey], ZONE, now).ok,
      true,
    );
    const changed = validateRRset({ ...set, records: [{ data: '127.0.0.9' }] }, [sig], [key.dnskey], ZONE, now);
    assert.equal(!changed.ok && changed.code, 'DNSSEC_SIGNATURE_INVALID');
    const other = newLabKey(false, algorithm);
    const wrongKey = validateRRset(set, [sig], [other.dnskey], ZONE, now);
    assert.ok(!wrongKey.ok);
    const expired = signRRset(ZONE, set, key, sigWindow(true)).data as RrsigData;
    const exp = validateRRset(set, [expired], [key.dnskey], ZONE, now);
    assert.equal(!exp.ok && exp.code, 'DNSSEC_SIGNATURE_EXPIRED');
    assert.match(!exp.ok ? exp.problem : '', /expired at \d{4}-\d\d-\d\dT.*EDE 7 Signature Expired/);
  });
}

test('no RRSIG at all is RRSIGs Missing, never a pass', () => {
  const key = newLabKey(false);
  const v = validateRRset(set, [], [key.dnskey], ZONE, now);
  assert.equal(!v.ok && v.code, 'DNSSEC_RRSIG_MISSING');
});

test('a key of an algorithm the harness cannot verify is said so (its own code), never a pass', () => {
  const key = newLabKey(false, 15);
  const sig = signRRset(ZONE, set, key, sigWindow(false)).data as RrsigData;
  const dsa = { ...key.dnskey, algorithm: 3 };
  const v = validateRRset(set, [{ ...sig, algorithm: 3, keyTag: keyTag(dsa) }], [dsa], ZONE, now);
  assert.equal(!v.ok && v.code, 'DNSSEC_ALGORITHM_UNSUPPORTED');
});
