// The decoder and the answer matcher: well-formed answers decode, malformed ones give a reason, others' answers are refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as dnsPacket from 'dns-packet';
import { decodeMessage, encodeQuery, matchesQuery } from '../../dns/wire.ts';
import { canonicalFromPacket } from '../../dns/rdata.ts';
import { readAnswer } from '../../dns/outcome.ts';

const answer = (over: Record<string, unknown> = {}) =>
  dnsPacket.encode({
    type: 'response',
    id: 4242,
    flags: dnsPacket.AUTHORITATIVE_ANSWER,
    questions: [{ type: 'A', name: 'www.invoicecloud.test', class: 'IN' }],
    answers: [{ type: 'A', name: 'www.invoicecloud.test', ttl: 300, class: 'IN', data: '127.0.0.1' }],
    ...over,
  } as dnsPacket.Packet);

test('a well-formed answer decodes with flags, rcode and records', () => {
  const d = decodeMessage(answer());
  assert.ok(d.ok);
  assert.equal(d.message.id, 4242);
  assert.equal(d.message.aa, true);
  assert.equal(d.message.rcode, 'NOERROR');
  assert.deepEqual(
    d.message.answers.map((r) => [r.name, r.type, r.ttl, r.data]),
    [['www.invoicecloud.test', 'A', 300, '127.0.0.1']],
  );
});

test('queries carry EDNS(0) with the buffer size and RD only when asked', () => {
  const d = decodeMessage(encodeQuery({ id: 7, name: 'www.invoicecloud.test', type: 'A', recursionDesired: false, ednsBufferSize: 1232 }));
  assert.ok(d.ok);
  assert.equal(d.message.rd, false);
  assert.deepEqual(d.message.edns, { udpPayloadSize: 1232, dnssecOk: false, ede: [] });
});

const full = answer();
const malformed: [string, Buffer, RegExp][] = [
  ['shorter than a header', Buffer.from([1, 2, 3]), /shorter than the 12-byte DNS header/],
  ['cut in the middle of the record', full.subarray(0, full.length - 3), /runs past the end|cut off/],
  [
    'more answers claimed than present',
    (() => {
      const b = Buffer.from(full);
      b.writeUInt16BE(2, 6);
      return b;
    })(),
    /record 2/,
  ],
  ['trailing garbage', Buffer.concat([full, Buffer.from([0xde, 0xad])]), /unexpected bytes after the last record/],
  [
    'A record with 5 data bytes',
    (() => {
      const b = Buffer.concat([full, Buffer.alloc(1)]);
      b.writeUInt16BE(5, full.length - 6);
      return b;
    })(),
    /expected 4/,
  ],
  [
    'compression pointer to itself',
    (() => {
      const b = Buffer.from(full);
      b.writeUInt16BE(0xc000 | 12, 12);
      return b;
    })(),
    /points forward or loops/,
  ],
];

for (const [what, buf, reason] of malformed) {
  test(`malformed: ${what} → a reason, no exception`, () => {
    const d = decodeMessage(buf);
    assert.equal(d.ok, false);
    assert.match((d as { reason: string }).reason, reason);
  });
}

test('answers are accepted only for our ID and question; names compare case-insensitively', () => {
  const d = decodeMessage(answer({ questions: [{ type: 'A', name: 'WWW.InvoiceCloud.TEST', class: 'IN' }] }));
  assert.ok(d.ok);
  assert.equal(matchesQuery(d.message, { id: 4242, name: 'www.invoicecloud.test.', type: 'A' }), undefined);
  assert.match(
    matchesQuery(d.message, { id: 4243, name: 'www.invoicecloud.test', type: 'A' }) ?? '',
    /answer ID 4242 is not the query ID 4243/,
  );
  assert.match(matchesQuery(d.message, { id: 4242, name: 'my.invoicecloud.test', type: 'A' }) ?? '', /not my.invoicecloud.test A/);
  assert.match(matchesQuery(d.message, { id: 4242, name: 'www.invoicecloud.test', type: 'AAAA' }) ?? '', /not www.invoicecloud.test AAAA/);
  assert.deepEqual(Object.keys(readAnswer(answer({ id: 1 }), { id: 4242, name: 'www.invoicecloud.test', type: 'A' })), ['mismatch']);
});

test('canonical values ignore case, trailing dots, IPv6 spelling and TXT string splits', () => {
  assert.equal(canonicalFromPacket('CNAME', 'WWW.Example.COM.'), 'www.example.com');
  assert.equal(canonicalFromPacket('AAAA', '2001:DB8:0:0:0:0:0:1'), '2001:db8::1');
  assert.equal(
    canonicalFromPacket('TXT', [Buffer.from('v=spf1 '), Buffer.from('-all')]),
    canonicalFromPacket('TXT', [Buffer.from('v=spf1 -all')]),
  );
  assert.equal(canonicalFromPacket('MX', { preference: 10, exchange: 'MX.Example.com.' }), '10 mx.example.com');
});

test('loopback is a parsed address: 127.0.0.0/8 and ::1, not a string starting with "127."', async () => {
  const { isLoopback } = await import('../../dns/cidr.ts');
  const rows: [string, boolean][] = [
    ['127.0.0.1', true],
    ['127.255.0.9', true],
    ['::1', true],
    ['[::1]', true],
    ['127.evil.example', false],
    ['127.0.0.1.example', false],
    ['128.0.0.1', false],
    ['1.1.1.1', false],
    ['::ffff:1.1.1.1', false],
  ];
  for (const [a, want] of rows) assert.equal(isLoopback(a), want, a);
});
