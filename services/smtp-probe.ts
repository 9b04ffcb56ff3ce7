// SMTP at the protocol level: the 220 greeting, EHLO answered 250, QUIT. Nothing is sent as mail.
import { connect } from 'node:net';
import { failed, passed, type Probe } from '../core/probe.ts';
import type { ServiceEndpoint } from '../estate/model.ts';
import { failureFromError, timeoutFailure, connectContext } from '../sanity/net-errors.ts';
import { deadline } from '../sanity/limit.ts';

export interface SmtpOptions {
  ehlo: string;
  timeoutMs: number;
}

/** Reads SMTP replies (multi-line 250-… ends at "250 "), one whole reply per call. */
function replies(socket: ReturnType<typeof connect>) {
  let buffered = '';
  const waiting: ((r: { code: number; text: string }) => void)[] = [];
  const lines: string[] = [];
  socket.on('data', (c: Buffer) => {
    buffered += c.toString('latin1');
    for (let nl = buffered.indexOf('\n'); nl >= 0; nl = buffered.indexOf('\n')) {
      const line = buffered.slice(0, nl).replace(/\r$/, '');
      buffered = buffered.slice(nl + 1);
      lines.push(line);
      if (/^\d{3}(?!-)/.test(line)) {
        const text = lines.splice(0).join(' | ');
        waiting.shift()?.({ code: Number(line.slice(0, 3)), text: text.slice(0, 200) });
      }
    }
  });
  return () => new Promise<{ code: number; text: string }>((r) => waiting.push(r));
}

/** Codes: SMTP_GREETING, SMTP_EHLO_REJECTED, TIMEOUT, TCP_*. */
export const smtpProbe: Probe<ServiceEndpoint, SmtpOptions> = async (service, o, callerSignal) => {
  const limit = deadline(callerSignal, o.timeoutMs);
  const at = `${service.name} (${service.address}:${service.port})`;
  const ctx = connectContext(service);
  const socket = connect({ host: service.address, port: service.port });
  const next = replies(socket);
  const broke = new Promise<never>((_, reject) => {
    socket.once('error', reject);
    socket.once('close', () => reject(Object.assign(new Error('closed'), { code: 'ECONNRESET' })));
    limit.signal.addEventListener('abort', () => reject(limit.signal.reason), { once: true });
  });
  broke.catch(() => undefined);
  let waiting = 'the greeting';
  try {
    socket.once('connect', () => (ctx.stage = 'headers'));
    const greeting = await Promise.race([next(), broke]);
    if (greeting.code !== 220)
      return failed({
        layer: 'assertion',
        code: 'SMTP_GREETING',
        message: `${at} greeted with "${greeting.text}", not 220: the mail service is not accepting connections`,
      });
    waiting = 'the EHLO reply';
    socket.write(`EHLO ${o.ehlo}\r\n`);
    const ehlo = await Promise.race([next(), broke]);
    if (ehlo.code !== 250)
      return failed({ layer: 'assertion', code: 'SMTP_EHLO_REJECTED', message: `${at} answered EHLO with "${ehlo.text}", not 250` });
    socket.write('QUIT\r\n');
    return passed(
      { address: `${service.address}:${service.port}`, greeting: greeting.text },
      `${service.name} greeted "${greeting.text}" and answered EHLO`,
    );
  } catch (err) {
    if (limit.signal.aborted)
      return failed({ ...timeoutFailure(ctx, o.timeoutMs), message: `${at} did not send ${waiting} within ${o.timeoutMs} ms` });
    const f = failureFromError(err, ctx);
    return failed(
      f ? { layer: f.layer, code: f.code, message: f.message } : { layer: 'tcp', code: 'TCP_ERROR', message: `${at}: ${String(err)}` },
    );
  } finally {
    limit.clear();
    socket.destroy();
  }
};
