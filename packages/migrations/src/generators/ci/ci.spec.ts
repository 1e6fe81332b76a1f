import { readNxJson, type Tree, updateNxJson } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { parse } from 'yaml';
import ciGenerator from './ci';

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
}

describe('ci generator', () => {
  let tree: Tree;
  beforeEach(() => {
    tree = createTreeWithEmptyWorkspace();
  });
  const runs = (steps: Step[]) => steps.filter((step) => step.run).map((step) => step.run);

  it(
    'writes a GitHub workflow: PRs lint and test the affected ventures on PostgreSQL and upload ' +
      'the reports; main deploys staging, then production',
    async () => {
      updateNxJson(tree, { ...readNxJson(tree), defaultBase: 'trunk' });
      await ciGenerator(tree, {});
      const text = tree.read('.github/workflows/migrations.yml', 'utf-8')!;
      expect(text.split('\n')[0]).toBe(
        '# Written by nx g @forge/migrations:ci. Secrets: STAGING_DATABASE_URL, PRODUCTION_DATABASE_URL, MIGRATIONS_WEBHOOK_URL.',
      );
      const workflow = parse(text);
      expect(workflow.on).toEqual({ pull_request: {}, push: { branches: ['trunk'] } });
      expect(Object.keys(workflow.jobs)).toEqual(['verify', 'deploy-staging', 'deploy-production']);

      const verify = workflow.jobs.verify;
      expect(verify.services.postgres).toMatchObject({ image: 'postgres:15', ports: ['5432:5432'] });
      expect(verify.env.TEST_DATABASE_URL).toBe('postgresql://postgres:postgres@127.0.0.1:5432/postgres');
      expect(runs(verify.steps)).toEqual([
        'npm ci',
        'npx nx affected -t migrate-lint --onlyNew --outputStyle=static',
        'npx nx affected -t migrate-test --outputStyle=static',
      ]);
      expect(verify.steps.map((step: Step) => step.uses).filter(Boolean)).toEqual([
        'actions/checkout@v4',
        'actions/setup-node@v4',
        'nrwl/nx-set-shas@v4',
        'actions/upload-artifact@v4',
      ]);
      expect(verify.steps.at(-1)).toMatchObject({ if: 'always()', with: { path: 'reports/' } });

      const [staging, production] = [workflow.jobs['deploy-staging'], workflow.jobs['deploy-production']];
      expect(staging).toMatchObject({ environment: 'staging', if: "github.event_name == 'push' && github.ref == 'refs/heads/trunk'" });
      expect(staging.needs).toBeUndefined();
      expect(runs(staging.steps)).toEqual(['npm ci', 'npx nx affected -t migrate-deploy --configuration=staging --outputStyle=static']);
      expect(staging.env).toEqual({
        TEST_DATABASE_URL: verify.env.TEST_DATABASE_URL,
        STAGING_DATABASE_URL: '${{ secrets.STAGING_DATABASE_URL }}',
        MIGRATIONS_WEBHOOK_URL: '${{ secrets.MIGRATIONS_WEBHOOK_URL }}',
      });
      // Production waits for staging, and reads staging's database for its staging gate.
      expect(production).toMatchObject({
        environment: 'production',
        needs: 'deploy-staging',
        concurrency: { group: 'migrations-production', 'cancel-in-progress': false },
      });
      expect(production.env).toMatchObject({
        STAGING_DATABASE_URL: '${{ secrets.STAGING_DATABASE_URL }}',
        PRODUCTION_DATABASE_URL: '${{ secrets.PRODUCTION_DATABASE_URL }}',
      });
      expect(runs(production.steps)).toContain('npx nx affected -t migrate-deploy --configuration=production --outputStyle=static');
    },
  );

  it('writes a GitLab pipeline with the same commands, stages in order', async () => {
    await ciGenerator(tree, { provider: 'gitlab', environments: ['qa', 'staging', 'production'], postgresVersion: '16' });
    const pipeline = parse(tree.read('.gitlab-ci.yml', 'utf-8')!);
    expect(pipeline.stages).toEqual(['verify', 'qa', 'staging', 'production']);
    expect(pipeline.verify).toMatchObject({
      rules: [{ if: '$CI_PIPELINE_SOURCE == "merge_request_event"' }],
      services: [{ name: 'postgres:16', alias: 'postgres' }],
      artifacts: { when: 'always', paths: ['reports/'] },
    });
    expect(pipeline.verify.variables.TEST_DATABASE_URL).toBe('postgresql://postgres:postgres@postgres:5432/postgres');
    expect(pipeline.verify.script).toEqual([
      'git fetch origin $CI_MERGE_REQUEST_TARGET_BRANCH_NAME',
      'npx nx affected -t migrate-lint --onlyNew --outputStyle=static',
      'npx nx affected -t migrate-test --outputStyle=static',
    ]);
    expect(pipeline['deploy-qa'].needs).toBeUndefined();
    expect(pipeline['deploy-staging']).toMatchObject({
      stage: 'staging',
      needs: ['deploy-qa'],
      environment: { name: 'staging' },
      script: ['npx nx affected -t migrate-deploy --configuration=staging --outputStyle=static'],
    });
    expect(pipeline['deploy-production'].needs).toEqual(['deploy-staging']);
  });

  it('refuses a bad environment name or an existing GitLab pipeline, writing nothing', async () => {
    await expect(ciGenerator(tree, { environments: ['Prod;rm'] })).rejects.toThrow(/"Prod;rm" is not one\. Nothing was written/);
    tree.write('.gitlab-ci.yml', 'stages: [build]\n');
    await expect(ciGenerator(tree, { provider: 'gitlab' })).rejects.toThrow(/\.gitlab-ci\.yml exists: nothing was written/);
    expect(tree.read('.gitlab-ci.yml', 'utf-8')).toBe('stages: [build]\n');
    expect(tree.exists('.github/workflows/migrations.yml')).toBe(false);
  });
});
