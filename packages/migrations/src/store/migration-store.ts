import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ForgeError } from '../core/errors';
import {
  DOWN_SCRIPT,
  DownScript,
  LOCKFILE,
  lockfileContent,
  lockfileProvider,
  MAX_MIGRATION_NAME_LENGTH,
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
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.'))
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

export interface NewMigrationFolder {
  /** The folder name: `<UTC timestamp>_<name>` (see migrationFolderName). */
  name: string;
  sql: string;
  down?: string;
  /** Other files of the folder (README.md, ...): Prisma ignores them. */
  extraFiles?: Record<string, string>;
}

/**
 * Write a migration folder as `prisma migrate dev` does, with the lockfile when the history has
 * none. The folder appears whole or not at all: it is written under a temporary name first.
 */
export function writeMigrationFolder(migrationsDir: string, migration: NewMigrationFolder): string {
  if (!/^[^/\\]+$/.test(migration.name) || migration.name.startsWith('.') || migration.name.length > MAX_MIGRATION_NAME_LENGTH) {
    throw new ForgeError(
      'MIGRATION_NAME_INVALID',
      `"${migration.name}" cannot name a migration folder.`,
      `Use at most ${MAX_MIGRATION_NAME_LENGTH} characters, no path separators, not starting with a dot.`,
    );
  }
  const target = path.join(migrationsDir, migration.name);
  if (existsSync(target)) {
    throw new ForgeError('MIGRATION_EXISTS', `The migration folder ${target} already exists.`, 'Choose another name, or remove the folder first.');
  }
  mkdirSync(migrationsDir, { recursive: true });
  const lockfile = path.join(migrationsDir, LOCKFILE);
  if (!existsSync(lockfile)) writeFileSync(lockfile, lockfileContent('postgresql'));

  const staging = path.join(migrationsDir, `.${migration.name}.${process.pid}.tmp`);
  try {
    mkdirSync(staging);
    writeFileSync(path.join(staging, MIGRATION_SCRIPT), migration.sql);
    if (migration.down !== undefined) writeFileSync(path.join(staging, DOWN_SCRIPT), migration.down);
    for (const [file, content] of Object.entries(migration.extraFiles ?? {})) writeFileSync(path.join(staging, file), content);
    renameSync(staging, target);
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw error;
  }
  return target;
}
