import type { LockObservation } from '../core/lock-modes';
import { migrationChecksum } from '../core/migration-folders';
import { loadSqlParser } from '../core/sql/parser';
import { PgDatabase } from '../db/pg-database';
import type { MigrationHistory } from '../store/migration-store';
import { applyExistingHistory, applyPendingMigrations } from './apply-migrations';
import { SeedCounter, seedRepresentativeRows } from './data-seeder';
import { observeLocks } from './lock-sampler';
import { readTables } from './table-catalog';

export type LockMeasurement = LockObservation | { failure: string };

/**
 * Apply a new migration on a throwaway database of a PostgreSQL server, over the history and a
 * representative row in every table, and observe the locks it takes on the tables that existed.
 * The database is dropped afterwards, whatever happens.
 */
export async function measureLocks(server: { url: string; source: string }, history: MigrationHistory, migration: { name: string; sql: string }): Promise<LockMeasurement> {
  await loadSqlParser();
  const database = await PgDatabase.createThrowaway(server, 'locks');
  try {
    await applyExistingHistory(database, history.migrations);
    await seedRepresentativeRows(database, await readTables(database), new SeedCounter());
    const folder = { ...migration, dir: '', checksum: migrationChecksum(migration.sql) };
    const { observation } = await observeLocks(database, () => applyPendingMigrations(database, [...history.migrations, folder]));
    return observation;
  } catch (error) {
    return { failure: (error as Error).message };
  } finally {
    await database.close();
  }
}
