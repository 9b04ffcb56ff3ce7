// Plans the e2e checks of a phase. Not built yet: each planned check is reported broken, so the verdict stays honest.
import type { Planner } from '../core/plan-context.ts';
import { brokenTask } from '../core/task.ts';

export const planE2e: Planner = ({ phase, config }) => {
  if (!phase.plan.e2e) return [];
  return [
    brokenTask(
      { id: 'e2e:' + phase.id, family: 'e2e', kind: 'e2e', title: 'e2e checks for ' + phase.id, target: {}, severity: config.policy.severity.e2e },
      'not implemented yet: the e2e checks of this phase are not built, so they could not be checked',
    ),
  ];
};
