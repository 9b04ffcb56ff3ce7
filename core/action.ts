// Actions are data with an optional executable step: the same object gives the printed line and, under
// --apply, the operation performed, so what is said and what is done cannot differ.
import type { CheckResult, Verdict } from './result.ts';
import type { Action, Operation, Step } from './window/schema.ts';

/** An operation with its hosts resolved: what is printed and what an operator performs. */
export type ResolvedOperation = Omit<Extract<Operation, { op: 'maintenance-page' }>, 'hosts'> & { hosts: string[] };

export interface ChosenAction {
  /** The line printed after the verdict. */
  text: string;
  /** Present when the action can be carried out by `--apply`. */
  operation?: ResolvedOperation;
}

/** Performs operations; the lab's control API or an environment's configured command. */
export interface Operator {
  /** Where the operation went (lab control API, command …), for the record. */
  readonly name: string;
  perform(op: ResolvedOperation, signal: AbortSignal): Promise<{ ok: boolean; detail: string }>;
}

export function describeOperation(op: ResolvedOperation): string {
  const hosts = op.hosts.join(', ');
  return op.turn === 'on' ? `put the maintenance page up on ${hosts}` : `take the maintenance page down on ${hosts}`;
}

const failureCode = (c: CheckResult) => (c.details?.failure as { code?: string } | undefined)?.code;
// Result targets carry full host names (my.invoicecloud.com); operations name the host key (my).
const hostKeyOf = (c: CheckResult) => (c.target.host ?? '').split('.')[0] ?? '';

function resolve(action: Action, drivers: readonly CheckResult[]): ChosenAction {
  if (!action.do) return { text: action.say };
  const hosts = action.do.hosts === 'failing' ? [...new Set(drivers.map(hostKeyOf).filter(Boolean))] : action.do.hosts;
  const operation: ResolvedOperation = { ...action.do, hosts };
  return { text: `${action.say}: ${describeOperation(operation)}`, operation };
}

/** The step's action for the verdict, or a refinement whose codes explain every check that drove a no-go. */
export function chooseAction(step: Pick<Step, 'actions' | 'refine'>, verdict: Verdict, drivers: readonly CheckResult[]): ChosenAction {
  if (verdict === 'no-go' && drivers.length) {
    for (const r of step.refine) {
      if (drivers.every((c) => r.when.codes.includes(failureCode(c) ?? ''))) return resolve(r.action, drivers);
    }
  }
  return resolve(step.actions[verdict], drivers);
}
