import { FORGE_SCHEMA } from './bookkeeping';
import { quoteLiteral } from './quote';

/**
 * Progress of a migration that cannot run in one transaction (CREATE INDEX CONCURRENTLY and the
 * like): one row per batch that committed, keyed by the migration's `_prisma_migrations` row, so
 * that a run killed half-way can be resumed where it stopped instead of guessed at.
 */
const TABLE = `"${FORGE_SCHEMA}"."batches"`;

export const CREATE_BATCH_PROGRESS = [
  `CREATE SCHEMA IF NOT EXISTS "${FORGE_SCHEMA}"`,
  `CREATE TABLE IF NOT EXISTS ${TABLE} (migration_id VARCHAR(36) NOT NULL, batch INTEGER NOT ` +
    `NULL, at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(), PRIMARY KEY (migration_id, batch))`,
];

export function recordBatch(migrationId: string, batch: number): string {
  return `INSERT INTO ${TABLE} (migration_id, batch) VALUES (${quoteLiteral(migrationId)}, ${batch}) ON CONFLICT DO NOTHING`;
}

export const BATCH_PROGRESS_EXISTS = `SELECT to_regclass('${FORGE_SCHEMA}.batches') IS NOT NULL AS exists`;

/** The batches of an attempt that committed. */
export const COMMITTED_BATCHES = `SELECT batch FROM ${TABLE} WHERE migration_id = $1 ORDER BY batch`;
