import type { ExecutorContext } from '@nx/devkit';
import { logger } from '@nx/devkit';
import { inVentureSchema } from '../../adapters/db/venture-schema';
import { deploy, type DeployResult, readGateEnvironment } from '../../use-cases/deploy';
import { DEPLOY_DEFAULTS } from '../../defaults';
import { archivePolicy } from '../../use-cases/deploy';
import { DatabaseRun } from '../shared/database-run';
import type { DeployExecutorOptions } from './schema';

/** `migrate-deploy`: see use-cases/deploy.ts for the steps; this wires options, secrets, reports and the webhook. */
export default async function migrateDeployExecutor(
  options: DeployExecutorOptions,
  context: ExecutorContext,
): Promise<{ success: boolean }> {
  const run = new DatabaseRun('migrate-deploy', options, context);
  const { project, log } = run;
  const { result, refusal } = await run.attempt(async (venture, parser): Promise<DeployResult> => {
    const { layout, schema } = venture;
    const gate = options.requireDeployedTo;
    const requireDeployedTo = gate && {
      environment: gate.environment,
      state: await readGateEnvironment(gate, inVentureSchema(process.env[gate.urlEnv], options.schema, project)),
    };
    log(`migrate-deploy ${project} (${run.environment}) on ${run.where}`);
    return run.withTarget(parser, venture, (target) =>
      deploy({
        ...run.useCaseInput(parser, venture, target),
        schema,
        configDir: layout.projectRoot,
        allowDrift: options.allowDrift ?? DEPLOY_DEFAULTS.allowDrift,
        healthCheck: options.healthCheck && {
          command: options.healthCheck.command,
          url: options.healthCheck.url,
          timeoutMs: (options.healthCheck.timeout ?? DEPLOY_DEFAULTS.healthCheck.timeout) * 1000,
        },
        requireDeployedTo,
        dryRun: options.dryRun ?? DEPLOY_DEFAULTS.dryRun,
        archive: archivePolicy(options),
      }),
    );
  });

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
