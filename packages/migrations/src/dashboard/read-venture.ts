import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { DeployReport } from '../core/deploy/report';
import { lintHistory, type LintedMigration } from '../core/lint/lint-report';
import type { SchemaFile } from '../core/schema-compat';
import { schemaVersions } from '../core/schema-version';
import type { SqlParser } from '../core/sql/parser';
import type { SqlRunner } from '../adapters/db/database';
import type { DeployTarget } from '../adapters/db/deploy-target';
import { readStatus, recentDeployEvents } from '../use-cases/status';
import type { MigrationHistory } from '../adapters/store/migration-store';
import type { PrismaLayout } from '../adapters/store/project-layout';
import type { EventView, Risk, VentureView } from './venture-view';

export interface VentureSource {
  workspaceRoot: string;
  project: string;
  root: string;
  where: string;
  layout: PrismaLayout;
  history: MigrationHistory;
  /** The schema as the engine reads it. */
  schema: SchemaFile[];
  /** Where its migrate-deploy reports are, absolute. */
  reportDir: string;
  environment: string;
}

/**
 * A venture's migrations as the files describe them, their state from the database when it can be
 * read; its drift too, unless the view does not show it (`checkDrift`: false).
 */
export async function readVenture(
  parser: SqlParser,
  source: VentureSource,
  openTarget: () => Promise<DeployTarget>,
  { checkDrift = true } = {},
): Promise<VentureView> {
  const { history } = source;
  const lint = lintHistory({
    parser,
    project: source.project,
    migrations: history.migrations,
    include: () => true,
    fileOf: (name) => name,
    scope: 'all',
  });
  // One analysis of the history serves the findings, the risk badges and the versions.
  const versions = schemaVersions(
    parser,
    history.migrations,
    lint.migrations.map((migration) => migration.findings),
  );
  const view: VentureView = {
    project: source.project,
    root: source.root,
    where: source.where,
    migrations: history.migrations.map((migration, index) => ({
      name: migration.name,
      state: 'unknown',
      version: versions[index].version,
      risk: riskOf(lint.migrations[index]),
      findings: (lint.migrations[index]?.findings ?? []).map(
        (finding) =>
          `${finding.code} line ${finding.line}: ${finding.message}` +
          `${finding.waived ? ` (waived: ${finding.waived})` : finding.approved ? ` (approved by ${finding.approved})` : ''}`,
      ),
      up: migration.sql,
      down: migration.down?.sql,
      downKind: migration.down?.kind ?? 'missing',
      downReason: migration.down?.kind === 'irreversible' ? migration.down.reason : undefined,
    })),
    events: [],
    lastReport: latestReport(source.reportDir),
  };
  if (view.lastReport && !view.lastReport.ok) view.lastLogTail = logTail(path.resolve(source.workspaceRoot, view.lastReport.logFile));
  let target: DeployTarget | undefined;
  try {
    target = await openTarget();
    view.status = await readStatus({
      parser,
      project: source.project,
      environment: source.environment,
      target,
      history,
      schema: source.schema,
      configDir: source.layout.projectRoot,
      versions,
      checkDrift,
    });
    view.events = await readEvents(target.database);
  } catch (error) {
    view.error = (error as Error).message;
  } finally {
    await target?.close();
  }
  const durations = new Map<string, number>();
  for (const event of [...view.events].reverse())
    if (event.kind === 'migration_applied' && event.durationMs !== undefined)
      for (const name of event.migrations) durations.set(name, event.durationMs);
  for (const migration of view.migrations) {
    const state = view.status?.migrations.find((candidate) => candidate.name === migration.name);
    if (state) Object.assign(migration, { state: state.state, at: state.at });
    migration.durationMs = durations.get(migration.name);
  }
  return view;
}

function riskOf(linted: LintedMigration | undefined): Risk {
  const families = new Set((linted?.findings ?? []).filter((finding) => !finding.waived).map((finding) => finding.family));
  if (families.has('destructive')) return 'data loss';
  if (families.has('backward-incompatible')) return 'breaking';
  if (families.has('locking')) return 'locking';
  if (families.has('data-dependent')) return 'data-dependent';
  return 'low';
}

async function readEvents(database: SqlRunner): Promise<EventView[]> {
  const rows = await recentDeployEvents(database, 500);
  return rows.map((row) => ({
    runId: row.run_id,
    at: row.at,
    kind: row.kind,
    environment: row.environment,
    migrations: row.migrations,
    ...(row.duration_ms === null ? {} : { durationMs: row.duration_ms }),
    ...(row.error ? { error: row.error } : {}),
  }));
}

/** The newest migrate-deploy JSON report of the venture, if any. */
function latestReport(dir: string): DeployReport | undefined {
  try {
    const newest = readdirSync(dir)
      .filter((name) => name.endsWith('.json'))
      .sort()
      .pop();
    return newest ? (JSON.parse(readFileSync(path.join(dir, newest), 'utf8')) as DeployReport) : undefined;
  } catch {
    return undefined;
  }
}

/** The last lines of a run's log: what a failure looked like as it happened. */
function logTail(file: string, lines = 30): string[] | undefined {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines);
  } catch {
    return undefined;
  }
}
