// Issue 12, point 7: \DDD in a zone file is a byte (RFC 1035 5.1), as BIND and Knot read it: "caf\195\169" is "café"
// (UTF-8 bytes c3 a9), not the Latin-1 "cafÃ©"; what the lab serves and what the checks compare are those bytes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseZoneText, ZoneFileError } from '../../dns/zonefile.ts';

const rows: [string, string, string][] = [
  ['UTF-8 as \\DDD bytes', '"caf\\195\\169"', 'c3a9'],
  ['a raw UTF-8 character', '"café"', 'c3a9'],
  ['an escaped quote and backslash', '"a\\"b\\\\c"', '6122625c63'],
  ['a byte that is not UTF-8', '"x\\255"', 'ff'],
];

for (const [name, value, hexTail] of rows) {
  test(`zone file TXT ${name}: ${value} keeps its bytes`, () => {
    const { entries } = parseZoneText(`$ORIGIN invoicecloud.test.\nt 300 IN TXT ${value}\n`);
    const data = entries[0]?.data as Buffer[];
    assert.ok(data[0]?.toString('hex').endsWith(hexTail), data[0]?.toString('hex'));
  });
}

test('"caf\\195\\169" compares equal to "café" (the canonical text both sides use)', () => {
  const a = parseZoneText('$ORIGIN invoicecloud.test.\nt 300 IN TXT "caf\\195\\169"\n').entries[0];
  const b = parseZoneText('$ORIGIN invoicecloud.test.\nt 300 IN TXT "café"\n').entries[0];
  assert.equal(a?.text, '"café"');
  assert.equal(a?.text, b?.text);
});

test('a \\DDD above 255 is a zone-file error naming the line', () => {
  assert.throws(
    () => parseZoneText('$ORIGIN invoicecloud.test.\nt 300 IN TXT "x\\300"\n', { file: 'z.zone' }),
    (e: unknown) => e instanceof ZoneFileError && /z.zone:2: the escape \\300 is not a byte/.test(e.message),
  );
});

test('the 255-byte limit counts bytes: 128 × "é" (256 bytes) is too long', () => {
  assert.throws(() => parseZoneText(`$ORIGIN invoicecloud.test.\nt 300 IN TXT "${'\\195\\169'.repeat(128)}"\n`), /longer than 255 bytes/);
});
