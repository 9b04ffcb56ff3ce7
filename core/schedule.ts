// The window's timeline: each phase's runbook time in ET (the runbook's zone), IST (the offshore team) and UTC.
import { DateTime } from 'luxon';
import { PHASE_IDS, PHASES, type PhaseId } from './phases.ts';

export interface ScheduleRow {
  phase: PhaseId;
  title: string;
  et: string;
  ist: string;
  utc: string;
}

export function windowSchedule(window: string, zone = 'America/New_York'): ScheduleRow[] {
  const sunday = DateTime.fromISO(window, { zone });
  if (!sunday.isValid) throw new Error(`invalid window date "${window}": ${sunday.invalidExplanation ?? 'expected YYYY-MM-DD'}`);
  if (sunday.weekday !== 7) throw new Error(`window ${window} is a ${sunday.weekdayLong}; the runbook's window is the Sunday`);
  const fmt = (d: DateTime) => d.toFormat('ccc yyyy-MM-dd HH:mm ZZZZ');
  return PHASE_IDS.map((id) => {
    const { at, title } = PHASES[id];
    const [h, m] = at.time.split(':').map(Number) as [number, number];
    const t = sunday.plus({ days: at.dayOffset }).set({ hour: h, minute: m });
    return { phase: id, title, et: fmt(t), ist: fmt(t.setZone('Asia/Kolkata')), utc: fmt(t.toUTC()) };
  });
}
