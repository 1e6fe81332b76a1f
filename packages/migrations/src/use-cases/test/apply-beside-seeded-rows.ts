import { tableKey } from '../../core/migration-intent';
import type { Finding } from '../../core/safety/analyze';
import { readOperationsIfValid } from '../../core/safety/operations';
import type { SqlParser } from '../../core/sql/parser';
import { clearFailure, LIST, markRolledBack, type MigrationRow } from '../../core/sql/prisma-migrations-table';
import { runsInOneTransaction } from '../../core/sql/transactions';
import type { DataDependence } from '../../core/test-report';
import type { Database } from '../../adapters/db/database';
import { MigrationApplyError, type ScriptFailure } from '../../adapters/db/script-runner';
import type { MigrationFolder } from '../../adapters/store/migration-store';
import { applyPendingMigrations, resumeInterrupted } from '../shared/apply-migrations';
import { type FailingStatement, locateFailingStatement } from './failing-statement';
import type { SeededRows } from './seeded-rows';
import type { TableModel } from '../shared/table-catalog';

export interface SeededApplyInput {
  parser: SqlParser;
  database: Database;
  /** The history up to and including the migration. */
  upToThis: MigrationFolder[];
  migration: MigrationFolder;
  seeded: SeededRows;
  /** The tables before the migration. */
  tables: Map<string, TableModel>;
  /** The migration's safety findings. */
  findings: Finding[];
  /** Fail on the first error, as if the representative rows were production's. */
  strictData: boolean;
  /** Called when rows were taken out, before the migration runs again. */
  onRowsRemoved?: () => Promise<void>;
}

/**
 * Apply a migration over tables holding representative rows. When a statement fails and
 * representative rows remain, the failure may be theirs, not the migration's: the attempt is
 * undone (a migration that runs in one transaction left nothing; one that does not resumes
 * from the batch that failed), the rows of the tables the error is about are taken out (every
 * representative row when those hold none) and the migration runs again. Each such failure is
 * returned as a data dependence. A migration that fails with no representative row left fails
 * with its own error (MigrationApplyError).
 */
export async function applyBesideSeededRows(input: SeededApplyInput): Promise<DataDependence[]> {
  const { parser, database, migration, seeded } = input;
  const dependences: DataDependence[] = [];
  let resumeFrom: MigrationRow | undefined;
  for (;;) {
    try {
      if (resumeFrom) await resumeInterrupted(parser, database, migration, resumeFrom);
      else await applyPendingMigrations(parser, database, input.upToThis);
      return dependences;
    } catch (error) {
      if (!(error instanceof MigrationApplyError) || input.strictData || seeded.count() === 0) throw error;
      const failing = error.failure && (await locateFailingStatement(parser, database, migration.sql, error.failure));
      resumeFrom = await undoAttempt(parser, database, migration);
      const implicated = implicatedTables(parser, error.failure, failing, migration.sql).filter((table) => seeded.count(table) > 0);
      const rowsRemoved = await seeded.remove(database, input.tables, implicated.length ? implicated : seeded.tables());
      if (rowsRemoved.length === 0) throw error;
      dependences.push(describeDependence(error, failing, input.findings, implicated[0], rowsRemoved));
      await input.onRowsRemoved?.();
    }
  }
}

/** Make the failed attempt as if it had not run; the row to resume when it ran outside one transaction. */
async function undoAttempt(parser: SqlParser, database: Database, migration: MigrationFolder): Promise<MigrationRow | undefined> {
  if (runsInOneTransaction(parser, migration.sql)) {
    // PostgreSQL rolled the migration back; its failed row is resolved as `migrate resolve --rolled-back` would.
    await database.query(markRolledBack(migration.name));
    return undefined;
  }
  const rows = await database.query<MigrationRow>(LIST);
  const failed = rows.find((row) => row.migration_name === migration.name && row.finished_at === null && row.rolled_back_at === null);
  if (!failed) return undefined;
  await database.query(clearFailure(failed.id));
  return failed;
}

/** The tables a failure is about: the one PostgreSQL's error names, then those the failing statement changes. */
function implicatedTables(
  parser: SqlParser,
  failure: ScriptFailure | undefined,
  failing: FailingStatement | undefined,
  sql: string,
): string[] {
  const tables = new Set<string>();
  if (failure?.table) tables.add(tableKey(failure.schema, failure.table));
  for (const { operation, line } of failing ? readOperationsIfValid(parser, sql) : []) {
    if (line === failing!.line && 'table' in operation) tables.add(tableKey(undefined, operation.table));
  }
  return [...tables];
}

/** The finding codes a PostgreSQL error class points at, most specific first. */
const CODES_BY_SQLSTATE: Array<[RegExp, string]> = [
  [/^23505$/, 'DD101'],
  [/^23502$/, 'DD102'],
  [/^23503$/, 'DD104'],
  [/^23514$/, 'DD105'],
  [/^22/, 'DD103'],
];

function describeDependence(
  error: MigrationApplyError,
  failing: FailingStatement | undefined,
  findings: Finding[],
  table: string | undefined,
  rowsRemoved: DataDependence['rowsRemoved'],
): DataDependence {
  const sqlstate = error.failure?.code;
  const expected = CODES_BY_SQLSTATE.find(([pattern]) => sqlstate !== undefined && pattern.test(sqlstate))?.[1];
  const onStatement = findings.filter((finding) => failing && finding.line === failing.line);
  const finding =
    onStatement.find((candidate) => candidate.code === expected) ?? onStatement.find((candidate) => candidate.family === 'data-dependent');
  const message = error.failure?.message ?? error.message;
  return {
    code: finding?.code ?? expected,
    sqlstate,
    statement: failing?.description,
    table,
    error: message,
    need: finding ? `${finding.message}: ${remedy(finding.code)}` : needFromError(error.failure, table),
    rowsRemoved,
  };
}

function remedy(code: string): string {
  switch (code) {
    case 'DD101':
      return 'remove duplicates first';
    case 'DD102':
      return 'add a default or backfill first';
    case 'DD103':
      return 'convert or fix the values that do not survive the cast first';
    case 'DD104':
      return 'fix or delete rows that reference nothing first';
    case 'DD105':
      return 'fix the rows that violate it first';
    default:
      return 'check the production rows first';
  }
}

function needFromError(failure: ScriptFailure | undefined, table: string | undefined): string {
  const where = table ?? 'the table';
  switch (failure?.code) {
    case '23502':
      return `fails if any row of ${where} has ${failure.column ?? 'the column'} NULL: add a default or backfill first`;
    case '23505':
      return `fails if rows of ${where} share a value of ${failure.constraint ?? 'the unique key'}: remove duplicates first`;
    case '23503':
      return `fails if any row of ${where} references a row that does not exist (${failure.constraint ?? 'the foreign key'}): fix or delete those rows first`;
    case '23514':
      return `fails if any row of ${where} violates ${failure.constraint ?? 'the check'}: fix those rows first`;
    default:
      return `fails on some rows of ${where} (${failure?.message ?? 'an error'}): check the production rows first`;
  }
}
