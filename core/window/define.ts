// defineWindow: the typed entry a team writes each month. Check parameters are typed from the registered kinds;
// validation happens once, when the window file is loaded (core/window/load.ts).
import type { z } from 'zod';
import type { AnyKind, CheckKind } from '../kind.ts';
import type { Severity } from '../result.ts';
import type { stepSchema, windowSchema } from './schema.ts';

type CheckInput<K> =
  K extends CheckKind<infer Id, infer P, infer _C, infer _E> ? { kind: Id; blocking?: boolean; severity?: Severity } & z.input<P> : never;
type StepInput<K extends AnyKind> = Omit<z.input<ReturnType<typeof stepSchema>>, 'checks'> & { checks: CheckInput<K>[] };
export type WindowInput<K extends AnyKind> = Omit<z.input<ReturnType<typeof windowSchema>>, 'steps'> & { steps: StepInput<K>[] };

/** Returns a defineWindow typed for the given kinds (kinds.ts exports the one for the registered list). */
export function windowDefiner<K extends AnyKind>(_kinds: readonly K[]): (window: WindowInput<K>) => WindowInput<K> {
  return (window) => window;
}
