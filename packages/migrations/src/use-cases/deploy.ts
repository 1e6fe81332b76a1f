import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { type DeployPlan, plannedMigration, renderPlan } from '../core/deploy/deploy-plan';
import { ForgeError } from '../core/errors';
import { schemaVersions, versionOf } from '../core/schema-version';
import type { SchemaFile } from '../core/schema-compat';
import type { SqlParser } from '../core/sql/parser';
import type { MigrationFolder, MigrationHistory } from '../adapters/store/migration-store';
import { type AppliedState, readAppliedState } from './deploy/applied-state';
import { type BackupRecord, pruneBackups } from '../adapters/db/backup';
import type { DeployTarget } from '../adapters/db/deploy-target';
import { EventLog, type RecordedEvent } from './deploy/event-log';
import { type HealthCheck, runHealthCheck } from '../adapters/http/health-check';
import {
  judgeSafety,
  measureDrift,
  pendingMigrations,
  refuseEditedMigrations,
  stagingGate,
  unknownAppliedMigrations,
} from './deploy/preflight';
import { recoverEarlierRuns } from './deploy/recover';
import { stateAndBackup } from './deploy/take-backup';
import { dataStepsLeft, runStep } from './deploy/data-steps';
import { rollBack } from './deploy/roll-back-run';
import { verify } from './deploy/verify';
import { type ArchivePolicy } from './shared/archive-capture';
import { purgeArchives } from './shared/archive-registry';
import { putBackLeftArchives } from './deploy/put-back-archives';
import { applyPending } from './deploy/apply-pending';

export { readGateEnvironment } from './deploy/preflight';
export { archivePolicy } from './shared/archive-capture';
export type { RecordedEvent } from './deploy/event-log';

export interface DeployInput {
  parser: SqlParser;
  project: string;
  workspaceRoot: string;
  environment: string;
  target: DeployTarget;
  history: MigrationHistory;
  /** The schema as the engine reads it. */
  schema: SchemaFile[];
  configDir: string;
  backupDir: string;
  backupRetention: number;
  allowDrift: boolean;
  healthCheck?: HealthCheck;
  /** Another environment every pending migration must have reached first. */
  requireDeployedTo?: { environment: string; state: AppliedState };
  dryRun: boolean;
  /** What a migration drops is archived first, for a rollback to bring back. */
  archive: ArchivePolicy;
  log: (line: string) => void;
}

export type DeployStatus = 'deployed' | 'up-to-date' | 'dry-run' | 'rolled-back' | 'rollback-failed';

export interface DeployResult {
  ok: boolean;
  runId: string;
  status: DeployStatus;
  project: string;
  environment: string;
  database: string;
  startedAt: string;
  durationMs: number;
  plan: DeployPlan;
  applied: string[];
  rolledBack: string[];
  restored: boolean;
  backup?: BackupRecord;
  error?: string;
  warnings: string[];
  events: RecordedEvent[];
}

/**
 * `migrate-deploy` against one database, already held under the deploy lock: preflight (edited
 * migrations, earlier failures, drift, the safety and staging gates), a verified backup, the
 * pending migrations one at a time with their data steps, verification; on any failure after the
 * backup, the downs of what this run applied or else the backup, proven against the state
 * before. Every step is an event in the deploy history. Preflight errors throw: nothing changed.
 */
