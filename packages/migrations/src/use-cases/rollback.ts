import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { RollbackSelector } from '../core/deploy/rollback-plan';
import type { SqlParser } from '../core/sql/parser';
import { selectorThrough, type ThroughSelector } from '../core/deploy/rollback-through';
import { ForgeError } from '../core/errors';
import { schemaVersions, versionOf } from '../core/schema-version';
import { type BackupRecord, pruneBackups } from '../adapters/db/backup';
import type { DeployTarget } from '../adapters/db/deploy-target';
import type { MigrationHistory } from '../adapters/store/migration-store';
import { readAppliedState } from './deploy/applied-state';
import { EventLog, type RecordedEvent } from './deploy/event-log';
import type { RecordedBackup } from './deploy/event-store';
import { refuseEditedMigrations } from './deploy/preflight';
import { type BackupPlace, stateAndBackup } from './deploy/take-backup';
import { restoreAndCompare, undoByDowns } from './deploy/undo';
import { planDowns, planRestore } from './rollback/plan';
import { dropRestoredLeftovers } from './shared/archive-registry';

export { latestBackups } from './rollback/plan';

export interface RollbackInput extends BackupPlace {
  parser: SqlParser;
  environment: string;
  target: DeployTarget;
  history: MigrationHistory;
  backupRetention: number;
  /** Which migrations to undo by their downs; or `fromBackup`, a backup file to restore. */
  selector?: RollbackSelector | ThroughSelector;
  fromBackup?: string;
  /** The latest migrate-test report (whether each down was verified), absolute. */
  testReportFile: string;
  /** Shown the impact; true to go ahead. */
  confirm(impact: string[]): Promise<boolean>;
}

export type RollbackStatus = 'rolled-back' | 'restored' | 'declined' | 'rollback-failed';

export interface RollbackResult {
  ok: boolean;
  runId: string;
  status: RollbackStatus;
  database: string;
  startedAt: string;
  durationMs: number;
  impact: string[];
  rolledBack: string[];
  restored: boolean;
  /** The backup taken before this rollback changed anything. */
  backup?: BackupRecord;
  version: { from: string; to: string };
  error?: string;
  events: RecordedEvent[];
}

/**
 * `migrate-rollback` on a database held under the deploy lock: the impact first, then (once
 * confirmed) a verified backup, then the downs newest first, each committed with the marking of
 * its `_prisma_migrations` row as rolled back, so `prisma migrate deploy` applies it again later.
 * Or, with `fromBackup`, that backup restored after its SHA-256 is checked, proven against the
 * state recorded when it was taken. Refusals throw before anything changed.
 */
