// Misbehaving DNS servers for transport tests: each answers a query with whatever `reply` makes of it.
import { createSocket } from 'node:dgram';
import { createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export type Reply = (query: Buffer) => Buffer[] | undefined;

export async function fakeUdp(reply: Reply): Promise<{ port: number; stop: () => Promise<void> }> {
  const s = createSocket('udp4');
  s.on('message', (msg, r) => {
    for (const out of reply(msg) ?? []) s.send(out, r.port, r.address);
  });
  await new Promise<void>((res) => s.bind(0, '127.0.0.1', () => res()));
  return { port: s.address().port, stop: () => new Promise<void>((res) => s.close(() => res())) };
}

export async function fakeTcp(reply: (query: Buffer, socket: Socket) => void): Promise<{ port: number; stop: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let buf = Buffer.alloc(0);
    socket.on('data', (c: Buffer) => {
      buf = Buffer.concat([buf, c]);
      if (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) reply(buf.subarray(2, 2 + buf.readUInt16BE(0)), socket);
    });
  });
  await new Promise<void>((res) => server.listen(0, '127.0.0.1', () => res()));
  return {
    port: (server.address() as AddressInfo).port,
    stop: () =>
      new Promise<void>((res) => {
        for (const s of sockets) s.destroy();
        server.close(() => res());
      }),
  };
}

export const frame = (b: Buffer) => Buffer.concat([Buffer.from([b.length >> 8, b.length & 0xff]), b]);
