import { logger } from '@nx/devkit';
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { SqlRunner } from '../../adapters/db/database';
import { PgDatabase } from '../../adapters/db/pg-database';
import { PgliteDatabase } from '../../adapters/db/pglite-database';
import { readDatabaseState } from '../../use-cases/deploy/data-state';
import { createServerDatabase, DATABASE_ENGINES, SNAPSHOT_CACHE_DIR } from '../../test-support/databases';
import { executorContext } from '../../test-support/executor-context';
import { EXAMPLES_DIR, temporaryDir, type TemporaryProject } from '../../test-support/fixtures';
import { newestReport } from '../../test-support/reports';
import { serverRows, serverState } from '../../test-support/server-queries';
import { flushChanges, FsTree } from 'nx/src/generators/tree';
import approveGenerator from '../../generators/approve/approve';
import migrateDeployExecutor from '../deploy/executor';
import migrateRollbackExecutor from './executor';

jest.setTimeout(240_000);

const MIGRATIONS = 'prisma/migrations';
const NOTE_TABLE = `CREATE TABLE "Note" (
    "id" SERIAL NOT NULL,
    "customerId" INTEGER NOT NULL,
    "body" TEXT NOT NULL,
    "kind" "NoteKind" NOT NULL DEFAULT 'call',

    CONSTRAINT "Note_pkey" PRIMARY KEY ("id")
);`;
const NOTE_KEY = `ALTER TABLE "Note" ADD CONSTRAINT "Note_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE CASCADE ON UPDATE CASCADE;`;
const ADD_NOTE = '20240501000000_add_note';
const NEXT = '20240601000000';
/** Customers, their notes (some deleted: the sequence has gaps) and invoices of every status. */
const ROWS = `
  INSERT INTO "Customer" ("email", "name", "preferences")
    SELECT 'c' || g || '@example.com', 'Customer ' || g, jsonb_build_object('theme', 'dark', 'n', g) FROM generate_series(1, 40) g;
  INSERT INTO "Note" ("customerId", "body", "kind")
    SELECT id, 'note of ' || name, (ARRAY['call', 'mail', 'visit']::"NoteKind"[])[1 + id % 3] FROM "Customer";
  DELETE FROM "Note" WHERE id % 7 = 0;
  INSERT INTO "Invoice" ("customerId", "totalCents", "status")
    SELECT id, id * 100, (ARRAY['DRAFT', 'SENT', 'PAID']::"InvoiceStatus"[])[1 + id % 3] FROM "Customer";`;

/** The down of an enum value dropped: the type made again with it, the column cast back (the archive puts the rows' values back). */
const ENUM_DOWN = `CREATE TYPE "NoteKind_old" AS ENUM ('call', 'mail', 'visit');
ALTER TABLE "Note" ALTER COLUMN "kind" DROP DEFAULT;
ALTER TABLE "Note" ALTER COLUMN "kind" TYPE "NoteKind_old" USING ("kind"::text::"NoteKind_old");
DROP TYPE "NoteKind";
ALTER TYPE "NoteKind_old" RENAME TO "NoteKind";
ALTER TABLE "Note" ALTER COLUMN "kind" SET DEFAULT 'call';`;

interface Registered {
  kind: string;
  source_table: string;
  source_column: string | null;
  rows: string;
  restored: boolean;
  archive_left: boolean;
}
const REGISTRY = (schema: string) =>
  `SELECT kind, source_table, source_column, rows::text, restored_at IS NOT NULL AS restored,
     to_regclass(quote_ident('${schema}') || '.' || quote_ident(archive_table)) IS NOT NULL AS archive_left
   FROM "${schema}".archives WHERE outcome = 'kept' ORDER BY id`;
const kept = (kind: string, table: string, column: string | null, rows: number) => ({
  kind,
  source_table: table,
  source_column: column,
  rows: String(rows),
  restored: false,
  archive_left: true,
});

/**
 * Lossless rollback, kind by kind: what a migration destroys (a Prisma drop, a lossy conversion,
 * an enum value dropped, a table emptied) is archived before it runs, and a rollback by its down
 * puts every value back; archives travel in the backups, and ventures sharing a database keep
 * theirs apart.
 */
