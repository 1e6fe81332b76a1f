import { checkSql, restoreSql } from '../../core/archive/archive-sql';
import { referencedFirst } from '../../core/archive/restore-order';
import { withRestores } from '../../core/archive/restore-point';
import { qualifiedName } from '../../core/sql/quote';
import type { SqlParser } from '../../core/sql/parser';
import { readStatements } from '../../core/sql/statements';
import type { SqlRunner } from '../../adapters/db/database';
import { ventureArchiveSchema } from './archive-capture';
import { type KeptArchive, pendingArchives } from './archive-registry';
import { tableForeignKeys } from './table-references';

/**
 * A migration's down with the restores of what its archives keep in it (see withRestores); or,
 * when an archive it needs is purged, why the down must not run.
 */
export async function downWithRestores(
  parser: SqlParser,
  database: SqlRunner,
  migration: { name: string; down: { sql: string } },
): Promise<{ script: string; archives: KeptArchive[]; purged?: string }> {
  const archives = await pendingArchives(database, migration.name, 'up');
  const purged = archives.filter((archive) => archive.purgedAt);
  if (purged.length) {
    const what = purged.map((archive) => [archive.source.table, archive.source.column].filter(Boolean).join('.')).join(', ');
    return {
      script: migration.down.sql,
      archives,
      purged:
        `what it dropped (${what}) was archived until ${purged[0].expiresAt} and is purged: its down would make it again ` +
        `empty. The data is in the backups taken before it (migrate-rollback --fromBackup)`,
    };
  }
  if (archives.length === 0) return { script: migration.down.sql, archives };
  const schema = await ventureArchiveSchema(database);
  const restores = (await inRestoreOrder(database, archives)).map((entry) => ({ entry, sql: restoreSql(schema, entry) }));
  return { script: withRestores(migration.down.sql, readStatements(parser, migration.down.sql), restores), archives };
}

/**
 * After the restores: every archived value checked against what is now in its table (rows deleted
 * or changed since the archive make it differ, as a deploy's later writes do); then the archives go.
 */
export async function checkRestores(
  database: SqlRunner,
  archives: readonly KeptArchive[],
): Promise<Array<{ equal: boolean; line: string }>> {
  if (archives.length === 0) return [];
  const schema = await ventureArchiveSchema(database);
  const lines: Array<{ equal: boolean; line: string }> = [];
  for (const archive of archives) {
    const [check] = await database.query<{ missing: string; differing: string }>(checkSql(schema, archive));
    const [missing, differing] = [Number(check.missing), Number(check.differing)];
    const table = qualifiedName(archive.source.schema, archive.source.table);
    const what =
      archive.kind === 'table' ? `${archive.rows} rows of ${table}` : `${archive.rows} values of ${table}.${archive.source.column}`;
    const equal = missing === 0 && differing === 0;
    lines.push({
      equal,
      line: equal
        ? `${what} restored from the archive: every one checked`
        : `${what} restored from the archive: ${missing} not back, ${differing} different (rows deleted or changed since keep their state)`,
    });
    await database.query(`DROP TABLE IF EXISTS ${qualifiedName(schema, archive.archiveTable)}`);
  }
  return lines;
}

/**
 * After a migration is applied again: put back what the down of its last rollback dropped (values
 * written while it was applied before), in one transaction; what came back, as checkRestores says it.
 */
export async function restoreAfterReapply(database: SqlRunner, archives: readonly KeptArchive[]): Promise<string[]> {
  if (archives.length === 0) return [];
  const schema = await ventureArchiveSchema(database);
  await database.executeScript((await inRestoreOrder(database, archives)).map((archive) => restoreSql(schema, archive)).join(';\n'));
  return (await checkRestores(database, archives)).map((table) => table.line);
}

/** Archives of several tables ordered by their foreign keys as they are now (see referencedFirst). */
async function inRestoreOrder(database: SqlRunner, archives: readonly KeptArchive[]): Promise<KeptArchive[]> {
  const tables = new Set(archives.map((archive) => `${archive.source.schema}.${archive.source.table}`));
  return tables.size > 1 ? referencedFirst(archives, await tableForeignKeys(database)) : [...archives];
}
