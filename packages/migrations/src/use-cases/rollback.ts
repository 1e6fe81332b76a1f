import { randomUUID } from 'node:crypto';
import path from 'node:path';
import {
  dropKey,
  migrationsToUndo,
  renderImpact,
  type RollbackImpact,
  type RollbackSelector,
  undoImpact,
} from '../core/deploy/rollback-plan';
import { ForgeError } from '../core/errors';
import { schemaVersions, versionOf } from '../core/schema-version';
import type { SqlParser } from '../core/sql/parser';
import { quoteIdentifier } from '../core/sql/quote';
import type { TestReport } from '../core/test-report';
import type { SqlRunner } from '../adapters/db/database';
import type { MigrationHistory } from '../adapters/store/migration-store';
import { readAppliedState } from './deploy/applied-state';
import { type BackupRecord, pruneBackups, verifyChecksum } from '../adapters/db/backup';
import { readDatabaseState } from './deploy/data-state';
import type { DeployTarget } from '../adapters/db/deploy-target';
import { EventLog, type RecordedEvent } from './deploy/event-log';
import { backupRecord, backupRecords, type RecordedBackup } from './deploy/event-store';
import { refuseEditedMigrations } from './deploy/preflight';
import { restoreAndCompare, undoByDowns } from './deploy/undo';
import { backupKind, type BackupPlace, recordedChecksum, stateAndBackup } from './deploy/take-backup';

