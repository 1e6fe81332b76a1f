import {
  blocksDeploy,
  describeVerdict,
  type JudgedFinding,
  judgeFindings,
  type LiveTable,
  needsRecheck,
  tablesToInspect,
} from '../../core/deploy/live-gate';
import { ForgeError } from '../../core/errors';
import { lintHistory, type LintedMigration } from '../../core/lint/lint-report';
import type { SchemaFile } from '../../core/schema-compat';
import type { SqlParser } from '../../core/sql/parser';
import { quoteIdentifier } from '../../core/sql/quote';
import type { Database } from '../../adapters/db/database';
import { PgDatabase } from '../../adapters/db/pg-database';
import { MigrationEngine } from '../../adapters/engine/migration-engine';
import { toEngineMigrationList } from '../../adapters/engine/migration-list';
import type { MigrationFolder, MigrationHistory } from '../../adapters/store/migration-store';
import { type AppliedState, readAppliedState } from './applied-state';

/** Refuse a history whose applied migrations were edited since: by name, with what to do. */
export function refuseEditedMigrations(history: MigrationHistory, state: AppliedState, where: string): void {
  const edited = history.migrations.filter((migration) => {
    const row = state.applied.get(migration.name);
    return row !== undefined && row.checksum !== migration.checksum;
  });
  if (edited.length === 0) return;
  throw new ForgeError(
    'MIGRATION_EDITED',
    `${edited.map((migration) => `${migration.name}/migration.sql`).join(', ')} ${edited.length > 1 ? 'were' : 'was'} ` +
      `edited after being applied to ${where} (the checksum in _prisma_migrations differs): nothing ` +
      `was applied.`,
    'Restore the applied version from git (git log -p -- <file>); put any new change in a new migration.',
  );
}

/** Migrations in the folder not applied yet, in order. */
export function pendingMigrations(history: MigrationHistory, state: AppliedState): MigrationFolder[] {
  return history.migrations.filter((migration) => !state.applied.has(migration.name));
}

/** Migrations the database has applied that the folder no longer holds (Prisma warns about them too). */
export function unknownAppliedMigrations(history: MigrationHistory, state: AppliedState): string[] {
  const names = new Set(history.migrations.map((migration) => migration.name));
  return [...state.applied.keys()].filter((name) => !names.has(name));
}

/**
 * The live database against what its applied migrations make, as Prisma's engine sees it (on a
 * shadow database): the SQL that would bring the migrations to the live schema, empty without drift.
 */
export async function liveDrift(
  engine: MigrationEngine,
  history: MigrationHistory,
  state: AppliedState,
  schema: SchemaFile[],
  configDir: string,
): Promise<string> {
  const applied = history.migrations.filter((migration) => state.applied.has(migration.name));
  const from = applied.length ? { kind: 'migrations' as const, list: toEngineMigrationList(history, applied) } : { kind: 'empty' as const };
  return engine.diff(from, { kind: 'database', files: schema, configDir });
}

/**
 * The drift of a live database, with Prisma's engine: the SQL that would close it ('' without
 * drift), or why it could not be checked.
 */
export async function measureDrift(
  database: Database,
  history: MigrationHistory,
  schema: SchemaFile[],
  configDir: string,
): Promise<{ sql: string; error?: string }> {
  const engine = await MigrationEngine.start(database);
  try {
    return { sql: await liveDrift(engine, history, await readAppliedState(database), schema, configDir) };
  } catch (error) {
    return { sql: '', error: (error as Error).message };
  } finally {
    engine.dispose();
  }
}

export interface SafetyJudgement {
  lint: LintedMigration[];
  /** Every destructive finding neither waived nor approved, judged on the live database. */
  judged: JudgedFinding[];
}

/**
 * The safety gate: pending migrations whose SQL does not parse, or with destructive findings
 * neither waived nor approved that would lose data on this database. A finding loses nothing
 * when the table it is about is created earlier in the same deploy, does not exist, or is empty
 * (checked again by `recheckBeforeMigration` right before the migration runs).
 */
