import { logger } from '@nx/devkit';
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PgliteDatabase } from '../../adapters/db/pglite-database';
import { readDatabaseState } from '../../use-cases/deploy/data-state';
import { SNAPSHOT_CACHE_DIR } from '../../test-support/databases';
import { executorContext } from '../../test-support/executor-context';
import { EXAMPLES_DIR, temporaryDir, type TemporaryProject } from '../../test-support/fixtures';
import { newestReport } from '../../test-support/reports';
import migrateRollbackExecutor from '../rollback/executor';
import migrateDeployExecutor from './executor';

const MIGRATIONS = 'apps/billing/prisma/migrations';

// Each test deploys, rolls back and restores several times, every step opening the embedded
// database from its data folder and copying that folder for its backup: on a loaded two-core
// machine one test has taken over a minute. A guard against a hang, not a measure.
jest.setTimeout(180_000);

/** migrate-deploy and migrate-rollback with no database URL: the venture's embedded database, in a data folder under the project. */
describe('migrate-deploy and migrate-rollback on the embedded database', () => {
  let workspace: TemporaryProject;
  const saved = { ...process.env };
  const dataDir = () => path.join(workspace.dir, 'apps/billing/.forge/pglite');
  const run = () => migrateDeployExecutor({ lockTimeout: 5 }, executorContext(workspace.dir, 'billing', 'apps/billing'));
  const withDatabase = async <T>(work: (database: PgliteDatabase) => Promise<T>): Promise<T> => {
    const database = await PgliteDatabase.open({ dataDir: dataDir(), cacheDir: SNAPSHOT_CACHE_DIR });
    try {
      return await work(database);
    } finally {
      await database.close();
    }
  };
  const latestReport = () => newestReport(path.join(workspace.dir, 'reports/migrate-deploy/apps/billing'));

  beforeEach(() => {
    delete process.env['DATABASE_URL'];
    workspace = temporaryDir('forge-deploy-embedded-');
    cpSync(path.join(EXAMPLES_DIR, 'billing'), path.join(workspace.dir, 'apps/billing'), { recursive: true });
    for (const level of ['info', 'warn', 'error'] as const) jest.spyOn(logger, level).mockImplementation(() => undefined);
  });
  afterEach(() => {
    jest.restoreAllMocks();
    process.env = { ...saved };
    workspace.remove();
  });

  it('deploys the history into the data folder, then restores its copy when a later deploy fails without a down', async () => {
    expect(await run()).toEqual({ success: true });
    expect(latestReport()).toMatchObject({
      status: 'deployed',
      applied: expect.arrayContaining(['20240101090000_init']),
      backup: { file: expect.stringMatching(/\.tar\.gz$/) },
    });
    await withDatabase((database) =>
      database.executeScript(
        `INSERT INTO "Customer" ("email", "name") SELECT 'c' || g || '@example.com', 'C' || g FROM generate_series(1, 30) g;`,
      ),
    );
    const before = await withDatabase(readDatabaseState);

    for (const [name, sql] of [
      ['20250101000000_add_note', 'ALTER TABLE "Customer" ADD COLUMN "note" TEXT;\n'],
      ['20250102000000_broken', 'UPDATE "Customer" SET "name" = upper("name");\nSELECT 1 / 0;\n'],
    ]) {
      mkdirSync(path.join(workspace.dir, MIGRATIONS, name));
      writeFileSync(path.join(workspace.dir, MIGRATIONS, name, 'migration.sql'), sql);
    }
    expect(await run()).toEqual({ success: false });

    expect(latestReport()).toMatchObject({ status: 'rolled-back', restored: true, error: expect.stringMatching(/division by zero/) });
    expect(await withDatabase(readDatabaseState)).toEqual(before);
    const kinds = await withDatabase((database) =>
      database.query<{ kind: string }>('SELECT kind FROM forge_migrations.events ORDER BY id'),
    );
    expect(kinds.map((row) => row.kind).slice(-7)).toEqual([
      'deploy_started',
      'backup_taken',
      'migration_applied',
      'deploy_failed',
      'rollback_started',
      'restored',
      'rollback_finished',
    ]);
  });

  it("rolls back by a down, then restores the deploy's data-folder copy with --fromBackup", async () => {
    expect(await run()).toEqual({ success: true });
    const deployBackup = latestReport().backup.file;
    await withDatabase((database) => database.executeScript(`INSERT INTO "Customer" ("email", "name") VALUES ('a@example.com', 'A');`));
    const rollback = (options: Record<string, unknown>) =>
      migrateRollbackExecutor({ lockTimeout: 5, yes: true, ...options }, executorContext(workspace.dir, 'billing', 'apps/billing'));

    expect(await rollback({ steps: 1 })).toEqual({ success: true });
    const applied = () =>
      withDatabase((database) =>
        database.query<{ migration_name: string }>('SELECT migration_name FROM _prisma_migrations WHERE rolled_back_at IS NULL ORDER BY 1'),
      );
    expect((await applied()).map((row) => row.migration_name)).not.toContain('20240415090000_invoice_audit_trigger');

    expect(await rollback({ fromBackup: deployBackup })).toEqual({ success: true });
    // The first deploy's copy is of the empty database.
    expect(
      await withDatabase((database) =>
        database.query("SELECT to_regclass('_prisma_migrations') AS migrations, to_regclass('\"Customer\"') AS customer"),
      ),
    ).toEqual([{ migrations: null, customer: null }]);
    const kinds = await withDatabase((database) =>
      database.query<{ kind: string }>('SELECT kind FROM forge_migrations.events ORDER BY id'),
    );
    // The copy predates the rollbacks' events: the restoring run writes its own again.
    expect(kinds.map((row) => row.kind).slice(-4)).toEqual(['rollback_started', 'backup_taken', 'restored', 'rollback_finished']);
  });
});
