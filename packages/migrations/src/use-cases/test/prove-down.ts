import { compareFingerprints, describeDifference, isSameSchema, type SchemaFingerprint } from '../../core/fingerprint';
import type { SqlParser } from '../../core/sql/parser';
import { markRolledBack } from '../../core/sql/prisma-migrations-table';
import type { MigrationTestResult } from '../../core/test-report';
import type { Database } from '../../adapters/db/database';
import type { MigrationFolder } from '../../adapters/store/migration-store';
import { applyPendingMigrations } from '../shared/apply-migrations';
import { fingerprintSchema } from '../shared/catalog-fingerprint';

/**
 * Prove a migration's down script: down, and the schema must equal the one before the migration;
 * up again, and it must equal the one after. Sets the result's `down` and `downDetails`, and
 * returns the fingerprint of the schema the database is left with.
 */
export async function proveDown(
  parser: SqlParser,
  database: Database,
  upToThis: MigrationFolder[],
  migration: MigrationFolder,
  result: MigrationTestResult,
  before: SchemaFingerprint,
  after: SchemaFingerprint,
): Promise<SchemaFingerprint> {
  if (migration.down?.kind !== 'script') {
    result.down = migration.down ? 'irreversible' : 'missing';
    return after;
  }
  try {
    await database.executeScript(migration.down.sql);
  } catch (error) {
    // The down script ran in one transaction: nothing of it stayed.
    result.down = 'failed';
    result.downDetails = [`down.sql failed: ${(error as Error).message}`];
    return after;
  }
  const afterDown = compareFingerprints(before, await fingerprintSchema(database));
  await database.query(markRolledBack(migration.name));
  try {
    await applyPendingMigrations(parser, database, upToThis);
  } catch (error) {
    result.down = 'failed';
    result.downDetails = [
      ...describeDifference(afterDown).map((line) => `after down.sql: ${line}`),
      `re-applying the migration after down.sql failed: ${(error as Error).message}`,
    ];
    return fingerprintSchema(database);
  }
  const current = await fingerprintSchema(database);
  const afterUp = compareFingerprints(after, current);
  if (isSameSchema(afterDown) && isSameSchema(afterUp)) {
    result.down = 'verified';
    return current;
  }
  result.down = 'failed';
  result.downDetails = [
    ...describeDifference(afterDown).map((line) => `after down.sql: ${line}`),
    ...describeDifference(afterUp).map((line) => `after re-applying: ${line}`),
  ];
  return current;
}
