// k6's exit codes (errext/exitcodes in the k6 source) and what each means for the harness.
import type { Status } from '../../core/result.ts';

export interface ExitMeaning {
  meaning: string;
  /** What the run-level check becomes; `null`: the run is fine as far as the exit code says. */
  status: Exclude<Status, 'passed' | 'skipped'> | null;
}

export const K6_EXIT_CODES: Record<number, ExitMeaning> = {
  0: { meaning: 'the test ran to the end with no threshold crossed', status: null },
  97: { meaning: 'cloud test run failed (k6 cloud is not used by the harness)', status: 'broken' },
  98: { meaning: 'cloud progress failed (k6 cloud is not used by the harness)', status: 'broken' },
  // Thresholds have their own checks; the run itself completed.
  99: { meaning: 'thresholds were crossed', status: null },
  100: { meaning: 'setup() timed out', status: 'broken' },
  101: { meaning: 'teardown() timed out', status: 'broken' },
  102: { meaning: 'a k6 timeout expired', status: 'broken' },
  103: { meaning: 'the test was stopped through the k6 REST API', status: 'broken' },
  104: { meaning: 'the k6 configuration or options are invalid', status: 'broken' },
  105: { meaning: 'the test was aborted from outside (signal)', status: 'broken' },
  106: { meaning: 'k6 could not start its REST API server', status: 'broken' },
  107: { meaning: 'the script threw an exception (in the init context or setup)', status: 'broken' },
  108: { meaning: 'the script aborted the test with test.abort()', status: 'failed' },
  109: { meaning: 'k6 crashed (Go panic)', status: 'broken' },
  110: { meaning: 'the script marked the test failed with exec.test.fail()', status: 'failed' },
};

export function exitMeaning(code: number | null, signal: NodeJS.Signals | null): ExitMeaning {
  if (code === null) return { meaning: `k6 was killed by ${signal ?? 'a signal'} before it exited`, status: 'broken' };
  return (
    K6_EXIT_CODES[code] ?? {
      meaning: `k6 exited with ${code}, which is not one of k6's documented exit codes (usage error or crash)`,
      status: 'broken',
    }
  );
}
