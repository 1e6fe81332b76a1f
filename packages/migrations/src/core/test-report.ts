import type { DatabaseEngine } from '../adapters/db/database';
import type { ObservedLock } from './lock-modes';
import type { PhaseTime } from './phase-clock';
import type { EvidencedFinding } from './safety/lock-evidence';

/** What `migrate-test` found, written as JSON with `--reportFile`. */
export type DownStatus = 'verified' | 'missing' | 'irreversible' | 'failed' | 'not-run';

export interface UnfilledTable {
  table: string;
  reason: string;
}

/**
 * A statement that failed only on the rows migrate-test inserted: the migration was applied again
 * without them, and production rows decide whether it works there.
 */
export interface DataDependence {
  /** The safety finding of that statement (DD101 unique, DD102 NOT NULL, DD103 cast, DD104 foreign key, DD105 check), when one applies. */
  code?: string;
  /** PostgreSQL's error code. */
  sqlstate?: string;
  /** The failing statement with where it is in migration.sql. */
  statement?: string;
  /** `schema.table` the failure is about. */
  table?: string;
  /** PostgreSQL's error. */
  error: string;
  /** What production rows need for the migration to apply. */
  need: string;
  /** The representative rows taken out before the migration ran again (and rows referencing them). */
  rowsRemoved: Array<{ table: string; rows: number }>;
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
  /** What the down put back from the archive of what the migration dropped, each value checked. */
  restored?: string[];
  integrity: {
    /** Tables holding representative rows when the migration ran. */
    tablesWithRows: string[];
    /** Rows present before the migration, each checked after it. */
    rowsChecked: number;
    unfilledTables: UnfilledTable[];
    violations: string[];
    /** Values lost by what the migration says it does (a column dropped and added again): reported, not failed. */
    lostValues: string[];
    notCompared: string[];
  };
  /** The safety analysis of migration.sql; on PostgreSQL, locking findings carry the lock observed. */
  findings: EvidencedFinding[];
  /** PostgreSQL only: the strongest lock the migration took on each table that existed before it. */
  locks?: ObservedLock[];
  /** Failures caused only by representative rows, each retried without them (none with `strictData`). */
  dataDependent: DataDependence[];
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
  /** The first migrations, proven by an earlier run that this one started from (their results are that run's). */
  reusedPrefix?: number;
  idempotent: boolean;
  drift: { clean: boolean; allowed: boolean; sql: string };
  errors: TestError[];
  warnings: string[];
  /** Where the run's time went, phase by phase (reading the history, starting the database, proving, the final checks). */
  phases: PhaseTime[];
}

/** The verdict: every migration applied, proven and intact, nothing left to apply, no drift. */
export function isSuccessful(report: Omit<TestReport, 'ok'>): boolean {
  return (
    report.errors.length === 0 &&
    report.idempotent &&
    (report.drift.clean || report.drift.allowed) &&
    report.migrations.every((migration) => migration.applied && migration.down !== 'failed' && migration.integrity.violations.length === 0)
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
    phases: [],
  };
}
