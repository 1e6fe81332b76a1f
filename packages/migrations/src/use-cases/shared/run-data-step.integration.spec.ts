import { addProjectConfiguration, logger, type Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import migrationGenerator from '../../generators/migration/migration';
import type { MigrationFolder } from '../../adapters/store/migration-store';
import { DATABASE_ENGINES, openTestDatabase } from '../../test-support/databases';
import { REPO_ROOT } from '../../test-support/fixtures';
import { SHOP_SCHEMA } from '../../test-support/shop-schema';
import { migrationChecksum } from '../../core/migration-folders';
import { loadSqlParser, type SqlParser } from '../../core/sql/parser';
import { applyPendingMigrations } from './apply-migrations';
import { runDataStep } from './run-data-step';

const ROOT = 'apps/shop';

/** A generated data step, run against rows: copies in batches, resumes, validates, and its down clears. */
describe.each(DATABASE_ENGINES)('generated data step (%s)', (engine) => {
  let tree: Tree;
  let migrations: MigrationFolder[];
  let step: { file: string; source: string };
  let parser: SqlParser;

  beforeAll(async () => {
    parser = await loadSqlParser();
    for (const level of ['info', 'warn'] as const) jest.spyOn(logger, level).mockImplementation(() => undefined);
    tree = createTreeWithEmptyWorkspace();
    addProjectConfiguration(tree, 'shop', { root: ROOT });
    tree.write(`${ROOT}/prisma/schema.prisma`, SHOP_SCHEMA);
    await migrationGenerator(tree, { project: 'shop', migrationName: 'init', skipFormat: true });
    await migrationGenerator(tree, {
      project: 'shop',
      changeType: 'modify_column',
      targetTable: 'Post',
      changes: '{"column":"title","type":"Int","using":"length(\\"title\\")"}',
      skipFormat: true,
    });
    const dir = `${ROOT}/prisma/migrations`;
    const folders = tree
      .children(dir)
      .filter((name) => !tree.isFile(`${dir}/${name}`))
      .sort();
    migrations = folders.slice(0, 2).map((name) => {
      const sql = tree.read(`${dir}/${name}/migration.sql`, 'utf-8')!;
      return { name, dir: `/virtual/${name}`, sql, checksum: migrationChecksum(sql) };
    });
    step = {
      file: `${REPO_ROOT}/${dir}/${folders[1]}/data-migration.ts`,
      source: tree.read(`${dir}/${folders[1]}/data-migration.ts`, 'utf-8')!,
    };
  });
  afterAll(() => jest.restoreAllMocks());

  it('copies every row in batches, keeps new writes in step, and is resumable', async () => {
    const database = await openTestDatabase(engine, { label: 'data_step' });
    try {
      await applyPendingMigrations(parser, database, migrations.slice(0, 1));
      await database.executeScript(
        `INSERT INTO "users" ("email") VALUES ('a@x');` +
          Array.from({ length: 25 }, (_, i) => `INSERT INTO "Post" ("title", "authorId") VALUES ('${'x'.repeat(i + 1)}', 1);`).join(''),
      );
      await applyPendingMigrations(parser, database, migrations);
      // A write during the rollout is converted by the trigger.
      await database.executeScript(`INSERT INTO "Post" ("title", "authorId") VALUES ('written meanwhile', 1);`);
      expect(await database.query(`SELECT "title__forge_new" AS n FROM "Post" WHERE "title" = 'written meanwhile'`)).toEqual([{ n: 17 }]);
      // A crash after one batch: the next run carries on.
      const log: string[] = [];
      await database.executeScript(`UPDATE "Post" SET "title__forge_new" = length("title") WHERE "id" <= 10`);
      await runDataStep(database, step.file, step.source, { workspaceRoot: REPO_ROOT, batchSize: 4, log: (line) => log.push(line) });
      expect(log).toEqual([
        'Post.title: 4 row(s) copied',
        'Post.title: 8 row(s) copied',
        'Post.title: 12 row(s) copied',
        'Post.title: 15 row(s) copied',
      ]);
      expect(
        await database.query(`SELECT count(*)::int AS wrong FROM "Post" WHERE "title__forge_new" IS DISTINCT FROM length("title")`),
      ).toEqual([{ wrong: 0 }]);
    } finally {
      await database.close();
    }
  });

  it('fails validation, naming the rows left, when a value does not convert', async () => {
    const database = await openTestDatabase(engine, { label: 'data_step' });
    try {
      await applyPendingMigrations(parser, database, migrations);
      await database.executeScript(
        `INSERT INTO "users" ("email") VALUES ('a@x'); INSERT INTO "Post" ("title", "authorId") VALUES ('ok', 1);`,
      );
      await database.executeScript(`UPDATE "Post" SET "title__forge_new" = NULL`);
      const broken = step.source.replace(/length\(\\"title\\"\)\)/g, 'NULLIF(length(\\"title\\"), 2))');
      await expect(runDataStep(database, step.file, broken, { workspaceRoot: REPO_ROOT, log: () => undefined })).rejects.toThrow(
        /Post\.title: 1 row\(s\) not copied/,
      );
    } finally {
      await database.close();
    }
  });
});
