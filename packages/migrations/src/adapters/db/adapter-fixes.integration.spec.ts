import type { Database } from './database';
import { MigrationEngine } from '../engine/migration-engine';
import { MigrationApplyError } from './script-runner';
import { toEngineMigrationList } from '../engine/migration-list';
import { lockfileContent, migrationChecksum } from '../../core/migration-folders';
import { DATABASE_ENGINES, openTestDatabase } from '../../test-support/databases';

const SCHEMA = {
  path: 'schema.prisma',
  content:
    'datasource db {\n  provider = "postgresql"\n}\n\nmodel Note {\n  id    Int    @id\n  body  String\n  kind  String @db.Char(1)\n}\n',
};

const INIT = `CREATE TABLE "Note" ("id" INTEGER NOT NULL, "body" TEXT NOT NULL, "kind" CHAR(1) NOT NULL, CONSTRAINT "Note_pkey" PRIMARY KEY ("id"));
-- Prisma does not model CHECK constraints, but introspection reads their "char" contype.
ALTER TABLE "Note" ADD CONSTRAINT "Note_body_check" CHECK (length("body") > 0);
-- A DO block and a function whose bodies hold semicolons, and a literal with one.
DO $$ BEGIN PERFORM 1; RAISE NOTICE 'a;b'; END $$;
CREATE FUNCTION note_count() RETURNS bigint LANGUAGE plpgsql AS $$ BEGIN RETURN (SELECT count(*) FROM "Note"); END; $$;
COMMENT ON TABLE "Note" IS 'notes; with a semicolon';
`;
const BROKEN = `ALTER TABLE "Note" ADD COLUMN "extra" INTEGER;
CREATE TABLE "Other" ("id" INTEGER PRIMARY KEY);
ALTER TABLE "Note" ADD COLUMN "bad" NOT_A_TYPE;
`;

function history(...migrations: Array<[string, string]>) {
  return toEngineMigrationList(
    { dir: '/virtual/migrations', lockfile: { path: 'migration_lock.toml', content: lockfileContent('postgresql') } },
    migrations.map(([name, sql]) => ({ name, sql })),
  );
}

describe.each(DATABASE_ENGINES)('driver adapter defects, wrapped (%s)', (engineName) => {
  let database: Database;
  let engine: MigrationEngine;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);

  beforeAll(async () => {
    process.on('unhandledRejection', onUnhandled);
    database = await openTestDatabase(engineName, { label: 'adapter_fixes' });
    engine = await MigrationEngine.start(database);
  });
  afterAll(async () => {
    engine?.dispose();
    await database?.close();
    process.off('unhandledRejection', onUnhandled);
  });

  it('applies DO blocks, functions and literals with `;` in them (adapter-pg split scripts on every `;`)', async () => {
    await expect(engine.applyMigrations(history(['20240101000000_init', INIT]))).resolves.toEqual(['20240101000000_init']);
    const [row] = await database.query<{ n: string; comment: string }>(
      `SELECT note_count()::text AS n, obj_description('"Note"'::regclass) AS comment`,
    );
    expect(row).toEqual({ n: '0', comment: 'notes; with a semicolon' });
  });

  it('writes _prisma_migrations as Prisma does (checksum = SHA-256 of migration.sql)', async () => {
    const rows = await database.query<{ migration_name: string; checksum: string; finished: boolean; applied_steps_count: number }>(
      'SELECT migration_name, checksum, finished_at IS NOT NULL AS finished, applied_steps_count FROM _prisma_migrations',
    );
    expect(rows).toEqual([
      { migration_name: '20240101000000_init', checksum: migrationChecksum(INIT), finished: true, applied_steps_count: 1 },
    ]);
  });

  it('records a failing migration as failed, never applied, and undoes its earlier statements (pglite adapter did not await)', async () => {
    const apply = engine.applyMigrations(history(['20240101000000_init', INIT], ['20240102000000_broken', BROKEN]));
    await expect(apply).rejects.toBeInstanceOf(MigrationApplyError);
    const error = (await apply.catch((e) => e)) as MigrationApplyError;
    expect(error.migrationName).toBe('20240102000000_broken');
    expect(error.message).toMatch(/type "not_a_type" does not exist/);
    expect(error.failure?.code).toBe('42704');
    expect(error.failure?.batch.slice(error.failure.position)).toMatch(/^NOT_A_TYPE/);

    const rows = await database.query<{ migration_name: string; finished: boolean }>(
      'SELECT migration_name, finished_at IS NOT NULL AS finished FROM _prisma_migrations ORDER BY started_at',
    );
    expect(rows).toEqual([
      { migration_name: '20240101000000_init', finished: true },
      { migration_name: '20240102000000_broken', finished: false },
    ]);
    const tables = await database.query(`SELECT 1 FROM information_schema.tables WHERE table_name = 'Other'`);
    expect(tables).toEqual([]);
    expect(unhandled).toEqual([]);
  });

  it('introspects the live database ("char" columns such as pg_constraint.contype), for drift checks', async () => {
    const drift = await engine.diff({ kind: 'database', files: [SCHEMA], configDir: '/virtual' }, { kind: 'schema', files: [SCHEMA] });
    expect(drift).toBe('');
    const changed = {
      ...SCHEMA,
      content: SCHEMA.content.replace('  kind  String @db.Char(1)\n', '  kind  String @db.Char(1)\n  title String?\n'),
    };
    const gap = await engine.diff({ kind: 'database', files: [SCHEMA], configDir: '/virtual' }, { kind: 'schema', files: [changed] });
    expect(gap).toContain('ALTER TABLE "Note" ADD COLUMN     "title" TEXT;');
  });

  it("sends CREATE INDEX CONCURRENTLY on its own, outside the script's transaction", async () => {
    await database.executeScript(
      'CREATE TABLE "Big" (id int);\nCREATE INDEX CONCURRENTLY "Big_id_idx" ON "Big"(id);\nINSERT INTO "Big" VALUES (1);',
    );
    const indexes = await database.query(`SELECT indexname FROM pg_indexes WHERE tablename = 'Big'`);
    expect(indexes).toEqual([{ indexname: 'Big_id_idx' }]);
  });
});
