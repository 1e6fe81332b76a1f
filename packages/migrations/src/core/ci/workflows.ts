/**
 * The CI pipelines the `ci` generator writes, as data (the generator serialises them to YAML):
 * on pull requests, the safety analysis and migrate-test of the affected ventures against a
 * PostgreSQL service, reports uploaded; on the main branch, deploys to staging, then to
 * production, which waits for staging and whose deploy target refuses migrations staging has not had.
 */
export interface CiOptions {
  mainBranch: string;
  nodeVersion: string;
  postgresVersion: string;
  /** The environments deployed in order, each with the variable holding its database URL. */
  environments: Array<{ name: string; urlEnv: string }>;
  webhookEnv: string;
}

export const TEST_DATABASE_URL = 'postgresql://postgres:postgres@127.0.0.1:5432/postgres';

/**
 * The commands every pipeline runs, in order, whatever the CI system: what the e2e runs too. The
 * safety analysis judges the migrations the change adds (`--onlyNew`, against NX_BASE): a history's
 * old drops, deployed long ago, do not fail every pull request; migrate-test proves the whole history.
 */
export function ciCommands(options: CiOptions): { verify: string[]; deploy: Array<{ environment: string; command: string }> } {
  return {
    verify: ['npx nx affected -t migrate-lint --onlyNew --outputStyle=static', 'npx nx affected -t migrate-test --outputStyle=static'],
    deploy: options.environments.map(({ name }) => ({
      environment: name,
      command: `npx nx affected -t migrate-deploy --configuration=${name} --outputStyle=static`,
    })),
  };
}

export function githubWorkflow(options: CiOptions): Record<string, unknown> {
  const commands = ciCommands(options);
  const postgres = {
    postgres: {
      image: `postgres:${options.postgresVersion}`,
      env: { POSTGRES_PASSWORD: 'postgres' },
      ports: ['5432:5432'],
      options: '--health-cmd pg_isready --health-interval 5s --health-timeout 5s --health-retries 10',
    },
  };
  const setup = [
    { uses: 'actions/checkout@v4', with: { 'fetch-depth': 0 } },
    { uses: 'actions/setup-node@v4', with: { 'node-version': options.nodeVersion, cache: 'npm' } },
    { run: 'npm ci' },
    { uses: 'nrwl/nx-set-shas@v4', with: { 'main-branch-name': options.mainBranch } },
  ];
  const upload = (name: string) => ({
    uses: 'actions/upload-artifact@v4',
    if: 'always()',
    with: { name, path: 'reports/', 'if-no-files-found': 'ignore' },
  });
  const jobs: Record<string, unknown> = {
    verify: {
      name: 'Lint and test the affected migrations',
      if: "github.event_name == 'pull_request'",
      'runs-on': 'ubuntu-latest',
      services: postgres,
      env: { TEST_DATABASE_URL },
      steps: [
        ...setup,
        { name: 'migrate-lint of the new migrations', run: commands.verify[0] },
        { name: 'migrate-test', run: commands.verify[1] },
        upload('migration-reports'),
      ],
    },
  };
  commands.deploy.forEach(({ environment, command }, index) => {
    const previous = index > 0 ? `deploy-${options.environments[index - 1].name}` : undefined;
    // A gated environment also reads the previous one's database: its deploy target's staging gate.
    const urls = Object.fromEntries(
      options.environments.slice(Math.max(0, index - 1), index + 1).map(({ urlEnv }) => [urlEnv, `\${{ secrets.${urlEnv} }}`]),
    );
    jobs[`deploy-${environment}`] = {
      name: `Deploy the affected migrations to ${environment}`,
      if: `github.event_name == 'push' && github.ref == 'refs/heads/${options.mainBranch}'`,
      ...(previous ? { needs: previous } : {}),
      'runs-on': 'ubuntu-latest',
      environment,
      concurrency: { group: `migrations-${environment}`, 'cancel-in-progress': false },
      services: postgres,
      env: { TEST_DATABASE_URL, ...urls, [options.webhookEnv]: `\${{ secrets.${options.webhookEnv} }}` },
      steps: [...setup, { name: `migrate-deploy to ${environment}`, run: command }, upload(`${environment}-deploy-reports`)],
    };
  });
  return {
    name: 'Database migrations',
    on: { pull_request: {}, push: { branches: [options.mainBranch] } },
    permissions: { contents: 'read', actions: 'read' },
    jobs,
  };
}

export function gitlabPipeline(options: CiOptions): Record<string, unknown> {
  const commands = ciCommands(options);
  const service = {
    services: [{ name: `postgres:${options.postgresVersion}`, alias: 'postgres' }],
    variables: { POSTGRES_PASSWORD: 'postgres', TEST_DATABASE_URL: TEST_DATABASE_URL.replace('127.0.0.1', 'postgres') },
  };
  const reports = { artifacts: { when: 'always', paths: ['reports/'], expire_in: '30 days' } };
  const pipeline: Record<string, unknown> = {
    stages: ['verify', ...options.environments.map(({ name }) => name)],
    default: { image: `node:${options.nodeVersion}`, before_script: ['npm ci'] },
    verify: {
      stage: 'verify',
      rules: [{ if: '$CI_PIPELINE_SOURCE == "merge_request_event"' }],
      ...service,
      variables: { ...service.variables, NX_BASE: 'origin/$CI_MERGE_REQUEST_TARGET_BRANCH_NAME', NX_HEAD: '$CI_COMMIT_SHA' },
      script: [`git fetch origin $CI_MERGE_REQUEST_TARGET_BRANCH_NAME`, ...commands.verify],
      ...reports,
    },
  };
  commands.deploy.forEach(({ environment, command }, index) => {
    pipeline[`deploy-${environment}`] = {
      stage: environment,
      rules: [{ if: `$CI_COMMIT_BRANCH == "${options.mainBranch}"` }],
      ...(index > 0 ? { needs: [`deploy-${options.environments[index - 1].name}`] } : {}),
      environment: { name: environment },
      resource_group: `migrations-${environment}`,
      ...service,
      // The database URLs are masked CI/CD variables; a gated environment also reads the previous one's (its staging gate).
      variables: { ...service.variables, NX_BASE: '$CI_COMMIT_BEFORE_SHA', NX_HEAD: '$CI_COMMIT_SHA' },
      script: [command],
      ...reports,
    };
  });
  return pipeline;
}
