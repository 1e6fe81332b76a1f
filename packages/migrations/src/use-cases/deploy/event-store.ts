import path from 'node:path';
import type { DeployEvent, EventRow } from '../../core/deploy/events';
import { CURRENT_SCOPE, FORGE_SCHEMA } from '../../core/sql/bookkeeping';
import { quoteLiteral } from '../../core/sql/quote';
import type { SqlRunner } from '../../adapters/db/database';
import type { BackupRecord } from '../../adapters/db/backup';
import type { DatabaseState } from './data-state';

/**
 * The deploy history's one home: every read and write of the events table. Reads answer as if
 * the history were empty when there is none yet to read.
 */

const EVENTS_TABLE = `"${FORGE_SCHEMA}"."events"`;

/**
 * The table, made once per database: one script (one transaction) under a lock of its own, since
 * ventures sharing the database may deploy at the same time and CREATE ... IF NOT EXISTS races.
 */
const CREATE_EVENTS = [
  `SELECT pg_advisory_xact_lock(72707371)`,
  `CREATE SCHEMA IF NOT EXISTS "${FORGE_SCHEMA}"`,
  `CREATE TABLE IF NOT EXISTS ${EVENTS_TABLE} (
    id           BIGSERIAL PRIMARY KEY,
    run_id       VARCHAR(36) NOT NULL,
    at           TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
    kind         VARCHAR(40) NOT NULL,
    environment  VARCHAR(100) NOT NULL,
    migrations   TEXT[] NOT NULL DEFAULT '{}',
    git_commit   VARCHAR(64),
    host         VARCHAR(255) NOT NULL,
    duration_ms  INTEGER,
    error        TEXT,
    details      JSONB
  )`,
  `ALTER TABLE ${EVENTS_TABLE} ADD COLUMN IF NOT EXISTS scope VARCHAR(63) NOT NULL DEFAULT ${CURRENT_SCOPE}`,
  `CREATE INDEX IF NOT EXISTS events_scope_idx ON ${EVENTS_TABLE} (scope, id)`,
].join(';\n');

/** The events of the connection's venture, as a FROM item. */
const VENTURE_EVENTS = `(SELECT * FROM ${EVENTS_TABLE} WHERE scope = ${CURRENT_SCOPE}) AS venture_events`;

const EVENT_COLUMNS = 'run_id, kind, environment, migrations, git_commit, host, duration_ms, error, details';
const INSERT_EVENT = `INSERT INTO ${EVENTS_TABLE} (${EVENT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`;

function eventParams(event: DeployEvent): unknown[] {
  return [
    event.runId,
    event.kind,
    event.environment,
    event.migrations,
    event.gitCommit ?? null,
    event.host,
    event.durationMs === undefined ? null : Math.round(event.durationMs),
    event.error ?? null,
    event.details ? JSON.stringify(event.details) : null,
  ];
}

/**
 * The statement that writes `event`, for a script that commits it with the work it records. The
 * server times it: its duration runs from the start of that script to this statement.
 */
export function eventInScript(event: Omit<DeployEvent, 'durationMs'>): string {
  const text = (value: string | undefined) => (value === undefined ? 'NULL' : quoteLiteral(value));
  const values = [
    text(event.runId),
    text(event.kind),
    text(event.environment),
    `ARRAY[${event.migrations.map(quoteLiteral).join(', ')}]::text[]`,
    text(event.gitCommit),
    text(event.host),
    `(EXTRACT(EPOCH FROM clock_timestamp() - statement_timestamp()) * 1000)::int`,
    text(event.error),
    event.details ? `${quoteLiteral(JSON.stringify(event.details))}::jsonb` : 'NULL',
  ];
  return `INSERT INTO ${EVENTS_TABLE} (${EVENT_COLUMNS}) VALUES (${values.join(', ')})`;
}

/** The id of the newest event, 0 without any: it changes whenever the history does. */
const LATEST_EVENT_ID = `SELECT coalesce(max(id), 0)::text AS id FROM ${VENTURE_EVENTS}`;

/** Whether a history is there to read (one written before events carried their venture's schema is read after the next deploy). */
const EVENTS_EXIST =
  `SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = ` +
  `to_regclass('${EVENTS_TABLE.replace(/"/g, '')}') AND attname = 'scope') AS exists`;

/** The schemas of the ventures that deployed into this database from a schema of their own. */
const SHARING_VENTURES = `SELECT DISTINCT scope FROM ${EVENTS_TABLE} WHERE scope <> '' ORDER BY 1`;

/** A backup as the deploy history recorded it: with the state and the migrations it holds. */
export interface RecordedBackup extends BackupRecord {
  before?: DatabaseState;
  applied?: string[];
}

