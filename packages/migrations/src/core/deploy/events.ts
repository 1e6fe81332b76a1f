import { CURRENT_SCOPE, FORGE_SCHEMA } from '../sql/bookkeeping';

/**
 * The deploy history: one row per step of every deploy, rollback and restore, written as it
 * happens (each its own transaction), in the plugin's schema so that a restore never rewinds it.
 * Ventures that share a database share the table: each row carries the schema of the venture
 * that wrote it (`scope`, '' for a venture owning the whole database), and every read goes
 * through VENTURE_EVENTS, the rows of the connection's own venture.
 */
export type EventKind =
  | 'deploy_started'
  | 'backup_taken'
  | 'migration_applied'
  | 'data_step_finished'
  | 'verified'
  | 'deploy_finished'
  | 'deploy_failed'
  | 'rollback_started'
  | 'migration_rolled_back'
  | 'restored'
  | 'rollback_finished'
  | 'rollback_failed'
  | 'recovered'
  /** An interrupted run's last word, written by the run that took over from it. */
  | 'superseded';

export interface DeployEvent {
  /** One run of deploy or rollback: every event of it carries the same id. */
  runId: string;
  kind: EventKind;
  environment: string;
  migrations: string[];
  gitCommit?: string;
  host: string;
  durationMs?: number;
  error?: string;
  details?: Record<string, unknown>;
}

export const EVENTS_TABLE = `"${FORGE_SCHEMA}"."events"`;

/**
 * The table, made once per database: one script (one transaction) under a lock of its own, since
 * ventures sharing the database may deploy at the same time and CREATE ... IF NOT EXISTS races.
 */
export const CREATE_EVENTS = [
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
export const VENTURE_EVENTS = `(SELECT * FROM ${EVENTS_TABLE} WHERE scope = ${CURRENT_SCOPE}) AS venture_events`;

export const INSERT_EVENT = `INSERT INTO ${EVENTS_TABLE} (run_id, kind, environment, migrations, git_commit, host, duration_ms, error, details)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`;

export function eventParams(event: DeployEvent): unknown[] {
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

/** The id of the newest event, 0 without any: it changes whenever the history does. */
export const LATEST_EVENT_ID = `SELECT coalesce(max(id), 0)::text AS id FROM ${VENTURE_EVENTS}`;

/** Whether a history is there to read (one written before events carried their venture's schema is read after the next deploy). */
export const EVENTS_EXIST =
  `SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = ` +
  `to_regclass('${EVENTS_TABLE.replace(/"/g, '')}') AND attname = 'scope') AS exists`;

/** The schemas of the ventures that deployed into this database from a schema of their own. */
export const SHARING_VENTURES = `SELECT DISTINCT scope FROM ${EVENTS_TABLE} WHERE scope <> '' ORDER BY 1`;

/** An event as the history's readers see it. */
export interface EventRow {
  run_id: string;
  at: string;
  kind: EventKind;
  environment: string;
  migrations: string[];
  duration_ms: number | null;
  error: string | null;
  details: Record<string, unknown> | null;
}
