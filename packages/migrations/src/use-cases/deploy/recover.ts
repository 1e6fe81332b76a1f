import { ForgeError } from '../../core/errors';
import { markRolledBack, type MigrationRow } from '../../core/sql/prisma-migrations-table';
import type { SqlParser } from '../../core/sql/parser';
import { runsInOneTransaction } from '../../core/sql/transactions';
import type { MigrationHistory } from '../../adapters/store/migration-store';
import { resumeInterrupted } from '../shared/apply-migrations';
import { readAppliedState } from './applied-state';
import type { DeployTarget } from '../../adapters/db/deploy-target';
import { type InterruptedRun, latestInterruptedRun } from './earlier-runs';
import type { EventLog } from './event-log';
import { undoDeploy } from './undo';

export interface RecoveryContext {
  parser: SqlParser;
  target: DeployTarget;
  history: MigrationHistory;
  project: string;
  events: EventLog;
}

/**
 * Make what earlier runs left harmless before anything else, as the run that was interrupted
 * would have: a deploy killed while rolling back finishes its rollback; a migration killed
 * inside one transaction left nothing (PostgreSQL rolled it back) and is marked rolled back; one
 * killed outside a transaction resumes from the batch where it stopped, and if that fails, the
 * interrupted deploy is rolled back whole. When none of that can be done, the deploy stops with
 * the commands that resolve it.
 */
export async function recoverEarlierRuns(context: RecoveryContext): Promise<void> {
  const { parser, target, history, events } = context;
  const run = await latestInterruptedRun(target.database, events.runId);
  if (run?.rollingBack) {
    await rollBackRun(context, run);
    return;
  }
  for (const row of (await readAppliedState(target.database)).failed) {
    const migration = history.migrations.find((candidate) => candidate.name === row.migration_name);
    if (!migration) throw unresolved(context, row, 'its folder is no longer in the migrations directory');
    if (runsInOneTransaction(parser, migration.sql)) {
      await target.database.query(markRolledBack(row.migration_name));
      await events.record('recovered', {
        migrations: [row.migration_name],
        details: { how: 'it ran in one transaction, which PostgreSQL rolled back: marked rolled back' },
      });
      continue;
    }
    if (row.logs !== null) {
      // Failed part-way in a deploy that was killed before it could roll itself back: finish that.
      if (!run) throw unresolved(context, row, 'ran outside a transaction and failed part-way, so part of it may be applied');
      await rollBackRun(context, run);
      return;
    }
    try {
      const from = await resumeInterrupted(parser, target.database, migration, row);
      await events.record('recovered', {
        migrations: [row.migration_name],
        details: { how: `it ran outside a transaction and was interrupted: resumed from batch ${from + 1} and finished` },
      });
    } catch (error) {
      if (!run)
        throw unresolved(context, row, `ran outside a transaction and was interrupted; resuming it failed (${(error as Error).message})`);
      context.events.log(`resuming ${row.migration_name} failed (${(error as Error).message}): rolling back the deploy it belonged to`);
      await rollBackRun(context, run);
      return;
    }
  }
  if (run) await events.closeEarlierRun(run.runId, 'superseded');
}

/**
 * Roll back an interrupted deploy as it would have rolled itself back: the downs of what it
 * applied and still stands, newest first; its backup when a down is missing or fails, or when the
 * result is not the state it recorded before it began; proven against that state.
 */
async function rollBackRun(context: RecoveryContext, run: InterruptedRun): Promise<void> {
  const { target, history, events } = context;
  const state = await readAppliedState(target.database);
  for (const row of state.failed) await target.database.query(markRolledBack(row.migration_name));
  const left = history.migrations.filter(
    (migration) => run.applied.includes(migration.name) && !run.undone.includes(migration.name) && state.applied.has(migration.name),
  );
  const fallback = { deploy: `deploy ${run.runId}`, backup: run.backup, before: run.backup?.before, replayFrom: 0 };
  const undo = await undoDeploy(context.parser, target, events, [...left].reverse(), fallback);
  if (undo.failure?.restoreError) throw undo.failure.restoreError;
  if (undo.failure) {
    const why = undo.failure.differences.join('; ');
    if (!run.backup) {
      throw new ForgeError(
        'RECOVERY_FAILED',
        `The interrupted deploy ${run.runId} cannot be rolled back: ${why}, and it has no backup. Nothing was applied.`,
        'Undo its migrations by hand, then mark them with npx prisma migrate resolve --rolled-back <name>.',
      );
    }
    throw new ForgeError(
      'RECOVERY_FAILED',
      `After restoring the backup of the interrupted deploy ${run.runId}, the database still differs from before it: ${why}. Nothing was applied.`,
      `Compare the database with ${run.backup.file} by hand.`,
    );
  }
  await events.closeEarlierRun(run.runId, 'rollback_finished');
  await events.record('recovered', {
    migrations: [...undo.undone],
    details: { how: `finished the rollback of the interrupted deploy ${run.runId}` },
  });
}

function unresolved(context: RecoveryContext, row: MigrationRow, why: string): ForgeError {
  return new ForgeError(
    'FAILED_MIGRATIONS_FOUND',
    `${row.migration_name} failed or was interrupted in an earlier run (started ${row.started_at}) and ${why}: nothing was applied.`,
    `Undo what it left by hand and run \`npx prisma migrate resolve ` +
      `--rolled-back ${row.migration_name}\`, or restore the backup taken before it: nx ` +
      `run ${context.project}:migrate-rollback --fromBackup <file> (the deploy history names it).`,
  );
}
