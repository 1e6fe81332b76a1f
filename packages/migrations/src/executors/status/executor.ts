import type { ExecutorContext } from '@nx/devkit';
import { logger } from '@nx/devkit';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { renderStatus, type StatusReport } from '../../core/deploy/status-report';
import { describeError } from '../../core/errors';
import { databaseVersionMarkdown, schemaVersions } from '../../core/schema-version';
import { loadSqlParser, type SqlParser } from '../../core/sql/parser';
import { readStatus } from '../../use-cases/status';
import type { MigrationHistory } from '../../adapters/store/migration-store';
import { STATUS_DEFAULTS } from '../../defaults';
import { DatabaseRun } from '../shared/database-run';
import type { StatusExecutorOptions } from './schema';

/** `migrate-status`: see use-cases/status.ts; text or --json, and --check for CI. */
export default async function migrateStatusExecutor(
  options: StatusExecutorOptions,
  context: ExecutorContext,
): Promise<{ success: boolean }> {
  const run = new DatabaseRun('migrate-status', options, context);
  let report: StatusReport;
  try {
    const parser = await loadSqlParser();
    const venture = await run.readProject();
    const { layout, history, schema } = venture;
    const wrote = options.versionFile !== '' && keepVersionFile(parser, run, history, options.versionFile ?? STATUS_DEFAULTS.versionFile);
    // On stderr with --json, so that stdout stays one JSON document.
    if (wrote) (options.json ? logger.warn : logger.info)(`migrate-status ${run.project}: wrote ${wrote}`);
    report = await run.withTarget(
      parser,
      venture,
      (target) =>
        readStatus({
          parser,
          project: run.project,
          environment: run.environment,
          target,
          history,
          schema,
          configDir: layout.projectRoot,
        }),
      { lock: false },
    );
  } catch (error) {
    logger.error(run.redact(`migrate-status ${run.project}: ${describeError(error)}`));
    return { success: false };
  }
  if (options.json) process.stdout.write(run.redact(`${JSON.stringify(report, null, 2)}\n`));
  else for (const line of renderStatus(report)) logger.info(run.redact(line));
  return { success: !options.check || report.ok };
}

/** DATABASE_VERSION.md follows the migrations folder: rewritten only when its content would change. */
function keepVersionFile(parser: SqlParser, run: DatabaseRun, history: MigrationHistory, option: string): string | undefined {
  const file = run.resolve(option);
  const content = databaseVersionMarkdown(run.project, schemaVersions(parser, history.migrations));
  if (existsSync(file) && readFileSync(file, 'utf8') === content) return undefined;
  writeFileSync(file, content);
  return path.relative(run.context.root, file);
}
