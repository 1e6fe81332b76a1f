import { migrationChecksum } from '../../core/migration-folders';
import { loadSqlParser, type SqlParser } from '../../core/sql/parser';
import type { Database } from '../../adapters/db/database';
import type { MigrationFolder } from '../../adapters/store/migration-store';
import { openTestDatabase } from '../../test-support/databases';
import { applyPendingMigrations } from './apply-migrations';
import { observeLocks } from './lock-sampler';

const folder = (name: string, sql: string): MigrationFolder => ({ name, dir: `/virtual/${name}`, sql, checksum: migrationChecksum(sql) });

const INIT = folder(
  '1_init',
  'CREATE TABLE "Big" ("id" INTEGER PRIMARY KEY, "note" TEXT); INSERT INTO "Big" SELECT g, ' +
    'g::text FROM generate_series(1, 1000) g; CREATE TABLE "Quiet" ("id" INTEGER);',
);

describe('observeLocks on PostgreSQL', () => {
  let database: Database;
  let parser: SqlParser;
  beforeAll(async () => {
    parser = await loadSqlParser();
  });
  beforeEach(async () => {
    database = await openTestDatabase('postgresql', { label: 'locks' });
    await applyPendingMigrations(parser, database, [INIT]);
  });
  afterEach(() => database.close());

  it('sees the strongest lock a migration holds on each existing table, and for how long, never on a table it creates', async () => {
    const migration = folder(
      '2_alter',
      'CREATE INDEX "Big_note_idx" ON "Big"("note");\nALTER TABLE "Big" ADD COLUMN "flag" ' +
        'BOOLEAN;\nCREATE TABLE "Fresh" ("id" INTEGER);\nSELECT pg_sleep(0.3);',
    );
    const {
      observation: { locks },
    } = await observeLocks(database, () => applyPendingMigrations(parser, database, [INIT, migration]));
    expect(locks.map(({ table, mode }) => [table, mode])).toEqual([['public."Big"', 'AccessExclusiveLock']]);
    expect(locks[0].heldMs).toBeGreaterThanOrEqual(200);
    expect(locks[0].resolutionMs).toBeLessThan(50);
  });

  it('sees a weaker lock for a weaker change: an index build blocks writes, not reads', async () => {
    const migration = folder('2_index', 'CREATE INDEX "Big_note_idx" ON "Big"("note");\nSELECT pg_sleep(0.2);');
    const {
      observation: { locks },
    } = await observeLocks(database, () => applyPendingMigrations(parser, database, [INIT, migration]));
    expect(locks.map(({ table, mode }) => [table, mode])).toEqual([['public."Big"', 'ShareLock']]);
  });

  it("passes on the migration's failure untouched", async () => {
    const migration = folder('2_broken', 'ALTER TABLE "Missing" ADD COLUMN "x" INTEGER;');
    await expect(observeLocks(database, () => applyPendingMigrations(parser, database, [INIT, migration]))).rejects.toThrow(
      /relation "Missing" does not exist/,
    );
  });
});
