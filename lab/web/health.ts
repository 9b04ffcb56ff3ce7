// Active health probes of a balancer: GET /health on every member; two failures in a row drop it, one success brings it back.
import { request, type Agent } from 'undici';

export interface MemberHealth {
  healthy: boolean;
  failures: number;
  lastError?: string;
}

export interface ProbeTarget {
  name: string;
  /** Default 127.0.0.1. */
  address?: string;
  port: () => number;
}

export class HealthProber {
  readonly state = new Map<string, MemberHealth>();
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly targets: readonly ProbeTarget[],
    private readonly agent: Agent,
    private readonly hostHeader: string,
    private readonly intervalMs: number,
    private readonly timeoutMs: number,
    /** Only pool members are probed (as Azure does); a pulled member keeps its last state until it is back. */
    private readonly inPool: (name: string) => boolean = () => true,
  ) {
    for (const t of targets) this.state.set(t.name, { healthy: true, failures: 0 });
  }

  /**
   * First round at start: one failure is enough, so a lab started with a broken server does not route to it.
   * Waits at most `startWaitMs`; a probe still pending (a slow server) finishes in the background.
   */
  async start(startWaitMs = 500): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const first = this.round(1);
    await Promise.race([first, new Promise<void>((r) => (timer = setTimeout(r, startWaitMs)))]);
    clearTimeout(timer);
    void first.then(() => this.schedule());
  }

  /**
   * One immediate round where a single failure drops a member: after a runbook step (servers put back, faults
   * injected) the balancer reaches the state its probes would settle in. Bounded by the probe timeout.
   */
  settle(): Promise<void> {
    return this.round(1);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  healthy(name: string): boolean {
    return this.state.get(name)?.healthy ?? false;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.round(2).then(() => this.schedule()), this.intervalMs);
    // Probes never keep the process alive on their own.
    this.timer.unref();
  }

  private async round(threshold: number): Promise<void> {
    await Promise.all(
      this.targets
        .filter((t) => this.inPool(t.name))
        .map(async (t) => {
          const error = await this.probe(t);
          if (this.stopped) return;
          const s = this.state.get(t.name)!;
          if (error === undefined) this.state.set(t.name, { healthy: true, failures: 0 });
          else
            this.state.set(t.name, {
              healthy: s.failures + 1 >= threshold ? false : s.healthy,
              failures: s.failures + 1,
              lastError: error,
            });
        }),
    );
  }

  /** undefined when healthy, else why not. */
  private async probe(t: ProbeTarget): Promise<string | undefined> {
    try {
      const res = await request(`https://${t.address ?? '127.0.0.1'}:${t.port()}/health`, {
        dispatcher: this.agent,
        headers: { host: this.hostHeader },
        signal: AbortSignal.timeout(this.timeoutMs),
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
      });
      await res.body.dump();
      return res.statusCode === 200 ? undefined : `HTTP ${res.statusCode}`;
    } catch (err) {
      const e = err as Error & { code?: unknown };
      // AbortSignal.timeout rejects with a DOMException whose numeric code says nothing.
      if (e.name === 'TimeoutError' || e.name === 'AbortError') return `TIMEOUT after ${this.timeoutMs} ms`;
      return typeof e.code === 'string' ? e.code : e.name;
    }
  }
}