export async function rollback(input: RollbackInput): Promise<RollbackResult> {
  const started = Date.now();
  const runId = randomUUID();
  const { target, history } = input;
  const state = await readAppliedState(target.database);
  refuseEditedMigrations(history, state, target.label);
  if (state.failed.length) {
    throw new ForgeError(
      'ROLLBACK_REFUSED',
      `${state.failed.map((row) => row.migration_name).join(', ')} failed or was interrupted in an earlier deploy: nothing was rolled back.`,
      `Run nx run ${input.project}:migrate-deploy first (it recovers what an interrupted deploy left), or restore a backup with --fromBackup.`,
    );
  }
  const versions = schemaVersions(input.parser, history.migrations);
  const fromVersion = versionOf(versions, state.applied);
  const selector =
    input.selector && 'through' in input.selector
      ? selectorThrough(history.migrations, state.applied, input.selector.through)
      : input.selector;
  const plan = input.fromBackup ? await planRestore(input, input.fromBackup) : await planDowns(input, selector, state.applied, versions);
  const impact = [
    ...plan.impact,
    `  First, a verified backup of the database as it is now goes into ${path.relative(input.workspaceRoot, input.backupDir) || '.'}.`,
  ];
  const result = (
    fields: Partial<RollbackResult> & Pick<RollbackResult, 'ok' | 'status'>,
    events: RecordedEvent[] = [],
  ): RollbackResult => ({
    runId,
    database: target.label,
    startedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
    impact,
    rolledBack: [],
    restored: false,
    version: { from: fromVersion, to: plan.toVersion ?? '?' },
    events,
    ...fields,
  });
  if (!(await input.confirm(impact))) return result({ ok: false, status: 'declined', error: 'Not confirmed: nothing was rolled back.' });

  const events = await EventLog.open(
    () => target.database,
    { runId, environment: input.environment, workspaceRoot: input.workspaceRoot },
    input.log,
  );
  await events.record('rollback_started', {
    migrations: plan.undo,
    details: input.fromBackup ? { fromBackup: input.fromBackup } : { selector, from: fromVersion, to: plan.toVersion },
  });
  let backup: BackupRecord;
  try {
    const [before, taken] = await stateAndBackup(target, input, runId);
    backup = taken;
    await events.record('backup_taken', { details: { ...backup, before, applied: [...state.applied.keys()] } });
    await dropRestoredLeftovers(target.database);
  } catch (error) {
    await events.record('rollback_failed', { error: (error as Error).message, durationMs: Date.now() - started });
    throw error;
  }

  const { failure, restored } = plan.restore ? await restoreBackup(input, events, plan.restore) : await undoNamed(input, events, plan.undo);
  const after = await readAppliedState(target.database);
  const toVersion = versionOf(versions, after.applied);
  const rolledBack = plan.undo.filter((name) => !after.applied.has(name));
  if (failure) {
    const where = plan.restore
      ? restored
        ? 'The backup was restored, and differs from what was recorded with it.'
        : 'The restore ran as one transaction: the database is as it was before it.'
      : `The database is at a migration boundary (version ${toVersion})${rolledBack.length ? `: ${rolledBack.join(', ')} rolled back` : ''}.`;
    const error =
      `${failure}\n${where} To return to where this rollback began: nx ` +
      `run ${input.project}:migrate-rollback ` +
      `--fromBackup=${path.relative(input.workspaceRoot, backup.file)}`;
    await events.record('rollback_failed', { migrations: rolledBack, error, durationMs: Date.now() - started });
    return result(
      { ok: false, status: 'rollback-failed', backup, rolledBack, restored, error, version: { from: fromVersion, to: toVersion } },
      events.events,
    );
  }
  await events.record('rollback_finished', { migrations: rolledBack, durationMs: Date.now() - started, details: { version: toVersion } });
  await pruneBackups(input.backupDir, `${input.project}-`, input.backupRetention);
  return result(
    {
      ok: true,
      status: restored ? 'restored' : 'rolled-back',
      backup,
      rolledBack,
      restored,
      version: { from: fromVersion, to: toVersion },
    },
    events.events,
  );
}

/** How the rollback's change went: `failure` says why it stopped, when it did. */
interface ChangeOutcome {
  restored: boolean;
  failure?: string;
}

async function undoNamed(input: RollbackInput, events: EventLog, names: string[]): Promise<ChangeOutcome> {
  const migrations = names.map((name) => input.history.migrations.find((migration) => migration.name === name)!);
  const { differences } = await undoByDowns(input.parser, input.target, events, migrations);
  return { restored: false, failure: differences[0] };
}

/** Restore the backup; then the database must be the state recorded when it was taken. */
async function restoreBackup(input: RollbackInput, events: EventLog, record: RecordedBackup): Promise<ChangeOutcome> {
  let differences: string[];
  try {
    // The embedded database's copy holds the history as it was then: this run's events are written again.
    differences = await restoreAndCompare(input.target, events, record, { before: record.before, replayFrom: 0 });
  } catch (error) {
    return { restored: false, failure: `restoring ${record.file} failed: ${(error as Error).message}` };
  }
  return {
    restored: true,
    failure: differences.length
      ? `after the restore, the database differs from the state recorded with the backup: ${differences.join('; ')}`
      : undefined,
  };
}