describe.each(DATABASE_ENGINES)('archives of every kind of loss, on %s', (engine) => {
  let workspace: TemporaryProject;
  let server: { url: string; drop: () => Promise<void> } | undefined;
  const saved = { ...process.env };
  const context = () => executorContext(workspace.dir, 'billing', 'apps/billing');
  /** A deploy's outcome, with the error its report gives when it failed. */
  const deploy = async () => {
    const { success } = await migrateDeployExecutor({ lockTimeout: 5, allowDrift: true }, context());
    return success ? { success } : { success, error: newestReport(path.join(workspace.dir, 'reports/migrate-deploy/apps/billing')).error };
  };
  const rollback = (options: Record<string, unknown>) => migrateRollbackExecutor({ lockTimeout: 5, yes: true, ...options }, context());
  const withDatabase = async <T>(work: (database: SqlRunner) => Promise<T>): Promise<T> => {
    const database = server
      ? await PgDatabase.connect({ url: server.url, source: 'spec' })
      : await PgliteDatabase.open({ dataDir: path.join(workspace.dir, 'apps/billing/.forge/pglite'), cacheDir: SNAPSHOT_CACHE_DIR });
    try {
      return await work(database);
    } finally {
      await database.close();
    }
  };
  const sql = <T>(text: string) => withDatabase((database) => database.query<T>(text));
  const state = () => withDatabase(readDatabaseState);
  const registry = () => sql<Registered>(REGISTRY('forge_archive'));
  const logged = () => jest.mocked(logger.info).mock.calls.map(([line]) => String(line));
  /** A migration; its data loss approved as a team would, with the approve generator (`approve` false: it has none). */
  const addMigration = async (name: string, up: string, down: string, approve = true) => {
    const dir = path.join(workspace.dir, 'apps/billing', MIGRATIONS, name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'migration.sql'), `${up}\n`);
    writeFileSync(path.join(dir, 'down.sql'), `${down}\n`);
    if (!approve) return;
    const tree = new FsTree(workspace.dir, false);
    await approveGenerator(tree, { project: 'billing' });
    flushChanges(workspace.dir, tree.listChanges());
  };
  /**
   * Deploy `up`, check what it archived, roll it back (to exactly the state before, unless rows
   * are written in between) and check every archive restored and dropped, then deploy it again.
   */
  const roundTrip = async (
    name: string,
    scripts: { up: string; down: string },
    archived: Registered[],
    between: { deployed?: () => Promise<void>; writeSince?: () => Promise<unknown> } = {},
  ): Promise<void> => {
    await addMigration(name, scripts.up, scripts.down);
    const before = await state();
    expect(await deploy()).toEqual({ success: true });
    expect(await registry().catch(() => [])).toEqual(archived);
    await between.deployed?.();
    await between.writeSince?.();
    const deployed = await state();
    expect(await rollback({ steps: 1 })).toEqual({ success: true });
    if (!between.writeSince) expect(await state()).toEqual(before);
    expect((await registry().catch(() => [])).filter((archive) => !archive.restored || archive.archive_left)).toEqual([]);
    expect(await deploy()).toEqual({ success: true });
    if (!between.writeSince) expect(await state()).toEqual(deployed);
  };

  beforeEach(async () => {
    workspace = temporaryDir('forge-archive-kinds-');
    cpSync(path.join(EXAMPLES_DIR, 'billing'), path.join(workspace.dir, 'apps/billing'), { recursive: true });
    delete process.env['DATABASE_URL'];
    if (engine === 'postgresql') {
      server = await createServerDatabase('archive_kinds');
      process.env['DATABASE_URL'] = server.url;
    }
    jest.spyOn(logger, 'info').mockImplementation(() => undefined);
    jest.spyOn(logger, 'error').mockImplementation(() => undefined);
    jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
    await addMigration(
      ADD_NOTE,
      `CREATE TYPE "NoteKind" AS ENUM ('call', 'mail', 'visit');\n${NOTE_TABLE}\n${NOTE_KEY}`,
      'DROP TABLE "Note";\nDROP TYPE "NoteKind";',
      false,
    );
    expect(await deploy()).toEqual({ success: true });
    await withDatabase((database) => database.executeScript(ROWS));
  });
  afterEach(async () => {
    jest.restoreAllMocks();
    process.env = { ...saved };
    await server?.drop();
    server = undefined;
    workspace.remove();
  });

  it('a drop as prisma migrate dev writes it: the table and the column come back, the foreign key checked', async () => {
    const up = `/*
  Warnings:

  - You are about to drop the column \`preferences\` on the \`Customer\` table. All the data in the column will be lost.
  - You are about to drop the \`Note\` table. If the table is not empty, all the data it contains will be lost.

*/
-- DropForeignKey
ALTER TABLE "Note" DROP CONSTRAINT "Note_customerId_fkey";

-- AlterTable
ALTER TABLE "Customer" DROP COLUMN "preferences";

-- DropTable
DROP TABLE "Note";`;
    const down = `-- AlterTable\nALTER TABLE "Customer" ADD COLUMN "preferences" JSONB;\n\n-- CreateTable\n${NOTE_TABLE}\n\n-- AddForeignKey\n${NOTE_KEY}`;
    await roundTrip(`${NEXT}_prisma_drop`, { up, down }, [kept('column', 'Customer', 'preferences', 40), kept('table', 'Note', null, 35)]);
  });

  it('a lossy conversion: a shortened VARCHAR and a TEXT rewritten by its USING expression get their old values back', async () => {
    const up = `ALTER TABLE "Customer" ALTER COLUMN "name" SET DATA TYPE VARCHAR(5) USING "name"::VARCHAR(5);
ALTER TABLE "Note" ALTER COLUMN "body" SET DATA TYPE TEXT USING upper("body");`;
    const down = 'ALTER TABLE "Customer" ALTER COLUMN "name" SET DATA TYPE TEXT;';
    const cut = () =>
      sql<{ name: string; upper: boolean }>(
        `SELECT DISTINCT "name", "body" = upper("body") AS upper FROM "Customer" JOIN "Note" ON "Note"."customerId" = "Customer"."id"`,
      );
    await roundTrip(`${NEXT}_lossy`, { up, down }, [kept('column', 'Customer', 'name', 40), kept('column', 'Note', 'body', 35)], {
      deployed: async () => expect(await cut()).toEqual([{ name: 'Custo', upper: true }]),
    });
  });

  it('an enum value dropped by hand (rows holding it mapped to another): those rows get it back', async () => {
    const up = `CREATE TYPE "NoteKind_new" AS ENUM ('call', 'mail');
ALTER TABLE "Note" ALTER COLUMN "kind" DROP DEFAULT;
ALTER TABLE "Note" ALTER COLUMN "kind" TYPE "NoteKind_new"
  USING (CASE "kind"::text WHEN 'visit' THEN 'call' ELSE "kind"::text END)::"NoteKind_new";
DROP TYPE "NoteKind";
ALTER TYPE "NoteKind_new" RENAME TO "NoteKind";
ALTER TABLE "Note" ALTER COLUMN "kind" SET DEFAULT 'call';`;
    const visits = () => sql<{ n: number }>(`SELECT count(*)::int AS n FROM "Note" WHERE "kind"::text = 'visit'`);
    expect(await visits()).toEqual([{ n: 11 }]);
    await roundTrip(`${NEXT}_drop_visit`, { up, down: ENUM_DOWN }, [kept('column', 'Note', 'kind', 35)], {
      deployed: async () => expect(await visits()).toEqual([{ n: 0 }]),
    });
  });

  it("an enum value dropped Prisma's way (a cast alone) when no row holds it: nothing archived, nothing lost", async () => {
    await sql(`UPDATE "Note" SET "kind" = 'mail' WHERE "kind" = 'visit'`);
    const up = `-- AlterEnum
BEGIN;
CREATE TYPE "NoteKind_new" AS ENUM ('call', 'mail');
ALTER TABLE "Note" ALTER COLUMN "kind" DROP DEFAULT;
ALTER TABLE "Note" ALTER COLUMN "kind" TYPE "NoteKind_new" USING ("kind"::text::"NoteKind_new");
ALTER TYPE "NoteKind" RENAME TO "NoteKind_old";
ALTER TYPE "NoteKind_new" RENAME TO "NoteKind";
DROP TYPE "NoteKind_old";
ALTER TABLE "Note" ALTER COLUMN "kind" SET DEFAULT 'call';
COMMIT;`;
    await roundTrip(`${NEXT}_drop_visit`, { up, down: ENUM_DOWN }, []);
  });

  it('TRUNCATE: the rows come back at the end of the down; rows written since keep their state, the sequence continues', async () => {
    const notes = () => sql<{ id: number; body: string }>('SELECT "id", "body" FROM "Note" ORDER BY "id"');
    const archived = await notes();
    await roundTrip(
      `${NEXT}_truncate_notes`,
      { up: 'TRUNCATE TABLE "Note" RESTART IDENTITY;', down: 'SELECT 1;' },
      [kept('table', 'Note', null, 35)],
      {
        writeSince: () => sql(`INSERT INTO "Note" ("customerId", "body") VALUES (2, 'written since'), (3, 'written since too')`),
      },
    );
    // Rolled back: every archived note, but where a row written since took its key (ids 1 and 2 again).
    // Deployed again: emptied again. The archive of this second deploy puts them back at the next rollback.
    expect(await notes()).toEqual([]);
    expect(await rollback({ steps: 1 })).toEqual({ success: true });
    expect(await notes()).toEqual([
      { id: 1, body: 'written since' },
      { id: 2, body: 'written since too' },
      ...archived.filter((note) => note.id > 2),
    ]);
    await sql(`INSERT INTO "Note" ("customerId", "body") VALUES (1, 'next')`);
    expect(await sql('SELECT max("id") AS id FROM "Note"')).toEqual([{ id: 41 }]);
  });

  it('DELETE without WHERE: the table and what its ON DELETE CASCADE keys took along come back, referenced rows first', async () => {
    const up = '-- Every invoice, note and customer goes (the notes and invoices by their keys)\nDELETE FROM "Customer";';
    await roundTrip(`${NEXT}_delete_customers`, { up, down: 'SELECT 1;' }, [
      kept('table', 'Customer', null, 40),
      kept('table', 'Invoice', null, 40),
      kept('table', 'Note', null, 35),
    ]);
  });

  it('DELETE without WHERE of several tables, the referring one first: restored the other way round; a DELETE with a WHERE is not archived', async () => {
    const up = 'DELETE FROM "Note" WHERE "id" > 30;\nDELETE FROM "Invoice";\nDELETE FROM "Note";\nDELETE FROM "Customer";';
    await roundTrip(`${NEXT}_delete_all`, { up, down: 'SELECT 1;' }, [
      kept('table', 'Invoice', null, 40),
      kept('table', 'Note', null, 35),
      kept('table', 'Customer', null, 40),
    ]);
  });

  it('a column named with a quote and a dollar-quote tag: its values come back by key, counted', async () => {
    const column = '"x""$forge$y"';
    await withDatabase((database) =>
      database.executeScript(`ALTER TABLE "Customer" ADD COLUMN ${column} TEXT; UPDATE "Customer" SET ${column} = 'kept ' || "id"`),
    );
    await roundTrip(
      `${NEXT}_drop_hostile`,
      { up: `ALTER TABLE "Customer" DROP COLUMN ${column};`, down: `ALTER TABLE "Customer" ADD COLUMN ${column} TEXT;` },
      [kept('column', 'Customer', 'x"$forge$y', 40)],
    );
    expect(logged()).toContainEqual(
      expect.stringMatching(/: 40 values of "public"\."Customer"\.x"\$forge\$y restored from the archive: every one back$/),
    );
  });

  it('a trigger rewriting what an UPDATE writes: the restore compares every value, and says how many differ', async () => {
    await withDatabase((database) =>
      database.executeScript(`CREATE FUNCTION "touch"() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN NEW."preferences" := NEW."preferences" || '{"touched": true}'; RETURN NEW; END $$;
        CREATE TRIGGER "touch" BEFORE UPDATE ON "Customer" FOR EACH ROW EXECUTE FUNCTION "touch"();`),
    );
    await addMigration(
      `${NEXT}_drop_preferences`,
      'ALTER TABLE "Customer" DROP COLUMN "preferences";',
      'ALTER TABLE "Customer" ADD COLUMN "preferences" JSONB;',
    );
    expect(await deploy()).toEqual({ success: true });
    expect(await rollback({ steps: 1 })).toEqual({ success: true });
    expect(logged()).toContainEqual(
      expect.stringMatching(/: 40 values of "public"\."Customer"\.preferences restored from the archive: 0 not back, 40 different/),
    );
    expect(await sql('SELECT count(*)::int AS n FROM "Customer" WHERE "preferences" ? \'touched\'')).toEqual([{ n: 40 }]);
  });

  it('archives go into the backups: a restored backup brings back the archives and registry it held, and a rollback by downs still uses them', async () => {
    const beforeDrop = await state();
    await addMigration(`${NEXT}_drop_note`, 'DROP TABLE "Note";', `${NOTE_TABLE}\n${NOTE_KEY}`);
    expect(await deploy()).toEqual({ success: true });
    const dropped = await state();
    // The next deploy's backup is taken with the archive of the drop in it.
    await addMigration(
      '20240701000000_drop_preferences',
      'ALTER TABLE "Customer" DROP COLUMN "preferences";',
      'ALTER TABLE "Customer" ADD COLUMN "preferences" JSONB;',
    );
    expect(await deploy()).toEqual({ success: true });
    const backup = newestReport(path.join(workspace.dir, 'reports/migrate-deploy/apps/billing')).backup.file;
    expect(await registry()).toEqual([kept('table', 'Note', null, 35), kept('column', 'Customer', 'preferences', 40)]);
    // A rollback by its down restores the preferences and drops their archive...
    expect(await rollback({ steps: 1 })).toEqual({ success: true });
    expect(await state()).toEqual(dropped);
    // ...and the backup puts the database back as it was when taken: archive and registry entry of the drop included.
    expect(await rollback({ fromBackup: backup })).toEqual({ success: true });
    expect(await state()).toEqual(dropped);
    expect(await registry()).toEqual([kept('table', 'Note', null, 35)]);
    expect(await rollback({ steps: 1 })).toEqual({ success: true });
    expect(await state()).toEqual(beforeDrop);
  });
});

