import type { ExecutorContext } from '@nx/devkit';
import type { RollbackSelector } from '../../core/deploy/rollback-plan';
import { ForgeError } from '../../core/errors';
import { rollback, type RollbackResult } from '../../use-cases/rollback';
import { ROLLBACK_DEFAULTS } from '../../defaults';
import { confirmAtTerminal } from '../shared/confirm';
import { DatabaseRun } from '../shared/database-run';
import type { RollbackExecutorOptions } from './schema';

/** `migrate-rollback`: see use-cases/rollback.ts; this reads the options, asks, and writes the reports. */
export default async function migrateRollbackExecutor(
  options: RollbackExecutorOptions,
  context: ExecutorContext,
): Promise<{ success: boolean }> {
  const run = new DatabaseRun('migrate-rollback', options, context);
  const { project, log } = run;
  const { result, refusal } = await run.attempt(async (venture, parser): Promise<RollbackResult> => {
    const selector = selectorOf(options);
    log(`migrate-rollback ${project} (${run.environment}) on ${run.where}`);
    return run.withTarget(parser, venture, (target) =>
      rollback({
        ...run.useCaseInput(parser, venture, target),
        selector,
        fromBackup: options.fromBackup,
        testReportFile: run.resolve(options.testReport ?? ROLLBACK_DEFAULTS.testReport),
        confirm: (impact) =>
          confirmAtTerminal(run, {
            impact,
            yes: options.yes ?? ROLLBACK_DEFAULTS.yes,
            question: `Roll back ${project} on ${run.where}?`,
            nothing: 'nothing was rolled back',
            code: 'ROLLBACK_REFUSED',
          }),
      }),
    );
  });

  const status = result?.status ?? 'refused';
  log(`migrate-rollback ${project}: ${status}${result?.rolledBack.length ? ` (${result.rolledBack.join(', ')})` : ''}`);
  if (status === 'declined') return { success: false };
  const report = await run.finish(options.reportDir ?? ROLLBACK_DEFAULTS.reportDir, result, refusal, {
    command: 'migrate-rollback',
    status,
    impact: result?.impact,
    version: result?.version,
  });
  return { success: report.ok };
}

function selectorOf(options: RollbackExecutorOptions): RollbackSelector | undefined {
  const given = [
    options.steps !== undefined && '--steps',
    options.to !== undefined && '--to',
    options.toVersion !== undefined && '--toVersion',
    options.fromBackup !== undefined && '--fromBackup',
  ].filter(Boolean);
  if (given.length > 1)
    throw new ForgeError(
      'ROLLBACK_REFUSED',
      `${given.join(' and ')} were both given: nothing was rolled back.`,
      'Give one of --steps, --to, --toVersion or --fromBackup.',
    );
  if (options.to !== undefined) return { to: options.to };
  if (options.toVersion !== undefined) return { toVersion: String(options.toVersion) };
  return options.fromBackup === undefined ? { steps: options.steps ?? 1 } : undefined;
}
