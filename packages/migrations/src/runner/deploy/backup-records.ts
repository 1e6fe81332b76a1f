import path from 'node:path';
import { EVENTS_EXIST, VENTURE_EVENTS } from '../../core/deploy/events';
import type { SqlRunner } from '../../db/database';
import type { BackupRecord } from './backup';
import type { DatabaseState } from './data-state';

/** A backup as the deploy history recorded it: with the state and the migrations it holds. */
export interface RecordedBackup extends BackupRecord {
  before?: DatabaseState;
  applied?: string[];
}

/** The backups the deploy history recorded, newest first; the newest `limit` when given. */
export async function recordedBackups(database: SqlRunner, limit?: number): Promise<RecordedBackup[]> {
  const [{ exists }] = await database.query<{ exists: boolean }>(EVENTS_EXIST);
  if (!exists) return [];
  const rows = await database.query<{ details: RecordedBackup }>(
    `SELECT details FROM ${VENTURE_EVENTS} WHERE kind = 'backup_taken' AND details IS NOT NULL ORDER BY id DESC${limit === undefined ? '' : ` LIMIT ${Math.floor(limit)}`}`,
  );
  return rows.map((row) => row.details);
}

/** The record of a backup file, matched by its name (the file may have been copied elsewhere since). */
export async function findBackupRecord(database: SqlRunner, file: string): Promise<RecordedBackup | undefined> {
  return (await recordedBackups(database)).find((record) => path.basename(record.file) === path.basename(file));
}