/**
 * Ventures sharing one PostgreSQL database, each in its own schema (as in
 * executors/deploy/shared-database.integration.spec.ts): each keeps its archives in
 * forge_archive_<schema>, which its backups hold; what one rolls back or restores leaves the
 * other's archives as they were.
 */
describe('archives of ventures sharing one PostgreSQL database', () => {
  const VENTURES = ['billing', 'ledger'] as const;
  type Venture = (typeof VENTURES)[number];
  let workspace: TemporaryProject;
  let database: { url: string; drop: () => Promise<void> };
  const saved = { ...process.env };
  const options = { urlEnv: 'SHARED_DATABASE_URL', schema: '{projectName}', lockTimeout: 30 };
  const context = (venture: Venture) => executorContext(workspace.dir, venture, `apps/${venture}`);
  const deploy = (venture: Venture) => migrateDeployExecutor({ ...options, allowDrift: true }, context(venture));
  const rollback = (venture: Venture, selector: Record<string, unknown>) =>
    migrateRollbackExecutor({ ...options, yes: true, ...selector }, context(venture));
  const sql = <T>(text: string) => serverRows<T>(database.url, text);
  const state = (venture: Venture) => serverState(`${database.url}?schema=${venture}`);
  const registry = (venture: Venture) => sql<Registered>(REGISTRY(`forge_archive_${venture}`));
  const addMigration = async (venture: Venture, name: string, up: string, down: string) => {
    const dir = path.join(workspace.dir, 'apps', venture, MIGRATIONS, name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'migration.sql'), `${up}\n`);
    writeFileSync(path.join(dir, 'down.sql'), `${down}\n`);
    const tree = new FsTree(workspace.dir, false);
    await approveGenerator(tree, { project: venture });
    flushChanges(workspace.dir, tree.listChanges());
  };
  const DROP_PREFERENCES = `${NEXT}_drop_preferences`;
  const DROP_NAME = '20240701000000_drop_name';

  beforeEach(async () => {
    workspace = temporaryDir('forge-archive-shared-');
    database = await createServerDatabase('archive_shared');
    process.env['SHARED_DATABASE_URL'] = database.url;
    jest.spyOn(logger, 'info').mockImplementation(() => undefined);
    jest.spyOn(logger, 'error').mockImplementation(() => undefined);
    jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
    // Both projects in place before Nx first reads the workspace (it keeps what it found).
    for (const venture of VENTURES) {
      cpSync(path.join(EXAMPLES_DIR, 'billing'), path.join(workspace.dir, 'apps', venture), { recursive: true });
      writeFileSync(path.join(workspace.dir, 'apps', venture, 'project.json'), JSON.stringify({ name: venture }));
    }
    for (const [index, venture] of VENTURES.entries()) {
      expect(await deploy(venture)).toEqual({ success: true });
      await sql(
        `INSERT INTO "${venture}"."Customer" ("email", "name", "preferences")
         SELECT 'c' || g || '@example.com', '${venture} ' || g, jsonb_build_object('n', g) FROM generate_series(1, ${20 + 10 * index}) g`,
      );
      await addMigration(
        venture,
        DROP_PREFERENCES,
        'ALTER TABLE "Customer" DROP COLUMN "preferences";',
        'ALTER TABLE "Customer" ADD COLUMN "preferences" JSONB;',
      );
    }
  });
  afterEach(async () => {
    jest.restoreAllMocks();
    process.env = { ...saved };
    await database.drop();
    workspace.remove();
  });

  it("each archives into its own schema; a rollback of one restores its own and leaves the other's archive", async () => {
    const before = await state('billing');
    for (const venture of VENTURES) expect(await deploy(venture)).toEqual({ success: true });
    expect(await registry('billing')).toEqual([kept('column', 'Customer', 'preferences', 20)]);
    expect(await registry('ledger')).toEqual([kept('column', 'Customer', 'preferences', 30)]);
    expect(await sql("SELECT count(*)::int AS n FROM pg_namespace WHERE nspname = 'forge_archive'")).toEqual([{ n: 0 }]);
    const ledger = await state('ledger');

    expect(await rollback('billing', { steps: 1 })).toEqual({ success: true });
    expect(await state('billing')).toEqual(before);
    expect(await registry('billing')).toEqual([{ ...kept('column', 'Customer', 'preferences', 20), restored: true, archive_left: false }]);
    expect(await registry('ledger')).toEqual([kept('column', 'Customer', 'preferences', 30)]);
    expect(await state('ledger')).toEqual(ledger);
    expect(await deploy('billing')).toEqual({ success: true });
  });

  it("a venture's backup holds its own archive schema: restored, its archives come back, and the other's stay as they were", async () => {
    const before = await state('billing');
    for (const venture of VENTURES) expect(await deploy(venture)).toEqual({ success: true });
    const dropped = await state('billing');
    // The next deploy's backup is taken with billing's archive of the preferences in it.
    await addMigration(
      'billing',
      DROP_NAME,
      'ALTER TABLE "Customer" DROP COLUMN "name";',
      'ALTER TABLE "Customer" ADD COLUMN "name" TEXT;',
    );
    expect(await deploy('billing')).toEqual({ success: true });
    const backup = newestReport(path.join(workspace.dir, 'reports/migrate-deploy/apps/billing')).backup.file;
    expect(await registry('billing')).toEqual([kept('column', 'Customer', 'preferences', 20), kept('column', 'Customer', 'name', 20)]);
    const ledger = { state: await state('ledger'), registry: await registry('ledger') };

    expect(await rollback('billing', { fromBackup: backup })).toEqual({ success: true });
    expect(await state('billing')).toEqual(dropped);
    expect(await registry('billing')).toEqual([kept('column', 'Customer', 'preferences', 20)]);
    expect(await rollback('billing', { steps: 1 })).toEqual({ success: true });
    expect(await state('billing')).toEqual(before);
    expect({ state: await state('ledger'), registry: await registry('ledger') }).toEqual(ledger);
  });
});
