// Plans the k6 checks of a phase. Not built yet: each planned check is reported broken, so the verdict stays honest.
import type { Planner } from '../core/plan-context.ts';
import { brokenTask } from '../core/task.ts';

export const planK6: Planner = ({ phase, config }) => {
  if (!phase.plan.k6) return [];
  return [
    brokenTask(
      { id: 'k6:' + phase.id, family: 'k6', kind: 'k6', title: 'k6 checks for ' + phase.id, target: {}, severity: config.policy.severity.k6 },
      'not implemented yet: the k6 checks of this phase are not built, so they could not be checked',
    ),
  ];
};
