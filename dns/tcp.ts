// One DNS question over TCP (RFC 7766): two-byte length prefix, one answer, connection closed.
import { connect } from 'node:net';
import type { Outcome, WireQuestion } from './outcome.ts';
import { readAnswer, socketCode } from './outcome.ts';

export function tcpExchange(
  server: { address: string; port: number },
  query: Buffer,
  q: WireQuestion,
  signal: AbortSignal,
): Promise<Outcome> {
  const started = performance.now();
  const where = `${server.address}:${server.port}`;
  return new Promise<Outcome>((resolve) => {
    let stage = 'connect';
    let received = Buffer.alloc(0);
    const socket = connect({ host: server.address, port: server.port });
    const finish = (o: Outcome) => {
      signal.removeEventListener('abort', onAbort);
      socket.removeAllListeners();
      socket.on('error', () => undefined);
      socket.destroy();
      resolve(o);
    };
    const fail = (status: 'failed' | 'broken', layer: 'dns' | 'tcp', code: string, reason: string) =>
      finish({ ok: false, status, layer, code, transport: 'tcp', reason });
    const onAbort = () =>
      fail(
        'failed',
        stage === 'connect' ? 'tcp' : 'dns',
        'TIMEOUT',
        `no ${stage === 'connect' ? 'TCP connection to' : 'answer over TCP from'} ${where} for ${q.name} ${q.type} before the check's deadline`,
      );
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    socket.setNoDelay(true);
    socket.on('connect', () => {
      stage = 'answer';
      const frame = Buffer.alloc(2 + query.length);
      frame.writeUInt16BE(query.length, 0);
      query.copy(frame, 2);
      socket.write(frame);
    });
    socket.on('error', (err) =>
      fail(
        'failed',
        'tcp',
        socketCode(err, 'TCP'),
        `${stage === 'connect' ? 'cannot connect to' : 'connection lost with'} ${where} over TCP (${(err as NodeJS.ErrnoException).code ?? err.message})`,
      ),
    );
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (received.length < 2) return;
      const length = received.readUInt16BE(0);
      if (length < 12)
        return fail('broken', 'dns', 'MALFORMED_ANSWER', `${where} framed a ${length}-byte answer over TCP, shorter than a DNS header`);
      if (received.length < 2 + length) return;
      const read = readAnswer(received.subarray(2, 2 + length), q);
      if ('message' in read)
        return finish({ ok: true, message: read.message, transport: 'tcp', truncatedOverUdp: false, rttMs: performance.now() - started });
      if ('malformed' in read)
        return fail(
          'broken',
          'dns',
          'MALFORMED_ANSWER',
          `${where} sent a malformed answer over TCP for ${q.name} ${q.type}: ${read.malformed}`,
        );
      // Over TCP nobody else can inject: an answer that is not ours means the server is wrong.
      return fail(
        'broken',
        'dns',
        'ANSWER_MISMATCH',
        `${where} answered over TCP with an answer that does not match the query: ${read.mismatch}`,
      );
    });
    socket.on('end', () => {
      const expected = received.length >= 2 ? received.readUInt16BE(0) : 2;
      fail(
        'broken',
        'dns',
        'TRUNCATED_STREAM',
        `${where} closed the TCP connection after ${Math.max(0, received.length - 2)} of ${expected} answer bytes`,
      );
    });
  });
}
