import { quoteLiteral } from './quote';

/**
 * Prisma's `_prisma_migrations` table, read and written exactly as Prisma's schema engine does
 * (schema-engine/commands apply_migrations: lock, initialize, list, then per migration started ->
 * successful step -> finished, or failed step with its logs), so that the Prisma CLI and this
 * plugin can take turns on the same database.
 */
export const PRISMA_MIGRATIONS_LOCK_ID = 72707369;

export const LOCK = `SELECT pg_advisory_lock(${PRISMA_MIGRATIONS_LOCK_ID})`;
export const UNLOCK = `SELECT pg_advisory_unlock(${PRISMA_MIGRATIONS_LOCK_ID})`;

/** Whether the table exists in the schema Prisma uses (the first of the search path). */
export const TABLE_EXISTS = `SELECT to_regclass('_prisma_migrations') IS NOT NULL AS exists`;

export const CREATE_TABLE = `CREATE TABLE _prisma_migrations (
    id                      VARCHAR(36) PRIMARY KEY NOT NULL,
    checksum                VARCHAR(64) NOT NULL,
    finished_at             TIMESTAMPTZ,
    migration_name          VARCHAR(255) NOT NULL,
    logs                    TEXT,
    rolled_back_at          TIMESTAMPTZ,
    started_at              TIMESTAMPTZ NOT NULL DEFAULT now(),
    applied_steps_count     INTEGER NOT NULL DEFAULT 0
)`;

export const LIST = `SELECT id, checksum, finished_at::text AS finished_at, migration_name, logs,
  rolled_back_at::text AS rolled_back_at, started_at::text AS started_at, applied_steps_count
  FROM "_prisma_migrations" ORDER BY started_at ASC`;

export interface MigrationRow {
  id: string;
  checksum: string;
  finished_at: string | null;
  migration_name: string;
  logs: string | null;
  rolled_back_at: string | null;
  started_at: string;
  applied_steps_count: number;
}

export interface StartedMigration {
  id: string;
  name: string;
  checksum: string;
  startedAt: Date;
}

/** The row of a migration whose script just succeeded in the same transaction. */
export function insertFinished(migration: StartedMigration): string {
  return `INSERT INTO "_prisma_migrations" (id, checksum, started_at, migration_name, applied_steps_count, finished_at)
  VALUES (${values(migration)}, 1, clock_timestamp())`;
}

/** The row of a migration about to run outside a transaction, as Prisma records it first. */
export function insertStarted(migration: StartedMigration): string {
  return `INSERT INTO "_prisma_migrations" (id, checksum, started_at, migration_name) VALUES (${values(migration)})`;
}

export function markFinished(id: string): string {
  return `UPDATE "_prisma_migrations" SET applied_steps_count = applied_steps_count + 1, finished_at = clock_timestamp() WHERE id = ${quoteLiteral(id)}`;
}

/** A failed migration: its row stays unfinished, with the error as its logs. */
export function insertFailed(migration: StartedMigration, logs: string): string {
  return `INSERT INTO "_prisma_migrations" (id, checksum, started_at, migration_name, logs) VALUES (${values(migration)}, ${quoteLiteral(logs)})`;
}

export function markFailed(id: string, logs: string): string {
  return `UPDATE "_prisma_migrations" SET logs = ${quoteLiteral(logs)} WHERE id = ${quoteLiteral(id)}`;
}

/** A failed migration's row as an interrupted one: unfinished, without logs, so that it can resume. */
export function clearFailure(id: string): string {
  return `UPDATE "_prisma_migrations" SET logs = NULL WHERE id = ${quoteLiteral(id)}`;
}

/**
 * Rows are only ever marked, never deleted: a migration marked rolled back is ignored by Prisma,
 * so `prisma migrate deploy` (or this plugin) applies it again later, and the audit trail stays.
 */
export function markRolledBack(name: string): string {
  return `UPDATE "_prisma_migrations" SET rolled_back_at = now() WHERE migration_name = ${quoteLiteral(name)} AND rolled_back_at IS NULL`;
}

function values(migration: StartedMigration): string {
  return [migration.id, migration.checksum, migration.startedAt.toISOString(), migration.name].map(quoteLiteral).join(', ');
}
