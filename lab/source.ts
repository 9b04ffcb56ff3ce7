// The lab as an estate source: started for the run in the state before the step, the step performed, and an
// operator that carries out actions through the lab's own control API (the same HTTP API `npm run lab` serves).
import { join } from 'node:path';
import { request } from 'undici';
import type { Operator, ResolvedOperation } from '../core/action.ts';
import type { HarnessConfig } from '../core/config/schema.ts';
import type { EstateSource } from '../core/source.ts';
import { estateFromLab, type ResolvedEstate } from '../estate/model.ts';
import type { Fault } from './faults.ts';
import { startLab, type Lab } from './index.ts';

export interface LabSourceOptions {
  faults?: Fault[];
  /** Test knob: how long web-slow makes a lab server wait. */
  slowMs?: number;
  /** Called with the started lab (tests and --apply inspect it). */
  onStart?: (lab: Lab) => void;
}

/** Performs operations through the control API of a lab this process started (never a URL read from disk). */
export function labOperator(controlUrl: string): Operator {
  return {
    name: `lab control API ${controlUrl}`,
    async perform(op: ResolvedOperation, signal: AbortSignal) {
      const done: string[] = [];
      for (const host of op.hosts) {
        const url = new URL(`/maintenance/${encodeURIComponent(host)}`, controlUrl);
        const res = await request(url, {
          method: 'POST',
          body: JSON.stringify({ on: op.turn === 'on' }),
          headers: { 'content-type': 'application/json' },
          signal,
        }).catch((err: Error) => err);
        if (res instanceof Error) return { ok: false, detail: `${host}: ${res.message}` };
        const text = await res.body.text();
        if (res.statusCode !== 200)
          return { ok: false, detail: `${host}: the control API answered ${res.statusCode} ${text.slice(0, 200)}` };
        done.push(host);
      }
      return { ok: true, detail: `maintenance page ${op.turn} on ${done.join(', ')} (lab control API)` };
    },
  };
}

export function labSource(config: HarnessConfig, opts: LabSourceOptions = {}): EstateSource<ResolvedEstate> {
  return {
    env: 'lab',
    async open(step, runDir) {
      // The lab starts where the runbook's step starts and then performs it, so faults that interfere with the
      // step (maintenance-stuck, maintenance-missing, pool-missing) act as they would in the window.
      const lab = await startLab({
        config,
        faults: opts.faults ?? [],
        state: step.before ?? step.after,
        dir: join(runDir, 'lab'),
        ...(opts.slowMs ? { slowMs: opts.slowMs } : {}),
      });
      try {
        await lab.control.applyState(step.after);
        await lab.control.settle();
        opts.onStart?.(lab);
        return { estate: estateFromLab(config, lab.manifest), operator: labOperator(lab.manifest.control.url), close: () => lab.stop() };
      } catch (err) {
        await lab.stop();
        throw err;
      }
    },
  };
}
