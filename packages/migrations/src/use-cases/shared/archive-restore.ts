import { comparedCheckSql, countedCheckSql, restoreSql, rewritesWritesSql } from '../../core/archive/archive-sql';
import { describeTarget, readArchiveTargets } from '../../core/archive/archive-targets';
import { referencedFirst } from '../../core/archive/restore-order';
import { makesAgain, withRestores } from '../../core/archive/restore-point';
import { qualifiedName } from '../../core/sql/quote';
import type { SqlParser } from '../../core/sql/parser';
import { readStatements, type Statement } from '../../core/sql/statements';
import type { SqlRunner } from '../../adapters/db/database';
import { ventureArchiveSchema } from './archive-capture';
import { type KeptArchive, lastCapture } from './archive-registry';
import { tableForeignKeys } from './table-references';

/**
 * A migration's down with the restores of what its archives keep in it (see withRestores); or why
 * the down must not run: it would make again empty what the migration dropped with its data (the
 * archive purged, refused, or never taken because the migration was deployed without a capture).
 */
export async function downWithRestores(
  parser: SqlParser,
  database: SqlRunner,
  migration: { name: string; sql: string; down: { sql: string } },
): Promise<{ script: string; archives: KeptArchive[]; stop?: string }> {
  const capture = await lastCapture(database, migration.name, 'up');
  const archives = capture.kept;
  const stop = (why: string) => ({
    script: migration.down.sql,
    archives,
    stop: `${why}: its down would make it again empty. The data is in the backups taken before it (migrate-rollback --fromBackup)`,
  });
  const purged = archives.filter((archive) => archive.purgedAt);
  if (purged.length) {
    const what = purged.map((archive) => [archive.source.table, archive.source.column].filter(Boolean).join('.')).join(', ');
    return stop(`what it dropped (${what}) was archived until ${purged[0].expiresAt} and is purged`);
  }
  if (capture.refused.length) return stop(`what it dropped was not archived when it was deployed (${capture.refused.join('; ')})`);
  const downStatements = readStatements(parser, migration.down.sql);
  const remade = capture.captured ? [] : comesBackEmpty(parser, migration.sql, downStatements);
  if (remade.length)
    return stop(
      `it dropped ${remade.join(', ')} and was deployed without an archive of it (not by migrate-deploy, or by a version without archives)`,
    );
  return { script: await scriptWithRestores(database, migration.down.sql, downStatements, archives), archives };
}

/**
 * What the migration drops (a table, a column, a retyped column's values) that its down makes
 * again, and the tables it empties that its down puts no rows into: the down would leave them empty.
 */
function comesBackEmpty(parser: SqlParser, up: string, down: readonly Statement[]): string[] {
  return readArchiveTargets(parser, up)
    .filter((target) => {
      const source = {
        schema: target.table.schema,
        table: target.table.name,
        column: target.kind === 'column' ? target.column : undefined,
      };
      if (target.kind === 'rows') return !down.some((statement) => statement.kind === 'insert' && statement.table.name === source.table);
      return down.some((statement) => makesAgain(statement, source));
    })
    .map(describeTarget);
}

/** `script` (a down, or a migration applied again) with the restores of `archives` in it, in its transaction (see withRestores). */
async function scriptWithRestores(
  database: SqlRunner,
  script: string,
  statements: readonly Statement[],
  archives: readonly KeptArchive[],
): Promise<string> {
  if (archives.length === 0) return script;
  const schema = await ventureArchiveSchema(database);
  const restores = (await inRestoreOrder(database, archives)).map((entry) => ({ entry, sql: restoreSql(schema, entry) }));
  return withRestores(script, statements, restores);
}

/** What `archives` put back, as a user reads it. */
export function describeArchives(archives: readonly KeptArchive[]): string {
  return archives
    .map((archive) =>
      archive.kind === 'table'
        ? `${archive.rows} rows of ${qualifiedName(archive.source.schema, archive.source.table)}`
        : `${archive.rows} values of ${qualifiedName(archive.source.schema, archive.source.table)}.${archive.source.column}`,
    )
    .join(', ');
}

