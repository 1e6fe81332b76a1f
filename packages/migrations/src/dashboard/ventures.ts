import { existsSync } from 'node:fs';
import path from 'node:path';
import { ForgeError } from '../core/errors';
import { urlSecrets } from '../core/redact';
import { makeSchemaCompatible } from '../core/schema-compat';
import { createdExtensions } from '../core/sql/extensions';
import { inVentureSchema } from '../db/venture-schema';
import { knownPreviewFeatures } from '../engine/preview-features';
import { openDeployTarget, type DeployTarget } from '../runner/deploy/deploy-target';
import { readMigrationHistory } from '../store/migration-store';
import { resolvePrismaLayout } from '../store/project-layout';
import type { VentureSource } from './read-venture';

/** Where one venture's database, reports and backups are: its migrate-deploy options, else the defaults. */
export interface VentureConfig {
  project: string;
  root: string;
  urlEnv: string;
  /** The schema it owns in a shared database, as its migrate-deploy options name it. */
  schema?: string;
  /** Absolute. */
  dataDir: string;
  reportDir: string;
  backupDir: string;
  testReport: string;
  environment: string;
}

/** The venture's files as they are now: re-read on every request, so edits show at once. */
export async function ventureSource(workspaceRoot: string, venture: VentureConfig): Promise<VentureSource> {
  const layout = await resolvePrismaLayout(path.join(workspaceRoot, venture.root));
  return {
    workspaceRoot,
    project: venture.project,
    root: venture.root,
    where: process.env[venture.urlEnv] ? `the database in ${venture.urlEnv}` : 'the embedded database',
    layout,
    history: readMigrationHistory(layout.migrationsDir),
    schema: makeSchemaCompatible(layout.schemaFiles, knownPreviewFeatures()).files,
    reportDir: venture.reportDir,
    environment: venture.environment,
  };
}

export async function openVentureTarget(venture: VentureConfig, source: VentureSource, cacheDir: string, how: { lock: boolean; lockTimeoutMs: number }): Promise<DeployTarget> {
  const url = ventureUrl(venture);
  // Looking must not create an embedded database: only a deploy does.
  if (!url && !existsSync(venture.dataDir)) {
    throw new ForgeError('NOT_DEPLOYED', `${venture.project} has no embedded database yet and ${venture.urlEnv} is not set.`, `Deploy it first: nx run ${venture.project}:migrate-deploy`);
  }
  return openDeployTarget({
    url,
    urlEnv: venture.urlEnv,
    dataDir: venture.dataDir,
    cacheDir,
    extensions: source.history.migrations.flatMap((migration) => createdExtensions(migration.sql)),
    lockTimeoutMs: how.lockTimeoutMs,
    lock: how.lock,
  });
}

/** The secrets a venture's pages must never show: its database URL and that URL's password. */
export function ventureSecrets(ventures: readonly VentureConfig[]): string[] {
  return ventures.flatMap((venture) => [...urlSecrets(process.env[venture.urlEnv]), ...urlSecrets(ventureUrl(venture))]);
}

function ventureUrl(venture: VentureConfig): string | undefined {
  return inVentureSchema(process.env[venture.urlEnv] || undefined, venture.schema, venture.project);
}
