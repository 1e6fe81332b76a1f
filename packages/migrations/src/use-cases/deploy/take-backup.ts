import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ForgeError } from '../../core/errors';
import type { BackupRecord } from '../../adapters/db/backup';
import { type DatabaseState, readDatabaseState } from './data-state';
import type { DeployTarget } from '../../adapters/db/deploy-target';

export interface BackupPlace {
  project: string;
  workspaceRoot: string;
  backupDir: string;
  log: (line: string) => void;
}

/**
 * A verified backup before a deploy or rollback changes anything, named by project, time and run
 * (names sort by time), with a `sha256sum`-style file beside it, so that a backup copied away from
 * the deploy history can still be checked before it is restored.
 */
export async function takeBackup(target: DeployTarget, place: BackupPlace, runId: string): Promise<BackupRecord> {
  const stamp = new Date()
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  const file = path.join(place.backupDir, `${place.project}-${stamp}-${runId.slice(0, 8)}${target.backupExtension}`);
  place.log(`backup: ${path.relative(place.workspaceRoot, file)}`);
  const record = await target.backup(file);
  await writeFile(checksumFile(file), `${record.sha256}  ${path.basename(file)}\n`);
  return record;
}

/**
 * The state to prove a later restore against, and the backup. On a server they run side by
 * side (pg_dump works in its own process while the server checksums the rows); the embedded
 * database does one thing at a time.
 */
export async function stateAndBackup(target: DeployTarget, place: BackupPlace, runId: string): Promise<[DatabaseState, BackupRecord]> {
  await target.prepareForChanges();
  if (target.backupKind !== 'pg_dump') return [await readDatabaseState(target.database), await takeBackup(target, place, runId)];
  return Promise.all([readDatabaseState(target.database), takeBackup(target, place, runId)]);
}

export function checksumFile(backup: string): string {
  return `${backup}.sha256`;
}

/** The SHA-256 written beside a backup when it was taken, if that file is there. */
export async function recordedChecksum(backup: string): Promise<string | undefined> {
  const text = await readFile(checksumFile(backup), 'utf8').catch(() => undefined);
  const match = text && /^([0-9a-f]{64})\s/.exec(text);
  return match ? match[1] : undefined;
}

export function backupKind(file: string, target: DeployTarget): BackupRecord['kind'] {
  if (!file.endsWith(target.backupExtension)) {
    throw new ForgeError(
      'BACKUP_INVALID',
      `${file} is not a backup of this kind of database (expected a ${target.backupExtension} file): nothing was restored.`,
      target.backupKind === 'pg_dump'
        ? 'Name a pg_dump -Fc backup taken by migrate-deploy or migrate-rollback.'
        : 'Name a data-folder backup of the embedded database (.tar.gz).',
    );
  }
  return target.backupKind;
}
