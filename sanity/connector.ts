// The connection under every probe request: a TLS socket verified against the estate's trust (or a plain TCP one for
// a backend declared plain HTTP), with its connect / TLS times, the peer certificate read once, and its own deadline.
import { TLSSocket, checkServerIdentity, connect as tlsConnect, type ConnectionOptions, type PeerCertificate } from 'node:tls';
import { connect as netConnect, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { Trust } from './trust.ts';
import type { Stage } from './net-errors.ts';

export interface PeerCert {
  subject?: string;
  issuer?: string;
  subjectAltName?: string;
  validFrom?: string;
  validTo: string;
  daysLeft: number;
  fingerprint256?: string;
}

/** What one connection reports to the request that opened it. */
export interface ConnWatch {
  stage: Stage;
  startedAt: number;
  connectedAt?: number;
  secureAt?: number;
  cert?: PeerCert;
  /** The peer closed its side (FIN) before the response was complete: a close, not a reset. */
  peerEnded?: boolean;
}

export function describeCert(socket: TLSSocket, now = Date.now()): PeerCert | undefined {
  return certFacts(socket.getPeerCertificate(), now);
}

function certFacts(c: PeerCertificate | undefined, now = Date.now()): PeerCert | undefined {
  if (!c?.valid_to) return undefined;
  const validTo = Date.parse(c.valid_to);
  return {
    subject: String(c.subject?.CN ?? ''),
    issuer: String(c.issuer?.CN ?? ''),
    subjectAltName: c.subjectaltname,
    ...(c.valid_from ? { validFrom: new Date(Date.parse(c.valid_from)).toISOString() } : {}),
    validTo: new Date(validTo).toISOString(),
    daysLeft: Math.floor((validTo - now) / 86_400_000),
    fingerprint256: c.fingerprint256,
  };
}

/**
 * Node's identity check asks for the peer certificate with its whole chain (`getPeerCertificate(true)`: every
 * certificate turned into an object, fingerprints and all, and the issuer looked up in the trust store again,
 * ~0.3 ms, a quarter of a probe's CPU) only to read the leaf's subject and subjectaltname. On this socket it reads the
 * leaf alone. The chain itself is verified by OpenSSL as before (`verifyError`), and the name by Node's own
 * checkServerIdentity on the same leaf fields.
 */
function leafOnly(socket: TLSSocket): void {
  const read = TLSSocket.prototype.getPeerCertificate;
  socket.getPeerCertificate = (() => read.call(socket, false)) as TLSSocket['getPeerCertificate'];
}

/** The verification result OpenSSL already holds when the status callback runs (null: the chain verified). */
function chainError(socket: TLSSocket): Error | null | undefined {
  return (socket as unknown as { _handle?: { verifyError?: () => Error | null } })._handle?.verifyError?.();
}

/**
 * The port undici asks for: it reports the scheme's default port as '' (an origin like https://10.0.0.5:443 is
 * normalised to https://10.0.0.5), so '' means 443 for https and 80 for http — never Number('') = 0.
 */
export function connectPort(opts: { protocol?: string; port?: string | number }): number {
  if (opts.port !== undefined && opts.port !== '') return Number(opts.port);
  return opts.protocol === 'http:' ? 80 : 443;
}

/**
 * A connector (undici's `connect` option, or the one-shot request's connection) that verifies against `trust`, records connect / TLS times and the peer cert in `watch`,
 * and gives up after `limitMs` when it is not 0 (undici does not abort a request still waiting for its connection).
 *
 * TLS settings, chosen on purpose: no `session` is ever passed and none is kept, so every connection does its own
 * full handshake with the server it reaches (a resumed session would skip the server's certificate and hide a
 * server whose own TLS setup is broken behind a ticket another server issued); the shared secureContext holds only
 * the trust, so sharing it resumes nothing. HTTP/1.1 only (what IIS and the balancers answer every probe with),
 * Nagle off (small requests go out at once). The certificate is read once per connection, the leaf only: Node reads it
 * for its own identity check (see leafOnly), and that read is the one reported; a second read happens only for a
 * chain that failed verification, whose socket is gone before the error reaches us.
 */
export function watchingConnector(trust: Trust, servername: string, limitMs: number, watch?: ConnWatch) {
  return (opts: { hostname: string; port: string; protocol?: string }, callback: (err: Error | null, socket: TLSSocket | null) => void) => {
    if (watch) {
      watch.stage = 'connect';
      watch.startedAt = performance.now();
    }
    let done = false;
    let seen: PeerCert | undefined;
    let verified: PeerCert | undefined;
    // requestOCSP: the status callback runs once the server's certificate has arrived and before verification can
    // destroy the socket, so an expired or untrusted certificate's dates can still be reported.
    const tlsOptions: ConnectionOptions & { requestOCSP: boolean } = {
      host: opts.hostname,
      port: connectPort(opts),
      servername,
      secureContext: trust.secureContext,
      ALPNProtocols: ['http/1.1'],
      requestOCSP: true,
      // Node's own name check, unchanged; it is handed the certificate Node has just read, which we keep.
      checkServerIdentity: (name, cert) => {
        verified = certFacts(cert);
        return checkServerIdentity(name, cert);
      },
    };
    const socket = tlsConnect(tlsOptions);
    leafOnly(socket);
    socket.once('OCSPResponse', () => {
      // Read here only when the chain did not verify (or the result is unknown): a good chain is read by Node.
      if (chainError(socket) !== null) seen = describeCert(socket);
    });
    socket.setNoDelay(true);
    // 0: the caller's deadline destroys the socket (the one-shot request); undici's pool needs this timer.
    const limit = limitMs
      ? setTimeout(() => {
          const stage = socket.connecting ? 'connect' : 'TLS handshake';
          socket.destroy(
            Object.assign(new Error(`${stage} did not finish within ${limitMs} ms`), {
              code: socket.connecting ? 'UND_ERR_CONNECT_TIMEOUT' : 'TLS_HANDSHAKE_TIMEOUT',
            }),
          );
        }, limitMs).unref()
      : undefined;
    if (limit) socket.once('close', () => clearTimeout(limit));
    if (watch) socket.once('end', () => void (watch.peerEnded = true));
    socket.once('connect', () => {
      if (!watch) return;
      watch.connectedAt = performance.now();
      watch.stage = 'tls';
    });
    socket.once('secureConnect', () => {
      clearTimeout(limit);
      if (watch) {
        watch.secureAt = performance.now();
        // The certificate the status callback already read is the one just verified: one read per connection.
        watch.cert = verified ?? seen ?? describeCert(socket);
        watch.stage = 'headers';
      }
      if (!done) (done = true), callback(null, socket);
    });
    socket.on('error', (err: Error & { peer?: PeerCert }) => {
      // A chain or name error (expired, untrusted, wrong host) carries no certificate; attach the one seen so the
      // message can date it.
      if (seen ?? verified) err.peer = seen ?? verified;
      if (!done) (done = true), callback(err, null);
    });
    return socket;
  };
}

/** https://address:port (or http:// for a declared plain-HTTP backend), IPv6 literals bracketed. */
export function originOf(address: string, port: number, scheme: 'https' | 'http' = 'https'): string {
  return `${scheme}://${address.includes(':') ? `[${address}]` : address}:${port}`;
}

/** A plain TCP connector for a backend the config declares plain HTTP: connect time recorded, same deadline. */
export function plainConnector(limitMs: number, watch?: ConnWatch) {
  return (opts: { hostname: string; port: string; protocol?: string }, callback: (err: Error | null, socket: Socket | null) => void) => {
    if (watch) {
      watch.stage = 'connect';
      watch.startedAt = performance.now();
    }
    let done = false;
    const socket = netConnect({ host: opts.hostname, port: connectPort(opts) });
    socket.setNoDelay(true);
    const limit = limitMs
      ? setTimeout(
          () =>
            socket.destroy(Object.assign(new Error(`connect did not finish within ${limitMs} ms`), { code: 'UND_ERR_CONNECT_TIMEOUT' })),
          limitMs,
        ).unref()
      : undefined;
    if (limit) socket.once('close', () => clearTimeout(limit));
    if (watch) socket.once('end', () => void (watch.peerEnded = true));
    socket.once('connect', () => {
      clearTimeout(limit);
      if (watch) {
        watch.connectedAt = performance.now();
        watch.stage = 'headers';
      }
      if (!done) (done = true), callback(null, socket);
    });
    socket.on('error', (err) => {
      if (!done) (done = true), callback(err, null);
    });
    return socket;
  };
}
