import type { ExecutorContext } from '@nx/devkit';
import { logger } from '@nx/devkit';
import path from 'node:path';
import { type DeployReport, deployMarkdown, webhookPayload } from '../../core/deploy/report';
import { describeError, ForgeError } from '../../core/errors';
import { redact } from '../../core/redact';
import { makeSchemaCompatible } from '../../core/schema-compat';
import { createdExtensions } from '../../core/sql/extensions';
import { loadSqlParser } from '../../core/sql/parser';
import { PgDatabase } from '../../db/pg-database';
import { defaultSnapshotCacheDir } from '../../db/pglite-snapshot';
import { knownPreviewFeatures } from '../../engine/preview-features';
import { readAppliedState } from '../../runner/deploy/applied-state';
import { deploy, type DeployResult } from '../../runner/deploy/deploy';
import { openDeployTarget } from '../../runner/deploy/deploy-target';
import { postWebhook } from '../../runner/deploy/webhook';
import { readMigrationHistory } from '../../store/migration-store';
import { resolvePrismaLayout } from '../../store/project-layout';
import { reportPath, writeReport } from '../shared/report-files';
import type { DeployExecutorOptions } from './schema';

/** `migrate-deploy`: see runner/deploy/deploy.ts for the steps; this wires options, secrets, reports and the webhook. */
export default async function migrateDeployExecutor(options: DeployExecutorOptions, context: ExecutorContext): Promise<{ success: boolean }> {
  const project = context.projectName ?? '';
  const projectRoot = context.projectsConfigurations?.projects[project]?.root ?? '.';
  const resolve = (file: string) => reportPath(context.root, file, projectRoot, project);
  const urlEnv = options.urlEnv ?? 'DATABASE_URL';
  const url = process.env[urlEnv] || undefined;
  const webhookEnv = options.webhookEnv ?? 'MIGRATIONS_WEBHOOK_URL';
  const webhook = process.env[webhookEnv] || undefined;
  const secrets = [url, safePassword(url), webhook].filter((secret): secret is string => Boolean(secret));
  const environment = options.environment ?? context.configurationName ?? 'default';
  const logLines: string[] = [];
  const log = (line: string) => {
    const safe = redact(line, secrets);
    logLines.push(`${new Date().toISOString()} ${safe}`);
    logger.info(safe);
  };
  const started = new Date();
  const reportDir = resolve(options.reportDir ?? 'reports/migrate-deploy/{projectRoot}');
  const runFiles = (runId: string) => path.join(reportDir, `${started.toISOString().replace(/[-:.]/g, '')}-${runId.slice(0, 8)}`);

  let result: DeployResult | undefined;
  let refusal: string | undefined;
  try {
    await loadSqlParser();
    const layout = await resolvePrismaLayout(path.resolve(context.root, projectRoot));
    const history = readMigrationHistory(layout.migrationsDir);
    const requireDeployedTo = options.requireDeployedTo && { environment: options.requireDeployedTo.environment, state: await readOtherEnvironment(options.requireDeployedTo) };
    log(`migrate-deploy ${project} (${environment}) on ${url ? `the database in ${urlEnv}` : 'the embedded database'}`);
    const target = await openDeployTarget({
      url,
      urlEnv,
      dataDir: resolve(options.dataDir ?? '{projectRoot}/.forge/pglite'),
      cacheDir: defaultSnapshotCacheDir(context.root),
      extensions: history.migrations.flatMap((migration) => createdExtensions(migration.sql)),
      pgBinDir: options.pgBinDir,
      lockTimeoutMs: (options.lockTimeout ?? 60) * 1000,
    });
    try {
      result = await deploy({
        project,
        workspaceRoot: context.root,
        environment,
        target,
        history,
        schema: makeSchemaCompatible(layout.schemaFiles, knownPreviewFeatures()).files,
        configDir: layout.projectRoot,
        backupDir: resolve(options.backupDir ?? '.forge/backups/{projectRoot}'),
        backupRetention: options.backupRetention ?? 10,
        allowDrift: options.allowDrift ?? false,
        healthCheck: options.healthCheck && { command: options.healthCheck.command, url: options.healthCheck.url, timeoutMs: (options.healthCheck.timeout ?? 30) * 1000 },
        requireDeployedTo,
        dryRun: options.dryRun ?? false,
        log,
      });
    } finally {
      await target.close();
    }
  } catch (error) {
    refusal = describeError(error);
    log(`migrate-deploy ${project}: ${refusal}`);
  }

  const runId = result?.runId ?? 'refused';
  const files = runFiles(runId === 'refused' ? `refused-${Date.now().toString(16)}` : runId);
  const report: DeployReport = {
    ok: result?.ok ?? false,
    runId,
    status: result?.status ?? 'refused',
    project,
    environment,
    database: result?.database ?? (url ? `the database in ${urlEnv}` : 'the embedded database'),
    startedAt: started.toISOString(),
    durationMs: Date.now() - started.getTime(),
    applied: result?.applied ?? [],
    rolledBack: result?.rolledBack ?? [],
    restored: result?.restored ?? false,
    backup: result?.backup && { file: path.relative(context.root, result.backup.file), sha256: result.backup.sha256, bytes: result.backup.bytes },
    error: result?.error ?? refusal,
    warnings: result?.warnings ?? [],
    plan: result?.plan,
    events: (result?.events ?? []).map((event) => ({ at: event.at, kind: event.kind, migrations: event.migrations, durationMs: event.durationMs, error: event.error })),
    logFile: path.relative(context.root, `${files}.log`),
  };
  for (const warning of report.warnings) logger.warn(redact(`warning: ${warning}`, secrets));
  log(`migrate-deploy ${project}: ${report.status}${report.applied.length ? ` (${report.applied.join(', ')})` : ''}`);
  if (report.status !== 'dry-run') {
    writeReport(`${files}.json`, redact(`${JSON.stringify(report, null, 2)}\n`, secrets));
    writeReport(`${files}.md`, redact(deployMarkdown(report), secrets));
    writeReport(`${files}.log`, `${logLines.join('\n')}\n`);
    if (!report.ok && webhook) {
      const failure = await postWebhook(webhook, JSON.parse(redact(JSON.stringify(webhookPayload(report, logLines.slice(-20))), secrets)));
      if (failure) logger.warn(`migrate-deploy ${project}: ${redact(failure, secrets)}`);
    }
  }
  return { success: report.ok };
}

async function readOtherEnvironment(gate: { environment: string; urlEnv: string }) {
  const url = process.env[gate.urlEnv];
  if (!url) {
    throw new ForgeError('STAGING_GATE', `The staging gate needs ${gate.environment}'s database, but ${gate.urlEnv} is not set: nothing was applied.`, `Set ${gate.urlEnv} to ${gate.environment}'s database URL (read only is enough).`);
  }
  const database = await PgDatabase.connect({ url, source: gate.urlEnv });
  try {
    return await readAppliedState(database);
  } finally {
    await database.close();
  }
}

/** The password of a URL, to redact it wherever it might appear on its own. */
function safePassword(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const password = decodeURIComponent(new URL(url).password);
    return password.length >= 4 ? password : undefined;
  } catch {
    return undefined;
  }
}
