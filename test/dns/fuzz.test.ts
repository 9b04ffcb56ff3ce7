// Fuzz: random and mutated packets into the decoder (10,000) and through the transport over UDP and TCP (10,000):
// no exception, no hang, every one a broken result. Seeded, so a failure replays.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as dnsPacket from 'dns-packet';
import { readAnswer } from '../../dns/outcome.ts';
import { dnsQuery, DEFAULT_QUERY_OPTIONS } from '../../dns/query.ts';
import { fakeTcp, fakeUdp, frame } from './fake-servers.ts';

/** mulberry32: small, seeded, good enough to spread mutations. */
function rng(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const Q = { name: 'www.invoicecloud.test', type: 'TXT' };

function validAnswer(id: number): Buffer {
  return dnsPacket.encode({
    type: 'response',
    id,
    flags: dnsPacket.AUTHORITATIVE_ANSWER,
    questions: [{ type: 'TXT', name: Q.name, class: 'IN' }],
    answers: [
      { type: 'TXT', name: Q.name, ttl: 300, data: ['v=spf1 include:mailgun.org ~all'] },
      { type: 'MX', name: Q.name, ttl: 300, data: { preference: 10, exchange: 'mxa.mailgun.test' } },
    ],
    authorities: [
      {
        type: 'SOA',
        name: 'invoicecloud.test',
        ttl: 300,
        data: { mname: 'ns.test', rname: 'h.test', serial: 1, refresh: 1, retry: 1, expire: 1, minimum: 1 },
      },
    ],
    additionals: [{ type: 'OPT', name: '.', udpPayloadSize: 1232 }],
  } as dnsPacket.Packet);
}

/** Each mutation is one that must make the packet unusable for our query; random flips ride along. */
export function mutate(valid: Buffer, r: () => number): Buffer {
  const b = Buffer.from(valid);
  const pick = Math.floor(r() * 8);
  const at = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo));
  let out: Buffer;
  switch (pick) {
    case 0:
      out = b.subarray(0, at(0, b.length));
      break; // cut anywhere
    case 1:
      b.writeUInt16BE((b.readUInt16BE(0) + at(1, 65535)) % 65536, 0);
      out = b;
      break; // someone else's ID
    case 2:
      b.writeUInt16BE(b.readUInt16BE(6) + at(1, 50), 6);
      out = b;
      break; // more answers claimed than sent
    case 3:
      out = Buffer.concat([b, Buffer.from(Array.from({ length: at(1, 40) }, () => at(0, 256)))]);
      break; // trailing bytes
    case 4:
      b[13] = 0x30 + at(0, 10);
      out = b;
      break; // question name changed to a digit (not a case change)
    case 5:
      b.writeUInt16BE(0xc000 | at(12, b.length), 12);
      out = b;
      break; // question name as a forward/self pointer
    case 6:
      b.writeUInt16BE(at(1, 0xffff), 2);
      b.writeUInt16BE(b.readUInt16BE(2) & 0x7fff, 2);
      out = b;
      break; // no QR bit: a query
    default:
      out = Buffer.from(Array.from({ length: at(0, 600) }, () => at(0, 256))); // pure noise
  }
  // Random byte flips after the header keep mutations varied; the header change above still decides.
  for (let i = 0; i < at(0, 4) && out.length > 14 && pick !== 1 && pick !== 4 && pick !== 6; i++) {
    const pos = at(14, out.length);
    if (pick === 0 || pick === 2 || pick === 3 || pick === 5 || pick === 7) out[pos] = at(0, 256);
  }
  return out;
}

test('decoder: 10,000 random and mutated packets never throw and are never accepted', () => {
  const r = rng(20250622);
  const started = Date.now();
  for (let i = 0; i < 10_000; i++) {
    const id = Math.floor(r() * 65536);
    const packet = mutate(validAnswer(id), r);
    let read: ReturnType<typeof readAnswer> | undefined;
    assert.doesNotThrow(
      () => {
        read = readAnswer(packet, { id, ...Q });
      },
      `packet ${i}: ${packet.toString('hex')}`,
    );
    assert.ok(read && !('message' in read), `packet ${i} was accepted: ${packet.toString('hex')}`);
  }
  assert.ok(Date.now() - started < 5000);
});

