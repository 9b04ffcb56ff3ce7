// Where a CI run's artifacts can be opened, from the CI's own environment: the report link Slack gets when no
// --report-url is given (GitHub Actions, Azure Pipelines). Nothing outside the CI's variables is guessed.
export function ciRunUrl(env: NodeJS.ProcessEnv): string | undefined {
  const { GITHUB_SERVER_URL, GITHUB_REPOSITORY, GITHUB_RUN_ID } = env;
  if (GITHUB_SERVER_URL && GITHUB_REPOSITORY && GITHUB_RUN_ID)
    return `${GITHUB_SERVER_URL}/${GITHUB_REPOSITORY}/actions/runs/${GITHUB_RUN_ID}`;
  const { SYSTEM_COLLECTIONURI, SYSTEM_TEAMPROJECT, BUILD_BUILDID } = env;
  if (SYSTEM_COLLECTIONURI && SYSTEM_TEAMPROJECT && BUILD_BUILDID) {
    return `${SYSTEM_COLLECTIONURI.replace(/\/?$/, '/')}${encodeURIComponent(SYSTEM_TEAMPROJECT)}/_build/results?buildId=${encodeURIComponent(BUILD_BUILDID)}&view=artifacts`;
  }
  return undefined;
}
