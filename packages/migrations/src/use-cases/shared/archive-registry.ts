import { type ArchiveDirection, type ArchiveEntry, type PassedOutcome, purgeSql, registry } from '../../core/archive/archive-sql';
import type { StatusReport } from '../../core/deploy/status-report';
import { qualifiedName } from '../../core/sql/quote';
import type { SqlRunner } from '../../adapters/db/database';
import { ventureArchiveSchema } from './archive-capture';

/** The archive registry's reads, and the purge of what is past its retention. */

export interface KeptArchive extends ArchiveEntry {
  id: string;
  rows: number;
  createdAt: string;
  expiresAt: string;
  purgedAt: string | null;
}

interface RegistryRow {
  id: string;
  outcome: 'kept' | PassedOutcome;
  reason: string | null;
  archive_table: string;
  run_id: string;
  migration: string;
  direction: ArchiveDirection;
  kind: 'table' | 'column';
  source_schema: string;
  source_table: string;
  source_column: string | null;
  key_columns: string[];
  columns: string[];
  text_types: string[];
  sequence_columns: string[];
  rows: string;
  created_at: string;
  expires_at: string;
  restored_at: string | null;
  purged_at: string | null;
}

const SELECT_ROWS = `SELECT id::text, outcome, reason, archive_table, run_id, migration, direction, kind, source_schema, source_table, source_column,
  key_columns, columns, text_types, sequence_columns, rows::text, created_at::text, expires_at::text, restored_at::text, purged_at::text`;

/** The venture's archive schema, when a registry is there to read (none before the first archive). */
async function archiveSchemaWithRegistry(database: SqlRunner): Promise<string | undefined> {
  const schema = await ventureArchiveSchema(database);
  const [{ exists }] = await database.query<{ exists: boolean }>('SELECT to_regclass($1) IS NOT NULL AS exists', [registry(schema)]);
  return exists ? schema : undefined;
}

/** What the last capture before `migration` (in `direction`) did, if one ran. */
export interface LastCapture {
  captured: boolean;
  /** Its archives not restored yet. */
  kept: KeptArchive[];
  /** What it could not keep, and why. */
  refused: string[];
}

export async function lastCapture(database: SqlRunner, migration: string, direction: ArchiveDirection): Promise<LastCapture> {
  const schema = await archiveSchemaWithRegistry(database);
  if (!schema) return { captured: false, kept: [], refused: [] };
  const rows = await database.query<RegistryRow>(
    `${SELECT_ROWS} FROM ${registry(schema)} WHERE run_id = (SELECT run_id FROM ${registry(schema)}
      WHERE migration = $1 AND direction = $2 ORDER BY id DESC LIMIT 1) AND migration = $1 AND direction = $2 ORDER BY id`,
    [migration, direction],
  );
  return {
    captured: rows.length > 0,
    kept: rows.filter((row) => row.outcome === 'kept' && row.restored_at === null).map(keptArchive),
    refused: rows
      .filter((row) => row.outcome === 'refused')
      .map((row) => `${[row.source_table, row.source_column].filter(Boolean).join('.')}: ${row.reason}`),
  };
}

/**
 * By migration, what the downs of the last rollbacks dropped and no deploy has put back yet: read
 * once per deploy, so that applying a migration costs no query when there is nothing to put back.
 */
export async function downArchivesByMigration(database: SqlRunner): Promise<Map<string, KeptArchive[]>> {
  const schema = await archiveSchemaWithRegistry(database);
  const byMigration = new Map<string, KeptArchive[]>();
  if (!schema) return byMigration;
  const rows = await database.query<RegistryRow>(
    `${SELECT_ROWS} FROM ${registry(schema)} AS r WHERE outcome = 'kept' AND direction = 'down' AND restored_at IS NULL AND purged_at IS NULL
      AND run_id = (SELECT run_id FROM ${registry(schema)} WHERE migration = r.migration AND direction = 'down' ORDER BY id DESC LIMIT 1)
      ORDER BY id`,
  );
  for (const archive of rows.map(keptArchive)) byMigration.set(archive.migration, [...(byMigration.get(archive.migration) ?? []), archive]);
  return byMigration;
}

function keptArchive(row: RegistryRow): KeptArchive {
  return {
    id: row.id,
    archiveTable: row.archive_table,
    runId: row.run_id,
    migration: row.migration,
    direction: row.direction,
    kind: row.kind,
    source: { schema: row.source_schema, table: row.source_table, ...(row.source_column === null ? {} : { column: row.source_column }) },
    keyColumns: row.key_columns,
    columns: row.columns,
    textTypes: row.text_types,
    sequenceColumns: row.sequence_columns,
    rows: Number(row.rows),
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    purgedAt: row.purged_at,
  };
}

/**
 * Drop the archives whose time is up, or every archive kept (`all`): their registry rows stay,
 * saying so, and the downs of their migrations then stop, naming the backups. What was purged.
 */
export async function purgeArchives(database: SqlRunner, which: 'expired' | 'all' = 'expired'): Promise<string[]> {
  const schema = await archiveSchemaWithRegistry(database);
  if (!schema) return [];
  const expired = await database.query<{ archive_table: string; what: string }>(
    `SELECT archive_table, source_table || coalesce('.' || source_column, '') || ' of ' || migration AS what FROM ${registry(schema)}
     WHERE outcome = 'kept' AND ${which === 'all' ? 'true' : 'expires_at < now()'} AND restored_at IS NULL AND purged_at IS NULL ORDER BY id`,
  );
  if (expired.length)
    await database.executeScript(
      purgeSql(
        schema,
        expired.map((row) => row.archive_table),
      ),
    );
  await dropRestoredLeftovers(database);
  return expired.map((row) => row.what);
}

/** Restored archives are dropped once checked; those a crash left behind go now. */
export async function dropRestoredLeftovers(database: SqlRunner): Promise<void> {
  const schema = await archiveSchemaWithRegistry(database);
  if (!schema) return;
  const leftOver = await database.query<{ archive_table: string }>(
    `SELECT archive_table FROM ${registry(schema)} WHERE outcome = 'kept' AND restored_at IS NOT NULL AND purged_at IS NULL
     AND to_regclass(quote_ident($1) || '.' || quote_ident(archive_table)) IS NOT NULL`,
    [schema],
  );
  for (const row of leftOver) await database.query(`DROP TABLE IF EXISTS ${qualifiedName(schema, row.archive_table)}`);
}

/** The archives no rollback has put back yet and no purge has dropped, oldest first. */
export async function keptArchives(database: SqlRunner): Promise<StatusReport['archives']> {
  const schema = await archiveSchemaWithRegistry(database);
  if (!schema) return [];
  const rows = await database.query<{
    migration: string;
    what: string;
    rows: string;
    bytes: string;
    created_at: string;
    expires_at: string;
  }>(
    `SELECT migration, kind || ' ' || source_schema || '.' || source_table || coalesce('.' || source_column, '') AS what,
       rows::text, bytes::text, created_at::text, expires_at::text
     FROM ${registry(schema)} WHERE outcome = 'kept' AND restored_at IS NULL AND purged_at IS NULL ORDER BY id`,
  );
  return rows.map((row) => ({
    migration: row.migration,
    what: row.what,
    rows: Number(row.rows),
    bytes: Number(row.bytes),
    createdAt: row.created_at,
    expiresAt: row.expires_at,
  }));
}
