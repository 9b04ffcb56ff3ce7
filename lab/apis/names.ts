// A fault argument naming one server or a numbered range of them: "IC-Web3", "IC-Web1..5" (case-insensitive).
import type { ActiveFaults } from '../faults.ts';

export function covers(arg: string, name: string): boolean {
  const a = arg.toLowerCase();
  const n = name.toLowerCase();
  if (a === n) return true;
  const range = /^(.*?)(\d+)\.\.(\d+)$/.exec(a);
  const num = /^(.*?)(\d+)$/.exec(n);
  if (!range || !num || range[1] !== num[1]) return false;
  const i = Number(num[2]);
  return i >= Number(range[2]) && i <= Number(range[3]);
}

/** True when fault `name` is active with an argument covering `target`. */
export function faultCovers(faults: ActiveFaults, name: string, target: string): boolean {
  return faults.list().some((f) => f.name === name && f.arg !== undefined && covers(f.arg, target));
}
