import { logger } from '@nx/devkit';
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Database } from '../../adapters/db/database';
import { readMigrationHistory } from '../../adapters/store/migration-store';
import { loadSqlParser } from '../../core/sql/parser';
import { applyPendingMigrations } from '../../use-cases/shared/apply-migrations';
import { PgDatabase } from '../../adapters/db/pg-database';
import { PgliteDatabase } from '../../adapters/db/pglite-database';
import { readDatabaseState } from '../../use-cases/deploy/data-state';
import { createServerDatabase, DATABASE_ENGINES, SNAPSHOT_CACHE_DIR } from '../../test-support/databases';
import { executorContext } from '../../test-support/executor-context';
import { EXAMPLES_DIR, temporaryDir, type TemporaryProject } from '../../test-support/fixtures';
import { newestReport } from '../../test-support/reports';
import { flushChanges, FsTree } from 'nx/src/generators/tree';
import approveGenerator from '../../generators/approve/approve';
import migrateDeployExecutor from '../deploy/executor';
import migrateArchivesExecutor from '../archives/executor';
import migrateStatusExecutor from '../status/executor';
import migrateRollbackExecutor from './executor';

jest.setTimeout(180_000);

const MIGRATIONS = 'apps/billing/prisma/migrations';
const NOTE_TABLE = `CREATE TABLE "Note" (
  "id" SERIAL NOT NULL,
  "customerId" INTEGER NOT NULL,
  "body" TEXT NOT NULL,
  CONSTRAINT "Note_pkey" PRIMARY KEY ("id"),
  CONSTRAINT "Note_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE CASCADE
);`;
const ADD_NOTE = '20240501000000_add_note';
const DROP_NOTE = '20240502000000_drop_note';
const DROP_PREFERENCES = '20240503000000_drop_preferences';
const FAILING = '20240504000000_failing';

/**
 * Lossless rollback: what a deploy drops (a table, a column) is archived first, and a rollback
 * (asked for, or the automatic one of a failed deploy) puts every value back by its downs alone.
 */