/**
 * After the restores: every archived value checked against what is now in its table (rows deleted
 * or changed since the archive make it differ, as a deploy's later writes do); then the archives go.
 * What a restore put back is counted (see countedCheckSql), and compared value by value when
 * `compare` (migrate-test's proof), when the restore could not count (rows were there), or where a
 * trigger or a rule of the table may have changed what it wrote.
 */
export async function checkRestores(
  database: SqlRunner,
  archives: readonly KeptArchive[],
  { compare }: { compare: boolean },
): Promise<Array<{ equal: boolean; line: string }>> {
  if (archives.length === 0) return [];
  const schema = await ventureArchiveSchema(database);
  const lines: Array<{ equal: boolean; line: string }> = [];
  for (const archive of archives) {
    const counted =
      compare || (await rewritesWrites(database, archive.source)) ? [] : await database.query<Check>(countedCheckSql(schema, archive));
    const compared = counted.length === 0;
    const [check] = compared ? await database.query<Check>(comparedCheckSql(schema, archive)) : counted;
    const [missing, differing] = [Number(check.missing), Number(check.differing)];
    const what = describeArchives([archive]);
    const equal = missing === 0 && differing === 0;
    lines.push({
      equal,
      line: equal
        ? `${what} restored from the archive: ${compared ? 'every one checked' : 'every one back'}`
        : `${what} restored from the archive: ${missing} not back, ${differing} different (rows deleted or changed since keep their state)`,
    });
    await database.query(`DROP TABLE IF EXISTS ${qualifiedName(schema, archive.archiveTable)}`);
  }
  return lines;
}

interface Check {
  missing: string;
  differing: string;
}

async function rewritesWrites(database: SqlRunner, table: { schema: string; table: string }): Promise<boolean> {
  const [{ rewrites }] = await database.query<{ rewrites: boolean }>(rewritesWritesSql(table));
  return rewrites;
}

/**
 * After a migration is applied again: put back what the down of its last rollback dropped (values
 * written while it was applied before), in one transaction; what came back, as checkRestores says it.
 */
export async function restoreAfterReapply(
  parser: SqlParser,
  database: SqlRunner,
  migrationSql: string,
  archives: readonly KeptArchive[],
  check: { compare: boolean },
): Promise<Array<{ equal: boolean; line: string }>> {
  if (archives.length === 0) return [];
  await database.executeScript(await putBackScript(parser, database, migrationSql, archives));
  return checkRestores(database, archives, check);
}

/**
 * The restores of a rollback's archives, to run once their migration is applied again (at its end:
 * after what it writes itself). A table the migration makes again holds only the rows it wrote
 * itself: the archive is that table as the rollback found them, so it replaces them.
 */
export async function putBackScript(
  parser: SqlParser,
  database: SqlRunner,
  migrationSql: string,
  archives: readonly KeptArchive[],
): Promise<string> {
  if (archives.length === 0) return '';
  const schema = await ventureArchiveSchema(database);
  const ordered = await inRestoreOrder(database, archives);
  const made = readStatements(parser, migrationSql).filter((statement) => statement.kind === 'create_table');
  const clears = [...ordered]
    .reverse()
    .filter((archive) => archive.kind === 'table' && made.some((statement) => makesAgain(statement, archive.source)))
    .map((archive) => `DELETE FROM ${qualifiedName(archive.source.schema, archive.source.table)}`);
  return [...clears, ...ordered.map((archive) => restoreSql(schema, archive))].join(';\n');
}

/** Archives of several tables ordered by their foreign keys as they are now (see referencedFirst). */
async function inRestoreOrder(database: SqlRunner, archives: readonly KeptArchive[]): Promise<KeptArchive[]> {
  const tables = new Set(archives.map((archive) => `${archive.source.schema}.${archive.source.table}`));
  return tables.size > 1 ? referencedFirst(archives, await tableForeignKeys(database)) : [...archives];
}
