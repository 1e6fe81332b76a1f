import type { ExecutorContext, TargetConfiguration } from '@nx/devkit';
import { logger } from '@nx/devkit';
import path from 'node:path';
import { describeError, isForgeError } from '../../core/errors';
import { type Dashboard, startDashboard } from '../../dashboard/server';
import { writeStaticReport } from '../../dashboard/static-report';
import type { VentureConfig } from '../../dashboard/ventures';
import { DEPLOY_DEFAULTS, ROLLBACK_DEFAULTS, UI_DEFAULTS } from '../../defaults';
import { defaultSnapshotCacheDir } from '../../adapters/db/pglite-snapshot';
import { resolvePrismaLayout } from '../../adapters/store/project-layout';
import { reportPath } from '../shared/report-files';
import type { UiExecutorOptions } from './schema';

/** `migrate-ui`: the dashboard of every venture in the workspace, opened at this project's page. */
export default async function migrateUiExecutor(options: UiExecutorOptions, context: ExecutorContext): Promise<{ success: boolean }> {
  let dashboard: Dashboard | undefined;
  try {
    const ventures = await workspaceVentures(context);
    const cacheDir = defaultSnapshotCacheDir(context.root);
    const lockTimeoutMs = (options.lockTimeout ?? UI_DEFAULTS.lockTimeout) * 1000;
    if (options.static) {
      const file = await writeStaticReport({
        workspaceRoot: context.root,
        ventures,
        cacheDir,
        dir: path.resolve(context.root, options.static),
        lockTimeoutMs,
      });
      logger.info(`migrate-ui: wrote ${path.relative(context.root, file)} (${ventures.length} venture${ventures.length === 1 ? '' : 's'})`);
      return { success: true };
    }
    dashboard = await startDashboard({
      workspaceRoot: context.root,
      ventures,
      host: options.host ?? UI_DEFAULTS.host,
      port: options.port ?? UI_DEFAULTS.port,
      cacheDir,
      backupRetention: options.backupRetention ?? UI_DEFAULTS.backupRetention,
      lockTimeoutMs,
      log: (line) => logger.info(line),
    });
    const own =
      context.projectName && ventures.some((venture) => venture.project === context.projectName)
        ? `v/${encodeURIComponent(context.projectName)}`
        : '';
    logger.info(`migrate-ui: ${ventures.length} venture${ventures.length === 1 ? '' : 's'} at ${dashboard.url}${own} (Ctrl-C to stop)`);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    return { success: true };
  } catch (error) {
    logger.error(`migrate-ui: ${describeError(error)}`);
    return { success: false };
  } finally {
    await dashboard?.close();
  }
}

/** Every project with a Prisma schema, with its migrate-deploy and migrate-rollback options where it sets them. */
async function workspaceVentures(context: ExecutorContext): Promise<VentureConfig[]> {
  const ventures: VentureConfig[] = [];
  for (const [project, configuration] of Object.entries(context.projectsConfigurations?.projects ?? {}).sort(([a], [b]) =>
    a.localeCompare(b),
  )) {
    try {
      await resolvePrismaLayout(path.join(context.root, configuration.root));
    } catch (error) {
      if (isForgeError(error) && error.code === 'SCHEMA_NOT_FOUND') continue;
      throw error;
    }
    const targets = configuration.targets ?? {};
    const optionOf = (executor: string, name: string): string | undefined =>
      Object.values(targets).find((target: TargetConfiguration) => target.executor === executor)?.options?.[name];
    const resolve = (file: string) => reportPath(context.root, file, configuration.root, project);
    ventures.push({
      project,
      root: configuration.root,
      urlEnv: optionOf('@forge/migrations:deploy', 'urlEnv') ?? DEPLOY_DEFAULTS.urlEnv,
      schema: optionOf('@forge/migrations:deploy', 'schema'),
      dataDir: resolve(optionOf('@forge/migrations:deploy', 'dataDir') ?? DEPLOY_DEFAULTS.dataDir),
      reportDir: resolve(optionOf('@forge/migrations:deploy', 'reportDir') ?? DEPLOY_DEFAULTS.reportDir),
      backupDir: resolve(optionOf('@forge/migrations:deploy', 'backupDir') ?? DEPLOY_DEFAULTS.backupDir),
      testReport: resolve(optionOf('@forge/migrations:rollback', 'testReport') ?? ROLLBACK_DEFAULTS.testReport),
      environment: optionOf('@forge/migrations:deploy', 'environment') ?? 'default',
    });
  }
  return ventures;
}
