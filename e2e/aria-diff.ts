// The lines that differ between a page's recorded accessibility tree and today's, for a message people act on:
// "- " what the baseline had, "+ " what the page shows now, in page order (a longest-common-subsequence diff).
export function ariaDiff(before: string, after: string): string[] {
  const a = before.trimEnd().split('\n');
  const b = after.trimEnd().split('\n');
  // lcs[i][j] = length of the longest common subsequence of a[i..] and b[j..]
  const lcs = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--)
    for (let j = b.length - 1; j >= 0; j--)
      lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      i++;
      j++;
    } else if (i < a.length && (j === b.length || lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) out.push(`- ${a[i++]!.trim()}`);
    else out.push(`+ ${b[j++]!.trim()}`);
  }
  return out;
}

/** At most `max` changed lines on one line, with how many more there are. */
export function diffSummary(lines: readonly string[], max = 8): string {
  const shown = lines.slice(0, max).join(' | ');
  return lines.length > max ? `${shown} | … ${lines.length - max} more changed lines` : shown;
}
