// One DNS question over UDP: retransmits within the time given, ignores answers that are not ours.
import { createSocket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import type { Outcome, WireQuestion } from './outcome.ts';
import { readAnswer, socketCode } from './outcome.ts';

export interface UdpOptions {
  /** Time per attempt before the query is sent again. */
  tryTimeoutMs: number;
  tries: number;
}

export function udpExchange(
  server: { address: string; port: number },
  query: Buffer,
  q: WireQuestion,
  opts: UdpOptions,
  signal: AbortSignal,
): Promise<Outcome> {
  const started = performance.now();
  const where = `${server.address}:${server.port}`;
  return new Promise<Outcome>((resolve) => {
    const socket = createSocket(isIPv6(server.address) ? 'udp6' : 'udp4');
    let sent = 0;
    let mismatches: string[] = [];
    let code = 'UDP_NO_ANSWER';
    let timer: NodeJS.Timeout | undefined;
    const finish = (o: Outcome) => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      socket.removeAllListeners('message');
      socket.on('error', () => undefined); // late ICMP errors after close are expected, not news
      try {
        socket.close();
      } catch {
        /* already closed */
      }
      resolve(o);
    };
    const noAnswer = (why: string) =>
      mismatches.length
        ? finish({
            ok: false,
            status: 'broken',
            layer: 'dns',
            code: 'ANSWER_MISMATCH',
            transport: 'udp',
            reason: `${where} sent ${mismatches.length} answer(s) that do not match the query (${mismatches[0]}) and none that does, ${why}`,
          })
        : finish({
            ok: false,
            status: 'failed',
            layer: 'dns',
            code,
            transport: 'udp',
            reason: `no answer from ${where} over UDP for ${q.name} ${q.type} ${why}`,
          });
    const onAbort = () => {
      // The check's deadline is TIMEOUT (not retried); running out of our own tries is UDP_NO_ANSWER (retried).
      code = 'TIMEOUT';
      noAnswer(`before the check's deadline (${sent} attempt${sent === 1 ? '' : 's'})`);
    };
    const send = () => {
      sent += 1;
      socket.send(query, (err) => {
        if (err)
          finish({
            ok: false,
            status: 'failed',
            layer: 'dns',
            code: socketCode(err, 'UDP'),
            transport: 'udp',
            reason: `cannot send to ${where} over UDP: ${err.message}`,
          });
      });
      timer = setTimeout(
        () => (sent < opts.tries ? send() : noAnswer(`within ${opts.tries} × ${opts.tryTimeoutMs} ms`)),
        opts.tryTimeoutMs,
      );
    };
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    socket.on('error', (err) =>
      finish({
        ok: false,
        status: 'failed',
        layer: 'dns',
        code: socketCode(err, 'UDP'),
        transport: 'udp',
        reason: `${where} is unreachable over UDP (${(err as NodeJS.ErrnoException).code ?? err.message})`,
      }),
    );
    socket.on('message', (buf) => {
      const read = readAnswer(buf, q);
      if ('message' in read)
        return finish({ ok: true, message: read.message, transport: 'udp', truncatedOverUdp: false, rttMs: performance.now() - started });
      if ('malformed' in read)
        return finish({
          ok: false,
          status: 'broken',
          layer: 'dns',
          code: 'MALFORMED_ANSWER',
          transport: 'udp',
          reason: `${where} sent a malformed answer for ${q.name} ${q.type}: ${read.malformed}`,
        });
      mismatches = [...mismatches.slice(0, 4), read.mismatch]; // someone else's answer (or spoofed): keep waiting for ours
    });
    // connect() makes the kernel drop datagrams from other sources and report ICMP port unreachable.
    socket.connect(server.port, server.address, () => send());
  });
}
