import { PhaseClock } from '../core/phase-clock';
import { HistoryHints } from '../core/seed-hints';
import { loadSqlParser } from '../core/sql/parser';
import type { MigrationTestResult, TestReport } from '../core/test-report';
import type { Database } from '../adapters/db/database';
import { PgDatabase } from '../adapters/db/pg-database';
import { openThrowawayDatabase } from '../adapters/db/open-database';
import { defaultSnapshotCacheDir } from '../adapters/db/pglite-snapshot';
import { loadSchemaEngine } from '../adapters/engine/wasm-loader';
import { historyExtensions, loadVenture } from '../adapters/store/load-venture';
import { runMigrationTest } from './test/migration-test';
import type { ProofState } from './test/proof-state';
import { type PrefixStart, ProvenPrefixes } from './test/proven-prefixes';
import { withoutSchema } from '../adapters/db/venture-schema';

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
  /** Start from the longest proven prefix kept, and keep this run's. */
  prefixCache?: boolean;
  onWarning?: (warning: string) => void;
  onMigration?: (result: MigrationTestResult) => void;
  onDatabase?: (label: string) => void;
  /** Where the run's phases are timed from (the executor's starts with the process); from now without one. */
  clock?: PhaseClock;
}

/** Find a project's schema and migrations, and test them on a throwaway database that is always removed. */
export async function testProject(options: TestProjectOptions): Promise<TestReport> {
  const venture = await loadVenture(options.projectRoot);
  venture.warnings.forEach((warning) => options.onWarning?.(warning));
  const parser = await loadSqlParser();
  const hints = new HistoryHints(parser, venture.history.migrations);
  const extensions = historyExtensions(parser, venture.history);
  const clock = options.clock ?? new PhaseClock();
  clock.lap('read history');
  const cacheDir = defaultSnapshotCacheDir(options.workspaceRoot);
  const server = options.url ? { url: withoutSchema(options.url), source: options.urlSource } : undefined;
  // A store or a server that cannot be read is no prefix: the whole history is proven.
  const prefixes = options.prefixCache
    ? await ProvenPrefixes.open(hints, cacheDir, venture.history.migrations, { strictData: options.strictData === true }, server).catch(
        () => undefined,
      )
    : undefined;
  let resume = await prefixes?.longest().catch(() => undefined);
  if (prefixes) clock.lap('find proven prefix');
  const open = (start?: PrefixStart) =>
    openThrowawayDatabase({ url: options.url, urlSource: options.urlSource, label: options.project, extensions, cacheDir, ...start });
  // The schema engine's wasm compiles while the database starts.
  const [database] = await Promise.all([
    open(resume?.start).catch((error: unknown) => {
      if (!resume) throw error;
      // A kept database that cannot be started from (gone since, damaged): proven from the start.
      resume = undefined;
      return open();
    }),
    loadSchemaEngine(),
  ]);
  clock.lap('start database');
  const keep = async (state: ProofState) => {
    // A store that cannot be written costs the next run its speed, never this run its result.
    await prefixes?.keep(database, state).catch((error: Error) => {
      options.onWarning?.(`the proven migrations could not be kept for the next run: ${error.message}`);
    });
  };
  options.onDatabase?.(database.label);
  return withCleanupOnSignal(database, () =>
    runMigrationTest({
      parser,
      hints,
      project: options.project,
      database,
      history: venture.history,
      schemaFiles: venture.schema,
      configDir: options.projectRoot,
      allowDrift: options.allowDrift,
      strictData: options.strictData,
      workspaceRoot: options.workspaceRoot,
      warnings: venture.warnings,
      onMigration: options.onMigration,
      prefix: prefixes && { resume: resume?.state, keep },
      clock,
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
    database instanceof PgDatabase
      ? (signal: NodeJS.Signals) => void database.abandon().finally(() => process.kill(process.pid, signal))
      : undefined;
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
