// The regression pipeline files parse and have the shape GitHub Actions and Azure Pipelines expect, and run the documented commands.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { parseSmokeArgs, SMOKE_OPTIONS } from '../../core/cli-args.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');
const read = (p: string) => readFileSync(join(ROOT, p), 'utf8');

type Obj = Record<string, unknown>;
const obj = (v: unknown, what: string): Obj => {
  assert.ok(v && typeof v === 'object' && !Array.isArray(v), `${what} is a mapping`);
  return v as Obj;
};
const arr = (v: unknown, what: string): unknown[] => {
  assert.ok(Array.isArray(v) && v.length > 0, `${what} is a non-empty list`);
  return v;
};

/** The commands docs/e2e.md gives for sharding and merging; the pipelines must run exactly these. */
const MERGE = 'PLAYWRIGHT_JSON_OUTPUT_FILE=merged.json npx playwright merge-reports --reporter=json,list all-blob-reports';
const SHARD = /^npx playwright test --grep @regression --shard=(.+)\/(.+)$/;
/** Every webhook variable harness.config.ts names, and the test account. */
const SECRETS = [...new Set(read('harness.config.ts').match(/SLACK_WEBHOOK_[A-Z_]+/g) ?? []), 'HARNESS_TEST_USER', 'HARNESS_TEST_PASSWORD'];

function runLines(steps: Obj[], key: string): string[] {
  return steps.flatMap((s) =>
    typeof s[key] === 'string'
      ? (s[key] as string)
          .split('\n')
          .map((l) => l.trim())
          .filter(Boolean)
      : [],
  );
}

function npmFlags(lines: string[], script: string): string[] {
  return lines.filter((l) => l.startsWith(`npm run ${script} --`)).flatMap((l) => [...l.matchAll(/ (--[a-z0-9-]+)/g)].map((m) => m[1]!));
}

function assertKnownFlags(lines: string[]): void {
  const usage = { regression: read('core/cli-args.ts'), report: read('scripts/report.ts'), gate: read('scripts/gate.ts') };
  for (const [script, source] of Object.entries(usage)) {
    for (const flag of npmFlags(lines, script)) {
      if (flag === '--') continue;
      assert.ok(source.includes(`${flag}`), `npm run ${script} knows ${flag}`);
    }
  }
  const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string> };
  for (const l of lines)
    for (const m of l.matchAll(/npm run ([a-z:0-9-]+)/g)) assert.ok(pkg.scripts[m[1]!], `package.json has the script ${m[1]}`);
}

test('docs/e2e.md still gives the shard and merge commands the pipelines run', () => {
  const doc = read('docs/e2e.md');
  assert.ok(doc.includes(MERGE), 'merge command');
  assert.match(doc, /HARNESS_E2E_BLOB=1 HARNESS_E2E_OUTPUT=out npx playwright test --grep @regression --shard=1\/2/);
  assert.match(doc, /out\/blob-report\/report-1\.zip/);
});

