// The window's date and the default run folder.
import { join } from 'node:path';
import { DateTime } from 'luxon';
import type { HarnessConfig } from './config/schema.ts';

export function windowDate(config: HarnessConfig, flag?: string): string {
  return flag ?? config.window.date ?? DateTime.now().setZone(config.window.timezone).toISODate()!;
}

export function defaultRunDir(window: string, phase: string, now = new Date()): string {
  return join('runs', window, phase, now.toISOString().replace(/[:.]/g, '-'));
}
