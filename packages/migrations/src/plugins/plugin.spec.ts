import { type CreateNodesContext, logger } from '@nx/devkit';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { temporaryDir, type TemporaryProject } from '../test-support/fixtures';
import { createNodes, PRISMA_FILES_GLOB } from './plugin';

const SCHEMA = 'datasource db {\n  provider = "postgresql"\n}\n';

describe('createNodes', () => {
  let workspace: TemporaryProject;
  const write = (file: string, content = '') => {
    mkdirSync(path.dirname(path.join(workspace.dir, file)), { recursive: true });
    writeFileSync(path.join(workspace.dir, file), content);
  };
  const context = (): CreateNodesContext => ({ nxJsonConfiguration: {}, workspaceRoot: workspace.dir });
  const run = (files: string[], options = {}) => createNodes[1](files, options, context());

  beforeEach(() => {
    workspace = temporaryDir('forge-plugin-');
  });
  afterEach(() => workspace.remove());

  it('matches schema files and Prisma config files', () => {
    expect(PRISMA_FILES_GLOB).toBe('**/{*.prisma,prisma.config.{ts,mts,cts,js,mjs,cjs},prisma7.config.{ts,mts,cts,js,mjs,cjs}}');
  });

  it('gives a project with prisma/schema.prisma a cacheable migrate-test target with exact inputs and outputs', async () => {
    write('package-lock.json', JSON.stringify({ packages: { 'node_modules/@forge/migrations': { version: '0.1.0' } } }));
    write('apps/billing/project.json', '{"name":"billing"}');
    write('apps/billing/prisma/schema.prisma', SCHEMA);
    const results = await run(['apps/billing/prisma/schema.prisma']);
    expect(results).toHaveLength(1);
    const [source, result] = results[0];
    // Attributed to the file that made it a Prisma project, as Nx's createNodesFromFiles does.
    expect(source).toBe('apps/billing/prisma/schema.prisma');
    const target = result.projects!['apps/billing'].targets!['migrate-test'];
    expect(target).toMatchObject({
      executor: '@forge/migrations:test',
      cache: true,
      inputs: [
        '{projectRoot}/prisma/schema.prisma',
        '{projectRoot}/prisma/migrations/**/*',
        { externalDependencies: ['@forge/migrations'] },
        { env: 'TEST_DATABASE_URL' },
      ],
      outputs: ['{workspaceRoot}/reports/migrate-test/{projectRoot}'],
      options: {
        reportFile: 'reports/migrate-test/{projectRoot}/report.json',
        junitFile: 'reports/migrate-test/{projectRoot}/junit.xml',
      },
    });
    expect(target.metadata?.description).toMatch(/throwaway database/);
    expect(result.projects!['apps/billing'].targets!['migrate-lint']).toMatchObject({
      executor: '@forge/migrations:lint',
      cache: true,
      inputs: [
        '{projectRoot}/prisma/migrations/**/*',
        { externalDependencies: ['@forge/migrations'] },
        { runtime: 'git rev-parse --verify --quiet main || echo none' },
        { env: 'NX_BASE' },
      ],
      outputs: ['{options.outputFile}'],
    });
  });

  it(
    'reads its version at hash time where the lockfile does not list it (installed by path): Nx ' +
      'would fail every task on the external dependency',
    async () => {
      write('apps/billing/project.json', '{"name":"billing"}');
      write('apps/billing/prisma/schema.prisma', SCHEMA);
      const [[, result]] = await run(['apps/billing/prisma/schema.prisma']);
      for (const target of ['migrate-test', 'migrate-lint']) {
        expect(result.projects!['apps/billing'].targets![target].inputs).toContainEqual({
          runtime: `node -p "require('@forge/migrations/package.json').version"`,
        });
        expect(JSON.stringify(result.projects!['apps/billing'].targets![target].inputs)).not.toContain('externalDependencies');
      }
    },
  );

  it('gives deploy, rollback and status targets that are never cached; deploy runs migrate-test first unless configured not to', async () => {
    write('apps/billing/project.json', '{"name":"billing"}');
    write('apps/billing/prisma/schema.prisma', SCHEMA);
    const targets = (await run(['apps/billing/prisma/schema.prisma']))[0][1].projects!['apps/billing'].targets!;
    expect(targets['migrate-deploy']).toMatchObject({
      executor: '@forge/migrations:deploy',
      cache: false,
      dependsOn: ['migrate-test', '^migrate-deploy'],
    });
    expect(targets['migrate-rollback']).toMatchObject({
      executor: '@forge/migrations:rollback',
      cache: false,
      options: { testReport: 'reports/migrate-test/{projectRoot}/report.json' },
    });
    expect(targets['migrate-status']).toMatchObject({ executor: '@forge/migrations:status', cache: false });
    expect(targets['migrate-archives']).toMatchObject({ executor: '@forge/migrations:archives', cache: false });
    expect(targets['migrate-ui']).toMatchObject({ executor: '@forge/migrations:ui', cache: false, continuous: true });
    // One configuration per environment; production refuses what staging has not had.
    expect(targets['migrate-deploy'].configurations).toEqual({
      staging: { environment: 'staging', urlEnv: 'STAGING_DATABASE_URL' },
      production: {
        environment: 'production',
        urlEnv: 'PRODUCTION_DATABASE_URL',
        requireDeployedTo: { environment: 'staging', urlEnv: 'STAGING_DATABASE_URL' },
      },
    });
    expect(targets['migrate-status'].configurations!['production']).toEqual({
      environment: 'production',
      urlEnv: 'PRODUCTION_DATABASE_URL',
    });

    const renamed = (
      await run(['apps/billing/prisma/schema.prisma'], {
        deployDependsOnTest: false,
        deployTargetName: 'db-deploy',
        testTargetName: 'db-test',
        reportsDirectory: 'out/db',
      })
    )[0][1].projects!['apps/billing'].targets!;
    expect(renamed['db-deploy']).toMatchObject({ executor: '@forge/migrations:deploy', cache: false });
    expect(renamed['db-deploy'].dependsOn).toEqual(['^db-deploy']);
    expect(renamed['migrate-rollback'].options).toEqual({ testReport: 'out/db/{projectRoot}/report.json' });
  });

  it('gives deploy, rollback and status the schema each venture owns when the ventures share their databases', async () => {
    write('apps/billing/project.json', '{"name":"billing"}');
    write('apps/billing/prisma/schema.prisma', SCHEMA);
    const targets = (await run(['apps/billing/prisma/schema.prisma'], { ventureSchema: '{projectName}' }))[0][1].projects!['apps/billing']
      .targets!;
    for (const name of ['migrate-deploy', 'migrate-rollback', 'migrate-status', 'migrate-archives'])
      expect(targets[name].options).toMatchObject({ schema: '{projectName}' });
    const alone = (await run(['apps/billing/prisma/schema.prisma']))[0][1].projects!['apps/billing'].targets!;
    for (const name of ['migrate-deploy', 'migrate-rollback', 'migrate-status', 'migrate-archives'])
      expect(alone[name].options?.schema).toBeUndefined();
  });

  it('keys migrate-lint on the default branch nx.json names, and takes its name from options', async () => {
    write('apps/billing/project.json', '{"name":"billing"}');
    write('apps/billing/prisma/schema.prisma', SCHEMA);
    const [[, result]] = await createNodes[1](
      ['apps/billing/prisma/schema.prisma'],
      { lintTargetName: 'db-lint' },
      { nxJsonConfiguration: { defaultBase: 'origin/trunk' }, workspaceRoot: workspace.dir },
    );
    expect(result.projects!['apps/billing'].targets!['db-lint'].inputs).toContainEqual({
      runtime: 'git rev-parse --verify --quiet origin/trunk || echo none',
    });
  });

  it('follows prisma.config.ts to the schema and migrations it names', async () => {
    write('services/orders/package.json', '{"name":"orders"}');
    write('services/orders/prisma.config.ts', "export default { schema: 'db/schema.prisma', migrations: { path: 'db/history' } };\n");
    write('services/orders/db/schema.prisma', SCHEMA);
    const [[, result]] = await run(['services/orders/prisma.config.ts', 'services/orders/db/schema.prisma']);
    expect(result.projects!['services/orders'].targets!['migrate-test'].inputs!.slice(0, 3)).toEqual([
      '{projectRoot}/db/schema.prisma',
      '{projectRoot}/db/history/**/*',
      '{projectRoot}/prisma.config.ts',
    ]);
  });

  it('takes a folder of schema files, and the target name and reports folder from options', async () => {
    write('services/catalog/project.json', '{"name":"catalog"}');
    write('services/catalog/prisma/schema/base.prisma', SCHEMA);
    write('services/catalog/prisma/schema/product.prisma', 'model Product {\n  id Int @id\n}\n');
    const [[, result]] = await run(['services/catalog/prisma/schema/base.prisma', 'services/catalog/prisma/schema/product.prisma'], {
      testTargetName: 'db-test',
      reportsDirectory: 'out/db',
    });
    const target = result.projects!['services/catalog'].targets!['db-test'];
    expect(target.inputs!.slice(0, 2)).toEqual(['{projectRoot}/prisma/schema/**/*.prisma', '{projectRoot}/prisma/schema/migrations/**/*']);
    expect(target.outputs).toEqual(['{workspaceRoot}/out/db/{projectRoot}']);
  });

  it('ignores .prisma files outside any project or any schema location', async () => {
    write('docs/snippets/example.prisma', SCHEMA);
    write('libs/tools/project.json', '{"name":"tools"}');
    write('libs/tools/templates/template.prisma', SCHEMA);
    expect(await run(['docs/snippets/example.prisma', 'libs/tools/templates/template.prisma'])).toEqual([]);
  });

  it('names a project whose prisma.config.ts cannot be loaded, and gives the others their targets', async () => {
    const warnings: string[] = [];
    jest.spyOn(logger, 'warn').mockImplementation((message: unknown) => void warnings.push(String(message)));
    write('apps/good/project.json', '{"name":"good"}');
    write('apps/good/prisma/schema.prisma', SCHEMA);
    write('apps/broken/project.json', '{"name":"broken"}');
    write('apps/broken/prisma.config.ts', 'export default { schema: ;\n');
    write('apps/broken/prisma/schema.prisma', SCHEMA);
    const results = await run(['apps/broken/prisma.config.ts', 'apps/broken/prisma/schema.prisma', 'apps/good/prisma/schema.prisma']);
    expect(results.map(([file, result]) => [file, Object.keys(result.projects ?? {})])).toEqual([
      ['apps/broken/prisma.config.ts', ['apps/broken']],
      ['apps/good/prisma/schema.prisma', ['apps/good']],
    ]);
    expect(results[1][1].projects!['apps/good'].targets!['migrate-test'].inputs!.slice(0, 2)).toEqual([
      '{projectRoot}/prisma/schema.prisma',
      '{projectRoot}/prisma/migrations/**/*',
    ]);
    // The broken one keeps its targets (running one fails with the same reason) and is named.
    expect(Object.keys(results[0][1].projects!['apps/broken'].targets!)).toContain('migrate-test');
    expect(warnings).toEqual([
      expect.stringMatching(/^@forge\/migrations: apps\/broken: .*prisma\.config\.ts.* \(its migrate targets fail until this is fixed\)$/),
    ]);
    jest.restoreAllMocks();
  });
});
