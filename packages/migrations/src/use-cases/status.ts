import { isHealthy, migrationStates, type StatusReport } from '../core/deploy/status-report';
import { schemaVersions, type VersionedMigration, versionOf } from '../core/schema-version';
import type { SchemaFile } from '../core/schema-compat';
import type { SqlParser } from '../core/sql/parser';
import type { SqlRunner } from '../adapters/db/database';
import { ENGINE_VERSION, PLUGIN_VERSION } from '../package-info';
import type { MigrationHistory } from '../adapters/store/migration-store';
import { readAppliedState } from './deploy/applied-state';
import { lastRun, latestEventId, recentEvents, versionHistory } from './deploy/event-store';
import type { EventRow } from '../core/deploy/events';
import type { DeployTarget } from '../adapters/db/deploy-target';
import { measureDrift, unknownAppliedMigrations } from './deploy/preflight';
import { keptArchives } from './shared/archive-registry';

export interface StatusInput {
  parser: SqlParser;
  project: string;
  environment: string;
  target: DeployTarget;
  history: MigrationHistory;
  schema: SchemaFile[];
  configDir: string;
  /** The history's schema versions, when the caller has them. */
  versions?: VersionedMigration[];
  /** False for a view that does not show drift: measuring it applies the history on a scratch database. */
  checkDrift?: boolean;
}

/** Read-only: the migrations' states, drift, schema version, deploy history and versions of a database. */
export async function readStatus(input: StatusInput): Promise<StatusReport> {
  const { target, history } = input;
  const state = await readAppliedState(target.database);
  const versions = input.versions ?? schemaVersions(input.parser, history.migrations);
  const migrations = migrationStates(history.migrations, state.rows, versions);
  const drift =
    input.checkDrift === false ? { checked: false, clean: false, sql: '', error: 'not read for this view' } : await readDrift(input);
  const events = await recordedRuns(target.database);
  const report: Omit<StatusReport, 'ok'> = {
    project: input.project,
    environment: input.environment,
    database: target.label,
    migrations,
    unknownApplied: unknownAppliedMigrations(history, state),
    drift,
    schemaVersion: { database: versionOf(versions, state.applied), migrations: versions.at(-1)?.version ?? '0.0.0' },
    versionHistory: events.versions,
    lastRun: events.last,
    deployRunning: await target.deployRunning(),
    archives: await keptArchives(target.database),
    versions: { postgres: await target.serverVersion(), engine: ENGINE_VERSION, node: process.version, plugin: PLUGIN_VERSION },
  };
  return { ...report, ok: isHealthy(report) };
}

/** Read-only: whether the database is what its applied migrations make (Prisma's engine applies them on a scratch database). */
export async function readDrift(input: Pick<StatusInput, 'target' | 'history' | 'schema' | 'configDir'>): Promise<StatusReport['drift']> {
  const drift = await measureDrift(input.target.database, input.history, input.schema, input.configDir);
  return { checked: !drift.error, clean: !drift.error && !drift.sql, sql: drift.sql, error: drift.error };
}

async function recordedRuns(database: SqlRunner): Promise<{ versions: StatusReport['versionHistory']; last?: StatusReport['lastRun'] }> {
  const versions = await versionHistory(database);
  const run = await lastRun(database);
  const words = run.filter((event) => /_(finished|failed)$|^superseded$/.test(event.kind)).map((event) => event.kind);
  const error = run.find((event) => event.error)?.error;
  const last = run.length
    ? {
        at: run[run.length - 1].at,
        event: `${run[0].kind.replace(/_started$/, '')}: ${words.join(' → ') || 'unfinished (running, or interrupted)'}`,
        ...(error ? { error } : {}),
      }
    : undefined;
  return { versions, last };
}

/** The database's latest deploy events, newest first. */
export function recentDeployEvents(database: SqlRunner, limit: number): Promise<Array<Omit<EventRow, 'details'>>> {
  return recentEvents(database, limit);
}

/** A token that changes whenever the migrations' state, the deploy history or a running deploy does. */
export async function statusRevision(target: DeployTarget): Promise<string> {
  const state = await readAppliedState(target.database);
  const applied = state.rows.map((row) => [row.migration_name, row.finished_at, row.rolled_back_at]);
  return JSON.stringify([applied, await latestEventId(target.database), await target.deployRunning()]);
}
