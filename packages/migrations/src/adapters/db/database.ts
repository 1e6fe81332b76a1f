import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import type { ScriptFailure } from './script-runner';

export type DatabaseEngine = 'pglite' | 'postgresql';

/** What runs SQL: the database, or one connection of it (a session). */
export interface SqlRunner {
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  /**
   * Run a script as a migration runs: whole, in one implicit transaction, except for the
   * statements that refuse a transaction block. Throws a ScriptError on failure.
   */
  executeScript(sql: string): Promise<void>;
}

/**
 * A database the plugin migrates: the embedded PGlite or a PostgreSQL server. Everything above
 * this interface (engine, runner, executors) works the same on both.
 */
export interface Database extends SqlRunner {
  readonly engine: DatabaseEngine;
  /** Safe to print: never holds credentials. */
  readonly label: string;
  /** Run `work` on one connection: what needs session state, such as an advisory lock. */
  withSession<T>(work: (session: SqlRunner) => Promise<T>): Promise<T>;
  /** What Prisma's schema engine connects through, with the upstream adapters' defects wrapped. */
  adapterFactory(): SqlMigrationAwareDriverAdapterFactory;
  /** The last script that failed through the engine's connection, with PostgreSQL's error. */
  takeScriptFailure(): ScriptFailure | undefined;
  close(): Promise<void>;
}
