// What one DNS exchange gives back: an answer that matches the query, or why there is none (failed vs broken).
import type { DnsMessage } from './wire.ts';
import { decodeMessage, matchesQuery } from './wire.ts';

export type Transport = 'udp' | 'tcp' | 'doh';

export interface Answered {
  ok: true;
  message: DnsMessage;
  transport: Transport;
  /** The UDP answer had the TC bit set and the whole answer was fetched over TCP. */
  truncatedOverUdp: boolean;
  rttMs: number;
}

export interface NoAnswer {
  ok: false;
  /** failed: the server was asked and did not answer properly; broken: what came back is not DNS we can read. */
  status: 'failed' | 'broken';
  layer: 'dns' | 'tcp' | 'http';
  /** Stable code: TIMEOUT (the check's deadline), UDP_NO_ANSWER (our tries ran out), UDP_UNREACHABLE, TCP_CONNECT_REFUSED, MALFORMED_ANSWER, ANSWER_MISMATCH, DOH_HTTP_STATUS … */
  code: string;
  reason: string;
  transport: Transport;
}

export type Outcome = Answered | NoAnswer;

export interface WireQuestion {
  id: number;
  name: string;
  type: string;
}

/** Decodes and matches one received packet: the answer, a reason it is malformed, or a reason it is someone else's. */
export function readAnswer(buf: Buffer, q: WireQuestion): { message: DnsMessage } | { malformed: string } | { mismatch: string } {
  const decoded = decodeMessage(buf);
  if (!decoded.ok) return { malformed: decoded.reason };
  const mismatch = matchesQuery(decoded.message, q);
  return mismatch ? { mismatch } : { message: decoded.message };
}

/** Node's err.code → our stable code; never the message text. */
export function socketCode(err: unknown, prefix: 'UDP' | 'TCP'): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ECONNREFUSED') return prefix === 'UDP' ? 'UDP_UNREACHABLE' : 'TCP_CONNECT_REFUSED';
  if (code === 'ECONNRESET') return `${prefix}_RESET`;
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return `${prefix}_UNREACHABLE`;
  return `${prefix}_ERROR${code ? `_${code}` : ''}`;
}
