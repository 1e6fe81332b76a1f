import { compareFingerprints, describeDifference, isSameSchema, type SchemaFingerprint } from '../core/fingerprint';
import type { SchemaFile } from '../core/schema-compat';
import { configBlocks } from '../core/schema/config-blocks';
import { analyzeHistory } from '../core/safety/analyze';
import { irreversibleReasons } from '../core/safety/irreversibility';
import { catalogInverse } from '../core/sql/catalog-inverse';
import { createdExtensions } from '../core/sql/extensions';
import { loadSqlParser } from '../core/sql/parser';
import { inverseRenames } from '../core/sql/rename-inverse';
import type { Database } from '../db/database';
import { PgliteDatabase } from '../db/pglite-database';
import { MigrationEngine, type SchemaSource } from '../engine/migration-engine';
import type { MigrationFolder, MigrationHistory } from '../store/migration-store';
import { applyExistingHistory } from './apply-migrations';
import { fingerprintSchema } from './catalog-fingerprint';

export interface DownScriptInput {
  history: MigrationHistory;
  /** The project's schema as the engine reads it (its datasource and generator blocks are used). */
  schema: SchemaFile[];
  configDir: string;
  cacheDir: string;
}

export type DerivedDown =
  | { migration: string; kind: 'script'; sql: string }
  | { migration: string; kind: 'irreversible'; reasons: string[] };

/**
 * A down script for every migration of the history that has none. On a scratch embedded
 * database the history is applied one migration at a time; before each, the database is read
 * back as a Prisma schema (introspection) and its catalog fingerprinted; after it, the down is
 * the migration's renames undone by name, then Prisma's diff from the database back to that
 * schema, wrapped in what the engine does not model (functions, triggers, policies, views, CHECK
 * constraints). The down is run in a transaction that is rolled back: it must give back the
 * fingerprint from before the migration, else it is not written as a script. A migration that
 * changes data is irreversible, with its reasons.
 */
export async function deriveDownScripts(input: DownScriptInput): Promise<DerivedDown[]> {
  await loadSqlParser();
  const { migrations } = input.history;
  const findings = analyzeHistory(migrations);
  const scratch = await PgliteDatabase.open({ extensions: migrations.flatMap((migration) => createdExtensions(migration.sql)), cacheDir: input.cacheDir });
  const config = configBlocks(input.schema);
  const database: SchemaSource = { kind: 'database', files: config, configDir: input.configDir };
  const derived: DerivedDown[] = [];
  let engine: MigrationEngine | undefined;
  try {
    const started = await MigrationEngine.start(scratch);
    engine = started;
    for (const [index, migration] of migrations.entries()) {
      const upToThis = migrations.slice(0, index + 1);
      if (migration.down) {
        await applyExistingHistory(scratch, upToThis);
        continue;
      }
      const reasons = irreversibleReasons(migration.sql, findings[index]);
      if (reasons.length > 0) {
        await applyExistingHistory(scratch, upToThis);
        derived.push({ migration: migration.name, kind: 'irreversible', reasons });
        continue;
      }
      const before = await fingerprintSchema(scratch);
      const schemaBefore: SchemaSource = index === 0 ? { kind: 'empty' } : { kind: 'schema', files: await started.introspect(config, input.configDir) };
      await applyExistingHistory(scratch, upToThis);
      const inverse = catalogInverse(before, await fingerprintSchema(scratch));
      const prelude = [...inverse.beforeDiff, ...inverseRenames(migration.sql)];
      const diffBack = () => started.diff(database, schemaBefore);
      const attempt = await tryDown(scratch, prelude, diffBack, inverse.afterDiff, before);
      derived.push(
        attempt.failure
          ? { migration: migration.name, kind: 'irreversible', reasons: [`no down script could be derived from the schema (${attempt.failure}): write down.sql by hand`] }
          : { migration: migration.name, kind: 'script', sql: composeDown(migration, attempt.statements) },
      );
    }
    return derived;
  } finally {
    engine?.dispose();
    await scratch.close();
  }
}

function composeDown(migration: MigrationFolder, statements: string[]): string {
  const body = statements.map((statement) => statement.trim()).filter(Boolean).join('\n');
  return [
    `-- Down script of ${migration.name}: its renames undone, then Prisma's schema diff back to the state before it,`,
    '-- with the functions, triggers, policies, views and CHECK constraints the diff does not model.',
    '-- Derived and verified (the schema before the migration, exactly) by nx g @forge/migrations:down-scripts.',
    body || '-- The migration changed nothing in the schema: there is nothing to undo.',
    '',
  ].join('\n');
}

/**
 * Build and run the down in a transaction that is rolled back: the prelude (drops, inverse
 * renames), then the engine's diff from the database as the prelude leaves it, then the
 * re-creations. The statements, or why they do not restore `before`.
 */
async function tryDown(
  database: Database,
  prelude: string[],
  diffBack: () => Promise<string>,
  recreate: string[],
  before: SchemaFingerprint,
): Promise<{ statements: string[]; failure?: string }> {
  const statements = [...prelude];
  await database.query('BEGIN');
  try {
    await database.executeScript(prelude.join('\n'));
    const diff = await diffBack();
    statements.push(diff, ...recreate);
    await database.executeScript([diff, ...recreate].join('\n'));
    const difference = compareFingerprints(before, await fingerprintSchema(database));
    return isSameSchema(difference) ? { statements } : { statements, failure: `the derived script leaves ${describeDifference(difference).join('; ')}` };
  } catch (error) {
    return { statements, failure: `the derived script fails: ${(error as Error).message}` };
  } finally {
    await database.query('ROLLBACK');
  }
}
