// A lab SMTP greeting: 220 on connect, EHLO → 250, QUIT → 221; `service-unhealthy:SERVER` greets with 421.
import type { Socket } from 'node:net';
import type { ActiveFaults } from '../faults.ts';

export function smtpSession(name: string, faults: ActiveFaults, socket: Socket): void {
  const host = `${name.toLowerCase()}.lab`;
  if (faults.has('service-unhealthy', name)) {
    socket.end(`421 4.3.2 ${host} Service not available, closing transmission channel\r\n`);
    return;
  }
  socket.write(`220 ${host} ESMTP lab ready\r\n`);
  let buffered = '';
  socket.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('latin1');
    if (buffered.length > 4096) return void socket.destroy();
    for (let nl = buffered.indexOf('\n'); nl >= 0; nl = buffered.indexOf('\n')) {
      const line = buffered.slice(0, nl).replace(/\r$/, '');
      buffered = buffered.slice(nl + 1);
      const verb = line.split(' ')[0]!.toUpperCase();
      if (verb === 'EHLO') socket.write(`250-${host} Hello ${line.slice(5)}\r\n250-SIZE 10240000\r\n250 STARTTLS\r\n`);
      else if (verb === 'QUIT') return void socket.end(`221 2.0.0 ${host} closing connection\r\n`);
      else socket.write('502 5.5.2 command not implemented in the lab\r\n');
    }
  });
}
