// Asks one server one question: UDP first (TCP when the answer is truncated or TCP is asked for), or DoH.
import { randomInt } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import type { Outcome } from './outcome.ts';
import { encodeQuery } from './wire.ts';
import { udpExchange } from './udp.ts';
import { tcpExchange } from './tcp.ts';
import { dohExchange } from './doh.ts';

export type DnsServer =
  | { name: string; protocol: 'udp' | 'tcp'; address: string; port: number }
  | { name: string; protocol: 'doh'; url: string; ca?: string };

export interface QueryOptions {
  /** false for authoritative servers (we want their own data), true for resolvers. */
  recursionDesired: boolean;
  /** EDNS(0) UDP payload size: 1232 avoids IP fragmentation (DNS Flag Day 2020). */
  ednsBufferSize: number;
  udpTryTimeoutMs: number;
  udpTries: number;
  dnssecOk?: boolean;
}

export const DEFAULT_QUERY_OPTIONS: QueryOptions = { recursionDesired: false, ednsBufferSize: 1232, udpTryTimeoutMs: 600, udpTries: 3 };

export function describeServer(s: DnsServer): string {
  return s.protocol === 'doh' ? `${s.name} (${s.url})` : `${s.name} (${s.address}:${s.port})`;
}

export async function dnsQuery(
  server: DnsServer,
  question: { name: string; type: string },
  opts: QueryOptions,
  signal: AbortSignal,
): Promise<Outcome> {
  // A check asks many questions under one deadline: each exchange listens on the same signal.
  setMaxListeners(0, signal);
  const type = question.type.toUpperCase();
  // RFC 8484 asks for ID 0 over DoH so HTTP caches can share answers.
  const id = server.protocol === 'doh' ? 0 : randomInt(0, 65_536);
  const q = { id, name: question.name, type };
  let wire: Buffer;
  try {
    wire = encodeQuery({
      id,
      name: question.name,
      type,
      recursionDesired: opts.recursionDesired,
      ednsBufferSize: opts.ednsBufferSize,
      ...(opts.dnssecOk ? { dnssecOk: true } : {}),
    });
  } catch (err) {
    return {
      ok: false,
      status: 'broken',
      layer: 'dns',
      code: 'BAD_QUESTION',
      transport: server.protocol,
      reason: `cannot encode the question ${question.name} ${type}: ${(err as Error).message}`,
    };
  }
  if (server.protocol === 'doh') return dohExchange(server, wire, q, signal);
  if (server.protocol === 'tcp') return tcpExchange(server, wire, q, signal);
  const udp = await udpExchange(server, wire, q, { tryTimeoutMs: opts.udpTryTimeoutMs, tries: opts.udpTries }, signal);
  if (!udp.ok || !udp.message.tc) return udp;
  // TC bit: the answer did not fit in UDP; the same question again over TCP (RFC 7766).
  const tcp = await tcpExchange(server, wire, q, signal);
  return tcp.ok
    ? { ...tcp, truncatedOverUdp: true }
    : { ...tcp, reason: `${tcp.reason} (the UDP answer was truncated, so TCP was needed)` };
}
