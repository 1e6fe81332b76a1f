import type { ExecutorContext } from '@nx/devkit';
import { logger } from '@nx/devkit';
import { archiveLine } from '../../core/deploy/status-report';
import { describeError, ForgeError } from '../../core/errors';
import { loadSqlParser } from '../../core/sql/parser';
import { type ArchivesResult, manageArchives } from '../../use-cases/archives';
import { confirmAtTerminal } from '../shared/confirm';
import { ARCHIVES_DEFAULTS } from '../../defaults';
import { DatabaseRun } from '../shared/database-run';
import type { ArchivesExecutorOptions } from './schema';

/** `migrate-archives`: see use-cases/archives.ts; the archives kept, or their purge (--purge, --all). */
export default async function migrateArchivesExecutor(
  options: ArchivesExecutorOptions,
  context: ExecutorContext,
): Promise<{ success: boolean }> {
  const run = new DatabaseRun('migrate-archives', options, context);
  const { purge, all, yes, json } = { ...ARCHIVES_DEFAULTS, ...options };
  let result: ArchivesResult;
  try {
    if (all && !purge)
      throw new ForgeError('INVALID_OPTION', '--all was given without --purge: nothing was purged.', 'Run with --purge --all.');
    const parser = await loadSqlParser();
    const venture = await run.readProject();
    result = await run.withTarget(
      parser,
      venture,
      (target) =>
        manageArchives({
          target,
          purge: purge ? (all ? 'all' : 'expired') : undefined,
          confirm: (archives) =>
            confirmAtTerminal(run, {
              impact: [
                `Purging every archive of ${run.project} on ${run.where}: a rollback of their migrations then stops, naming the backups.`,
                ...archives.map(archiveLine),
              ],
              yes,
              question: `Purge ${archives.length} archive(s) of ${run.project}?`,
              nothing: 'nothing was purged',
              code: 'INVALID_OPTION',
            }),
        }),
      { lock: purge },
    );
  } catch (error) {
    logger.error(run.redact(`migrate-archives ${run.project}: ${describeError(error)}`));
    return { success: false };
  }
  if (json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  else {
    if (purge) logger.info(`migrate-archives ${run.project}: purged ${result.purged.length ? result.purged.join(', ') : 'nothing'}`);
    logger.info(`migrate-archives ${run.project} (${run.environment}) on ${run.where}: ${result.kept.length} archive(s) kept`);
    for (const archive of result.kept) logger.info(archiveLine(archive));
  }
  return { success: !result.declined };
}
