// Plans the sanity checks of a phase. Not built yet: each planned check is reported broken, so the verdict stays honest.
import type { Planner } from '../core/plan-context.ts';
import { brokenTask } from '../core/task.ts';

export const planSanity: Planner = ({ phase, config }) => {
  if (!phase.plan.sanity) return [];
  return [
    brokenTask(
      { id: 'sanity:' + phase.id, family: 'sanity', kind: 'sanity', title: 'sanity checks for ' + phase.id, target: {}, severity: config.policy.severity.sanity },
      'not implemented yet: the sanity checks of this phase are not built, so they could not be checked',
    ),
  ];
};