describe.each(DATABASE_ENGINES)('archives of dropped data, on %s', (engine) => {
  let workspace: TemporaryProject;
  let server: { url: string; drop: () => Promise<void> } | undefined;
  let warnings: string[];
  let infos: string[];
  const saved = { ...process.env };
  const context = () => executorContext(workspace.dir, 'billing', 'apps/billing');
  const deploy = () => migrateDeployExecutor({ lockTimeout: 5, allowDrift: true }, context());
  const rollback = (options: Record<string, unknown>) => migrateRollbackExecutor({ lockTimeout: 5, yes: true, ...options }, context());
  const withDatabase = async <T>(work: (database: Database) => Promise<T>): Promise<T> => {
    const database = server
      ? await PgDatabase.connect({ url: server.url, source: 'spec' })
      : await PgliteDatabase.open({ dataDir: path.join(workspace.dir, 'apps/billing/.forge/pglite'), cacheDir: SNAPSHOT_CACHE_DIR });
    try {
      return await work(database);
    } finally {
      await database.close();
    }
  };
  const state = () => withDatabase(readDatabaseState);
  /** Per archive: whether `when` (restored_at, purged_at) is set, and whether its table is still there. */
  const archives = (when: 'restored_at' | 'purged_at') =>
    withDatabase((database) =>
      database.query<{ done: boolean; archive_left: boolean }>(
        `SELECT ${when} IS NOT NULL AS done, to_regclass(quote_ident('forge_archive') || '.' || quote_ident(archive_table)) IS NOT NULL AS archive_left
         FROM forge_archive.archives WHERE outcome = 'kept' ORDER BY id`,
      ),
    );
  const addMigration = (name: string, up: string, down: string) => {
    const dir = path.join(workspace.dir, MIGRATIONS, name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'migration.sql'), `${up}\n`);
    writeFileSync(path.join(dir, 'down.sql'), `${down}\n`);
  };
  /** The drops are intended: approved as a team would, with the approve generator. */
  const approveDataLoss = async () => {
    const tree = new FsTree(workspace.dir, false);
    await approveGenerator(tree, { project: 'billing' });
    flushChanges(workspace.dir, tree.listChanges());
  };
  const latestReport = (command: string) => newestReport(path.join(workspace.dir, `reports/${command}/apps/billing`));

  beforeEach(async () => {
    workspace = temporaryDir('forge-archive-');
    cpSync(path.join(EXAMPLES_DIR, 'billing'), path.join(workspace.dir, 'apps/billing'), { recursive: true });
    delete process.env['DATABASE_URL'];
    if (engine === 'postgresql') {
      server = await createServerDatabase('archive');
      process.env['DATABASE_URL'] = server.url;
    }
    warnings = [];
    infos = [];
    jest.spyOn(logger, 'info').mockImplementation((message: unknown) => void infos.push(String(message)));
    jest.spyOn(logger, 'error').mockImplementation(() => undefined);
    jest.spyOn(logger, 'warn').mockImplementation((message: unknown) => void warnings.push(String(message)));
    addMigration(
      ADD_NOTE,
      `CREATE TYPE "Mood" AS ENUM ('calm', 'busy');\nALTER TABLE "Customer" ADD COLUMN "mood" "Mood";\n${NOTE_TABLE}`,
      'DROP TABLE "Note";\nALTER TABLE "Customer" DROP COLUMN "mood";\nDROP TYPE "Mood";',
    );
    expect(await deploy()).toEqual({ success: true });
    await withDatabase((database) =>
      database.executeScript(`
        INSERT INTO "Customer" ("email", "name", "preferences", "mood")
          SELECT 'c' || g || '@example.com', 'C' || g, jsonb_build_object('theme', 'dark', 'n', g), (ARRAY['calm', 'busy']::"Mood"[])[1 + g % 2]
          FROM generate_series(1, 40) g;
        INSERT INTO "Note" ("customerId", "body") SELECT id, 'note of ' || name FROM "Customer";
        DELETE FROM "Note" WHERE id % 7 = 0;
        INSERT INTO "Invoice" ("customerId", "totalCents", "status")
          SELECT id, id * 100, (ARRAY['DRAFT', 'SENT', 'PAID']::"InvoiceStatus"[])[1 + id % 3] FROM "Customer";`),
    );
    addMigration(DROP_NOTE, 'DROP TABLE "Note";', NOTE_TABLE);
    addMigration(
      DROP_PREFERENCES,
      'ALTER TABLE "Customer" DROP COLUMN "preferences";',
      'ALTER TABLE "Customer" ADD COLUMN "preferences" JSONB;',
    );
    await approveDataLoss();
  });
  afterEach(async () => {
    jest.restoreAllMocks();
    process.env = { ...saved };
    await server?.drop();
    server = undefined;
    workspace.remove();
  });

  it('archives what the deploy drops, and a rollback puts every value back by the downs, the sequence continuing', async () => {
    const before = await state();
    const deployed = await deploy();
    expect(deployed).toEqual({ success: true });
    const archived = await withDatabase((database) =>
      database.query<{ kind: string; source_table: string; source_column: string | null; rows: string }>(
        "SELECT kind, source_table, source_column, rows::text FROM forge_archive.archives WHERE outcome = 'kept' ORDER BY id",
      ),
    );
    expect(archived).toEqual([
      { kind: 'table', source_table: 'Note', source_column: null, rows: '35' },
      { kind: 'column', source_table: 'Customer', source_column: 'preferences', rows: '40' },
    ]);
    infos.length = 0;
    expect(await migrateStatusExecutor({}, { ...context(), targetName: 'migrate-status' })).toEqual({ success: true });
    expect(infos.join('\n')).toMatch(
      new RegExp(
        `archives \\(a rollback of their migration brings them back\\):\n` +
          `  table public\\.Note of ${DROP_NOTE}: 35 rows, \\d+ kB, kept until \\S+ \\S+\n` +
          `  column public\\.Customer\\.preferences of ${DROP_PREFERENCES}: 40 rows, \\d+ kB, kept until `,
      ),
    );
    // The archive is the plugin's: no part of the venture's schema or rows.
    expect((await state()).tables.map((table) => table.table)).not.toContainEqual(expect.stringContaining('forge_archive'));

    expect(await rollback({ steps: 2 })).toEqual({ success: true });
    expect(await state()).toEqual(before);
    const next = await withDatabase(async (database) => {
      await database.query(`INSERT INTO "Note" ("customerId", "body") VALUES (1, 'after the rollback')`);
      return database.query<{ id: number }>(`SELECT max(id) AS id FROM "Note"`);
    });
    expect(next).toEqual([{ id: 41 }]);
    const registry = await archives('restored_at');
    expect(registry).toEqual([
      { done: true, archive_left: false },
      { done: true, archive_left: false },
    ]);
  });

  it("rolls a failed deploy back by the downs and the archives, without the backup's restore", async () => {
    addMigration(FAILING, 'SELECT 1 / 0;', 'SELECT 1;');
    const before = await state();
    expect(await deploy()).toEqual({ success: false });
    expect(latestReport('migrate-deploy')).toMatchObject({
      status: 'rolled-back',
      restored: false,
      rolledBack: [DROP_PREFERENCES, DROP_NOTE],
    });
    expect(await state()).toEqual(before);
  });

  it('purges an archive once its time is up, at the next deploy; the down then stops, naming the backups', async () => {
    expect(await deploy()).toEqual({ success: true });
    await withDatabase((database) => database.query(`UPDATE forge_archive.archives SET expires_at = now() - interval '1 second'`));
    expect(await deploy()).toEqual({ success: true });
    const left = await archives('purged_at');
    expect(left).toEqual([
      { done: true, archive_left: false },
      { done: true, archive_left: false },
    ]);
    expect(await rollback({ steps: 1 })).toEqual({ success: false });
    expect(latestReport('migrate-rollback').error).toMatch(
      /was archived until .* and is purged: its down would make it again empty\. The data is in the backups taken before it/,
    );
  });

  it('lists the archives with migrate-archives, and purges them on demand: the expired, then every one once confirmed', async () => {
    const archivesRun = (options: Record<string, unknown> = {}) => migrateArchivesExecutor({ lockTimeout: 5, ...options }, context());
    expect(await deploy()).toEqual({ success: true });
    infos.length = 0;
    expect(await archivesRun()).toEqual({ success: true });
    expect(infos.join('\n')).toMatch(/2 archive\(s\) kept\n {2}table public\.Note of 20240502000000_drop_note: 35 rows, .* kept until/);
    expect(await archivesRun({ purge: true })).toEqual({ success: true });
    expect(await archives('purged_at')).toEqual([
      { done: false, archive_left: true },
      { done: false, archive_left: true },
    ]);
    await withDatabase((database) =>
      database.query(`UPDATE forge_archive.archives SET expires_at = now() - interval '1 second' WHERE migration = $1`, [DROP_NOTE]),
    );
    expect(await archivesRun({ purge: true })).toEqual({ success: true });
    expect(infos.join('\n')).toMatch(/purged Note of 20240502000000_drop_note\n.*1 archive\(s\) kept/);
    // Every one: only when confirmed (no terminal here, so --yes).
    expect(await archivesRun({ all: true })).toEqual({ success: false });
    expect(await archivesRun({ purge: true, all: true })).toEqual({ success: false });
    expect((await archives('purged_at')).map((archive) => archive.done)).toEqual([true, false]);
    expect(await archivesRun({ purge: true, all: true, yes: true })).toEqual({ success: true });
    expect(await archives('purged_at')).toEqual([
      { done: true, archive_left: false },
      { done: true, archive_left: false },
    ]);
    expect(await rollback({ steps: 1 })).toEqual({ success: false });
    expect(latestReport('migrate-rollback').error).toMatch(/\(Customer\.preferences\) was archived until .* and is purged/);
  });

  it('brings back a column of an enum type the migration drops too, cast back to the enum the down makes', async () => {
    addMigration(
      '20240504000000_drop_customer_mood',
      'ALTER TABLE "Customer" DROP COLUMN "mood";\nDROP TYPE "Mood";',
      `CREATE TYPE "Mood" AS ENUM ('calm', 'busy');\nALTER TABLE "Customer" ADD COLUMN "mood" "Mood";`,
    );
    await approveDataLoss();
    expect(await deploy()).toEqual({ success: true });
    const deployed = await state();
    expect(await rollback({ steps: 3 })).toEqual({ success: true });
    expect(await deploy()).toEqual({ success: true });
    expect(await state()).toEqual(deployed);
  });

  it('rolling back and forward loses nothing: what a down drops comes back when the migration is deployed again', async () => {
    for (const name of [DROP_NOTE, DROP_PREFERENCES]) rmSync(path.join(workspace.dir, MIGRATIONS, name), { recursive: true });
    const before = await state();
    expect(await rollback({ steps: 1 })).toEqual({ success: true });
    expect((await state()).tables.map((table) => table.table)).not.toContain('"public"."Note"');
    expect(await deploy()).toEqual({ success: true });
    expect(await state()).toEqual(before);
  });

  it('warns, naming the backup, when a column cannot be archived for want of a key', async () => {
    await withDatabase((database) =>
      database.executeScript('CREATE TABLE "Loose" ("a" TEXT, "b" TEXT); INSERT INTO "Loose" VALUES (\'x\', \'y\');'),
    );
    addMigration('20240504000000_drop_loose_b', 'ALTER TABLE "Loose" DROP COLUMN "b";', 'ALTER TABLE "Loose" ADD COLUMN "b" TEXT;');
    await approveDataLoss();
    expect(await deploy()).toEqual({ success: true });
    expect(warnings.join('\n')).toMatch(
      /20240504000000_drop_loose_b: column Loose\.b: Loose has no primary key or unique key of NOT NULL columns .*the backup taken before/,
    );
    // Its down would make the column again empty: the rollback stops before it, naming the backups.
    const deployed = await state();
    expect(await rollback({ steps: 1 })).toEqual({ success: false });
    expect(latestReport('migrate-rollback').error).toMatch(
      /what it dropped was not archived when it was deployed \(Loose\.b: Loose has no primary key.*\): its down would make it again empty\. The data is in the backups/,
    );
    expect(await state()).toEqual(deployed);
  });

  it('stops before the down of a drop that was deployed without an archive (by another tool), naming the backups', async () => {
    const history = readMigrationHistory(path.join(workspace.dir, MIGRATIONS));
    // As `prisma migrate deploy` would: the migrations applied, no archive taken.
    await withDatabase(async (database) => applyPendingMigrations(await loadSqlParser(), database, history.migrations));
    const deployed = await state();
    expect(await rollback({ steps: 1 })).toEqual({ success: false });
    expect(latestReport('migrate-rollback').error).toMatch(
      /it dropped column Customer\.preferences and was deployed without an archive of it .*: its down would make it again empty/,
    );
    expect(await state()).toEqual(deployed);
  });

  it('stops before the down of a TRUNCATE that was deployed without an archive: a down putting no rows in would leave the table empty', async () => {
    addMigration('20240505000000_clear_invoices', 'TRUNCATE "Invoice";', 'SELECT 1;');
    const history = readMigrationHistory(path.join(workspace.dir, MIGRATIONS));
    await withDatabase(async (database) => applyPendingMigrations(await loadSqlParser(), database, history.migrations));
    const deployed = await state();
    expect(await rollback({ steps: 1 })).toEqual({ success: false });
    expect(latestReport('migrate-rollback').error).toMatch(
      /20240505000000_clear_invoices.*it dropped rows of table Invoice and was deployed without an archive of it/,
    );
    expect(await state()).toEqual(deployed);
  });
});
