// Where a run's estate comes from: the lab (started for the run, put in the step's state) or a named
// environment of the config. Scripts choose one; core only opens it, plans against it and closes it.
import type { Operator } from './action.ts';
import type { Step } from './window/schema.ts';

export interface OpenEstate<Estate = unknown> {
  estate: Estate;
  /** Carries out an action's operation (--apply); absent when nothing can be automated there. */
  operator?: Operator;
  /** Files the source wants kept in the run folder (the lab's manifest), already written. */
  close(): Promise<void>;
}

export interface EstateSource<Estate = unknown> {
  /** 'lab' or the environment's name, as written in results. */
  readonly env: string;
  open(step: Step, runDir: string): Promise<OpenEstate<Estate>>;
}
