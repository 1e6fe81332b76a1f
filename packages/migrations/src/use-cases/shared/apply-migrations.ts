import { randomUUID } from 'node:crypto';
import { ForgeError } from '../../core/errors';
import { COMMITTED_BATCHES, CREATE_BATCH_PROGRESS, recordBatch } from '../../core/sql/batch-progress';
import type { SqlParser } from '../../core/sql/parser';
import { quotedName } from '../../core/sql/qualified-name';
import { readStatements } from '../../core/sql/statements';
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
} from '../../core/sql/prisma-migrations-table';
import { planScriptBatches, type ScriptBatch } from '../../core/sql/transactions';
import type { Database, SqlRunner } from '../../adapters/db/database';
import { MigrationApplyError, postgresErrorText, ScriptError } from '../../adapters/db/script-runner';
import type { MigrationFolder } from '../../adapters/store/migration-store';

/**
 * Apply the migrations not yet applied, in order, exactly as `prisma migrate deploy` does:
 * under Prisma's advisory lock, refusing while a failed migration is unresolved, one
 * `_prisma_migrations` row per migration. Each migration and its row are committed together in
 * one round trip; a migration with statements that refuse a transaction block is recorded as
 * started first and finished after, as Prisma records every migration.
 * One session and one look at the table serve the whole list, however long.
 * Returns the names applied; throws MigrationApplyError naming the migration that failed.
 */
export async function applyPendingMigrations(
  parser: SqlParser,
  database: Database,
  migrations: readonly MigrationFolder[],
  hooks: ApplyHooks = {},
): Promise<string[]> {
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
        await hooks.before?.(migration);
        const together = await applyOne(parser, session, migration, hooks.inTransaction);
        names.push(migration.name);
        await hooks.after?.(migration, together);
      }
      return names;
    } finally {
      await session.query(UNLOCK);
    }
  });
}

/** Work a caller does around each migration it applies, on connections of its own. */
export interface ApplyHooks {
  before?(migration: MigrationFolder): Promise<void>;
  /** For a migration that runs in one transaction: its script with more work that must commit with it. */
  inTransaction?(migration: MigrationFolder, script: string): Promise<string>;
  /** After the migration committed; `together`: whether inTransaction's work committed with it. */
  after?(migration: MigrationFolder, together: boolean): Promise<void>;
}

/** Whether the migration ran in one transaction (with inTransaction's work). */
async function applyOne(
  parser: SqlParser,
  session: SqlRunner,
  migration: MigrationFolder,
  inTransaction: ApplyHooks['inTransaction'] = async (_, script) => script,
): Promise<boolean> {
  const started: StartedMigration = { id: randomUUID(), name: migration.name, checksum: migration.checksum, startedAt: new Date() };
  const batches = planScriptBatches(parser, migration.sql);
  const transactional = batches.length === 1 && batches[0].transactional;
  try {
    if (transactional) {
      // The newline ends a trailing `--` comment; the semicolon a last statement without one.
      await session.executeScript(`${await inTransaction(migration, batches[0].sql)}\n;\n${insertFinished(started)}`);
    } else {
      for (const statement of CREATE_BATCH_PROGRESS) await session.query(statement);
      await session.query(insertStarted(started));
      await runBatches(session, migration, batches, started.id, 0);
    }
    return transactional;
  } catch (error) {
    if (!(error instanceof ScriptError)) throw error;
    const logs = postgresErrorText(error.failure);
    await session.query(transactional ? insertFailed(started, logs) : markFailed(started.id, logs));
    throw new MigrationApplyError(migration.name, logs, error.failure);
  }
}

/**
 * The batches of a migration that cannot run in one transaction, from `from` on, each recorded
 * as committed: in its own transaction when it has one, right after it otherwise. Then the
 * migration's row is marked finished.
 */
async function runBatches(
  session: SqlRunner,
  migration: MigrationFolder,
  batches: readonly ScriptBatch[],
  id: string,
  from: number,
): Promise<void> {
  for (let index = from; index < batches.length; index++) {
    const batch = batches[index];
    try {
      if (batch.transactional) {
        await session.executeScript(`${batch.sql}\n;\n${recordBatch(id, index)}`);
      } else {
        await session.executeScript(batch.sql);
        await session.query(recordBatch(id, index));
      }
    } catch (error) {
      // Positions in PostgreSQL's error are relative to the batch; the script's are what reports show.
      if (error instanceof ScriptError)
        throw new ScriptError(
          { ...error.failure, script: migration.sql, batchOffset: batch.offset + error.failure.batchOffset },
          error.original,
        );
      throw error;
    }
  }
  await session.query(markFinished(id));
}

