import type { ExecutorContext } from '@nx/devkit';
import { logger } from '@nx/devkit';
import { describeError, ForgeError } from '../../core/errors';
import { loadSqlParser } from '../../core/sql/parser';
import { PgDatabase } from '../../adapters/db/pg-database';
import { inVentureSchema } from '../../adapters/db/venture-schema';
import { readAppliedState } from '../../use-cases/deploy/applied-state';
import { deploy, type DeployResult } from '../../use-cases/deploy';
import { DEPLOY_DEFAULTS } from '../../defaults';
import { DatabaseRun } from '../shared/database-run';
import type { DeployExecutorOptions } from './schema';

/** `migrate-deploy`: see use-cases/deploy.ts for the steps; this wires options, secrets, reports and the webhook. */
export default async function migrateDeployExecutor(
  options: DeployExecutorOptions,
  context: ExecutorContext,
): Promise<{ success: boolean }> {
  const run = new DatabaseRun('migrate-deploy', options, context);
  const { project, log } = run;
  let result: DeployResult | undefined;
  let refusal: string | undefined;
  try {
    const parser = await loadSqlParser();
    const venture = await run.readProject();
    const { layout, history, schema } = venture;
    const requireDeployedTo = options.requireDeployedTo && {
      environment: options.requireDeployedTo.environment,
      state: await readOtherEnvironment(options.requireDeployedTo, (url) => inVentureSchema(url, options.schema, project)),
    };
    log(`migrate-deploy ${project} (${run.environment}) on ${run.where}`);
    result = await run.withTarget(parser, venture, (target) =>
      deploy({
        parser,
        project,
        workspaceRoot: context.root,
        environment: run.environment,
        target,
        history,
        schema,
        configDir: layout.projectRoot,
        ...run.backups,
        allowDrift: options.allowDrift ?? DEPLOY_DEFAULTS.allowDrift,
        healthCheck: options.healthCheck && {
          command: options.healthCheck.command,
          url: options.healthCheck.url,
          timeoutMs: (options.healthCheck.timeout ?? DEPLOY_DEFAULTS.healthCheck.timeout) * 1000,
        },
        requireDeployedTo,
        dryRun: options.dryRun ?? DEPLOY_DEFAULTS.dryRun,
        log,
      }),
    );
  } catch (error) {
    refusal = describeError(error);
    log(`migrate-deploy ${project}: ${refusal}`);
  }

  const status = result?.status ?? 'refused';
  for (const warning of result?.warnings ?? []) logger.warn(run.redact(`warning: ${warning}`));
  log(`migrate-deploy ${project}: ${status}${result?.applied.length ? ` (${result.applied.join(', ')})` : ''}`);
  if (status === 'dry-run') return { success: true };
  const report = await run.finish(options.reportDir ?? DEPLOY_DEFAULTS.reportDir, result, refusal, {
    command: 'migrate-deploy',
    status,
    applied: result?.applied ?? [],
    warnings: result?.warnings ?? [],
    plan: result?.plan,
  });
  return { success: report.ok };
}

/** The other environment's applied migrations, in the venture's schema there too. */
async function readOtherEnvironment(
  gate: { environment: string; urlEnv: string },
  inSchema: (url: string | undefined) => string | undefined,
) {
  const url = inSchema(process.env[gate.urlEnv]);
  if (!url) {
    throw new ForgeError(
      'STAGING_GATE',
      `The staging gate needs ${gate.environment}'s database, but ${gate.urlEnv} is not set: nothing was applied.`,
      `Set ${gate.urlEnv} to ${gate.environment}'s database URL (read only is enough).`,
    );
  }
  const database = await PgDatabase.connect({ url, source: gate.urlEnv });
  try {
    return await readAppliedState(database);
  } finally {
    await database.close();
  }
}