/** Make the table when the database has none yet. */
export async function createEventsTable(database: SqlRunner): Promise<void> {
  await database.executeScript(CREATE_EVENTS);
}

export async function recordEvent(database: SqlRunner, event: DeployEvent): Promise<void> {
  await database.query(INSERT_EVENT, eventParams(event));
}

async function historyExists(database: SqlRunner): Promise<boolean> {
  const [{ exists }] = await database.query<{ exists: boolean }>(EVENTS_EXIST);
  return exists;
}

/** The backups the deploy history recorded, newest first; the newest `limit` when given. */
export async function backupRecords(database: SqlRunner, limit?: number): Promise<RecordedBackup[]> {
  if (!(await historyExists(database))) return [];
  const rows = await database.query<{ details: RecordedBackup }>(
    `SELECT details FROM ${VENTURE_EVENTS} WHERE kind = 'backup_taken' AND details IS NOT NULL ORDER BY id DESC` +
      (limit === undefined ? '' : ` LIMIT ${Math.floor(limit)}`),
  );
  return rows.map((row) => row.details);
}

/** The record of a backup file, matched by its name (the file may have been copied elsewhere since). */
export async function backupRecord(database: SqlRunner, file: string): Promise<RecordedBackup | undefined> {
  return (await backupRecords(database)).find((record) => path.basename(record.file) === path.basename(file));
}

/** The id of the latest deploy run other than `exceptRunId`. */
export async function latestDeployRun(database: SqlRunner, exceptRunId: string): Promise<string | undefined> {
  if (!(await historyExists(database))) return undefined;
  const [latest] = await database.query<{ run_id: string }>(
    `SELECT run_id FROM ${VENTURE_EVENTS} WHERE kind = 'deploy_started' AND run_id <> $1 ORDER BY id DESC LIMIT 1`,
    [exceptRunId],
  );
  return latest?.run_id;
}

/** The events of one run, in order. */
export async function runEvents(
  database: SqlRunner,
  runId: string,
): Promise<Array<Pick<EventRow, 'run_id' | 'kind' | 'migrations' | 'details'>>> {
  return database.query(`SELECT run_id, kind, migrations, details FROM ${VENTURE_EVENTS} WHERE run_id = $1 ORDER BY id`, [runId]);
}

/** The events of the latest run, in order. */
export async function lastRun(database: SqlRunner): Promise<Array<Pick<EventRow, 'at' | 'kind' | 'error'>>> {
  if (!(await historyExists(database))) return [];
  const latest = `SELECT run_id FROM ${VENTURE_EVENTS} ORDER BY id DESC LIMIT 1`;
  return database.query(`SELECT at::text AS at, kind, error FROM ${VENTURE_EVENTS} WHERE run_id = (${latest}) ORDER BY id`);
}

/** The schema versions the latest 20 finished deploys and rollbacks left, newest first. */
export async function versionHistory(database: SqlRunner): Promise<Array<{ at: string; version: string; event: string }>> {
  if (!(await historyExists(database))) return [];
  return database.query(
    `SELECT at::text AS at, details->>'version' AS version, kind AS event FROM ${VENTURE_EVENTS}
      WHERE details ? 'version' AND kind IN ('deploy_finished', 'rollback_finished') ORDER BY id DESC LIMIT 20`,
  );
}

/** Per migration, the last of its applying and its data step finishing that the history holds. */
export async function lastMigrationSteps(database: SqlRunner): Promise<Map<string, string>> {
  if (!(await historyExists(database))) return new Map();
  const rows = await database.query<{ kind: string; migration: string }>(
    `SELECT kind, unnest(migrations) AS migration FROM ${VENTURE_EVENTS} WHERE kind IN ('migration_applied', 'data_step_finished') ORDER BY id`,
  );
  return new Map(rows.map((row) => [row.migration, row.kind]));
}

/** The newest events, newest first. */
export async function recentEvents(database: SqlRunner, limit: number): Promise<Array<Omit<EventRow, 'details'>>> {
  if (!(await historyExists(database))) return [];
  return database.query(
    `SELECT run_id, at::text AS at, kind, environment, migrations, duration_ms, error FROM ${VENTURE_EVENTS} ORDER BY id DESC LIMIT ${Math.floor(limit)}`,
  );
}

/** The id of the newest event, '0' without any: it changes whenever the history does. */
export async function latestEventId(database: SqlRunner): Promise<string> {
  if (!(await historyExists(database))) return '0';
  const [latest] = await database.query<{ id: string }>(LATEST_EVENT_ID);
  return latest.id;
}

/** The schemas of the ventures that deployed into this database from a schema of their own. */
export async function sharingVentures(database: SqlRunner): Promise<string[]> {
  if (!(await historyExists(database))) return [];
  return (await database.query<{ scope: string }>(SHARING_VENTURES)).map((row) => row.scope);
}
