// DS ↔ DNSKEY: key tag and digest as RFC 4034 computes them (its own worked example, section 5.4).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dsDigest, dsFor, keyTag, matchDs } from '../../dns/dnssec.ts';

const RFC_KEY = {
  flags: 256,
  algorithm: 5,
  key: Buffer.from(
    'AQOeiiR0GOMYkDshWoSKz9XzfwJr1AYtsmx3TGkJaNXVbfi/2pHm822aJ5iI9BMzNXxeYCmZDRD99WYwYqUSdjMmmAphXdvxegXd/M5+X7OrzKBaMbCVdFLUUh6DhweJBjEVv5f2wwjM9XzcnOf+EPbtG9DMBmADjFDc2w/rljwvFw==',
    'base64',
  ),
};

test('RFC 4034 5.4: key tag 60485 and SHA-1 digest of dskey.example.com', () => {
  assert.equal(keyTag(RFC_KEY), 60485);
  assert.equal(dsDigest('DSKEY.example.com.', RFC_KEY, 1)?.toString('hex').toUpperCase(), '2BB183AF5F22588179A53B0A98631FAD1A292118');
});

test('a DS matches its key; another key, a wrong digest or an unknown digest type do not, and say why', () => {
  const ds = dsFor('dskey.example.com', RFC_KEY, 2);
  assert.ok('key' in matchDs('dskey.example.com', ds, [RFC_KEY]));
  const other = { ...RFC_KEY, key: Buffer.from(RFC_KEY.key).fill(7, 10, 20) };
  assert.match(
    ('problem' in matchDs('dskey.example.com', ds, [other]) &&
      (matchDs('dskey.example.com', ds, [other]) as { problem: string }).problem) ||
      '',
    /no DNSKEY with key tag 60485/,
  );
  const badDigest = { ...ds, digest: Buffer.alloc(32, 1) };
  assert.match(
    (matchDs('dskey.example.com', badDigest, [RFC_KEY]) as { problem: string }).problem,
    /its digest differs from the DS digest/,
  );
  assert.match(
    (matchDs('dskey.example.com', { ...ds, digestType: 9 }, [RFC_KEY]) as { problem: string }).problem,
    /digest type 9 is not one the harness can check/,
  );
  assert.match(
    (matchDs('other.example.com', ds, [RFC_KEY]) as { problem: string }).problem,
    /digest differs/,
    'the owner name is part of the digest',
  );
});
