// A reporter that appends one JSON line per finished test (after its last attempt) to a file, in the
// shape the adapter reads (TestRecord), so the harness records each e2e result as soon as it is known
// and a run that is stopped keeps what it finished.
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import type { Reporter, TestCase, TestResult, TestStep } from '@playwright/test/reporter';
import type { StepRecord, TestRecord } from '../adapter.ts';

function steps(list: readonly TestStep[]): StepRecord[] {
  return list
    .filter((s) => s.category === 'test.step')
    .map((s) => ({
      title: s.title,
      duration: s.duration,
      ...(s.error ? { error: { message: s.error.message ?? s.error.value ?? '' } } : {}),
      ...(s.steps.length ? { steps: steps(s.steps) } : {}),
    }));
}

export default class StreamReporter implements Reporter {
  private readonly file: string;
  private readonly attempts = new Map<string, TestResult[]>();

  constructor(opts: { outputFile: string }) {
    this.file = opts.outputFile;
    mkdirSync(dirname(this.file), { recursive: true });
    writeFileSync(this.file, '');
  }

  onTestEnd(test: TestCase, result: TestResult): void {
    const all = [...(this.attempts.get(test.id) ?? []), result];
    this.attempts.set(test.id, all);
    // More attempts follow a failure while retries remain.
    const final = result.status === test.expectedStatus || result.status === 'skipped' || result.retry >= test.retries;
    if (!final) return;
    const project = test.parent.project();
    const [, , , ...titlePath] = test.titlePath();
    const record: TestRecord = {
      project: project?.name ?? '',
      file: relative(project?.testDir ?? '', test.location.file),
      line: test.location.line,
      titlePath,
      tags: test.tags,
      test: {
        status: test.outcome(),
        expectedStatus: test.expectedStatus,
        timeout: test.timeout,
        annotations: test.annotations,
        results: all.map((r) => ({
          status: r.status,
          duration: r.duration,
          startTime: r.startTime.toISOString(),
          retry: r.retry,
          errors: r.errors.map((e) => ({ message: e.message ?? e.value ?? '' })),
          steps: steps(r.steps),
          attachments: r.attachments.map((a) => ({ name: a.name, contentType: a.contentType, ...(a.path ? { path: a.path } : {}) })),
          annotations: r.annotations,
        })),
      },
    };
    appendFileSync(this.file, `${JSON.stringify(record)}\n`);
  }

  printsToStdio(): boolean {
    return false;
  }
}