test('GitHub Actions: jobs, steps, needs and strategy.matrix as Actions expects; sharded e2e, merged, gated, published', () => {
  const wf = obj(parse(read('.github/workflows/regression.yml')), 'workflow');
  assert.ok(wf.on, 'has triggers');
  const jobs = obj(wf.jobs, 'jobs');
  for (const [id, raw] of Object.entries(jobs)) {
    const job = obj(raw, `job ${id}`);
    assert.match(String(job['runs-on']), /^ubuntu-/, `${id} runs-on`);
    for (const need of [job.needs ?? []].flat()) assert.ok(jobs[String(need)], `${id} needs an existing job (${need})`);
    for (const [i, s] of arr(job.steps, `${id}.steps`).entries()) {
      const step = obj(s, `${id}.steps[${i}]`);
      assert.equal(Number('uses' in step) + Number('run' in step), 1, `${id}.steps[${i}] has exactly one of uses/run`);
      if (typeof step.uses === 'string') assert.match(step.uses, /^[\w.-]+\/[\w.-]+@v\d+$/, `${step.uses} pinned to a major version`);
    }
  }
  const e2e = obj(jobs.e2e, 'e2e');
  const shards = arr(obj(obj(e2e.strategy, 'strategy').matrix, 'matrix').shard, 'matrix.shard');
  assert.equal(String(shards.length), String(obj(wf.env, 'env').SHARDS), 'matrix has SHARDS entries');
  const e2eSteps = arr(e2e.steps, 'e2e.steps') as Obj[];
  const e2eRuns = runLines(e2eSteps, 'run');
  assert.ok(e2eRuns.includes('npm ci --no-audit --no-fund'));
  assert.ok(
    e2eRuns.some((l) => /apt-get install .*chromium/.test(l)),
    'Chromium installed',
  );
  const shard = e2eRuns.map((l) => SHARD.exec(l)).find(Boolean);
  assert.deepEqual(shard?.slice(1), ['${{ matrix.shard }}', '${{ env.SHARDS }}']);
  assert.deepEqual(
    { blob: obj(e2e.env, 'e2e.env').HARNESS_E2E_BLOB, out: obj(e2e.env, 'e2e.env').HARNESS_E2E_OUTPUT },
    { blob: '1', out: 'out' },
  );
  const upload = e2eSteps.find((s) => String(s.uses).startsWith('actions/upload-artifact'));
  assert.equal(obj(upload?.with, 'upload.with').path, 'out/blob-report/');

  const gate = obj(jobs.gate, 'gate');
  assert.deepEqual(gate.needs, ['e2e']);
  const steps = arr(gate.steps, 'gate.steps') as Obj[];
  const runs = runLines(steps, 'run');
  assert.ok(
    steps.some((s) => String(s.uses).startsWith('grafana/setup-k6-action@')),
    "k6 from Grafana's action",
  );
  assert.ok(runs.includes(MERGE), 'blob reports merged as docs/e2e.md says');
  const download = steps.find((s) => String(s.uses).startsWith('actions/download-artifact'));
  assert.deepEqual(obj(download?.with, 'download.with'), { path: 'all-blob-reports', pattern: 'blob-report-*', 'merge-multiple': true });
  const dir = '${{ steps.out.outputs.dir }}';
  assert.ok(
    runs.some((l) => l.startsWith('npm run regression -- --env=production') && l.includes(`--out=${dir}`)),
    'regression into the run folder',
  );
  assert.equal(runs.at(-1), `npm run gate -- --run=${dir}`, 'the last step is the gate on the merged folder');
  const junit = steps.find((s) => String(s.uses).startsWith('mikepenz/action-junit-report'));
  assert.equal(obj(junit?.with, 'junit.with').report_paths, `${dir}/junit.xml`);
  const report = steps.find((s) => s.id === 'report');
  assert.equal(obj(report?.with, 'report.with').path, `${dir}/allure-report/index.html`);
  const slack = steps.find((s) => typeof s.run === 'string' && s.run.includes('--slack'))!;
  assert.match(String(slack.run), /--report-url=\$\{\{ steps\.report\.outputs\.artifact-url \}\}/);
  assert.ok(steps.indexOf(slack) > steps.indexOf(report!), 'Slack after the artifact exists');
  assertKnownFlags([...runs, ...e2eRuns]);

  // secrets only from the CI's store
  const envs = [wf.env, e2e.env, gate.env, ...steps.map((s) => s.env)].filter(Boolean).map((e) => obj(e, 'env'));
  const values = new Map(envs.flatMap((e) => Object.entries(e)));
  for (const name of SECRETS)
    assert.match(String(values.get(name) ?? ''), new RegExp(`^\\$\\{\\{ secrets\\.${name} \\}\\}$`), `${name} from secrets`);
  assert.equal(values.get('HARNESS_E2E_PASSWORD'), '${{ secrets.HARNESS_TEST_PASSWORD }}');
  assert.doesNotMatch(read('.github/workflows/regression.yml'), /hooks\.slack\.com|ignoreHTTPSErrors|insecureSkipTLSVerify/);
});

