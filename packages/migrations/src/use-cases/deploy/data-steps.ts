import type { MigrationFolder, MigrationHistory } from '../../adapters/store/migration-store';
import type { DeployTarget } from '../../adapters/db/deploy-target';
import { runDataStep } from '../shared/run-data-step';
import type { DeployInput } from '../deploy';
import type { AppliedState } from './applied-state';
import type { EventLog } from './event-log';
import { lastMigrationSteps } from './event-store';

/** Migrations a deploy applied whose data step has not finished (the deploy was interrupted in it). */
export async function dataStepsLeft(target: DeployTarget, history: MigrationHistory, state: AppliedState): Promise<MigrationFolder[]> {
  const withSteps = history.migrations.filter((migration) => migration.dataStep && state.applied.has(migration.name));
  if (withSteps.length === 0) return [];
  const last = await lastMigrationSteps(target.database);
  return withSteps.filter((migration) => last.get(migration.name) === 'migration_applied');
}

export async function runStep(input: DeployInput, events: EventLog, migration: MigrationFolder): Promise<void> {
  if (!migration.dataStep) return;
  const started = Date.now();
  input.log(`data step of ${migration.name}`);
  await runDataStep(input.target.database, migration.dataStep.file, migration.dataStep.source, {
    workspaceRoot: input.workspaceRoot,
    log: input.log,
  });
  await events.record('data_step_finished', { migrations: [migration.name], durationMs: Date.now() - started });
}
