import { applyChanges } from '../../core/changes/apply-changes';
import { parseChangeRequest } from '../../core/changes/descriptor';
import { compareFingerprints, describeDifference } from '../../core/fingerprint';
import { migrationChecksum } from '../../core/migration-folders';
import { loadSqlParser, type SqlParser } from '../../core/sql/parser';
import type { Database } from '../../adapters/db/database';
import type { MigrationFolder, MigrationHistory } from '../../adapters/store/migration-store';
import { openTestDatabase, SNAPSHOT_CACHE_DIR } from '../../test-support/databases';
import { SHOP_FILES } from '../../test-support/shop-schema';
import { applyPendingMigrations } from '../shared/apply-migrations';
import { fingerprintSchema } from '../shared/catalog-fingerprint';
import { randomUUID } from 'node:crypto';
import { archiveTargets } from '../../core/archive/archive-targets';
import { readStatements } from '../../core/sql/statements';
import { readDatabaseState } from '../deploy/data-state';
import { runDowns } from '../deploy/run-downs';
import { captureBefore } from '../shared/archive-capture';
import { generateMigrationSql, type GeneratedSql } from './generate-sql';

const ROWS = `
INSERT INTO "users" ("email", "name", "role") VALUES ('ada@example.com', 'Ada', 'ADMIN'), ('bob@example.com', NULL, 'CUSTOMER');
INSERT INTO "Post" ("title", "authorId") VALUES ('First', 1), ('Second', 1), ('Third', 2);
`;

function folder(name: string, sql: string): MigrationFolder {
  return { name, dir: `/virtual/${name}`, sql, checksum: migrationChecksum(sql) };
}

/**
 * Each change type, generated against the shop schema, then applied on a real PostgreSQL server
 * to tables holding rows: the up script keeps what it promises to keep, and the down script
 * restores the schema fingerprint exactly.
 */
