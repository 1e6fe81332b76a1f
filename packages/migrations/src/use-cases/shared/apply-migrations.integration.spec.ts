import { migrationChecksum } from '../../core/migration-folders';
import { loadSqlParser, type SqlParser } from '../../core/sql/parser';
import { LIST, markRolledBack } from '../../core/sql/prisma-migrations-table';
import type { Database, SqlRunner } from '../../adapters/db/database';
import { MigrationApplyError } from '../../adapters/db/script-runner';
import { MigrationEngine } from '../../adapters/engine/migration-engine';
import { toEngineMigrationList } from '../../adapters/engine/migration-list';
import type { MigrationFolder } from '../../adapters/store/migration-store';
import { DATABASE_ENGINES, openTestDatabase } from '../../test-support/databases';
import { applyPendingMigrations } from './apply-migrations';

function migration(name: string, sql: string): MigrationFolder {
  return { name, dir: `/virtual/${name}`, sql, checksum: migrationChecksum(sql) };
}

const INIT = migration(
  '20240101000000_init',
  'CREATE TABLE "A" ("id" INTEGER PRIMARY KEY, "name" TEXT);\n-- a trailing comment without newline',
);
const INDEX = migration('20240102000000_index', 'ALTER TABLE "A" ADD COLUMN "b" INT;\nCREATE INDEX CONCURRENTLY "A_b_idx" ON "A"("b");');
const BROKEN = migration('20240103000000_broken', 'CREATE TABLE "C" ("id" INT);\nALTER TABLE "A" ADD COLUMN "c" NO_SUCH_TYPE;');
const LATER = migration('20240104000000_later', 'CREATE TABLE "D" ("id" INT)');
const HISTORY = { dir: '/virtual', lockfile: { path: 'migration_lock.toml', content: 'provider = "postgresql"\n' } };

interface Row {
  migration_name: string;
  checksum: string;
  finished: boolean;
  logs: string | null;
  applied_steps_count: number;
  rolled_back: boolean;
}
const ROWS = `SELECT migration_name, checksum, finished_at IS NOT NULL AS finished, logs, applied_steps_count, rolled_back_at IS NOT NULL AS rolled_back
  FROM _prisma_migrations ORDER BY started_at, migration_name`;

