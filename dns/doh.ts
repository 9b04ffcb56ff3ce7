// One DNS question over HTTPS (RFC 8484): POST application/dns-message with undici, HTTP/2 or HTTP/1.1 as ALPN
// negotiates (unbound, BIND and Knot Resolver serve DoH over HTTP/2 only), ID 0, TLS verified (extra CA optional).
import { rootCertificates } from 'node:tls';
import { Agent, request } from 'undici';
import type { Outcome, WireQuestion } from './outcome.ts';
import { readAnswer } from './outcome.ts';

export interface DohTarget {
  url: string;
  /** Extra CA (PEM) to trust on top of the system roots; verification is never turned off. */
  ca?: string;
}

const MAX_BODY = 65_535;

export async function dohExchange(target: DohTarget, query: Buffer, q: WireQuestion, signal: AbortSignal): Promise<Outcome> {
  const started = performance.now();
  const fail = (status: 'failed' | 'broken', layer: 'dns' | 'http' | 'tcp', code: string, reason: string): Outcome => ({
    ok: false,
    status,
    layer,
    code,
    reason,
    transport: 'doh',
  });
  // allowH2 offers h2 and http/1.1 in ALPN; the CA is added to the system roots, verification stays on.
  const dispatcher = new Agent({ allowH2: true, connect: target.ca ? { ca: [...rootCertificates, target.ca] } : {} });
  let stage = 'response headers';
  try {
    const res = await request(target.url, {
      method: 'POST',
      headers: { 'content-type': 'application/dns-message', accept: 'application/dns-message' },
      body: query,
      signal,
      dispatcher,
    });
    stage = 'body';
    const type = String(res.headers['content-type'] ?? '');
    if (res.statusCode !== 200) {
      await res.body.dump();
      return fail('failed', 'http', 'DOH_HTTP_STATUS', `${target.url} answered HTTP ${res.statusCode} for ${q.name} ${q.type}`);
    }
    if (!type.toLowerCase().startsWith('application/dns-message')) {
      await res.body.dump();
      return fail('broken', 'http', 'DOH_CONTENT_TYPE', `${target.url} answered with content-type "${type}", not application/dns-message`);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of res.body) {
      size += (chunk as Buffer).length;
      if (size > MAX_BODY) {
        res.body.destroy();
        return fail(
          'broken',
          'dns',
          'MALFORMED_ANSWER',
          `${target.url} sent more than ${MAX_BODY} bytes, larger than a DNS message can be`,
        );
      }
      chunks.push(chunk as Buffer);
    }
    const read = readAnswer(Buffer.concat(chunks), q);
    if ('message' in read)
      return { ok: true, message: read.message, transport: 'doh', truncatedOverUdp: false, rttMs: performance.now() - started };
    if ('malformed' in read)
      return fail('broken', 'dns', 'MALFORMED_ANSWER', `${target.url} sent a malformed answer for ${q.name} ${q.type}: ${read.malformed}`);
    return fail(
      'broken',
      'dns',
      'ANSWER_MISMATCH',
      `${target.url} answered with an answer that does not match the query: ${read.mismatch}`,
    );
  } catch (err) {
    if (signal.aborted)
      return fail('failed', 'dns', 'TIMEOUT', `no ${stage} from ${target.url} for ${q.name} ${q.type} before the check's deadline`);
    // Could not ask (refused, TLS not trusted, protocol not spoken): broken, with the code node or undici gave.
    const code = (err as NodeJS.ErrnoException).code ?? 'ERROR';
    const tls = code.startsWith('ERR_TLS') || code.includes('CERT') || code.includes('SIGNATURE') || code.startsWith('ERR_SSL');
    const hint = tls ? `; trust its CA with the resolver's ca option (verification stays on)` : '';
    return fail(
      'broken',
      tls ? 'http' : 'tcp',
      code === 'ECONNREFUSED' ? 'TCP_CONNECT_REFUSED' : `DOH_${code}`,
      `could not ask ${target.url} (${code})${hint}`,
    );
  } finally {
    await dispatcher.close();
  }
}
