import { randomUUID } from 'node:crypto';
import { ForgeError } from '../core/errors';
import { loadSqlParser } from '../core/sql/parser';
import {
  CREATE_TABLE,
  insertFailed,
  insertFinished,
  insertStarted,
  LIST,
  LOCK,
  markFailed,
  markFinished,
  type MigrationRow,
  type StartedMigration,
  TABLE_EXISTS,
  UNLOCK,
} from '../core/sql/prisma-migrations-table';
import { planScriptBatches } from '../core/sql/transactions';
import type { Database, SqlRunner } from '../db/database';
import { MigrationApplyError, postgresErrorText, ScriptError } from '../db/script-runner';
import type { MigrationFolder } from '../store/migration-store';

/**
 * Apply the migrations not yet applied, in order, exactly as `prisma migrate deploy` does:
 * under Prisma's advisory lock, refusing while a failed migration is unresolved, one
 * `_prisma_migrations` row per migration. Each migration and its row are committed together in
 * one round trip; a migration with statements that refuse a transaction block is recorded as
 * started first and finished after, as Prisma records every migration.
 * Returns the names applied; throws MigrationApplyError naming the migration that failed.
 */
export async function applyPendingMigrations(database: Database, migrations: readonly MigrationFolder[]): Promise<string[]> {
  await loadSqlParser();
  return database.withSession(async (session) => {
    await session.query(LOCK);
    try {
      const [{ exists }] = await session.query<{ exists: boolean }>(TABLE_EXISTS);
      if (!exists) await session.query(CREATE_TABLE);
      const rows = await session.query<MigrationRow>(LIST);
      refuseFailedMigrations(rows);
      const applied = new Set(rows.filter((row) => row.rolled_back_at === null).map((row) => row.migration_name));
      const names: string[] = [];
      for (const migration of migrations) {
        if (applied.has(migration.name)) continue;
        await applyOne(session, migration);
        names.push(migration.name);
      }
      return names;
    } finally {
      await session.query(UNLOCK);
    }
  });
}

async function applyOne(session: SqlRunner, migration: MigrationFolder): Promise<void> {
  const started: StartedMigration = { id: randomUUID(), name: migration.name, checksum: migration.checksum, startedAt: new Date() };
  const transactional = planScriptBatches(migration.sql).every((batch) => batch.transactional);
  try {
    if (transactional) {
      // The newline ends a trailing `--` comment; the semicolon a last statement without one.
      await session.executeScript(`${migration.sql}\n;\n${insertFinished(started)}`);
    } else {
      await session.query(insertStarted(started));
      await session.executeScript(migration.sql);
      await session.query(markFinished(started.id));
    }
  } catch (error) {
    if (!(error instanceof ScriptError)) throw error;
    const logs = postgresErrorText(error.failure);
    await session.query(transactional ? insertFailed(started, logs) : markFailed(started.id, logs));
    throw new MigrationApplyError(migration.name, logs, error.failure);
  }
}

function refuseFailedMigrations(rows: MigrationRow[]): void {
  const failed = rows.filter((row) => row.finished_at === null && row.rolled_back_at === null);
  if (failed.length === 0) return;
  const names = failed.map((row) => row.migration_name);
  throw new ForgeError(
    'FAILED_MIGRATIONS_FOUND',
    `The database holds failed migration${names.length > 1 ? 's' : ''} ${names.map((name) => `\`${name}\``).join(', ')}: nothing is applied until ${names.length > 1 ? 'they are' : 'it is'} resolved.\n${failed
      .map((row) => `  ${row.migration_name} (started ${row.started_at}): ${(row.logs ?? '').split('\n')[0]}`)
      .join('\n')}`,
    `Undo what the failed migration changed, then mark it: npx prisma migrate resolve --rolled-back "${names[0]}" (or --applied if you completed it by hand).`,
  );
}

/** Apply a history that must apply (a scratch database's): a failure names the migration and says to fix it first. */
export async function applyExistingHistory(database: Database, migrations: readonly MigrationFolder[]): Promise<void> {
  try {
    await applyPendingMigrations(database, migrations);
  } catch (error) {
    if (error instanceof MigrationApplyError) {
      throw new ForgeError(
        'MIGRATION_FAILED',
        `The existing migration ${error.migrationName} does not apply on a fresh database: ${error.message}`,
        'Fix the history first: `nx run <project>:migrate-test` shows the failing statement.',
      );
    }
    throw error;
  }
}