describe.each(DATABASE_ENGINES)('applyPendingMigrations (%s)', (engineName) => {
  let database: Database;
  let engine: MigrationEngine;
  let parser: SqlParser;
  beforeAll(async () => {
    parser = await loadSqlParser();
    database = await openTestDatabase(engineName, { label: 'apply' });
    engine = await MigrationEngine.start(database);
  });
  afterAll(async () => {
    engine?.dispose();
    await database?.close();
  });

  it("applies each migration once, with the row Prisma writes, and Prisma's engine agrees", async () => {
    expect(await applyPendingMigrations(parser, database, [INIT, INDEX])).toEqual([INIT.name, INDEX.name]);
    expect(await database.query<Row>(ROWS)).toEqual([
      { migration_name: INIT.name, checksum: INIT.checksum, finished: true, logs: null, applied_steps_count: 1, rolled_back: false },
      { migration_name: INDEX.name, checksum: INDEX.checksum, finished: true, logs: null, applied_steps_count: 1, rolled_back: false },
    ]);
    expect(await database.query(`SELECT indexname FROM pg_indexes WHERE indexname = 'A_b_idx'`)).toHaveLength(1);
    const list = toEngineMigrationList(HISTORY, [INIT, INDEX]);
    expect(await engine.diagnose(list)).toMatchObject({ history: null, failedMigrationNames: [], editedMigrationNames: [] });
    expect(await engine.applyMigrations(list)).toEqual([]);
    expect(await applyPendingMigrations(parser, database, [INIT, INDEX])).toEqual([]);
  });

  it('records a failed migration as Prisma does, undoes its statements, and then refuses to go on', async () => {
    const apply = applyPendingMigrations(parser, database, [INIT, INDEX, BROKEN, LATER]);
    await expect(apply).rejects.toBeInstanceOf(MigrationApplyError);
    const error = (await apply.catch((e: unknown) => e)) as MigrationApplyError;
    expect(error.migrationName).toBe(BROKEN.name);
    expect(error.message).toBe('ERROR: type "no_such_type" does not exist');
    const rows = await database.query<Row>(ROWS);
    expect(rows.map((row) => [row.migration_name, row.finished, row.logs])).toEqual([
      [INIT.name, true, null],
      [INDEX.name, true, null],
      [BROKEN.name, false, 'ERROR: type "no_such_type" does not exist'],
    ]);
    expect(await database.query(`SELECT 1 FROM information_schema.tables WHERE table_name = 'C'`)).toEqual([]);

    await expect(applyPendingMigrations(parser, database, [INIT, INDEX, LATER])).rejects.toMatchObject({
      code: 'FAILED_MIGRATIONS_FOUND',
      message: expect.stringContaining('`20240103000000_broken`'),
      hint: expect.stringContaining('prisma migrate resolve --rolled-back "20240103000000_broken"'),
    });
    // Prisma refuses the same database for the same reason (P3009).
    await expect(engine.applyMigrations(toEngineMigrationList(HISTORY, [INIT, INDEX, LATER]))).rejects.toThrow(/failed migrations/);
  });

  it('applies again a migration marked rolled back, keeping the old row as history', async () => {
    await database.query(markRolledBack(BROKEN.name));
    await database.query(markRolledBack(INDEX.name));
    await database.executeScript('DROP INDEX "A_b_idx"; ALTER TABLE "A" DROP COLUMN "b";');
    expect(await applyPendingMigrations(parser, database, [INIT, INDEX, LATER])).toEqual([INDEX.name, LATER.name]);
    const rows = await database.query<Row>(ROWS);
    expect(rows.filter((row) => row.migration_name === INDEX.name).map((row) => row.rolled_back)).toEqual([true, false]);
    expect(await engine.applyMigrations(toEngineMigrationList(HISTORY, [INIT, INDEX, LATER]))).toEqual([]);
  });

  if (engineName === 'postgresql') {
    it("holds Prisma's advisory lock: two concurrent runs apply each migration once", async () => {
      const next = [
        migration('20240105000000_e', 'CREATE TABLE "E" ("id" INT); SELECT pg_sleep(0.2);'),
        migration('20240106000000_f', 'CREATE TABLE "F" ("id" INT)'),
      ];
      const all = [INIT, INDEX, LATER, ...next];
      const [first, second] = await Promise.all([
        applyPendingMigrations(parser, database, all),
        applyPendingMigrations(parser, database, all),
      ]);
      expect([...first, ...second].sort()).toEqual(next.map((m) => m.name));
      const rows = await database.query<Row>(
        `${ROWS.replace('ORDER BY', `WHERE migration_name LIKE '2024010%' AND NOT (rolled_back_at IS NOT NULL) ORDER BY`)}`,
      );
      expect(rows.filter((row) => row.migration_name === next[0].name)).toHaveLength(1);
    });
  }

  it('runs a migration that writes BEGIN ... COMMIT as one transaction: a later failure leaves nothing of it', async () => {
    const sql = 'BEGIN;\nCREATE TABLE "Tx" ("id" INT);\nCOMMIT;\nALTER TABLE "Tx" ADD COLUMN "c" NO_SUCH_TYPE;';
    const fresh = await openTestDatabase(engineName, { label: 'apply_tx' });
    try {
      await expect(applyPendingMigrations(parser, fresh, [migration('20240201000000_tx', sql)])).rejects.toBeInstanceOf(
        MigrationApplyError,
      );
      expect(await fresh.query(`SELECT to_regclass('"Tx"') AS t`)).toEqual([{ t: null }]);
      expect(await fresh.query<Row>(ROWS)).toMatchObject([{ migration_name: '20240201000000_tx', finished: false }]);
    } finally {
      await fresh.close();
    }
  });

  it("reads the table once for a whole list, and commits inTransaction's work with each migration, between before and after", async () => {
    const fresh = await openTestDatabase(engineName, { label: 'apply_hooks' });
    const statements: string[] = [];
    const counting: Database = Object.create(fresh, {
      withSession: {
        value: <T>(work: (session: SqlRunner) => Promise<T>) =>
          fresh.withSession((session) =>
            work({
              query: (sql, params) => (statements.push(sql), session.query(sql, params)),
              executeScript: (sql) => (statements.push(sql), session.executeScript(sql)),
            }),
          ),
      },
    });
    const calls: string[] = [];
    const many = Array.from({ length: 12 }, (_, n) =>
      migration(`2024040${String(n).padStart(2, '0')}000000_m`, `CREATE TABLE "M${n}" ("id" INT)`),
    );
    const concurrent = migration('20240500000000_c', 'CREATE INDEX CONCURRENTLY "M0_id_idx" ON "M0"("id")');
    try {
      await fresh.executeScript('CREATE TABLE "Seen" ("name" TEXT)');
      await applyPendingMigrations(parser, counting, [...many, concurrent], {
        before: async (applying) => void calls.push(`before ${applying.name}`),
        inTransaction: async (applying, script) => `${script};\nINSERT INTO "Seen" VALUES ('${applying.name}')`,
        after: async (applying, together) => void calls.push(`after ${applying.name} ${together}`),
      });
      expect(statements.filter((sql) => sql === LIST)).toHaveLength(1);
      expect(calls).toEqual([...many, concurrent].flatMap((m) => [`before ${m.name}`, `after ${m.name} ${m !== concurrent}`]));
      expect(await fresh.query(`SELECT name FROM "Seen" ORDER BY name`)).toEqual(many.map((m) => ({ name: m.name })));

      const refused = migration('20240600000000_refused', 'CREATE TABLE "R" ("id" INT)');
      const apply = applyPendingMigrations(parser, fresh, [...many, concurrent, refused], {
        inTransaction: async (_, script) => `${script};\nINSERT INTO "Missing" VALUES (1)`,
      });
      await expect(apply).rejects.toBeInstanceOf(MigrationApplyError);
      expect(await fresh.query(`SELECT to_regclass('"R"') AS r`)).toEqual([{ r: null }]);
    } finally {
      await fresh.close();
    }
  });

  it('applies an enum value added and used by the same migration, as psql -f does', async () => {
    const fresh = await openTestDatabase(engineName, { label: 'apply_enum' });
    try {
      const init = migration(
        '20240301000000_init',
        'CREATE TYPE "S" AS ENUM (\'NEW\');\nCREATE TABLE "J" ("id" INT PRIMARY KEY, "s" "S" NOT NULL);\nINSERT INTO "J" VALUES (1, \'NEW\');',
      );
      const use = migration(
        '20240302000000_done',
        'ALTER TYPE "S" ADD VALUE \'DONE\';\nUPDATE "J" SET "s" = \'DONE\';\nALTER TABLE "J" ALTER COLUMN "s" SET DEFAULT \'DONE\';',
      );
      expect(await applyPendingMigrations(parser, fresh, [init, use])).toEqual([init.name, use.name]);
      expect(await fresh.query(`SELECT s::text FROM "J"`)).toEqual([{ s: 'DONE' }]);
      expect(await fresh.query<Row>(ROWS)).toMatchObject([{ finished: true }, { finished: true, logs: null }]);
    } finally {
      await fresh.close();
    }
  });
});
