import { existsSync } from 'node:fs';
import path from 'node:path';
import { ForgeError } from '../core/errors';
import type { SqlParser } from '../core/sql/parser';
import { type DatabaseUrl, resolveDatabaseUrl } from '../adapters/db/database-url';
import { openDeployTarget, type DeployTarget } from '../adapters/db/deploy-target';
import { historyExtensions, loadVenture } from '../adapters/store/load-venture';
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
  const { layout, history, schema } = await loadVenture(path.join(workspaceRoot, venture.root));
  return {
    workspaceRoot,
    project: venture.project,
    root: venture.root,
    where: ventureDatabase(venture).where,
    layout,
    history,
    schema,
    reportDir: venture.reportDir,
    environment: venture.environment,
  };
}

export async function openVentureTarget(
  parser: SqlParser,
  venture: VentureConfig,
  source: VentureSource,
  cacheDir: string,
  how: { lock: boolean; lockTimeoutMs: number },
): Promise<DeployTarget> {
  const { url } = ventureDatabase(venture);
  // Looking must not create an embedded database: only a deploy does.
  if (!url && !existsSync(venture.dataDir)) {
    throw new ForgeError(
      'NOT_DEPLOYED',
      `${venture.project} has no embedded database yet and ${venture.urlEnv} is not set.`,
      `Deploy it first: nx run ${venture.project}:migrate-deploy`,
    );
  }
  return openDeployTarget({
    url,
    urlEnv: venture.urlEnv,
    dataDir: venture.dataDir,
    cacheDir,
    extensions: historyExtensions(parser, source.history),
    lockTimeoutMs: how.lockTimeoutMs,
    lock: how.lock,
  });
}

/** `look` at the venture's files as they are now and at its database, read without the deploy lock and closed after. */
export async function lookAtVenture<T>(
  parser: SqlParser,
  workspaceRoot: string,
  venture: VentureConfig,
  how: { cacheDir: string; lockTimeoutMs: number },
  look: (source: VentureSource, target: DeployTarget) => Promise<T>,
): Promise<T> {
  const source = await ventureSource(workspaceRoot, venture);
  const target = await openVentureTarget(parser, venture, source, how.cacheDir, { lock: false, lockTimeoutMs: how.lockTimeoutMs });
  try {
    return await look(source, target);
  } finally {
    await target.close();
  }
}

/** The secrets a venture's pages must never show: its database URL and that URL's password. */
export function ventureSecrets(ventures: readonly VentureConfig[]): string[] {
  return ventures.flatMap((venture) => ventureDatabase(venture).secrets);
}

function ventureDatabase(venture: VentureConfig): DatabaseUrl {
  return resolveDatabaseUrl(process.env, venture.urlEnv, venture);
}
