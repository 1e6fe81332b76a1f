import { logger } from '@nx/devkit';
import type { AssessedFinding } from '../../core/safety/impact';
import type { MigrationHistory } from '../../adapters/store/migration-store';
import { PgDatabase } from '../../adapters/db/pg-database';
import { SeedCounter, seedRepresentativeRows } from '../test/data-seeder';
import { applyExistingHistory, applyPendingMigrations } from '../shared/apply-migrations';
import { describeLock, type LockObservation } from '../../core/lock-modes';
import type { SqlParser } from '../../core/sql/parser';
import { migrationChecksum } from '../../core/migration-folders';
import { observeLocks } from '../shared/lock-sampler';
import { readTables } from '../shared/table-catalog';
import { withLockEvidence } from '../../core/safety/lock-evidence';

export type LockMeasurement = LockObservation | { failure: string };

/**
 * Apply a new migration on a throwaway database of a PostgreSQL server, over the history and a
 * representative row in every table, and observe the locks it takes on the tables that existed.
 * The database is dropped afterwards, whatever happens.
 */
export async function measureLocks(
  parser: SqlParser,
  server: { url: string; source: string },
  history: MigrationHistory,
  migration: { name: string; sql: string },
): Promise<LockMeasurement> {
  const database = await PgDatabase.createThrowaway(server, 'locks');
  try {
    await applyExistingHistory(parser, database, history.migrations);
    await seedRepresentativeRows(database, await readTables(database), new SeedCounter());
    const folder = { ...migration, dir: '', checksum: migrationChecksum(migration.sql) };
    const { observation } = await observeLocks(database, () => applyPendingMigrations(parser, database, [...history.migrations, folder]));
    return observation;
  } catch (error) {
    return { failure: (error as Error).message };
  } finally {
    await database.close();
  }
}

/** A PostgreSQL server to measure a new migration's locks on, or why they are not measured. */
export type LockServer = { server: { url: string; source: string } } | { unmeasured: string };

export function lockServerOf(url: string | undefined, variable: string): LockServer {
  if (url) return { server: { url, source: variable } };
  return { unmeasured: `Locks were not measured: set ${variable} to a PostgreSQL server to see the locks this migration takes.` };
}

/** The locks the new migration takes, next to its findings: measured on a throwaway database of the test server when there is one. */
export async function withMeasuredLocks(
  parser: SqlParser,
  locks: LockServer,
  history: MigrationHistory,
  migration: { name: string; sql: string },
  findings: AssessedFinding[],
): Promise<{ findings: Array<AssessedFinding & { evidence?: string }>; lockEvidence: string }> {
  if ('unmeasured' in locks) return { findings, lockEvidence: locks.unmeasured };
  const measured = await measureLocks(parser, locks.server, history, migration);
  if ('failure' in measured) {
    logger.warn(`${migration.name}: on PostgreSQL, over a representative row in every table, the migration fails: ${measured.failure}`);
    return { findings, lockEvidence: `On PostgreSQL, over a representative row in every table, this migration fails: ${measured.failure}` };
  }
  const strongest = measured.locks.map(describeLock);
  return {
    findings: withLockEvidence(findings, measured),
    lockEvidence: `Locks observed on PostgreSQL (a throwaway database holding the history and a representative row in every table): ${
      strongest.length ? strongest.join('; ') : 'none on existing tables'
    }.`,
  };
}
