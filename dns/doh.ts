// One DNS question over HTTPS (RFC 8484): POST application/dns-message with undici, ID 0, normal TLS verification.
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
  const fail = (status: 'failed' | 'broken', layer: 'dns' | 'http' | 'tcp', code: string, reason: string): Outcome => ({ ok: false, status, layer, code, reason, transport: 'doh' });
  const dispatcher = target.ca ? new Agent({ connect: { ca: target.ca } }) : undefined;
  let stage = 'response headers';
  try {
    const res = await request(target.url, {
      method: 'POST',
      headers: { 'content-type': 'application/dns-message', accept: 'application/dns-message' },
      body: query,
      signal,
      ...(dispatcher ? { dispatcher } : {}),
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
        return fail('broken', 'dns', 'MALFORMED_ANSWER', `${target.url} sent more than ${MAX_BODY} bytes, larger than a DNS message can be`);
      }
      chunks.push(chunk as Buffer);
    }
    const read = readAnswer(Buffer.concat(chunks), q);
    if ('message' in read) return { ok: true, message: read.message, transport: 'doh', truncatedOverUdp: false, rttMs: performance.now() - started };
    if ('malformed' in read) return fail('broken', 'dns', 'MALFORMED_ANSWER', `${target.url} sent a malformed answer for ${q.name} ${q.type}: ${read.malformed}`);
    return fail('broken', 'dns', 'ANSWER_MISMATCH', `${target.url} answered with an answer that does not match the query: ${read.mismatch}`);
  } catch (err) {
    if (signal.aborted) return fail('failed', 'dns', 'TIMEOUT', `no ${stage} from ${target.url} for ${q.name} ${q.type} before the check's deadline`);
    const code = (err as NodeJS.ErrnoException).code ?? 'ERROR';
    const layer = code.startsWith('ERR_TLS') || code.includes('CERT') ? 'http' : 'tcp';
    return fail('failed', layer, code === 'ECONNREFUSED' ? 'TCP_CONNECT_REFUSED' : `DOH_${code}`, `cannot reach ${target.url} (${code})`);
  } finally {
    await dispatcher?.close();
  }
}
