import type { MigrationFolder } from '../../store/migration-store';
import type { BackupRecord } from './backup';
import { type DatabaseState, readDatabaseState, stateDifferences } from './data-state';
import type { DeployTarget } from './deploy-target';
import type { EventLog } from './event-log';
import { runDowns } from './run-downs';

/**
 * The two ways a deploy, a recovery or a rollback undoes migrations, each recorded in the
 * history and proven against the state it must give back.
 */

/**
 * The downs of `migrations` (newest first), each recorded; then what still differs from
 * `before` (when given), or why the downs stopped. No difference: undone and proven.
 */
export async function undoByDowns(target: DeployTarget, events: EventLog, migrations: readonly MigrationFolder[], before?: DatabaseState): Promise<{ undone: string[]; differences: string[] }> {
  const downs = await runDowns(target.database, migrations, (name, ms) => events.record('migration_rolled_back', { migrations: [name], durationMs: ms }));
  if (downs.stopped) return { undone: downs.undone, differences: [`${downs.stopped.migration}: ${downs.stopped.reason}`] };
  return { undone: downs.undone, differences: before ? stateDifferences(before, await readDatabaseState(target.database)) : [] };
}

/**
 * Restore `backup`; the embedded database's copy predates this run's events from `replayFrom` on,
 * which are written again; then what still differs from `before` (when given). Throws when the
 * restore itself fails (it leaves the database as it was).
 */
export async function restoreAndCompare(
  target: DeployTarget,
  events: EventLog,
  backup: BackupRecord,
  proof: { before?: DatabaseState; replayFrom: number; because?: string[] },
): Promise<string[]> {
  await target.restore(backup);
  if (backup.kind === 'pglite') await events.replay(proof.replayFrom);
  await events.record('restored', { details: { file: backup.file, sha256: backup.sha256, ...(proof.because ? { because: proof.because } : {}) } });
  return proof.before ? stateDifferences(proof.before, await readDatabaseState(target.database)) : [];
}
