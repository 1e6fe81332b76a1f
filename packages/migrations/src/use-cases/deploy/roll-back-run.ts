import { markRolledBack } from '../../core/sql/prisma-migrations-table';
import type { BackupRecord } from '../../adapters/db/backup';
import type { MigrationFolder } from '../../adapters/store/migration-store';
import type { DeployInput } from '../deploy';
import { readAppliedState } from './applied-state';
import type { DatabaseState } from './data-state';
import type { EventLog } from './event-log';
import { undoDeploy } from './undo';

export interface RollbackOutcome {
  ok: boolean;
  rolledBack: string[];
  restored: boolean;
  error?: string;
}

/**
 * Undo this run: the downs of what it applied, newest first; the backup when a down is missing,
 * irreversible or fails, or when the downs do not give back the state from before. Proven by the
 * schema fingerprint and every table's row count and checksum.
 */
export async function rollBack(
  input: DeployInput,
  events: EventLog,
  applied: MigrationFolder[],
  before: DatabaseState,
  backup: BackupRecord,
  eventsSinceBackup: number,
): Promise<RollbackOutcome> {
  const { target } = input;
  await events.record('rollback_started', { migrations: applied.map((migration) => migration.name) });
  // The migration that failed left at most a failed row: its work was rolled back with its transaction.
  const failing = applied[applied.length - 1];
  const state = await readAppliedState(target.database);
  const done = applied.filter((migration) => state.applied.has(migration.name));
  if (failing && !state.applied.has(failing.name)) {
    await target.database.query(markRolledBack(failing.name));
  }
  const undo = await undoDeploy(input.parser, target, events, [...done].reverse(), {
    deploy: 'the deploy',
    backup,
    before,
    replayFrom: eventsSinceBackup,
  });
  if (!undo.failure)
    return { ok: true, rolledBack: undo.restored ? applied.map((migration) => migration.name) : undo.undone, restored: undo.restored };
  const error = undo.failure.restoreError
    ? `restoring the backup failed: ${undo.failure.restoreError.message}`
    : `after the restore the database still differs from before the deploy: ${undo.failure.differences.join('; ')}`;
  return { ok: false, rolledBack: undo.undone, restored: undo.restored, error };
}
