import { compareFingerprints, describeDifference, isSameSchema, type SchemaFingerprint } from '../../core/fingerprint';
import { randomUUID } from 'node:crypto';
import { readArchiveTargets } from '../../core/archive/archive-targets';
import type { SqlParser } from '../../core/sql/parser';
import { markRolledBack } from '../../core/sql/prisma-migrations-table';
import type { MigrationTestResult } from '../../core/test-report';
import type { Database } from '../../adapters/db/database';
import type { MigrationFolder } from '../../adapters/store/migration-store';
import { applyPendingMigrations } from '../shared/apply-migrations';
import { captureBefore } from '../shared/archive-capture';
import { checkRestores, downWithRestores, restoreAfterReapply } from '../shared/archive-restore';
import { lastCapture } from '../shared/archive-registry';
import { archiveDownDrops } from '../shared/down-drops';
import { fingerprintSchema } from '../shared/catalog-fingerprint';

/**
 * Prove a migration's down script: down (with what the migration's archives kept put back), and
 * the schema must equal the one before the migration and each archived table its rows before;
 * up again, and the schema must equal the one after. Sets the result's `down` and `downDetails`, and
 * returns the fingerprint of the schema the database is left with.
 */
export async function proveDown(
  parser: SqlParser,
  database: Database,
  upToThis: MigrationFolder[],
  migration: MigrationFolder,
  result: MigrationTestResult,
  { before, after, archived }: { before: SchemaFingerprint; after: SchemaFingerprint; archived: boolean },
): Promise<SchemaFingerprint> {
  if (migration.down?.kind !== 'script') {
    result.down = migration.down ? 'irreversible' : 'missing';
    return after;
  }
  const down = archived
    ? await downWithRestores(parser, database, { name: migration.name, sql: migration.sql, down: migration.down })
    : { script: migration.down.sql, archives: [] };
  if ('stop' in down && down.stop) {
    result.down = 'failed';
    result.downDetails = [`down.sql would not run: ${down.stop}`];
    return after;
  }
  try {
    // The other direction, as a rollback does: what the down drops is kept for the migration's next apply to put back.
    await archiveDownDrops(parser, database, migration.name, migration.down.sql, PROOF_POLICY);
    await database.executeScript(down.script);
  } catch (error) {
    // The down script ran in one transaction: nothing of it stayed.
    result.down = 'failed';
    result.downDetails = [`down.sql failed: ${(error as Error).message}`];
    return after;
  }
  const afterDown = compareFingerprints(before, await fingerprintSchema(database));
  const restored = await checkRestores(database, down.archives, { compare: true });
  const notRestored = restored.filter((table) => !table.equal).map((table) => `after down.sql: ${table.line}`);
  await database.query(markRolledBack(migration.name));
  let putBack: Array<{ equal: boolean; line: string }> = [];
  try {
    await applyPendingMigrations(parser, database, upToThis);
    putBack = await restoreAfterReapply(parser, database, migration.sql, (await lastCapture(database, migration.name, 'down')).kept, {
      compare: true,
    });
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
  notRestored.push(...putBack.filter((table) => !table.equal).map((table) => `after re-applying: ${table.line}`));
  if (isSameSchema(afterDown) && isSameSchema(afterUp) && notRestored.length === 0) {
    result.down = 'verified';
    const lines = [...restored, ...putBack].map((table) => table.line);
    if (lines.length) result.restored = lines;
    return current;
  }
  result.down = 'failed';
  result.downDetails = [
    ...describeDifference(afterDown).map((line) => `after down.sql: ${line}`),
    ...notRestored,
    ...describeDifference(afterUp).map((line) => `after re-applying: ${line}`),
  ];
  return current;
}

const PROOF_RUN = randomUUID();
/** A throwaway database: archives of any size, kept for the run. */
const PROOF_POLICY = { retentionSeconds: 86_400, maxBytes: Number.POSITIVE_INFINITY };

/**
 * Before a migration with a down script is applied: archive what it drops, as a deploy would, so
 * that its proof covers the data coming back; whether it kept anything. What does not parse is
 * left to the apply to report.
 */
export async function archiveForProof(parser: SqlParser, database: Database, migration: MigrationFolder): Promise<boolean> {
  if (migration.down?.kind !== 'script') return false;
  const run = { runId: PROOF_RUN, migration: migration.name, direction: 'up' as const };
  return (await captureBefore(database, readArchiveTargets(parser, migration.sql), run, PROOF_POLICY)).kept.length > 0;
}
