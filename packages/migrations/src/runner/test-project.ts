import { makeSchemaCompatible } from '../core/schema-compat';
import { createdExtensions } from '../core/sql/extensions';
import { loadSqlParser } from '../core/sql/parser';
import type { MigrationTestResult, TestReport } from '../core/test-report';
import type { Database } from '../db/database';
import { PgDatabase } from '../db/pg-database';
import { openThrowawayDatabase } from '../db/open-database';
import { defaultSnapshotCacheDir } from '../db/pglite-snapshot';
import { knownPreviewFeatures } from '../engine/preview-features';
import { loadSchemaEngine } from '../engine/wasm-loader';
import { readMigrationHistory } from '../store/migration-store';
import { resolvePrismaLayout } from '../store/project-layout';
import { runMigrationTest } from './migrate-test';

export interface TestProjectOptions {
  project: string;
  /** Absolute. */
  projectRoot: string;
  workspaceRoot: string;
  /** A PostgreSQL server URL; without one the embedded database is used. */
  url?: string;
  /** The environment variable the URL came from. */
  urlSource: string;
  allowDrift: boolean;
  /** See MigrationTestInput.strictData. */
  strictData?: boolean;
  onWarning?: (warning: string) => void;
  onMigration?: (result: MigrationTestResult) => void;
  onDatabase?: (label: string) => void;
}

/** Find a project's schema and migrations, and test them on a throwaway database that is always removed. */
export async function testProject(options: TestProjectOptions): Promise<TestReport> {
  const layout = await resolvePrismaLayout(options.projectRoot);
  const history = readMigrationHistory(layout.migrationsDir);
  const schema = makeSchemaCompatible(layout.schemaFiles, knownPreviewFeatures());
  schema.warnings.forEach((warning) => options.onWarning?.(warning));
  await loadSqlParser();

  // The schema engine's wasm compiles while the database starts.
  const [database] = await Promise.all([
    openThrowawayDatabase({
      url: options.url,
      urlSource: options.urlSource,
      label: options.project,
      extensions: history.migrations.flatMap((migration) => createdExtensions(migration.sql)),
      cacheDir: defaultSnapshotCacheDir(options.workspaceRoot),
    }),
    loadSchemaEngine(),
  ]);
  options.onDatabase?.(database.label);
  return withCleanupOnSignal(database, () =>
    runMigrationTest({
      project: options.project,
      database,
      history,
      schemaFiles: schema.files,
      configDir: options.projectRoot,
      allowDrift: options.allowDrift,
      strictData: options.strictData,
      workspaceRoot: options.workspaceRoot,
      warnings: schema.warnings,
      onMigration: options.onMigration,
    }),
  );
}

/**
 * Remove the throwaway database however the run ends: normally, by an error, or interrupted.
 * Only a server's database outlives the process: an in-memory embedded one gets no handler, so
 * Ctrl-C ends the run at once (even inside a long statement, which blocks the event loop).
 */
async function withCleanupOnSignal<T>(database: Database, run: () => Promise<T>): Promise<T> {
  const onSignal =
    database instanceof PgDatabase ? (signal: NodeJS.Signals) => void database.abandon().finally(() => process.kill(process.pid, signal)) : undefined;
  if (onSignal) {
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  }
  try {
    return await run();
  } finally {
    if (onSignal) {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
    await database.close();
  }
}
