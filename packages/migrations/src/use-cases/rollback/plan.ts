import path from 'node:path';
import {
  dropKey,
  migrationsToUndo,
  renderImpact,
  type RollbackImpact,
  type RollbackSelector,
  undoImpact,
} from '../../core/deploy/rollback-plan';
import { ForgeError } from '../../core/errors';
import { type schemaVersions, versionOf } from '../../core/schema-version';
import { quoteIdentifier } from '../../core/sql/quote';
import type { SqlRunner } from '../../adapters/db/database';
import { verifyChecksum } from '../../adapters/db/backup';
import { readTestReport } from '../../adapters/store/test-report-file';
import { readAppliedState } from '../deploy/applied-state';
import { readDatabaseState } from '../deploy/data-state';
import { backupRecord, backupRecords, type RecordedBackup } from '../deploy/event-store';
import { backupKind, recordedChecksum } from '../deploy/take-backup';
import type { RollbackInput } from '../rollback';

/** What a rollback will do, before it changes anything: its impact, the migrations it undoes, or the backup it restores. */
export interface RollbackPlan {
  impact: string[];
  /** The migrations undone, newest first. */
  undo: string[];
  toVersion?: string;
  restore?: RecordedBackup;
}

export async function planDowns(
  input: RollbackInput,
  selector: RollbackSelector | undefined,
  applied: ReadonlyMap<string, unknown>,
  versions: ReturnType<typeof schemaVersions>,
): Promise<RollbackPlan> {
  const undo = migrationsToUndo(input.history.migrations, applied, selector ?? { steps: 1 }, versions);
  const testReport = readTestReport(input.testReportFile);
  const migrations = undo.map((migration) => undoImpact(input.parser, migration, versions, testReport));
  const blocked = migrations.filter((migration) => migration.down !== 'script');
  if (blocked.length) {
    const backups = await latestBackups(input, 3);
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

export async function planRestore(input: RollbackInput, file: string): Promise<RollbackPlan> {
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

/** The latest backups of the database, newest first, named from the workspace: what `fromBackup` could restore. */
export async function latestBackups(input: Pick<RollbackInput, 'target' | 'workspaceRoot'>, count: number): Promise<string[]> {
  return (await backupRecords(input.target.database, count)).map((record) => path.relative(input.workspaceRoot, record.file));
}
