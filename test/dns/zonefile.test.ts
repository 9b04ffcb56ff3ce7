// GoDaddy's zone export loads as the expected records; a bad line is an error naming the file, line and fix.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { loadZoneFile, parseZoneText, ZoneFileError } from '../../dns/zonefile.ts';
import { expectedFromConfig, expectedFromZone, mergeExpected, RecordConfigError } from '../../dns/records.ts';

const FILE = fileURLToPath(new URL('./fixtures/godaddy-export.zone', import.meta.url));

test('a GoDaddy export loads as RRsets: SOA and apex NS left to the provider, TTL units, @, relative names', () => {
  const { origin, entries } = loadZoneFile(FILE);
  assert.equal(origin, 'example-invoices.com');
  const records = expectedFromZone(entries, origin, 'godaddy-export.zone');
  const by = (n: string, t: string) => records.find((r) => r.name === n && r.type === t);
  assert.deepEqual(by('www.example-invoices.com', 'A')?.values, ['203.0.113.10', '203.0.113.11']);
  assert.equal(by('my.example-invoices.com', 'A')?.ttl, 3600);
  assert.equal(by('my.example-invoices.com', 'A')?.proxied, true, 'cf-proxied:true comment marks it proxied');
  assert.equal(by('www.example-invoices.com', 'A')?.proxied, false);
  assert.deepEqual(by('v6.example-invoices.com', 'AAAA')?.values, ['2001:db8::10']);
  assert.deepEqual(by('portal.example-invoices.com', 'CNAME')?.values, ['example-invoices.com']);
  assert.deepEqual(by('shop.example-invoices.com', 'CNAME')?.values, ['www.example-invoices.com']);
  assert.deepEqual(by('example-invoices.com', 'MX')?.values, ['10 mxa.mailgun.org', '10 mxb.mailgun.org']);
  assert.deepEqual(by('k1._domainkey.example-invoices.com', 'TXT')?.values, [
    JSON.stringify('k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQC'),
  ]);
  assert.deepEqual(by('_dmarc.example-invoices.com', 'TXT')?.values, [
    JSON.stringify('v=DMARC1; p=none; rua=mailto:"dmarc"@example-invoices.com'),
  ]);
  assert.deepEqual(by('_sip._tls.example-invoices.com', 'SRV')?.values, ['100 1 443 sipdir.online.lync.com']);
  assert.deepEqual(by('example-invoices.com', 'CAA')?.values, ['0 issue "digicert.com"']);
  assert.equal(by('example-invoices.com', 'SOA'), undefined);
  assert.equal(by('example-invoices.com', 'NS'), undefined);
  assert.equal(by('www.example-invoices.com', 'A')?.source, 'godaddy-export.zone:39');
  assert.equal(records.length, 13);
});

const bad: [string, string, number, RegExp][] = [
  ['unknown type', '$ORIGIN ex.com.\n\nwww 300 IN HINFO "a" "b"\n', 3, /record type HINFO is not supported/],
  ['bad IPv4', '$ORIGIN ex.com.\nwww 300 IN A 300.1.1.1\n', 2, /"300.1.1.1" is not an IPv4 address/],
  ['MX without preference', '$ORIGIN ex.com.\n@ 300 IN MX mx.ex.com.\n', 2, /MX needs 2 values, found 1/],
  ['unclosed quote', '$ORIGIN ex.com.\n@ 300 IN TXT "v=spf1\n', 2, /quoted string is not closed/],
  ['unclosed parenthesis', '$ORIGIN ex.com.\n@ 300 IN SOA a. b. (\n 1 2 3\n', 2, /"\(" is never closed/],
  ['relative name without origin', 'www 300 IN A 192.0.2.1\n', 1, /needs \$ORIGIN/],
  ['class CH', '$ORIGIN ex.com.\nwww 300 CH A 192.0.2.1\n', 2, /class CH is not supported/],
  ['$INCLUDE', '$INCLUDE other.zone\n', 1, /only \$ORIGIN and \$TTL/],
  ['no type', '$ORIGIN ex.com.\nwww 300 IN\n', 2, /has no type/],
];

for (const [what, text, line, reason] of bad) {
  test(`a bad zone line is named: ${what}`, () => {
    assert.throws(
      () => parseZoneText(text, { file: 'export.zone' }),
      (e: unknown) =>
        e instanceof ZoneFileError && e.line === line && e.message.startsWith(`export.zone:${line}: `) && reason.test(e.message),
    );
  });
}

test('a missing zone file names the path and the config key', () => {
  assert.throws(() => loadZoneFile('/nope/zone.txt'), /\/nope\/zone.txt:0: cannot read the zone file \(ENOENT\); check dns.zoneFile/);
});

test('config records parse like zone data; a bad one names dns.records[i]; config wins and marks proxied', () => {
  const config = expectedFromConfig(
    [
      { name: 'www', type: 'A', values: ['203.0.113.99'], proxied: false },
      { name: '@', type: 'MX', values: ['10 MXA.Mailgun.org.'], proxied: false },
    ],
    'example-invoices.com',
  );
  assert.deepEqual(
    config.map((r) => [r.name, r.values]),
    [
      ['www.example-invoices.com', ['203.0.113.99']],
      ['example-invoices.com', ['10 mxa.mailgun.org']],
    ],
  );
  assert.throws(
    () => expectedFromConfig([{ name: 'www', type: 'A', values: ['nope'], proxied: false }], 'ex.com'),
    (e: unknown) => e instanceof RecordConfigError && /dns.records\[0\]: .*"nope" is not an IPv4 address/.test(e.message),
  );
  const zone = expectedFromZone(loadZoneFile(FILE).entries, 'example-invoices.com', 'z');
  const merged = mergeExpected(zone, config, ['shop'], 'example-invoices.com');
  assert.deepEqual(merged.find((r) => r.name === 'www.example-invoices.com' && r.type === 'A')?.values, ['203.0.113.99']);
  assert.equal(merged.find((r) => r.name === 'shop.example-invoices.com')?.proxied, true);
});
