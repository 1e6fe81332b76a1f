import { compareFingerprints, describeDifference, holdsObject, isSameSchema, type SchemaFingerprint } from '../core/fingerprint';
import type { SchemaFile } from '../core/schema-compat';
import { configBlocks, datasourceSchemas } from '../core/schema/config-blocks';
import { analyzeHistory, type Finding } from '../core/safety/analyze';
import { type ObjectExists, readReversibility } from '../core/safety/irreversibility';
import { readOperations } from '../core/safety/operations';
import { catalogInverse } from '../core/sql/catalog-inverse';
import { concurrentLikeTheUp, deleteInsertedRows } from '../core/sql/down-adjustments';
import { createdExtensions } from '../core/sql/extensions';
import type { SqlParser } from '../core/sql/parser';
import { inverseRenames } from '../core/sql/rename-inverse';
import type { Database } from '../adapters/db/database';
import { MigrationEngine, type SchemaSource } from '../adapters/engine/migration-engine';
import type { MigrationFolder, MigrationHistory } from '../adapters/store/migration-store';
import { applyExistingHistory } from './shared/apply-migrations';
import { AppliedPrefixes } from './shared/embedded-prefixes';
import { fingerprintSchema } from './shared/catalog-fingerprint';
import { readTables } from './shared/table-catalog';
import { canArchive } from './shared/archive-capture';
import { unconditionalDelete } from '../core/safety/rules/ds105-unconditional-delete';
import { type ArchiveTarget, archiveTargets, describeTarget, targetId } from '../core/archive/archive-targets';
import { recreateNullable } from '../core/archive/recreate-nullable';
import { readStatements } from '../core/sql/statements';

export interface DownScriptInput {
  parser: SqlParser;
  history: MigrationHistory;
  /** The project's schema as the engine reads it (its datasource and generator blocks are used). */
  schema: SchemaFile[];
  configDir: string;
  cacheDir: string;
}

export type DerivedDown =
  { migration: string; kind: 'script'; sql: string } | { migration: string; kind: 'irreversible'; reasons: string[] };

/**
 * A down script for every migration of the history that has none. On a scratch embedded
 * database the history is applied one migration at a time; before each, the database is read
 * back as a Prisma schema (introspection) and its catalog fingerprinted; after it, the down is
 * the rows it inserted deleted by key and its renames undone by name, then Prisma's diff from the
 * schema read back then to the one before, wrapped in what the engine does not model or may not
 * build back (catalogInverse). The down is run in a transaction that is rolled back: it must give
 * back the fingerprint from before the migration without dropping what held data then, else it is
 * not written as a script. A migration the schema cannot undo is irreversible, with its reasons;
 * the history always goes on to the end.
 */
export async function deriveDownScripts(input: DownScriptInput): Promise<DerivedDown[]> {
  const { parser } = input;
  const { migrations } = input.history;
  const findings = analyzeHistory(parser, migrations);
  const startedAt = performance.now();
  // The migrations before the first without a down need none derived: they may come kept applied.
  const firstWithoutDown = migrations.findIndex((migration) => !migration.down);
  const prefixes = AppliedPrefixes.of(input.cacheDir, migrations);
  const { database: scratch, applied } = await prefixes.openScratch(
    { extensions: migrations.flatMap((migration) => createdExtensions(parser, migration.sql)), cacheDir: input.cacheDir },
    firstWithoutDown < 0 ? migrations.length : firstWithoutDown,
  );
  const config = configBlocks(input.schema);
  const managedSchemas = datasourceSchemas(config);
  const derived: DerivedDown[] = [];
  let engine: MigrationEngine | undefined;
  try {
    const started = await MigrationEngine.start(scratch);
    engine = started;
    const introspect = async (): Promise<SchemaSource> => ({ kind: 'schema', files: await started.introspect(config, input.configDir) });
    // The schema before the next migration, read back once per state.
    let schemaBefore: SchemaSource | undefined = applied ? undefined : { kind: 'empty' };
    for (const [index, migration] of migrations.entries()) {
      if (index < applied) continue;
      const upToThis = migrations.slice(0, index + 1);
      const { reasons, deletes } = migration.down
        ? { reasons: [], deletes: [] }
        : await reversibilityOn(parser, scratch, migration, findings[index]);
      if (migration.down || reasons.length > 0) {
        await applyExistingHistory(parser, scratch, upToThis);
        schemaBefore = undefined;
        if (!migration.down) derived.push({ migration: migration.name, kind: 'irreversible', reasons });
        continue;
      }
      const before = await fingerprintSchema(scratch);
      schemaBefore ??= await introspect();
      await applyExistingHistory(parser, scratch, upToThis);
      const schemaAfter = await introspect();
      const inverse = catalogInverse(before, await fingerprintSchema(scratch), managedSchemas);
      const prelude = [...inverse.beforeDiff, ...deletes, ...inverseRenames(parser, migration.sql), ...inverse.afterRenames];
      const target = schemaBefore;
      // Schema to schema: both sides read back by the same introspection, so what it reads
      // differently from how an older Prisma wrote it (implicit many-to-many tables) is no change.
      const diffBack = async () => started.diff(prelude.length ? await introspect() : schemaAfter, target);
      const attempt = await tryDown(scratch, prelude, diffBack, inverse.afterDiff, before);
      const failure = attempt.failure ?? valuesTheDownDrops(parser, attempt.statements, before);
      derived.push(
        failure
          ? {
              migration: migration.name,
              kind: 'irreversible',
              reasons: [`no down script could be derived from the schema (${failure}): write down.sql by hand`],
            }
          : { migration: migration.name, kind: 'script', sql: composeDown(parser, migration, attempt.statements) },
      );
      schemaBefore = schemaAfter;
    }
    // The whole history is applied now (each down ran in a transaction rolled back).
    await prefixes.keepIfSlow(scratch, migrations.length, startedAt);
    return derived;
  } finally {
    engine?.dispose();
    await scratch.close();
  }
}

