// The window's timeline: each step's runbook time in ET (the window's zone), IST (the offshore team) and UTC.
import { DateTime } from 'luxon';
import type { WindowDef } from './window/schema.ts';

export interface ScheduleRow {
  phase: string;
  title: string;
  et: string;
  ist: string;
  utc: string;
}

export function windowSchedule(window: Pick<WindowDef, 'date' | 'timezone' | 'steps'>): ScheduleRow[] {
  const day = DateTime.fromISO(window.date, { zone: window.timezone });
  const fmt = (d: DateTime) => d.toFormat('ccc yyyy-MM-dd HH:mm ZZZZ');
  return window.steps.map(({ id, at, title }) => {
    const [h, m] = at.time.split(':').map(Number) as [number, number];
    const t = day.plus({ days: at.day }).set({ hour: h, minute: m });
    return { phase: id, title, et: fmt(t), ist: fmt(t.setZone('Asia/Kolkata')), utc: fmt(t.toUTC()) };
  });
}
