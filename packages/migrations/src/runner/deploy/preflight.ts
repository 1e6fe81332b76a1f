import { ForgeError } from '../../core/errors';
import { lintHistory, type LintedMigration } from '../../core/lint/lint-report';
import type { SchemaFile } from '../../core/schema-compat';
import type { Database } from '../../db/database';
import { MigrationEngine } from '../../engine/migration-engine';
import { toEngineMigrationList } from '../../engine/migration-list';
import type { MigrationFolder, MigrationHistory } from '../../store/migration-store';
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
    `${edited.map((migration) => `${migration.name}/migration.sql`).join(', ')} ${edited.length > 1 ? 'were' : 'was'} edited after being applied to ${where} (the checksum in _prisma_migrations differs): nothing was applied.`,
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
export async function liveDrift(engine: MigrationEngine, history: MigrationHistory, state: AppliedState, schema: SchemaFile[], configDir: string): Promise<string> {
  const applied = history.migrations.filter((migration) => state.applied.has(migration.name));
  const from = applied.length ? { kind: 'migrations' as const, list: toEngineMigrationList(history, applied) } : { kind: 'empty' as const };
  return engine.diff(from, { kind: 'database', files: schema, configDir });
}

/**
 * The drift of a live database, with Prisma's engine: the SQL that would close it ('' without
 * drift), or why it could not be checked.
 */
export async function measureDrift(database: Database, history: MigrationHistory, schema: SchemaFile[], configDir: string): Promise<{ sql: string; error?: string }> {
  const engine = await MigrationEngine.start(database);
  try {
    return { sql: await liveDrift(engine, history, await readAppliedState(database), schema, configDir) };
  } catch (error) {
    return { sql: '', error: (error as Error).message };
  } finally {
    engine.dispose();
  }
}

/** The safety gate: pending migrations with destructive findings neither waived nor approved, or SQL that does not parse. */
export function safetyGate(project: string, history: MigrationHistory, pending: MigrationFolder[]): LintedMigration[] {
  const names = new Set(pending.map((migration) => migration.name));
  const report = lintHistory({ project, migrations: history.migrations, include: (name) => names.has(name), fileOf: (name) => name, scope: 'pending' });
  const blocked = report.migrations.filter((migration) => migration.syntaxError || migration.findings.some((finding) => finding.blocking));
  if (blocked.length === 0) return report.migrations;
  const lines = blocked.flatMap((migration) =>
    migration.syntaxError
      ? [`  ${migration.name}: does not parse: ${migration.syntaxError.message}`]
      : migration.findings.filter((finding) => finding.blocking).map((finding) => `  ${migration.name} line ${finding.line}: ${finding.code} ${finding.message}${migration.approvalProblem ? ` (${migration.approvalProblem})` : ''}`),
  );
  throw new ForgeError(
    'SAFETY_GATE',
    `The safety gate stopped the deploy before anything was applied:\n${lines.join('\n')}`,
    `Approve intended data loss with: nx g @forge/migrations:approve --project=${project} --migration=<name> (it records who and when); otherwise change the migration.`,
  );
}

/** The staging gate: every pending migration must have been applied, unchanged, on the named environment first. */
export function stagingGate(pending: MigrationFolder[], gate: { environment: string; state: AppliedState }): void {
  const missing = pending.filter((migration) => gate.state.applied.get(migration.name)?.checksum !== migration.checksum);
  if (missing.length === 0) return;
  throw new ForgeError(
    'STAGING_GATE',
    `${missing.map((migration) => migration.name).join(', ')} ${missing.length > 1 ? 'have' : 'has'} not been deployed to ${gate.environment} (or ${missing.length > 1 ? 'were' : 'was'} deployed there in another version): nothing was applied.`,
    `Deploy to ${gate.environment} first: nx run <project>:migrate-deploy:${gate.environment}`,
  );
}