/**
 * Why a migration cannot be undone, judged on the scratch database as it stands before the
 * migration (what its statements drop or insert into exists there or not), and the DELETEs that
 * take back the rows it inserts into existing tables, by their primary keys.
 */
async function reversibilityOn(
  parser: SqlParser,
  database: Database,
  migration: MigrationFolder,
  findings: Finding[],
): Promise<{ reasons: string[]; deletes: string[] }> {
  const bySql = readReversibility(parser, migration.sql, findings);
  const needsCatalog =
    bySql.inserted.length > 0 || findings.some((finding) => finding.family === 'destructive' && finding.table !== undefined);
  if (!needsCatalog) return { reasons: bySql.reasons, deletes: [] };
  const tables = [...(await readTables(database)).values()];
  const exists: ObjectExists = (table, column) =>
    tables.some((model) => model.name === table && (column === undefined || model.columns.some((candidate) => candidate.name === column)));
  const reversibility = readReversibility(parser, migration.sql, findings, {
    exists,
    archived: await archivedFindings(database, archiveTargets(readStatements(parser, migration.sql))),
  });
  const reasons = [...reversibility.reasons];
  const deletes: string[] = [];
  for (const rows of reversibility.inserted) {
    const table = tables.find((model) => model.name === rows.table && (rows.schema === undefined || model.schema === rows.schema));
    const deletion = deleteInsertedRows(rows, table?.primaryKey ?? []);
    if ('sql' in deletion) deletes.push(deletion.sql);
    else reasons.push(deletion.reason);
  }
  return { reasons, deletes };
}

/**
 * Which findings lose nothing once a deploy archived what they drop: the down makes the table or
 * column again (or leaves the emptied table as it is), and the archive puts its rows or values back
 * (a column needs a key to find its rows by).
 */
async function archivedFindings(database: Database, targets: readonly ArchiveTarget[]): Promise<(finding: Finding) => boolean> {
  const archivable: ArchiveTarget[] = [];
  for (const target of targets) if (await canArchive(database, target)) archivable.push(target);
  return (finding) =>
    archivable.some(
      (target) =>
        [target.table.name, targetId({ kind: 'table', table: target.table })].includes(finding.table ?? '') &&
        (target.kind === 'table' ||
          (target.kind === 'rows' ? finding.code === unconditionalDelete.code : target.column === finding.column)),
    );
}

/**
 * What a derived down would lose: a table or column that existed before the migration, dropped
 * (the engine's diff drops and adds a column whose type it cannot convert back), so that the
 * schema comes back but not its values.
 */
function valuesTheDownDrops(parser: SqlParser, statements: string[], before: SchemaFingerprint): string | undefined {
  for (const { operation } of readOperations(parser, statements.join('\n'))) {
    if (operation.kind === 'drop_column' && holdsObject(before, operation.table, operation.column)) {
      return `the derived script drops ${operation.table}.${operation.column}, which held values before the migration`;
    }
    if (operation.kind === 'drop_table' && holdsObject(before, operation.table))
      return `the derived script drops ${operation.table}, which held rows before the migration`;
  }
  return undefined;
}

function composeDown(parser: SqlParser, migration: MigrationFolder, statements: string[]): string {
  const diff = concurrentLikeTheUp(
    parser,
    migration.sql,
    statements
      .map((statement) => statement.trim())
      .filter(Boolean)
      .join('\n'),
  );
  const dropped = archiveTargets(readStatements(parser, migration.sql));
  const body = dropped.length ? recreateNullable(diff, readStatements(parser, diff), dropped) : diff;
  return [
    `-- Down script of ${migration.name}: its renames undone, then Prisma's schema diff back to the state before it,`,
    '-- with what the diff does not model or build back as it was (functions, triggers, policies, views, constraints, indexes).',
    '-- Derived and verified (the schema before the migration, exactly) by nx g @forge/migrations:down-scripts.',
    ...(dropped.length
      ? [
          `-- What the migration drops (${dropped.map(describeTarget).join(', ')}) is archived by migrate-deploy before it runs;`,
          '-- migrate-rollback puts it back right after this script makes it again, in the same transaction.',
        ]
      : []),
    body || `-- The migration changed nothing in the schema${dropped.length ? '' : ': there is nothing to undo'}.`,
    '',
  ].join('\n');
}

/**
 * Build and run the down in a transaction that is rolled back: the prelude (drops, inverse
 * renames), then the engine's diff from the schema as the prelude leaves it, then the
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
    return isSameSchema(difference)
      ? { statements }
      : { statements, failure: `the derived script leaves ${describeDifference(difference).join('; ')}` };
  } catch (error) {
    return { statements, failure: `the derived script fails: ${(error as Error).message}` };
  } finally {
    await database.query('ROLLBACK');
  }
}
