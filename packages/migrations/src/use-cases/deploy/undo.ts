import type { SqlParser } from '../../core/sql/parser';
import type { MigrationFolder } from '../../adapters/store/migration-store';
import type { BackupRecord } from '../../adapters/db/backup';
import { type DatabaseState, readDatabaseState, stateDifferences } from './data-state';
import type { DeployTarget } from '../../adapters/db/deploy-target';
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
export async function undoByDowns(
  parser: SqlParser,
  target: DeployTarget,
  events: EventLog,
  migrations: readonly MigrationFolder[],
  before?: DatabaseState,
): Promise<{ undone: string[]; differences: string[] }> {
  const downs = await runDowns(
    parser,
    target.database,
    migrations,
    async (name, ms, restored) => {
      restored.forEach((line) => events.log(`${name}: ${line}`));
      await events.record('migration_rolled_back', {
        migrations: [name],
        durationMs: ms,
        ...(restored.length ? { details: { restored } } : {}),
      });
    },
    events.log,
  );
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
  await events.record('restored', {
    details: { file: backup.file, sha256: backup.sha256, ...(proof.because ? { because: proof.because } : {}) },
  });
  return proof.before ? stateDifferences(proof.before, await readDatabaseState(target.database)) : [];
}

/** How undoing a deploy went: `failure` says why the result is not proven, when it is not. */
export interface DeployUndo {
  /** What the downs undid. */
  undone: string[];
  restored: boolean;
  failure?: { differences: string[]; restoreError?: Error };
}

/**
 * Undo a deploy: the downs of `migrations` (newest first); the backup when a down is missing,
 * irreversible or fails, or when the downs do not give back `before`; proven against `before`.
 */
export async function undoDeploy(
  parser: SqlParser,
  target: DeployTarget,
  events: EventLog,
  migrations: readonly MigrationFolder[],
  fallback: { deploy: string; backup?: BackupRecord; before?: DatabaseState; replayFrom: number },
): Promise<DeployUndo> {
  const { backup, before } = fallback;
  const downs = await undoByDowns(parser, target, events, migrations, before);
  if (downs.differences.length === 0) return { undone: downs.undone, restored: false };
  if (!backup) return { undone: downs.undone, restored: false, failure: { differences: downs.differences } };
  events.log(`the downs did not give back the state before ${fallback.deploy} (${downs.differences.join('; ')}): restoring ${backup.file}`);
  let differences: string[];
  try {
    differences = await restoreAndCompare(target, events, backup, { before, replayFrom: fallback.replayFrom, because: downs.differences });
  } catch (error) {
    return { undone: downs.undone, restored: false, failure: { differences: downs.differences, restoreError: error as Error } };
  }
  return { undone: downs.undone, restored: true, ...(differences.length ? { failure: { differences } } : {}) };
}
