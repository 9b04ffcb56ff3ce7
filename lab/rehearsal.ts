// The lab for a rehearsal: started once, carried from step to step in runbook order (servers pulled and put back,
// page up and down, DNS moved), each step's faults injected before the step is performed.
import { join } from 'node:path';
import type { HarnessConfig } from '../core/config/schema.ts';
import type { EstateSource } from '../core/source.ts';
import type { Step } from '../core/window/schema.ts';
import { estateFromLab, type ResolvedEstate } from '../estate/model.ts';
import type { Fault } from './faults.ts';
import { startLab, type Lab } from './index.ts';
import { labOperator } from './source.ts';

export interface SteppedLab extends EstateSource<ResolvedEstate> {
  lab: () => Lab | undefined;
  stop(): Promise<void>;
}

/** `faults` maps a step id to the faults injected when the rehearsal reaches it (they stay, as real faults do). */
export function steppedLabSource(config: HarnessConfig, dir: string, faults: ReadonlyMap<string, Fault[]>): SteppedLab {
  let lab: Lab | undefined;
  return {
    env: 'lab',
    lab: () => lab,
    async open(step: Step) {
      lab ??= await startLab({ config, state: step.before ?? step.after, dir: join(dir, 'lab') });
      if (step.before) await lab.control.applyState(step.before);
      for (const f of faults.get(step.id) ?? []) await lab.control.addFault(f);
      await lab.control.applyState(step.after);
      await lab.control.settle();
      // The lab outlives the step: the rehearsal stops it at the end.
      return { estate: estateFromLab(config, lab.manifest), operator: labOperator(lab.manifest.control.url), close: async () => undefined };
    },
    stop: async () => {
      await lab?.stop();
    },
  };
}
