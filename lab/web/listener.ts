// A TCP-level listener that can be taken down (connections refused, open sockets destroyed) and brought
// back on the same port, so the manifest's address stays valid across web-down.
import type { Server } from 'node:net';
import type { Socket } from 'node:net';

export class Listener {
  private readonly sockets = new Set<Socket>();
  private chain: Promise<void> = Promise.resolve();
  private listening = false;
  port = 0;

  constructor(
    readonly server: Server,
    private readonly address = '127.0.0.1',
  ) {
    server.on('connection', (s: Socket) => {
      this.sockets.add(s);
      s.once('close', () => this.sockets.delete(s));
    });
  }

  get up(): boolean {
    return this.listening;
  }

  /** Brings the listener up or down; calls are applied in order. */
  set(up: boolean): Promise<void> {
    this.chain = this.chain.then(() => (up ? this.open() : this.close()));
    return this.chain;
  }

  /** Drops open connections (clients reconnect and see, e.g., a changed certificate). */
  dropConnections(): void {
    for (const s of this.sockets) s.destroy();
  }

  private async open(): Promise<void> {
    if (this.listening) return;
    for (let attempt = 0; ; attempt++) {
      try {
        await new Promise<void>((resolve, reject) => {
          this.server.once('error', reject);
          this.server.listen(this.port, this.address, () => {
            this.server.off('error', reject);
            resolve();
          });
        });
        break;
      } catch (err) {
        // The port was ours a moment ago; another process may hold it briefly (TIME_WAIT does not block listen).
        if (attempt >= 20 || this.port === 0) throw err;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    const addr = this.server.address();
    if (addr && typeof addr === 'object') this.port = addr.port;
    this.listening = true;
  }

  private async close(): Promise<void> {
    if (!this.listening) return;
    this.listening = false;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const s of this.sockets) s.destroy();
    await closed;
  }
}
