import type { ExecutorContext } from '@nx/devkit';
import { logger } from '@nx/devkit';
import type { RollbackSelector } from '../../core/deploy/rollback-plan';
import { ForgeError } from '../../core/errors';
import { rollback, type RollbackResult } from '../../use-cases/rollback';
import { ROLLBACK_DEFAULTS } from '../../defaults';
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
        confirm: (impact) => confirm(impact, options.yes ?? ROLLBACK_DEFAULTS.yes, run),
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

/** Print the impact; then --yes, a yes typed at the terminal, or a refusal when there is no terminal to ask. */
async function confirm(impact: string[], yes: boolean, run: DatabaseRun): Promise<boolean> {
  for (const line of impact) run.log(line);
  if (yes) return true;
  if (!process.stdin.isTTY || !process.stdout.isTTY) {
    throw new ForgeError(
      'ROLLBACK_REFUSED',
      'A rollback needs a confirmation, and there is no terminal to ask: nothing was rolled back.',
      'Read the impact above, then run again with --yes.',
    );
  }
  const { default: ask } = await import('@inquirer/confirm');
  const answer = await ask({ message: `Roll back ${run.project} on ${run.where}?`, default: false });
  run.log(`confirmation: ${answer ? 'yes' : 'no'}`);
  if (!answer) logger.info('Nothing was rolled back.');
  return answer;
}