export async function deploy(input: DeployInput): Promise<DeployResult> {
  const started = Date.now();
  const runId = randomUUID();
  const { parser, target, history, log } = input;
  const warnings: string[] = [];
  const result = (
    fields: Partial<DeployResult> & Pick<DeployResult, 'status' | 'ok' | 'plan'>,
    events: RecordedEvent[] = [],
  ): DeployResult => ({
    runId,
    project: input.project,
    environment: input.environment,
    database: target.label,
    startedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
    applied: [],
    rolledBack: [],
    restored: false,
    warnings,
    events,
    ...fields,
  });

  const state = await readAppliedState(target.database);
  refuseEditedMigrations(history, state, target.label);
  const unknown = unknownAppliedMigrations(history, state);
  if (unknown.length) warnings.push(`applied to the database but not in the migrations folder: ${unknown.join(', ')}`);
  const failedBefore = state.failed.map((row) => row.migration_name);
  // A failed row keeps its migration out of `applied`: it comes back as pending once recovered.
  const planned = pendingMigrations(history, state);
  let safety = await judgeSafety(parser, target.database, input.project, history, planned);
  if (input.requireDeployedTo) stagingGate(planned, input.requireDeployedTo);
  const plan: DeployPlan = {
    database: target.label,
    environment: input.environment,
    recover: failedBefore.map((name) => `${name} failed or was interrupted earlier: made harmless first`),
    pending: planned.map((migration) =>
      plannedMigration(
        parser,
        migration,
        safety.lint.find((linted) => linted.name === migration.name),
        safety.judged,
      ),
    ),
    backup:
      `${target.backupKind === 'pg_dump' ? 'pg_dump -Fc, checked with pg_restore --list' : 'a copy of the data folder, opened to check it'}` +
      `, into ${path.relative(input.workspaceRoot, input.backupDir) || '.'} (newest ` +
      `${input.backupRetention} kept)`,
    healthCheck:
      input.healthCheck &&
      (input.healthCheck.url ? `GET ${input.healthCheck.url} must answer 2xx` : `\`${input.healthCheck.command}\` must exit 0`),
  };
  if (input.dryRun) {
    renderPlan(plan, true).forEach(log);
    return result({ ok: true, status: 'dry-run', plan });
  }

  const events = await EventLog.open(
    () => target.database,
    { runId, environment: input.environment, workspaceRoot: input.workspaceRoot },
    log,
  );
  await events.record('deploy_started', {
    migrations: planned.map((migration) => migration.name),
    details: safety.judged.length ? { gate: safety.judged } : undefined,
  });
  const fail = async (error: unknown): Promise<never> => {
    await events.record('deploy_failed', { error: (error as Error).message, durationMs: Date.now() - started });
    throw error;
  };

  await recoverEarlierRuns({ parser, target, history, project: input.project, events }).catch(fail);
  // What the recoveries undid is pending again, and goes through the gates like the rest.
  const pending = pendingMigrations(history, await readAppliedState(target.database));
  if (pending.length !== planned.length) {
    await (async () => {
      safety = await judgeSafety(parser, target.database, input.project, history, pending);
      if (input.requireDeployedTo) stagingGate(pending, input.requireDeployedTo);
    })().catch(fail);
  }
  const drift = await measureDrift(target.database, history, input.schema, input.configDir).catch(fail);
  if (drift.error) warnings.push(`drift was not checked: ${drift.error}`);
  if (drift.sql && !input.allowDrift) {
    await fail(
      new ForgeError(
        'LIVE_DRIFT',
        `The live database differs from what its applied migrations make (drift), so nothing was ` +
          `applied. This SQL would bring the migrations to it:\n${drift.sql}`,
        'Find who changed the database by hand; capture the change in a migration, or undo it. --allowDrift deploys anyway.',
      ),
    );
  }
  const purged = await purgeArchives(target.database).catch(fail);
  if (purged.length) events.log(`archives past their retention purged: ${purged.join(', ')}`);
  await putBackLeftArchives(parser, target.database, history.migrations, events).catch(fail);
  const unfinishedDataSteps = await dataStepsLeft(target, history, state);
  if (pending.length === 0 && unfinishedDataSteps.length === 0) {
    await events.record('deploy_finished', { durationMs: Date.now() - started, details: { status: 'up-to-date' } });
    return result({ ok: true, status: 'up-to-date', plan }, events.events);
  }

  const [before, backup] = await stateAndBackup(target, input, runId).catch(fail);
  // What a restore of the embedded database's copy forgets, and must be written again.
  const eventsSinceBackup = events.events.length;
  // With the state before, so that a run taking over after a crash can prove its rollback too.
  const appliedBefore = [...(await readAppliedState(target.database)).applied.keys()];
  await events.record('backup_taken', { details: { ...backup, before, applied: appliedBefore } });

  const applied: MigrationFolder[] = [];
  try {
    for (const migration of unfinishedDataSteps) await runStep(input, events, migration);
    await applyPending(input, events, pending, safety.judged, runId, warnings, applied);
    await verify(input, warnings);
    await events.record('verified', { migrations: applied.map((migration) => migration.name) });
    const health = input.healthCheck && (await runHealthCheck(input.healthCheck, input.workspaceRoot));
    if (health)
      throw new ForgeError(
        'HEALTH_CHECK_FAILED',
        `The health check failed after the deploy: ${health}`,
        "See the health check's own output; the deploy was rolled back.",
      );
  } catch (error) {
    const message = (error as Error).message;
    log(`deploy failed: ${message}`);
    await events.record('deploy_failed', { migrations: applied.map((migration) => migration.name), error: message });
    const undo = await rollBack(input, events, applied, before, backup, eventsSinceBackup);
    await events.record(undo.ok ? 'rollback_finished' : 'rollback_failed', {
      migrations: undo.rolledBack,
      durationMs: Date.now() - started,
      error: undo.error,
    });
    return result(
      {
        ok: false,
        status: undo.ok ? 'rolled-back' : 'rollback-failed',
        plan,
        backup,
        rolledBack: undo.rolledBack,
        restored: undo.restored,
        error: undo.ok ? message : `${message}\n${undo.error}`,
      },
      events.events,
    );
  }
  const version = versionOf(schemaVersions(parser, history.migrations), (await readAppliedState(target.database)).applied);
  await events.record('deploy_finished', {
    migrations: applied.map((migration) => migration.name),
    durationMs: Date.now() - started,
    details: { status: 'deployed', version },
  });
  await pruneBackups(input.backupDir, `${input.project}-`, input.backupRetention);
  return result({ ok: true, status: 'deployed', plan, backup, applied: applied.map((migration) => migration.name) }, events.events);
}
