import { FORGE_SCHEMA } from '../sql/bookkeeping';

/**
 * The deploy history: one row per step of every deploy, rollback and restore, written as it
 * happens (each its own transaction), in the plugin's schema so that a restore never rewinds it.
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

export const CREATE_EVENTS = [
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
];

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
export const LATEST_EVENT_ID = `SELECT coalesce(max(id), 0)::text AS id FROM ${EVENTS_TABLE}`;

export const EVENTS_EXIST = `SELECT to_regclass('${EVENTS_TABLE.replace(/"/g, '')}') IS NOT NULL AS exists`;

export interface EventRow {
  run_id: string;
  at: string;
  kind: EventKind;
  environment: string;
  migrations: string[];
  error: string | null;
  details: Record<string, unknown> | null;
}

export const LIST_EVENTS = `SELECT run_id, at::text AS at, kind, environment, migrations, error, details FROM ${EVENTS_TABLE} ORDER BY id`;