test('Azure Pipelines: stages, jobs, steps as Azure expects; the same commands, JUnit to the test view, secrets from a variable group', () => {
  const text = read('azure-pipelines.yml');
  const p = obj(parse(text), 'pipeline');
  const stages = arr(p.stages, 'stages').map((s, i) => obj(s, `stages[${i}]`));
  assert.deepEqual(
    stages.map((s) => s.stage),
    ['e2e', 'gate'],
  );
  assert.equal(stages[1]!.dependsOn, 'e2e');
  const vars = arr(p.variables, 'variables').map((v) => obj(v, 'variable'));
  assert.ok(
    vars.some((v) => v.group === 'maintenance-harness-secrets'),
    'secrets from a variable group',
  );
  const shardsVar = vars.find((v) => v.name === 'SHARDS')?.value;

  const steps: Obj[] = [];
  for (const stage of stages) {
    for (const [i, j] of arr(stage.jobs, `${stage.stage}.jobs`).entries()) {
      const job = obj(j, `${stage.stage}.jobs[${i}]`);
      assert.ok(typeof job.job === 'string', 'job id');
      assert.match(String(obj(job.pool, 'pool').vmImage), /^ubuntu-/);
      for (const [k, s] of arr(job.steps, `${job.job}.steps`).entries()) {
        const step = obj(s, `${job.job}.steps[${k}]`);
        assert.equal(
          ['script', 'task', 'bash', 'checkout'].filter((key) => key in step).length,
          1,
          `${job.job}.steps[${k}] has one action`,
        );
        if (typeof step.task === 'string') assert.match(step.task, /^\w+@\d+$/, `${step.task} has a version`);
      }
    }
  }
  const shardJob = obj(arr(stages[0]!.jobs, 'e2e jobs')[0], 'shard job');
  const matrix = obj(obj(shardJob.strategy, 'strategy').matrix, 'matrix');
  assert.equal(String(Object.keys(matrix).length), String(shardsVar), 'matrix has SHARDS entries');
  assert.deepEqual(
    Object.values(matrix)
      .map((m) => obj(m, 'matrix entry').SHARD)
      .sort(),
    [1, 2, 3, 4],
  );
  const shardSteps = arr(shardJob.steps, 'shard steps') as Obj[];
  const gateSteps = arr(obj(arr(stages[1]!.jobs, 'gate jobs')[0], 'gate job').steps, 'gate steps') as Obj[];
  steps.push(...shardSteps, ...gateSteps);
  const runs = runLines(steps, 'script');

  const shardStep = shardSteps.find((s) => SHARD.test(String(s.script)))!;
  assert.deepEqual(SHARD.exec(String(shardStep.script))?.slice(1), ['$(SHARD)', '$(SHARDS)']);
  assert.deepEqual(
    { blob: obj(shardStep.env, 'env').HARNESS_E2E_BLOB, out: obj(shardStep.env, 'env').HARNESS_E2E_OUTPUT },
    { blob: '1', out: 'out' },
  );
  assert.equal(obj(shardSteps.find((s) => s.task === 'PublishPipelineArtifact@1')?.inputs, 'inputs').targetPath, 'out/blob-report');
  assert.ok(
    runs.some((l) => /apt-get install .*chromium/.test(l)),
    'Chromium',
  );
  assert.ok(
    runs.some((l) => l.includes('https://dl.k6.io/deb stable main')) && runs.some((l) => /apt-get install .*\bk6$/.test(l)),
    "k6 from Grafana's apt repository",
  );
  assert.ok(runs.includes(MERGE), 'merged as docs/e2e.md says');
  assert.equal(runs.at(-1), 'npm run gate -- --run=$(OUT)', 'the last step is the gate');
  const junit = gateSteps.find((s) => s.task === 'PublishTestResults@2');
  assert.deepEqual(
    { ...obj(junit?.inputs, 'inputs'), testRunTitle: undefined, failTaskOnFailedTests: undefined },
    { testResultsFormat: 'JUnit', testResultsFiles: '$(OUT)/junit.xml', testRunTitle: undefined, failTaskOnFailedTests: undefined },
  );
  assert.ok(
    gateSteps.some((s) => s.task === 'PublishPipelineArtifact@1' && obj(s.inputs, 'inputs').targetPath === '$(OUT)/allure-report'),
    'HTML report as an artifact',
  );
  const slack = gateSteps.find((s) => String(s.script).includes('--slack'))!;
  assert.match(String(slack.script), /--report-url="\$\(REPORT_URL\)"/);
  assertKnownFlags(runs);

  // Azure does not put secret variables into the environment: each is mapped, from the group, where it is used.
  const mapped = new Map(steps.flatMap((s) => (s.env ? Object.entries(obj(s.env, 'env')) : [])));
  for (const name of SECRETS) assert.equal(mapped.get(name), `$(${name})`, `${name} mapped from the variable group`);
  assert.equal(mapped.get('HARNESS_E2E_PASSWORD'), '$(HARNESS_TEST_PASSWORD)');
  assert.doesNotMatch(text, /hooks\.slack\.com|ignoreHTTPSErrors|insecureSkipTLSVerify/);
});

test('the regression step reads the merged report the merge step wrote: --e2e-report is a flag of npm run regression', () => {
  // SMOKE_OPTIONS is what node:util parseArgs accepts (strict): an unknown flag would exit 64 in CI
  assert.equal(SMOKE_OPTIONS['e2e-report'].type, 'string');
  assert.equal(parseSmokeArgs(['--phase=regression', '--e2e-report=package.json']).e2eReport, 'package.json');
  const gh = runLines(
    arr(obj(obj(obj(parse(read('.github/workflows/regression.yml')), 'workflow').jobs, 'jobs').gate, 'gate').steps, 'steps') as Obj[],
    'run',
  );
  const az = runLines(
    arr(
      obj(arr(obj(arr(obj(parse(read('azure-pipelines.yml')), 'pipeline').stages, 'stages')[1], 'gate stage').jobs, 'jobs')[0], 'job')
        .steps,
      'steps',
    ) as Obj[],
    'script',
  );
  for (const [ci, lines] of [
    ['GitHub', gh],
    ['Azure', az],
  ] as const) {
    const merge = lines.indexOf(MERGE);
    const regression = lines.findIndex((l) => l.startsWith('npm run regression --'));
    assert.ok(merge >= 0 && regression > merge, `${ci}: merged before the regression run`);
    assert.match(
      lines[regression]!,
      / --e2e-report=merged\.json /,
      `${ci}: the regression reads merged.json (PLAYWRIGHT_JSON_OUTPUT_FILE of the merge)`,
    );
  }
});
