// A DNS server on 127.0.0.1 over UDP and TCP on the same port (so `dig @127.0.0.1 -p PORT` works either way).
import { createSocket, type Socket } from 'node:dgram';
import { createServer, type Server, type Socket as TcpSocket } from 'node:net';
import * as dnsPacket from 'dns-packet';
import { edeOption, encodePacket, FLAGS, RCODES, type ExtendedError } from '../../dns/wire.ts';

export interface LabQuestion {
  name: string;
  type: string;
  rd: boolean;
  dnssecOk: boolean;
}

export interface LabAnswer {
  rcode: keyof typeof RCODES;
  aa?: boolean;
  ra?: boolean;
  answers?: Record<string, unknown>[];
  authorities?: Record<string, unknown>[];
  additionals?: Record<string, unknown>[];
  /** RFC 8914 extended errors, sent in the OPT record when the query had EDNS. */
  ede?: ExtendedError[];
}

export type LabHandler = (q: LabQuestion, transport: 'udp' | 'tcp') => Promise<LabAnswer> | LabAnswer;

export interface LabDnsServer {
  name: string;
  address: string;
  port: number;
  /** Queries answered, per transport (tests prove a fallback to TCP with it). */
  counts: { udp: number; tcp: number };
  stop(): Promise<void>;
}

export interface ServerOptions {
  name: string;
  handler: LabHandler;
  /** dns-truncate: every UDP answer goes out with TC set and no records. */
  truncateUdp: () => boolean;
  /** Loopback address and port to listen on (default 127.0.0.1, a free port). */
  address?: string;
  port?: number;
}

interface RawQuery {
  id: number;
  flags: number;
  questions: { name: string; type: string }[];
  additionals: { type: string; udpPayloadSize?: number; flags?: number }[];
}

function decodeQuery(buf: Buffer): RawQuery | undefined {
  try {
    const q = dnsPacket.decode(buf) as unknown as RawQuery & { type: string };
    return q.type === 'query' ? q : undefined;
  } catch {
    return undefined; // not DNS: dropped, as real servers do
  }
}

async function respond(opts: ServerOptions, raw: RawQuery, transport: 'udp' | 'tcp'): Promise<Buffer> {
  const question = raw.questions[0];
  const opt = raw.additionals.find((a) => a.type === 'OPT');
  const rdFlag = raw.flags & FLAGS.RD;
  const header = { type: 'response', id: raw.id, questions: raw.questions };
  const optOut = opt ? [{ type: 'OPT', name: '.', udpPayloadSize: 1232 }] : [];
  if (!question || raw.questions.length !== 1) return encodePacket({ ...header, flags: rdFlag | RCODES.FORMERR!, additionals: optOut });
  let answer: LabAnswer;
  try {
    answer = await opts.handler(
      { name: question.name, type: question.type, rd: rdFlag !== 0, dnssecOk: ((opt?.flags ?? 0) & FLAGS.DO) !== 0 },
      transport,
    );
  } catch {
    answer = { rcode: 'SERVFAIL' };
  }
  const flags = rdFlag | (answer.aa ? FLAGS.AA : 0) | (answer.ra ? FLAGS.RA : 0) | (RCODES[answer.rcode] ?? 2);
  const opts1 = opt && answer.ede?.length ? [{ ...optOut[0], options: answer.ede.map(edeOption) }] : optOut;
  const full = encodePacket({
    ...header,
    flags,
    answers: answer.answers ?? [],
    authorities: answer.authorities ?? [],
    additionals: [...(answer.additionals ?? []), ...opts1],
  });
  if (transport === 'tcp') return full;
  const limit = opt ? Math.max(512, Math.min(opt.udpPayloadSize ?? 512, 4096)) : 512;
  if (full.length <= limit && !opts.truncateUdp()) return full;
  // RFC 2181 9: a truncated answer carries no partial RRsets; the client asks again over TCP.
  return encodePacket({ ...header, flags: flags | FLAGS.TC, additionals: optOut });
}

/** One wire query → the wire answer (undefined: not a DNS query, drop it). DoH uses it with 'tcp' (no size limit). */
export async function answerWire(opts: ServerOptions, msg: Buffer, transport: 'udp' | 'tcp'): Promise<Buffer | undefined> {
  const raw = decodeQuery(msg);
  return raw ? respond(opts, raw, transport) : undefined;
}

function serveTcp(opts: ServerOptions, counts: LabDnsServer['counts'], socket: TcpSocket): void {
  let buf = Buffer.alloc(0);
  socket.on('error', () => socket.destroy());
  socket.setTimeout(10_000, () => socket.destroy());
  socket.on('data', (chunk: Buffer) => {
    buf = Buffer.concat([buf, chunk]);
    while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
      const msg = buf.subarray(2, 2 + buf.readUInt16BE(0));
      buf = buf.subarray(2 + msg.length);
      const raw = decodeQuery(msg);
      if (!raw) return socket.destroy();
      counts.tcp += 1;
      void respond(opts, raw, 'tcp').then((out) => {
        if (socket.destroyed) return;
        const len = Buffer.alloc(2);
        len.writeUInt16BE(out.length);
        socket.write(Buffer.concat([len, out]));
      });
    }
  });
}

function listenBoth(udp: Socket, tcp: Server, port: number, address: string): Promise<number> {
  return new Promise((resolve, reject) => {
    udp.once('error', reject);
    udp.bind(port, address, () => {
      udp.off('error', reject);
      const p = udp.address().port;
      tcp.once('error', (err) => {
        udp.close();
        reject(err);
      });
      tcp.listen(p, address, () => resolve(p));
    });
  });
}

export async function startLabDnsServer(opts: ServerOptions): Promise<LabDnsServer> {
  const counts = { udp: 0, tcp: 0 };
  for (let attempt = 0; ; attempt++) {
    const udp = createSocket('udp4');
    const tcp = createServer((s) => serveTcp(opts, counts, s));
    try {
      // Port 0 for UDP, then TCP on the same number; another process may hold it, so try again.
      const address = opts.address ?? '127.0.0.1';
      const port = await listenBoth(udp, tcp, opts.port ?? 0, address);
      let closed = false;
      udp.on('message', (msg, rinfo) => {
        const raw = decodeQuery(msg);
        if (!raw) return;
        counts.udp += 1;
        void respond(opts, raw, 'udp').then((out) => {
          // An answer finished after stop() has nowhere to go: dropping it is what a stopped server does.
          if (!closed) udp.send(out, rinfo.port, rinfo.address, () => undefined);
        });
      });
      udp.on('error', () => undefined);
      const sockets = new Set<TcpSocket>();
      tcp.on('connection', (s) => {
        sockets.add(s);
        s.on('close', () => sockets.delete(s));
      });
      return {
        name: opts.name,
        address,
        port,
        counts,
        stop: async () => {
          closed = true;
          for (const s of sockets) s.destroy();
          await Promise.all([new Promise<void>((r) => udp.close(() => r())), new Promise<void>((r) => tcp.close(() => r()))]);
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt >= 20 || opts.port) throw err;
    }
  }
}
