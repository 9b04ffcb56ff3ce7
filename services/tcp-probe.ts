// TCP reachability of a non-web server (SFTP, SQL, RDP …): connect, and when a banner pattern is configured,
// read the first line the server sends and match it.
import { connect, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { failed, passed, type Probe } from '../core/probe.ts';
import type { ServiceEndpoint } from '../estate/model.ts';
import { failureFromError, timeoutFailure, connectContext } from '../sanity/net-errors.ts';
import { deadline } from '../sanity/limit.ts';

export interface TcpOptions {
  timeoutMs: number;
}

const MAX_BANNER = 1024;

type Step = { ok: true; line?: string } | { ok: false; err: unknown };

function converse(socket: Socket, wantBanner: boolean, signal: AbortSignal, onConnect: () => void): Promise<Step> {
  return new Promise((resolve) => {
    let buffered = '';
    const finish = (step: Step) => {
      signal.removeEventListener('abort', onAbort);
      socket.destroy();
      resolve(step);
    };
    const onAbort = () => finish({ ok: false, err: signal.reason });
    signal.addEventListener('abort', onAbort, { once: true });
    socket.once('connect', () => {
      onConnect();
      if (!wantBanner) finish({ ok: true });
    });
    socket.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('latin1');
      const nl = buffered.indexOf('\n');
      if (nl >= 0 || buffered.length >= MAX_BANNER)
        finish({ ok: true, line: buffered.slice(0, nl >= 0 ? nl : MAX_BANNER).replace(/\r$/, '') });
    });
    socket.once('end', () => finish({ ok: true, line: buffered }));
    socket.once('error', (err) => finish({ ok: false, err }));
  });
}

export const tcpProbe: Probe<ServiceEndpoint, TcpOptions> = async (service, options, callerSignal) => {
  const limit = deadline(callerSignal, options.timeoutMs);
  const signal = limit.signal;
  const started = performance.now();
  const ctx = connectContext(service);
  let connectMs: number | undefined;
  const banner = service.banner ? new RegExp(service.banner) : undefined;
  const socket = connect({ host: service.address, port: service.port });
  const step = await converse(socket, Boolean(banner), signal, () => {
    connectMs = Math.round(performance.now() - started);
    ctx.stage = 'headers';
  }).finally(() => limit.clear());
  const details = {
    address: `${service.address}:${service.port}`,
    group: service.title,
    ...(connectMs !== undefined ? { connectMs } : {}),
  };
  if (!step.ok) {
    if (signal.aborted) {
      const t = timeoutFailure(ctx, options.timeoutMs);
      const message =
        ctx.stage === 'connect'
          ? t.message
          : `${service.name} (${service.address}:${service.port}) accepted the connection but sent no banner within ${options.timeoutMs} ms`;
      return failed({ ...t, layer: ctx.stage === 'connect' ? 'tcp' : 'assertion', message }, details);
    }
    const f = failureFromError(step.err, ctx);
    return failed(
      f
        ? { layer: f.layer, code: f.code, message: f.message }
        : { layer: 'tcp', code: 'TCP_ERROR', message: `${service.name} could not be reached: ${String(step.err)}` },
      details,
    );
  }
  if (!banner) return passed(details, `${service.name} (${service.address}:${service.port}) accepts connections`);
  const line = (step.line ?? '').slice(0, 200);
  if (!banner.test(line)) {
    return failed(
      {
        layer: 'assertion',
        code: 'BANNER_MISMATCH',
        message: `${service.name} (${service.address}:${service.port}) greeted with "${line}", which does not match /${service.banner}/`,
      },
      { ...details, banner: line },
    );
  }
  return passed({ ...details, banner: line }, `${service.name} answered with "${line}"`);
};