export interface RollbackInput extends BackupPlace {
  parser: SqlParser;
  environment: string;
  target: DeployTarget;
  history: MigrationHistory;
  backupRetention: number;
  /** Which migrations to undo by their downs; or `fromBackup`, a backup file to restore. */
  selector?: RollbackSelector;
  fromBackup?: string;
  /** The latest migrate-test report: whether each down was verified. */
  testReport?: TestReport;
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
  const plan = input.fromBackup ? await planRestore(input, input.fromBackup) : await planDowns(input, state.applied, versions);
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
    details: input.fromBackup ? { fromBackup: input.fromBackup } : { selector: input.selector, from: fromVersion, to: plan.toVersion },
  });
  let backup: BackupRecord;
  try {
    const [before, taken] = await stateAndBackup(target, input, runId);
    backup = taken;
    await events.record('backup_taken', { details: { ...backup, before, applied: [...state.applied.keys()] } });
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

interface RollbackPlan {
  impact: string[];
  /** The migrations undone, newest first. */
  undo: string[];
  toVersion?: string;
  restore?: RecordedBackup;
}

async function planDowns(
  input: RollbackInput,
  applied: ReadonlyMap<string, unknown>,
  versions: ReturnType<typeof schemaVersions>,
): Promise<RollbackPlan> {
  const undo = migrationsToUndo(input.history.migrations, applied, input.selector ?? { steps: 1 }, versions);
  const migrations = undo.map((migration) => undoImpact(input.parser, migration, versions, input.testReport));
  const blocked = migrations.filter((migration) => migration.down !== 'script');
  if (blocked.length) {
    const backups = (await backupRecords(input.target.database, 3)).map((record) => path.relative(input.workspaceRoot, record.file));
    throw new ForgeError(
      'ROLLBACK_REFUSED',
      `${blocked.map((migration) => `${migration.name} cannot be undone by a down: ${migration.reason}`).join('; ')}. Nothing was rolled back.`,
      `Restore a backup taken before it instead: nx run ${input.project}:migrate-rollback ` +
        `--fromBackup=<file>${backups.length ? ` (the latest: ${backups.join(', ')})` : ''}.`,
    );
  }
  for (const migration of migrations) {
    for (const drop of migration.drops) {
      if (drop.table !== undefined) migration.rows[dropKey(drop)] = await liveRows(input.target.database, drop.table, drop.column);
    }
  }
  const kept = new Set(applied.keys());
  for (const migration of undo) kept.delete(migration.name);
  const toVersion = versionOf(versions, kept);
  const impact: RollbackImpact = {
    database: input.target.label,
    environment: input.environment,
    fromVersion: versionOf(versions, applied),
    toVersion,
    migrations,
  };
  return { impact: renderImpact(impact), undo: undo.map((migration) => migration.name), toVersion };
}

/** Rows of a table (or its rows holding a value in a column) a down would drop; -1 when it does not exist now. */
async function liveRows(database: SqlRunner, table: string, column?: string): Promise<number> {
  const [{ exists }] = await database.query<{ exists: boolean }>('SELECT to_regclass($1) IS NOT NULL AS exists', [quoteIdentifier(table)]);
  if (!exists) return -1;
  const [{ rows }] = await database
    .query<{ rows: string }>(`SELECT count(${column ? quoteIdentifier(column) : '*'})::text AS rows FROM ${quoteIdentifier(table)}`)
    .catch(() => [{ rows: '-1' }]);
  return Number(rows);
}

async function planRestore(input: RollbackInput, file: string): Promise<RollbackPlan> {
  const absolute = path.resolve(input.workspaceRoot, file);
  const kind = backupKind(absolute, input.target);
  const recorded = await backupRecord(input.target.database, absolute);
  const beside = await recordedChecksum(absolute);
  const sha256 = recorded?.sha256 ?? beside;
  if (!sha256) {
    throw new ForgeError(
      'BACKUP_INVALID',
      `${file} has no recorded SHA-256: neither the deploy history ` +
        `nor ${path.basename(absolute)}.sha256 beside it knows it, so it cannot be checked. Nothing was ` +
        `restored.`,
      'Restore only backups taken by migrate-deploy or migrate-rollback, with their .sha256 file.',
    );
  }
  if (recorded && beside && recorded.sha256 !== beside) {
    throw new ForgeError(
      'BACKUP_INVALID',
      `${file}: the SHA-256 in the deploy history and the one in ${path.basename(absolute)}.sha256 differ. Nothing was restored.`,
      'Use another backup.',
    );
  }
  const record: RecordedBackup = {
    ...recorded,
    file: absolute,
    kind,
    sha256,
    bytes: recorded?.bytes ?? 0,
    createdAt: recorded?.createdAt ?? 'unknown',
  };
  await verifyChecksum(record);
  const now = await readAppliedState(input.target.database);
  const undo = input.history.migrations
    .filter((migration) => now.applied.has(migration.name) && record.applied && !record.applied.includes(migration.name))
    .map((migration) => migration.name)
    .reverse();
  const impact = [`Restore of ${input.target.label} (${input.environment}) from ${file}, taken ${record.createdAt} (SHA-256 checked):`];
  if (record.applied) impact.push(`  migrations it undoes: ${undo.join(', ') || 'none'}`);
  else impact.push('  the migrations it holds are not recorded: see its _prisma_migrations after the restore');
  if (record.before) {
    const current = new Map((await readDatabaseState(input.target.database)).tables.map((table) => [table.table, table.rows]));
    for (const table of record.before.tables) {
      const rows = current.get(table.table);
      if (rows !== table.rows) impact.push(`  ${table.table}: ${rows ?? 'no table'} rows now, ${table.rows} in the backup`);
    }
    for (const [table, rows] of current)
      if (!record.before.tables.some((kept) => kept.table === table))
        impact.push(`  ${table}: ${rows} rows now, not in the backup (dropped)`);
  }
  impact.push('  Everything written since the backup is lost (the backup of now, taken first, keeps it).');
  return { impact, undo, restore: record };
}

/** How the rollback's change went: `failure` says why it stopped, when it did. */
interface ChangeOutcome {
  restored: boolean;
  failure?: string;
}

async function undoNamed(input: RollbackInput, events: EventLog, names: string[]): Promise<ChangeOutcome> {
  const migrations = names.map((name) => input.history.migrations.find((migration) => migration.name === name)!);
  const { differences } = await undoByDowns(input.target, events, migrations);
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
