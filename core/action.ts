// Actions are data with an optional executable step: the same object gives the printed line and, under
// --apply, the operation performed, so what is said and what is done cannot differ.
import type { CheckResult, Verdict } from './result.ts';
import type { Action, Operation, Refinement, Step } from './window/schema.ts';

/** An operation with its hosts resolved: what is printed and what an operator performs. */
export type ResolvedOperation = Omit<Extract<Operation, { op: 'maintenance-page' }>, 'hosts'> & { hosts: string[] };

export interface ChosenAction {
  /** The line printed after the verdict. */
  text: string;
  /** Present when the action can be carried out by `--apply`. */
  operation?: ResolvedOperation;
  /** The operation, once done and re-checked, resolves every driver (the step becomes go). */
  resolves?: boolean;
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

export const failureCode = (c: CheckResult) => (c.details?.failure as { code?: string } | undefined)?.code;
/** Result targets carry full host names (my.invoicecloud.com); operations name the host key (my). */
export const hostKeyOf = (c: CheckResult) => (c.target.host ?? '').split('.')[0] ?? '';

function resolve(action: Action, causes: readonly CheckResult[], resolves = false): ChosenAction {
  if (!action.do) return { text: action.say };
  const hosts = action.do.hosts === 'failing' ? [...new Set(causes.map(hostKeyOf).filter(Boolean))] : action.do.hosts;
  const operation: ResolvedOperation = { ...action.do, hosts };
  return { text: `${action.say}: ${describeOperation(operation)}`, operation, ...(resolves ? { resolves } : {}) };
}

/** The checks a refinement's cause covers, or undefined when some driver is not explained by it. */
function explainedBy(r: Refinement, drivers: readonly CheckResult[]): CheckResult[] | undefined {
  const causes = drivers.filter((c) => r.when.codes.includes(failureCode(c) ?? ''));
  if (!causes.length) return undefined;
  const hosts = new Set(causes.map(hostKeyOf).filter(Boolean));
  const explained = (c: CheckResult) => causes.includes(c) || (r.when.alsoExplains.includes(c.kind) && hosts.has(hostKeyOf(c)));
  return drivers.every(explained) ? causes : undefined;
}

/** The step's action for the verdict, or the first refinement whose cause explains every check that drove a no-go. */
export function chooseAction(step: Pick<Step, 'actions' | 'refine'>, verdict: Verdict, drivers: readonly CheckResult[]): ChosenAction {
  if (verdict === 'no-go' && drivers.length) {
    for (const r of step.refine) {
      const causes = explainedBy(r, drivers);
      if (causes) return resolve(r.action, causes, r.resolves);
    }
  }
  return resolve(step.actions[verdict], drivers);
}
