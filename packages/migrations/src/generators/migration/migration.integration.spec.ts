import { logger } from '@nx/devkit';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { flushChanges, FsTree } from 'nx/src/generators/tree';
import type { DatabaseEngine } from '../../adapters/db/database';
import { testProject } from '../../use-cases/test';
import { DATABASE_ENGINES, testServerUrl } from '../../test-support/databases';
import { REPO_ROOT, temporaryDir, type TemporaryProject } from '../../test-support/fixtures';
import { SHOP_SCHEMA } from '../../test-support/shop-schema';
import migrationGenerator from './migration';
import type { MigrationGeneratorSchema } from './schema';

/** The generator writing to disk, then migrate-test proving what it wrote, data step included. */
describe('generated migrations under migrate-test', () => {
  let workspace: TemporaryProject;
  const project = () => path.join(workspace.dir, 'apps/shop');

  async function generate(options: Omit<MigrationGeneratorSchema, 'project'>) {
    const tree = new FsTree(workspace.dir, false);
    await migrationGenerator(tree, { project: 'shop', skipFormat: true, ...options });
    flushChanges(workspace.dir, tree.listChanges());
  }

  const test = (engine: DatabaseEngine) =>
    testProject({
      project: 'shop',
      projectRoot: project(),
      workspaceRoot: REPO_ROOT,
      url: engine === 'postgresql' ? testServerUrl() : undefined,
      urlSource: 'TEST_DATABASE_URL',
      allowDrift: false,
    });

  beforeEach(async () => {
    for (const level of ['info', 'warn'] as const) jest.spyOn(logger, level).mockImplementation(() => undefined);
    workspace = temporaryDir('forge-gen-');
    writeFileSync(path.join(workspace.dir, 'nx.json'), '{}');
    mkdirSync(path.join(project(), 'prisma'), { recursive: true });
    writeFileSync(path.join(project(), 'project.json'), JSON.stringify({ name: 'shop', root: 'apps/shop' }));
    writeFileSync(path.join(project(), 'prisma/schema.prisma'), SHOP_SCHEMA);
    await generate({ migrationName: 'init' });
  });
  afterEach(() => {
    jest.restoreAllMocks();
    workspace.remove();
  });

  it('shows next to the findings the locks the migration takes on PostgreSQL (TEST_DATABASE_URL)', async () => {
    const up = 'CREATE INDEX "Post_title_idx" ON "Post"("title");\nSELECT pg_sleep(0.2);';
    await generate({
      changeType: 'sql',
      migrationName: 'slow_index',
      changes: JSON.stringify({ up, down: 'DROP INDEX "Post_title_idx";' }),
    });
    const folder = readdirSync(path.join(project(), 'prisma/migrations')).find((name) => name.endsWith('_slow_index'))!;
    const readme = readFileSync(path.join(project(), 'prisma/migrations', folder, 'README.md'), 'utf8');
    expect(readme).toMatch(
      /\| LK101 \(warning\) \| \d+ \| [^|]*<br>observed: ShareLock on public."Post" for ~\d+ ms \(blocks writes, not reads\) \|/,
    );
    expect(readme).toContain(
      'Locks observed on PostgreSQL (a throwaway database holding the history and a representative row in every table): ShareLock on public."Post"',
    );
  });

  it.each(DATABASE_ENGINES)('proves a rename and an expand/contract type change, running the data step (%s)', async (engine) => {
    await generate({ changeType: 'rename', targetTable: 'User', changes: '{"column":"name","to":"displayName"}' });
    await generate({
      changeType: 'modify_column',
      targetTable: 'Post',
      changes: '{"column":"title","type":"Int","using":"length(\\"title\\")"}',
    });
    const report = await test(engine);
    expect(report.errors).toEqual([]);
    expect(report.migrations.map((m) => [m.name.replace(/^\d{14}_/, ''), m.applied, m.down])).toEqual([
      ['init', true, 'verified'],
      ['rename_user_name_to_display_name', true, 'verified'],
      ['modify_column_post_title_expand', true, 'verified'],
      ['modify_column_post_title_contract', true, 'irreversible'],
    ]);
    expect(report.migrations[1].integrity.violations).toEqual([]);
    expect(report.drift.clean).toBe(true);
    expect(report.ok).toBe(true);
  });

  it('reports a data step that cannot convert a row, and the contract never runs', async () => {
    await generate({ changeType: 'modify_column', targetTable: 'Post', changes: '{"column":"title","type":"Int"}' });
    const report = await test('pglite');
    expect(report.ok).toBe(false);
    expect(report.errors).toEqual([
      {
        migration: expect.stringMatching(/_expand$/),
        message: expect.stringMatching(/^data step failed: invalid input syntax for type integer/),
      },
    ]);
    expect(report.migrations[2].applied).toBe(false);
  });
});
