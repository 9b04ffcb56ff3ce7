// SSH/SFTP at the protocol level: log in with the check account (the host key pinned by its SHA256 fingerprint,
// never accepted blindly) and list a directory over SFTP. The banner is checked before this, by the TCP probe.
import { createHash } from 'node:crypto';
import ssh2 from 'ssh2';
import { failed, passed, type Probe, type ProbeResult } from '../core/probe.ts';
import type { ServiceEndpoint } from '../estate/model.ts';
import { failureFromError, timeoutFailure, connectContext } from '../sanity/net-errors.ts';
import { deadline } from '../sanity/limit.ts';

export interface SshLoginOptions {
  user: string;
  /** Read from the environment at plan time; never in a message or detail. */
  password: string;
  /** SHA256:… fingerprint the server's host key must have. */
  hostKey: string;
  /** Directory to list over SFTP. */
  list: string;
  timeoutMs: number;
}

export function fingerprint(key: Buffer): string {
  return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
}

const SFTP_STATUS: Record<number, string> = { 2: 'no such directory', 3: 'permission denied', 4: 'failure', 8: 'operation unsupported' };

/** Codes: SSH_HOST_KEY_MISMATCH, SSH_AUTH_FAILED, SFTP_LIST_FAILED, SSH_PROTOCOL_ERROR, TIMEOUT, TCP_*. */
export const sshLoginProbe: Probe<ServiceEndpoint, SshLoginOptions> = async (service, o, callerSignal) => {
  const limit = deadline(callerSignal, o.timeoutMs);
  const at = `${service.name} (${service.address}:${service.port})`;
  const ctx = connectContext(service);
  let seenKey: string | undefined;
  let stage: 'connect' | 'auth' | 'sftp' | 'list' = 'connect';
  const client = new ssh2.Client();
  const result = await new Promise<ProbeResult>((resolve) => {
    let done = false;
    const finish = (r: ProbeResult) => {
      if (done) return;
      done = true;
      limit.signal.removeEventListener('abort', onAbort);
      client.end();
      client.destroy();
      resolve(r);
    };
    const onAbort = () => {
      const t = timeoutFailure(ctx, o.timeoutMs);
      const waiting = { connect: 'the SSH handshake', auth: 'the login', sftp: 'the SFTP subsystem', list: `the listing of ${o.list}` }[
        stage
      ];
      finish(failed({ ...t, message: `${at} did not finish ${waiting} within ${o.timeoutMs} ms` }));
    };
    limit.signal.addEventListener('abort', onAbort, { once: true });
    client.on('error', (err: Error & { level?: string }) => {
      if (seenKey && seenKey !== o.hostKey)
        return finish(
          failed({
            layer: 'assertion',
            code: 'SSH_HOST_KEY_MISMATCH',
            message: `${at} presented host key ${seenKey}, not the pinned ${o.hostKey}: a different machine answers, or the key was regenerated — confirm with the server owner before trusting it`,
          }),
        );
      if (err.level === 'client-authentication')
        return finish(
          failed({
            layer: 'assertion',
            code: 'SSH_AUTH_FAILED',
            message: `${at} refused the login of ${o.user}: check the SFTP check account on ${service.name}`,
          }),
        );
      const f = failureFromError(err, ctx);
      finish(
        failed(
          f
            ? { layer: f.layer, code: f.code, message: f.message }
            : { layer: 'tcp', code: 'SSH_PROTOCOL_ERROR', message: `${at} broke off the SSH session during ${stage}: ${err.message}` },
        ),
      );
    });
    client.on('ready', () => {
      stage = 'sftp';
      client.sftp((err, sftp) => {
        if (err)
          return finish(
            failed({
              layer: 'assertion',
              code: 'SFTP_UNAVAILABLE',
              message: `${at} accepted the login but refused the SFTP subsystem: ${err.message}`,
            }),
          );
        stage = 'list';
        sftp.readdir(o.list, (e, list) => {
          if (e) {
            const code = (e as Error & { code?: number }).code;
            const why = (code !== undefined && SFTP_STATUS[code]) || e.message;
            return finish(
              failed({
                layer: 'assertion',
                code: 'SFTP_LIST_FAILED',
                message: `${at} accepted the login of ${o.user} but could not list ${o.list}: ${why}`,
              }),
            );
          }
          finish(
            passed(
              { address: `${service.address}:${service.port}`, hostKey: seenKey, listed: o.list, entries: list.length },
              `${service.name}: logged in as ${o.user} and listed ${o.list} (${list.length} entries)`,
            ),
          );
        });
      });
    });
    client.on('handshake', () => {
      stage = 'auth';
      ctx.stage = 'headers';
    });
    client.connect({
      host: service.address,
      port: service.port,
      username: o.user,
      password: o.password,
      tryKeyboard: false,
      readyTimeout: o.timeoutMs,
      hostVerifier: (key: Buffer) => {
        seenKey = fingerprint(key);
        return seenKey === o.hostKey;
      },
    });
  });
  limit.clear();
  return result;
};