export async function judgeSafety(
  parser: SqlParser,
  database: Database,
  project: string,
  history: MigrationHistory,
  pending: MigrationFolder[],
): Promise<SafetyJudgement> {
  const names = new Set(pending.map((migration) => migration.name));
  const report = lintHistory({
    parser,
    project,
    migrations: history.migrations,
    include: (name) => names.has(name),
    fileOf: (name) => name,
    scope: 'pending',
  });
  const forGate = report.migrations.map((linted) => ({
    name: linted.name,
    sql: pending.find((migration) => migration.name === linted.name)!.sql,
    blocking: linted.findings.filter((finding) => finding.blocking),
  }));
  const live = await liveTables(database, tablesToInspect(parser, forGate));
  const judged = judgeFindings(parser, forGate, (table) => live.get(table)!);
  const lines = [
    ...report.migrations.flatMap((migration) =>
      migration.syntaxError ? [`  ${migration.name}: does not parse: ${migration.syntaxError.message}`] : [],
    ),
    ...judged
      .filter((finding) => blocksDeploy(finding.verdict))
      .map((finding) => {
        const approvalProblem = report.migrations.find((migration) => migration.name === finding.migration)?.approvalProblem;
        return (
          `  ${finding.migration} line ${finding.line}: ${finding.code} ${finding.message} (` +
          `${describeVerdict(finding)})${approvalProblem ? ` (${approvalProblem})` : ''}`
        );
      }),
  ];
  if (lines.length === 0) return { lint: report.migrations, judged };
  throw new ForgeError(
    'SAFETY_GATE',
    `The safety gate stopped the deploy before anything was applied:\n${lines.join('\n')}`,
    `Approve intended data loss with: nx g @forge/migrations:approve --project=${project} ` +
      `--migration=<name> (it records who and when); otherwise change the migration.`,
  );
}

/**
 * Right before a migration runs: every table its destructive findings were judged empty (or
 * absent) on must still hold no row, else the gate stops the deploy there (and it is rolled back).
 */
export async function recheckBeforeMigration(database: Database, judged: readonly JudgedFinding[], migration: string): Promise<void> {
  const findings = judged.filter((finding) => finding.migration === migration && needsRecheck(finding.verdict));
  const live = await liveTables(database, [...new Set(findings.flatMap((finding) => finding.tables))]);
  const loses = findings.filter((finding) => finding.tables.some((table) => live.get(table)?.hasRows));
  if (loses.length === 0) return;
  throw new ForgeError(
    'SAFETY_GATE',
    `The safety gate stopped the deploy before ${migration}: ${loses
      .map(
        (finding) =>
          `line ${finding.line}: ${finding.code} ${finding.message}, ` +
          `and ${finding.tables.filter((table) => live.get(table)?.hasRows).join(', ')} now holds rows ` +
          `(none when the deploy began)`,
      )
      .join('; ')}.`,
    `Approve intended data loss with: nx g @forge/migrations:approve --project=<project> --migration=${migration}; otherwise change the migration.`,
  );
}

/** Whether each table exists (as the connection's search_path finds it) and holds any row. */
async function liveTables(database: Database, tables: readonly string[]): Promise<Map<string, LiveTable>> {
  const facts = new Map<string, LiveTable>();
  for (const table of tables) {
    const [{ found }] = await database.query<{ found: boolean }>('SELECT to_regclass($1) IS NOT NULL AS found', [quoteIdentifier(table)]);
    const hasRows =
      found && (await database.query<{ any: boolean }>(`SELECT EXISTS (SELECT 1 FROM ${quoteIdentifier(table)}) AS any`))[0].any;
    facts.set(table, { exists: found, hasRows });
  }
  return facts;
}

/** The staging gate: every pending migration must have been applied, unchanged, on the named environment first. */
export function stagingGate(pending: MigrationFolder[], gate: { environment: string; state: AppliedState }): void {
  const missing = pending.filter((migration) => gate.state.applied.get(migration.name)?.checksum !== migration.checksum);
  if (missing.length === 0) return;
  throw new ForgeError(
    'STAGING_GATE',
    `${missing.map((migration) => migration.name).join(', ')} ${missing.length > 1 ? 'have' : 'has'} ` +
      `not been deployed to ${gate.environment} (or ${missing.length > 1 ? 'were' : 'was'} deployed ` +
      `there in another version): nothing was applied.`,
    `Deploy to ${gate.environment} first: nx run <project>:migrate-deploy:${gate.environment}`,
  );
}

/** The applied migrations of the environment the staging gate names, read from its database (`url`, from `gate.urlEnv`). */
export async function readGateEnvironment(gate: { environment: string; urlEnv: string }, url: string | undefined): Promise<AppliedState> {
  if (!url) {
    throw new ForgeError(
      'STAGING_GATE',
      `The staging gate needs ${gate.environment}'s database, but ${gate.urlEnv} is not set: nothing was applied.`,
      `Set ${gate.urlEnv} to ${gate.environment}'s database URL (read only is enough).`,
    );
  }
  const database = await PgDatabase.connect({ url, source: gate.urlEnv });
  try {
    return await readAppliedState(database);
  } finally {
    await database.close();
  }
}
