// The report link from the CI's environment: GitHub Actions and Azure Pipelines; nothing else is guessed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ciRunUrl } from '../../reports/ci-url.ts';

test('the CI run URL comes from the CI variables only', () => {
  const rows: [NodeJS.ProcessEnv, string | undefined][] = [
    [
      { GITHUB_SERVER_URL: 'https://github.example', GITHUB_REPOSITORY: 'ops/harness', GITHUB_RUN_ID: '42' },
      'https://github.example/ops/harness/actions/runs/42',
    ],
    [
      { SYSTEM_COLLECTIONURI: 'https://dev.example/org/', SYSTEM_TEAMPROJECT: 'Platform Ops', BUILD_BUILDID: '7' },
      'https://dev.example/org/Platform%20Ops/_build/results?buildId=7&view=artifacts',
    ],
    [{ GITHUB_REPOSITORY: 'ops/harness' }, undefined],
    [{}, undefined],
  ];
  for (const [env, url] of rows) assert.equal(ciRunUrl(env), url, JSON.stringify(env));
});
