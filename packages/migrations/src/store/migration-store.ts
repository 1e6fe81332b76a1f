import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { ForgeError } from '../core/errors';
import {
  DOWN_SCRIPT,
  DownScript,
  LOCKFILE,
  lockfileProvider,
  migrationChecksum,
  MIGRATION_SCRIPT,
  parseDownScript,
  SEED_SCRIPT,
} from '../core/migration-folders';

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
}

export interface MigrationHistory {
  dir: string;
  /** Sorted as Prisma sorts them: by folder name. */
  migrations: MigrationFolder[];
  lockfile: { path: string; content: string | null };
}

/** Read a migrations folder the way Prisma does: every sub-folder is a migration, in name order. */
export function readMigrationHistory(dir: string): MigrationHistory {
  if (!existsSync(dir)) {
    return { dir, migrations: [], lockfile: { path: LOCKFILE, content: null } };
  }
  const entries = readEntries(dir);
  const lockfilePath = path.join(dir, LOCKFILE);
  const lockfile = existsSync(lockfilePath) ? readText(lockfilePath, dir) : null;
  const provider = lockfile === null ? undefined : lockfileProvider(lockfile);
  if (provider !== undefined && provider !== 'postgresql') {
    throw new ForgeError(
      'LOCKFILE_PROVIDER_MISMATCH',
      `${lockfilePath} says provider "${provider}"; this plugin migrates PostgreSQL only.`,
      'Point the project at its PostgreSQL migrations, or remove the lockfile if the history was converted.',
    );
  }
  const migrations = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
    .map((name) => readMigrationFolder(path.join(dir, name)));
  return { dir, migrations, lockfile: { path: LOCKFILE, content: lockfile } };
}

function readMigrationFolder(dir: string): MigrationFolder {
  const scriptPath = path.join(dir, MIGRATION_SCRIPT);
  if (!existsSync(scriptPath)) {
    throw new ForgeError(
      'MIGRATIONS_UNREADABLE',
      `Migration folder "${dir}" has no ${MIGRATION_SCRIPT}.`,
      `Prisma treats every folder under the migrations directory as a migration: add its ${MIGRATION_SCRIPT} or move the folder out.`,
    );
  }
  const sql = readText(scriptPath, dir);
  const downPath = path.join(dir, DOWN_SCRIPT);
  const seedPath = path.join(dir, SEED_SCRIPT);
  return {
    name: path.basename(dir),
    dir,
    sql,
    checksum: migrationChecksum(sql),
    down: existsSync(downPath) ? parseDownScript(readText(downPath, dir)) : undefined,
    seedSql: existsSync(seedPath) ? readText(seedPath, dir) : undefined,
  };
}

function readEntries(dir: string) {
  try {
    if (!statSync(dir).isDirectory()) throw new Error('not a directory');
    return readdirSync(dir, { withFileTypes: true });
  } catch (error) {
    throw unreadable(dir, error);
  }
}

function readText(file: string, folder: string): string {
  try {
    return readFileSync(file, 'utf8');
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
