import path from 'node:path';
import { DATA_STEP_FILE } from '../../core/data-step-contract';
import { ForgeError } from '../../core/errors';
import { APPROVAL_FILE } from '../../core/safety/approval';
import { diskFiles, type ProjectFiles } from './project-files';
import {
  DOWN_SCRIPT,
  DownScript,
  LOCKFILE,
  lockfileProvider,
  migrationChecksum,
  MIGRATION_SCRIPT,
  parseDownScript,
  SEED_SCRIPT,
} from '../../core/migration-folders';

export interface MigrationFolder {
  /** The folder name, which is the migration's name in `_prisma_migrations`. */
  name: string;
  dir: string;
  sql: string;
  checksum: string;
  /** Absent when the folder has no `down.sql`. */
  down?: DownScript;
  /** A venture's own rows for what generated rows cannot express, run after this migration. */
  seedSql?: string;
  /** The data step (`data-migration.ts`), run after this migration's SQL: its path and source. */
  dataStep?: { file: string; source: string };
  /** The text of `approval.json`: the approval of this migration's data loss, when there is one. */
  approval?: string;
}

export interface MigrationHistory {
  dir: string;
  /** Sorted as Prisma sorts them: by folder name. */
  migrations: MigrationFolder[];
  lockfile: { path: string; content: string | null };
}

/** Read a migrations folder the way Prisma does: every sub-folder is a migration, in name order. */
export function readMigrationHistory(dir: string, files: ProjectFiles = diskFiles): MigrationHistory {
  if (!files.exists(dir)) {
    return { dir, migrations: [], lockfile: { path: LOCKFILE, content: null } };
  }
  const entries = readEntries(dir, files);
  const lockfilePath = path.join(dir, LOCKFILE);
  const lockfile = files.exists(lockfilePath) ? readText(lockfilePath, dir, files) : null;
  const provider = lockfile === null ? undefined : lockfileProvider(lockfile);
  if (provider !== undefined && provider !== 'postgresql') {
    throw new ForgeError(
      'LOCKFILE_PROVIDER_MISMATCH',
      `${lockfilePath} says provider "${provider}"; this plugin migrates PostgreSQL only.`,
      'Point the project at its PostgreSQL migrations, or remove the lockfile if the history was converted.',
    );
  }
  const migrations = entries
    .filter((entry) => entry.isDirectory && !entry.name.startsWith('.'))
    .map((entry) => entry.name)
    .sort()
    .map((name) => readMigrationFolder(path.join(dir, name), files));
  return { dir, migrations, lockfile: { path: LOCKFILE, content: lockfile } };
}

function readMigrationFolder(dir: string, files: ProjectFiles): MigrationFolder {
  const scriptPath = path.join(dir, MIGRATION_SCRIPT);
  if (!files.exists(scriptPath)) {
    throw new ForgeError(
      'MIGRATIONS_UNREADABLE',
      `Migration folder "${dir}" has no ${MIGRATION_SCRIPT}.`,
      `Prisma treats every folder under the migrations directory as a migration: add its ${MIGRATION_SCRIPT} or move the folder out.`,
    );
  }
  const sql = readText(scriptPath, dir, files);
  const downPath = path.join(dir, DOWN_SCRIPT);
  const seedPath = path.join(dir, SEED_SCRIPT);
  const dataStepPath = path.join(dir, DATA_STEP_FILE);
  const approvalPath = path.join(dir, APPROVAL_FILE);
  return {
    name: path.basename(dir),
    dir,
    sql,
    checksum: migrationChecksum(sql),
    down: files.exists(downPath) ? parseDownScript(readText(downPath, dir, files)) : undefined,
    seedSql: files.exists(seedPath) ? readText(seedPath, dir, files) : undefined,
    dataStep: files.exists(dataStepPath) ? { file: dataStepPath, source: readText(dataStepPath, dir, files) } : undefined,
    approval: files.exists(approvalPath) ? readText(approvalPath, dir, files) : undefined,
  };
}

function readEntries(dir: string, files: ProjectFiles) {
  try {
    if (!files.isDirectory(dir)) throw new Error('not a directory');
    return files.list(dir);
  } catch (error) {
    throw unreadable(dir, error);
  }
}

function readText(file: string, folder: string, files: ProjectFiles): string {
  try {
    return files.read(file);
  } catch (error) {
    throw unreadable(file, error, folder);
  }
}

function unreadable(target: string, error: unknown, folder = target): ForgeError {
  const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
  return new ForgeError(
    'MIGRATIONS_UNREADABLE',
    `Cannot read "${target}" (${reason}).`,
    `Check that "${folder}" exists and is readable by this user.`,
    { cause: error },
  );
}
