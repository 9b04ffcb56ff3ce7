// The default run folder of a step of a window.
import { join } from 'node:path';

export function defaultRunDir(window: string, phase: string, now = new Date()): string {
  return join('runs', window, phase, now.toISOString().replace(/[:.]/g, '-'));
}