/**
 * Finish a migration that ran outside a transaction and was interrupted (its row started, never
 * finished, no error logged): from the first batch that did not commit. A concurrent index build
 * that was cut off leaves an invalid index, which is dropped first; one that completed but was
 * not recorded yet is recognised as done.
 */
export async function resumeInterrupted(
  parser: SqlParser,
  database: Database,
  migration: MigrationFolder,
  row: MigrationRow,
): Promise<number> {
  const batches = planScriptBatches(parser, migration.sql);
  return database.withSession(async (session) => {
    await session.query(LOCK);
    try {
      for (const statement of CREATE_BATCH_PROGRESS) await session.query(statement);
      const committed = (await session.query<{ batch: number }>(COMMITTED_BATCHES, [row.id])).map((entry) => entry.batch);
      let from = committed.length ? Math.max(...committed) + 1 : 0;
      const batch = batches[from];
      if (batch && !batch.transactional) {
        const state = await concurrentIndexState(parser, session, batch.sql);
        if (state === 'done') {
          await session.query(recordBatch(row.id, from));
          from++;
        } else if (state?.startsWith('DROP')) {
          await session.executeScript(state);
        }
      }
      try {
        await runBatches(session, migration, batches, row.id, from);
      } catch (error) {
        if (!(error instanceof ScriptError)) throw error;
        const logs = postgresErrorText(error.failure);
        await session.query(markFailed(row.id, logs));
        throw new MigrationApplyError(migration.name, logs, error.failure);
      }
      return from;
    } finally {
      await session.query(UNLOCK);
    }
  });
}

/**
 * For a cut-off `CREATE INDEX CONCURRENTLY`: `done` when the index is there and valid, the
 * statement that drops it when it is there but invalid; for a cut-off `DROP INDEX CONCURRENTLY`,
 * `done` when the index is gone. Undefined for anything else (run it again).
 */
async function concurrentIndexState(parser: SqlParser, session: SqlRunner, sql: string): Promise<string | undefined> {
  const [statement] = readStatements(parser, sql);
  if (statement?.kind === 'create_index') {
    if (!statement.name) return undefined;
    const name = quotedName({ schema: statement.table.schema, name: statement.name });
    const validity = `SELECT (SELECT indisvalid FROM pg_index WHERE indexrelid = to_regclass($1)) AS valid`;
    const [index] = await session.query<{ valid: boolean | null }>(validity, [name]);
    if (index.valid === null) return undefined;
    return index.valid ? 'done' : `DROP INDEX ${name};`;
  }
  if (statement?.kind === 'drop') {
    const names = statement.names.map(quotedName);
    const left = await session.query<{ there: boolean }>(
      `SELECT bool_or(to_regclass(name) IS NOT NULL) AS there FROM unnest($1::text[]) AS name`,
      [names],
    );
    return left[0]?.there ? undefined : 'done';
  }
  return undefined;
}

function refuseFailedMigrations(rows: MigrationRow[]): void {
  const failed = rows.filter((row) => row.finished_at === null && row.rolled_back_at === null);
  if (failed.length === 0) return;
  const names = failed.map((row) => row.migration_name);
  throw new ForgeError(
    'FAILED_MIGRATIONS_FOUND',
    `The database holds failed ` +
      `migration${names.length > 1 ? 's' : ''} ${names.map((name) => `\`${name}\``).join(', ')}: ` +
      `nothing is applied until ${names.length > 1 ? 'they are' : 'it is'} resolved.\n${failed
        .map((row) => `  ${row.migration_name} (started ${row.started_at}): ${(row.logs ?? '').split('\n')[0]}`)
        .join('\n')}`,
    `Undo what the failed migration changed, then mark it: npx prisma migrate resolve --rolled-back "${names[0]}" (or --applied if you completed it by hand).`,
  );
}

/** Apply a history that must apply (a scratch database's): a failure names the migration and says to fix it first. */
export async function applyExistingHistory(parser: SqlParser, database: Database, migrations: readonly MigrationFolder[]): Promise<void> {
  try {
    await applyPendingMigrations(parser, database, migrations);
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
