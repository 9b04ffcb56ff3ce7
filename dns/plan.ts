// Plans the dns checks of a phase. Not built yet: each planned check is reported broken, so the verdict stays honest.
import type { Planner } from '../core/plan-context.ts';
import { brokenTask } from '../core/task.ts';

export const planDns: Planner = ({ phase, config }) => {
  if (!phase.plan.dns) return [];
  return [
    brokenTask(
      { id: 'dns:' + phase.id, family: 'dns', kind: 'dns', title: 'dns checks for ' + phase.id, target: {}, severity: config.policy.severity.dns },
      'not implemented yet: the dns checks of this phase are not built, so they could not be checked',
    ),
  ];
};