describe('generated migrations on PostgreSQL, with rows in the tables', () => {
  let history: MigrationHistory;
  let parser: SqlParser;

  beforeAll(async () => {
    parser = await loadSqlParser();
    const empty: MigrationHistory = { dir: '/virtual', lockfile: { path: 'migration_lock.toml', content: null }, migrations: [] };
    const init = await generateMigrationSql({
      parser,
      history: empty,
      schemaAfter: SHOP_FILES,
      configDir: '/virtual',
      cacheDir: SNAPSHOT_CACHE_DIR,
    });
    history = { ...empty, migrations: [folder('20240101000000_init', init.up)] };
  });

  async function generate(...descriptors: object[]): Promise<GeneratedSql> {
    const applied = applyChanges(SHOP_FILES, parseChangeRequest(descriptors, 'spec').changes);
    return generateMigrationSql({
      parser,
      history,
      schemaBefore: SHOP_FILES,
      schemaAfter: applied.files,
      plan: applied.plan,
      configDir: '/virtual',
      cacheDir: SNAPSHOT_CACHE_DIR,
    });
  }

  /** Apply up on a database with rows, check, apply down, and compare the schema with the one before. */
  async function prove(sql: GeneratedSql, check: (database: Database) => Promise<void>): Promise<void> {
    const database = await openTestDatabase('postgresql', { label: 'generated' });
    try {
      await applyPendingMigrations(parser, database, history.migrations);
      await database.executeScript(ROWS);
      const before = await fingerprintSchema(database);
      await applyPendingMigrations(parser, database, [...history.migrations, folder('20240201000000_change', sql.up)]);
      await check(database);
      if (sql.irreversible.length) {
        await expect(database.executeScript(sql.down)).rejects.toThrow(/irreversible migration/);
        return;
      }
      await database.executeScript(sql.down);
      expect(describeDifference(compareFingerprints(before, await fingerprintSchema(database)))).toEqual([]);
    } finally {
      await database.close();
    }
  }

  it('add_column: a default fills the existing rows', async () => {
    const sql = await generate({
      changeType: 'add_column',
      targetTable: 'User',
      changes: {
        columns: [
          { name: 'score', type: 'Int', default: 7 },
          { name: 'bio', type: 'String', optional: true },
        ],
      },
    });
    await prove(sql, async (db) =>
      expect(await db.query('SELECT "score", "bio" FROM "users" ORDER BY "id"')).toEqual([
        { score: 7, bio: null },
        { score: 7, bio: null },
      ]),
    );
  });

  it('rename column: every value is kept (RENAME, never drop + add)', async () => {
    const sql = await generate({ changeType: 'rename', targetTable: 'Post', changes: { column: 'authorId', to: 'writerId' } });
    expect(sql.up).toContain('ALTER TABLE "Post" RENAME COLUMN "authorId" TO "writerId";');
    expect(sql.up).not.toMatch(/DROP COLUMN/);
    await prove(sql, async (db) =>
      expect(await db.query('SELECT "writerId" FROM "Post" ORDER BY "id"')).toEqual([{ writerId: 1 }, { writerId: 1 }, { writerId: 2 }]),
    );
  });

  it('rename table, keeping the model name: every row is kept', async () => {
    const sql = await generate({ changeType: 'rename', targetTable: 'User', changes: { table: 'members', keepModelName: true } });
    await prove(sql, async (db) => expect(await db.query('SELECT count(*)::int AS n FROM "members"')).toEqual([{ n: 2 }]));
  });

  it('modify_column: a type change converts every row', async () => {
    const sql = await generate({ changeType: 'modify_column', targetTable: 'Post', changes: { column: 'id', type: 'BigInt' } });
    await prove(sql, async (db) => {
      expect(await db.query(`SELECT data_type FROM information_schema.columns WHERE table_name = 'Post' AND column_name = 'id'`)).toEqual([
        { data_type: 'bigint' },
      ]);
      expect(await db.query('SELECT "id"::int AS id, "title" FROM "Post" ORDER BY "id"')).toEqual([
        { id: 1, title: 'First' },
        { id: 2, title: 'Second' },
        { id: 3, title: 'Third' },
      ]);
    });
  });

  it('modify_column: a conversion that fails on a row fails as a whole, changing nothing', async () => {
    const sql = await generate({
      changeType: 'modify_column',
      targetTable: 'Post',
      changes: { column: 'title', type: 'Int', using: '"title"::integer' },
    });
    const database = await openTestDatabase('postgresql', { label: 'generated' });
    try {
      await applyPendingMigrations(parser, database, history.migrations);
      await database.executeScript(ROWS);
      const before = await fingerprintSchema(database);
      await expect(
        applyPendingMigrations(parser, database, [...history.migrations, folder('20240201000000_change', sql.up)]),
      ).rejects.toThrow(/invalid input syntax for type integer: "First"/);
      expect(describeDifference(compareFingerprints(before, await fingerprintSchema(database)))).toEqual([]);
      expect(await database.query('SELECT count(*)::int AS n FROM "Post"')).toEqual([{ n: 3 }]);
    } finally {
      await database.close();
    }
  });

  it('add_index concurrently, and remove_index', async () => {
    const add = await generate({ changeType: 'add_index', targetTable: 'Post', changes: { columns: ['title'], concurrently: true } });
    expect(add.up).toContain('CREATE INDEX CONCURRENTLY "Post_title_idx"');
    await prove(add, async (db) =>
      expect(await db.query(`SELECT indexname FROM pg_indexes WHERE indexname = 'Post_title_idx'`)).toHaveLength(1),
    );
    const remove = await generate({ changeType: 'remove_index', targetTable: 'Post', changes: { columns: ['authorId'] } });
    await prove(remove, async (db) =>
      expect(await db.query(`SELECT indexname FROM pg_indexes WHERE indexname = 'Post_authorId_idx'`)).toEqual([]),
    );
  });

  it('add_table, tenant-scoped: rows are visible only to their tenant', async () => {
    const sql = await generate({
      changeType: 'add_table',
      targetTable: 'Note',
      changes: {
        columns: [
          { name: 'id', type: 'Int', default: 'autoincrement()' },
          { name: 'body', type: 'String' },
        ],
        tenantScoped: true,
      },
    });
    await prove(sql, async (db) => {
      const role = `forge_tenant_${Date.now()}`;
      await db.executeScript(
        `CREATE ROLE ${role}; GRANT ALL ON "Note" TO ${role}; GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO ${role};`,
      );
      try {
        await db.withSession(async (session) => {
          await session.executeScript(
            `SET ROLE ${role}; SET app.tenant_id = 'a'; INSERT INTO "Note" ("body", "tenantId") VALUES ('for a', 'a');`,
          );
          await session.executeScript(`SET app.tenant_id = 'b'; INSERT INTO "Note" ("body", "tenantId") VALUES ('for b', 'b');`);
          expect(await session.query('SELECT "body" FROM "Note"')).toEqual([{ body: 'for b' }]);
          await expect(session.executeScript(`INSERT INTO "Note" ("body", "tenantId") VALUES ('sneaky', 'a');`)).rejects.toThrow(
            /row-level security/,
          );
          await session.executeScript('RESET ROLE; RESET app.tenant_id;');
        });
        await db.executeScript('DELETE FROM "Note"');
      } finally {
        await db.executeScript(
          `REVOKE ALL ON "Note" FROM ${role}; REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM ${role}; DROP ROLE ${role};`,
        );
      }
    });
  });

  it('remove_column and remove_table: downs that make the schema again, and the archive a deploy keeps brings the data back', async () => {
    const column = await generate({ changeType: 'remove_column', targetTable: 'Post', changes: { columns: ['title'] } });
    const table = await generate({ changeType: 'remove_table', targetTable: 'Post', changes: {} });
    for (const sql of [column, table]) {
      expect(sql.irreversible).toEqual([]);
      await roundTrip(sql);
    }
    // A required column comes back nullable, takes its values from the archive, then is NOT NULL again.
    expect(column.down).toMatch(/ADD COLUMN\s+"title" TEXT;[\s\S]*ALTER TABLE "Post" ALTER COLUMN "title" SET NOT NULL;/);
  });

  /** As a deploy and a rollback do it: archive, up, then the down with the archive's restore; the schema and every row as before. */
  async function roundTrip(sql: GeneratedSql): Promise<void> {
    const database = await openTestDatabase('postgresql', { label: 'generated' });
    try {
      await applyPendingMigrations(parser, database, history.migrations);
      await database.executeScript(ROWS);
      const before = await readDatabaseState(database);
      const migration = { ...folder('20240201000000_change', sql.up), down: { kind: 'script' as const, sql: sql.down } };
      const run = { runId: randomUUID(), migration: migration.name, direction: 'up' as const };
      const kept = await captureBefore(database, archiveTargets(readStatements(parser, sql.up)), run, {
        retentionSeconds: 60,
        maxBytes: 1e9,
      });
      expect(kept.notKept).toEqual([]);
      await applyPendingMigrations(parser, database, [...history.migrations, migration]);
      expect(await runDowns(parser, database, [migration], async () => undefined)).toEqual({ undone: [migration.name] });
      expect(await readDatabaseState(database)).toEqual(before);
    } finally {
      await database.close();
    }
  }

  it('add_relation with a new foreign key, and remove_relation keeping the column', async () => {
    const add = await generate({
      changeType: 'add_relation',
      targetTable: 'Post',
      changes: {
        field: 'editor',
        references: 'User',
        fields: ['editorId'],
        referencedFields: ['id'],
        onDelete: 'SetNull',
        backRelationField: 'editedPosts',
      },
    });
    await prove(add, async (db) => {
      expect(await db.query('SELECT count(*)::int AS n FROM "Post" WHERE "editorId" IS NULL')).toEqual([{ n: 3 }]);
      await expect(db.executeScript(`UPDATE "Post" SET "editorId" = 99`)).rejects.toThrow(/foreign key/);
    });
    const remove = await generate({ changeType: 'remove_relation', targetTable: 'Post', changes: { field: 'author' } });
    await prove(remove, async (db) => {
      expect(await db.query(`SELECT conname FROM pg_constraint WHERE conname = 'Post_authorId_fkey'`)).toEqual([]);
      expect(await db.query('SELECT "authorId" FROM "Post" ORDER BY "id"')).toEqual([{ authorId: 1 }, { authorId: 1 }, { authorId: 2 }]);
    });
  });

  it('sql: raw statements, undone by their down', async () => {
    const sql = await generate({
      changeType: 'sql',
      changes: {
        up: `CREATE FUNCTION post_count() RETURNS bigint LANGUAGE sql AS $$ SELECT count(*) FROM "Post"; $$;`,
        down: 'DROP FUNCTION post_count();',
      },
    });
    await prove(sql, async (db) => expect(await db.query('SELECT post_count()::int AS n')).toEqual([{ n: 3 }]));
  });

  it('quotes reserved words instead of refusing them', async () => {
    const sql = await generate({
      changeType: 'add_column',
      targetTable: 'Post',
      changes: {
        columns: [
          { name: 'order', type: 'Int', default: 1 },
          { name: 'select', type: 'String', optional: true },
        ],
      },
    });
    expect(sql.up).toContain('ADD COLUMN     "order" INTEGER NOT NULL DEFAULT 1');
    await prove(sql, async (db) =>
      expect(await db.query('SELECT "order", "select" FROM "Post" ORDER BY "id" LIMIT 1')).toEqual([{ order: 1, select: null }]),
    );
  });

  it('refuses to generate when schema.prisma is ahead of the migrations', async () => {
    const ahead = SHOP_FILES.map((file) => ({
      ...file,
      content: file.content.replace('  name      String?\n', '  name      String?\n  nickname  String?\n'),
    }));
    const applied = applyChanges(
      ahead,
      parseChangeRequest(
        { changeType: 'add_column', targetTable: 'User', changes: { columns: [{ name: 'age', type: 'Int', optional: true }] } },
        'spec',
      ).changes,
    );
    await expect(
      generateMigrationSql({
        parser,
        history,
        schemaBefore: ahead,
        schemaAfter: applied.files,
        plan: applied.plan,
        configDir: '/virtual',
        cacheDir: SNAPSHOT_CACHE_DIR,
      }),
    ).rejects.toMatchObject({ code: 'SCHEMA_AHEAD_OF_MIGRATIONS', message: expect.stringContaining('ADD COLUMN     "nickname" TEXT') });
  });
});
