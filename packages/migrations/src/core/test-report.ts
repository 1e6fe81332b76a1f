import type { DatabaseEngine } from '../db/database';
import type { ObservedLock } from './lock-modes';
import type { EvidencedFinding } from './safety/lock-evidence';

/** What `migrate-test` found, written as JSON with `--reportFile`. */
export type DownStatus = 'verified' | 'missing' | 'irreversible' | 'failed' | 'not-run';

export interface UnfilledTable {
  table: string;
  reason: string;
}

export interface MigrationTestResult {
  name: string;
  applied: boolean;
  /** Time to apply the migration, in milliseconds. */
  ms: number;
  down: DownStatus;
  /** The SHA-256 of the down.sql this run tested: a later rollback knows whether it runs the same one. */
  downChecksum?: string;
  /** For `failed`: the error, or the objects that differ. For `irreversible`: the reason. */
  downDetails: string[];
  integrity: {
    /** Tables holding representative rows when the migration ran. */
    tablesWithRows: string[];
    /** Rows present before the migration, each checked after it. */
    rowsChecked: number;
    unfilledTables: UnfilledTable[];
    violations: string[];
    notCompared: string[];
  };
  /** The safety analysis of migration.sql; on PostgreSQL, locking findings carry the lock observed. */
  findings: EvidencedFinding[];
  /** PostgreSQL only: the strongest lock the migration took on each table that existed before it. */
  locks?: ObservedLock[];
}

export interface TestError {
  migration?: string;
  message: string;
  /** The statement that failed, with where it is in migration.sql. */
  statement?: string;
}

export interface TestReport {
  ok: boolean;
  project: string;
  engine: DatabaseEngine;
  startedAt: string;
  durationMs: number;
  migrations: MigrationTestResult[];
  idempotent: boolean;
  drift: { clean: boolean; allowed: boolean; sql: string };
  errors: TestError[];
  warnings: string[];
}

/** The verdict: every migration applied, proven and intact, nothing left to apply, no drift. */
export function isSuccessful(report: Omit<TestReport, 'ok'>): boolean {
  return (
    report.errors.length === 0 &&
    report.idempotent &&
    (report.drift.clean || report.drift.allowed) &&
    report.migrations.every(
      (migration) => migration.applied && migration.down !== 'failed' && migration.integrity.violations.length === 0,
    )
  );
}

/** The report of a run that could not start (no schema, unreachable database, ...). */
export function setupFailureReport(project: string, engine: DatabaseEngine, message: string, allowDrift: boolean): TestReport {
  return {
    ok: false,
    project,
    engine,
    startedAt: new Date().toISOString(),
    durationMs: 0,
    migrations: [],
    idempotent: false,
    drift: { clean: false, allowed: allowDrift, sql: '' },
    errors: [{ message }],
    warnings: [],
  };
}