test('transport: 10,000 fuzzed answers over UDP and TCP, each a broken result, none hanging', async () => {
  const r = rng(7);
  const mutateFor = (query: Buffer) => mutate(validAnswer(query.readUInt16BE(0)), r);
  // Over UDP a non-matching answer is ignored and the wait goes on (tested on its own in transport.test.ts);
  // here a cut answer follows every fuzzed one, so an ignored packet ends as a broken result without waiting.
  const udp = await fakeUdp((query) => [mutateFor(query), validAnswer(query.readUInt16BE(0)).subarray(0, 20)]);
  const tcp = await fakeTcp((query, socket) => {
    socket.end(frame(mutateFor(query).subarray(0, 65535)));
  });
  // Generous: a busy CI box must not turn a slow reply into a timeout.
  const opts = { ...DEFAULT_QUERY_OPTIONS, udpTryTimeoutMs: 1500, udpTries: 1 };
  const counts: Record<string, number> = {};
  try {
    const started = Date.now();
    // UDP and TCP halves in their own pools: many UDP exchanges wait out ignored answers, TCP ones are quick.
    const pool = async (protocol: 'udp' | 'tcp', total: number, workers: number) => {
      let next = 0;
      const port = protocol === 'udp' ? udp.port : tcp.port;
      const worker = async () => {
        while (next < total) {
          const i = next++;
          const out = await dnsQuery(
            { name: `fuzz-${protocol}`, protocol, address: '127.0.0.1', port },
            Q,
            opts,
            AbortSignal.timeout(5000),
          );
          assert.equal(out.ok, false, `query ${i} over ${protocol} accepted a fuzzed answer`);
          if (!out.ok) {
            assert.equal(out.status, 'broken', `query ${i} over ${protocol}: ${out.code} ${out.reason}`);
            counts[out.code] = (counts[out.code] ?? 0) + 1;
          }
        }
      };
      await Promise.all(Array.from({ length: workers }, worker));
    };
    // A TCP exchange costs a connection each, so most of the 10,000 go over UDP.
    await Promise.all([pool('udp', 8_000, 60), pool('tcp', 2_000, 40)]);
    // A hang shows per query (its 5 s deadline gives TIMEOUT, not broken); this bounds the whole.
    assert.ok(Date.now() - started < 30_000, `took ${Date.now() - started} ms`);
    assert.ok((counts.MALFORMED_ANSWER ?? 0) > 3000 && (counts.ANSWER_MISMATCH ?? 0) > 500, JSON.stringify(counts));
  } finally {
    await Promise.all([udp.stop(), tcp.stop()]);
  }
});

test('lab server: 2,000 garbage queries over UDP and TCP are dropped or answered, never a crash, and it still answers', async () => {
  const { startTestLab } = await import('./helpers.ts');
  const { createSocket } = await import('node:dgram');
  const { connect } = await import('node:net');
  const lab = await startTestLab([], { provider: 'new' });
  try {
    const port = lab.lab.servers['ada.ns.cloudflare.test']?.port ?? 0;
    const r = rng(99);
    const query = dnsPacket.encode({ type: 'query', id: 1, questions: [{ type: 'A', name: Q.name }] } as dnsPacket.Packet);
    const sock = createSocket('udp4');
    for (let i = 0; i < 1_000; i++) sock.send(mutate(query, r), port, '127.0.0.1');
    await new Promise<void>((res) => {
      const c = connect(port, '127.0.0.1', () => {
        for (let i = 0; i < 1_000; i++) c.write(frame(mutate(query, r)));
        c.end();
      });
      c.on('error', () => res());
      c.on('close', () => res());
      c.resume();
    });
    sock.close();
    for (const protocol of ['udp', 'tcp'] as const) {
      const out = await dnsQuery(
        { name: 'ada', protocol, address: '127.0.0.1', port },
        { name: 'www.invoicecloud.test', type: 'A' },
        DEFAULT_QUERY_OPTIONS,
        AbortSignal.timeout(3000),
      );
      assert.ok(out.ok, JSON.stringify(out));
      assert.deepEqual(
        out.message.answers.map((a) => a.data),
        ['127.0.0.1'],
      );
    }
  } finally {
    await lab.lab.stop();
  }
});
