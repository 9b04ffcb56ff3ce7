// Error → failure mapping by err.code only (never by message text), for codes the local servers cannot provoke.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { failureFromError, timeoutFailure, type ErrorContext } from '../../sanity/net-errors.ts';

const ctx: ErrorContext = { label: 'IC-Web3', address: '10.0.0.13', port: 443, hostname: 'www.invoicecloud.test', stage: 'headers' };
const err = (code: string, extra: object = {}) => Object.assign(new Error('text that must not matter'), { code }, extra);

const cases: [string, unknown, Partial<ErrorContext>, string, string, RegExp][] = [
  [
    'ENOTFOUND',
    err('ENOTFOUND'),
    { stage: 'connect' },
    'dns',
    'DNS_NOT_FOUND',
    /^the address of IC-Web3 \(10\.0\.0\.13\) does not resolve$/,
  ],
  ['EAI_AGAIN', err('EAI_AGAIN'), { stage: 'connect' }, 'dns', 'DNS_TEMPORARY_FAILURE', /could not be resolved right now/],
  [
    'ETIMEDOUT',
    err('ETIMEDOUT'),
    { stage: 'connect' },
    'tcp',
    'TCP_CONNECT_TIMEOUT',
    /^IC-Web3 \(10\.0\.0\.13:443\) did not accept the connection \(timed out\)$/,
  ],
  ['EHOSTUNREACH', err('EHOSTUNREACH'), { stage: 'connect' }, 'tcp', 'TCP_UNREACHABLE', /is unreachable \(no route to host\)/],
  [
    'UND_ERR_SOCKET',
    err('UND_ERR_SOCKET'),
    {},
    'tcp',
    'TCP_CONNECTION_CLOSED',
    /^IC-Web3 \(10\.0\.0\.13:443\) closed the connection while we waited for it to send response headers$/,
  ],
  ['UND_ERR_HEADERS_TIMEOUT', err('UND_ERR_HEADERS_TIMEOUT'), {}, 'http', 'TIMEOUT', /did not send response headers in time/],
  [
    'HPE_INVALID_CONSTANT',
    err('HPE_INVALID_CONSTANT'),
    {},
    'http',
    'HTTP_PROTOCOL_ERROR',
    /sent a malformed HTTP response \(HPE_INVALID_CONSTANT\)/,
  ],
  [
    'SELF_SIGNED_CERT_IN_CHAIN',
    err('SELF_SIGNED_CERT_IN_CHAIN'),
    { stage: 'tls' },
    'tls',
    'TLS_CERT_UNTRUSTED',
    /not signed by a trusted CA \(SELF_SIGNED_CERT_IN_CHAIN\)/,
  ],
  [
    'CERT_HAS_EXPIRED with the seen cert',
    err('CERT_HAS_EXPIRED', { peer: { validTo: '2025-06-01T00:00:00.000Z' } }),
    { stage: 'tls' },
    'tls',
    'TLS_CERT_EXPIRED',
    /certificate for www\.invoicecloud\.test expired on 2025-06-01T00:00:00\.000Z$/,
  ],
  [
    'code on the cause',
    Object.assign(new Error('fetch failed'), { cause: err('ECONNREFUSED') }),
    { stage: 'connect' },
    'tcp',
    'TCP_CONNECT_REFUSED',
    /refused the connection/,
  ],
  [
    'unknown code keeps its code at the stage layer',
    err('EWEIRD'),
    { stage: 'body' },
    'http',
    'EWEIRD',
    /failed while we waited for it to finish sending the response body \(EWEIRD\)/,
  ],
];

for (const [name, e, over, layer, code, message] of cases) {
  test(`net errors: ${name}`, () => {
    const f = failureFromError(e, { ...ctx, ...over });
    assert.ok(f);
    assert.equal(f.layer, layer);
    assert.equal(f.code, code);
    assert.match(f.message, message);
    assert.ok(!f.message.includes('text that must not matter'));
  });
}

test('net errors: an error without a code is not a network failure (the caller reports it broken)', () => {
  assert.equal(failureFromError(new Error('boom'), ctx), undefined);
});

test('net errors: a timeout names what was awaited at each stage', () => {
  assert.equal(timeoutFailure({ ...ctx, stage: 'connect' }, 5000).message, 'IC-Web3 did not accept the connection within 5000 ms');
  assert.equal(timeoutFailure({ ...ctx, stage: 'connect' }, 5000).layer, 'tcp');
  assert.equal(timeoutFailure({ ...ctx, stage: 'headers' }, 5000).message, 'IC-Web3 did not send response headers within 5000 ms');
});
