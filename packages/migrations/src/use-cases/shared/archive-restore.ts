import { checkSql, restoreSql } from '../../core/archive/archive-sql';
import { withRestores } from '../../core/archive/restore-point';
import { qualifiedName } from '../../core/sql/quote';
import type { SqlParser } from '../../core/sql/parser';
import { readStatements } from '../../core/sql/statements';
import type { SqlRunner } from '../../adapters/db/database';
import { ventureArchiveSchema } from './archive-capture';
import { type KeptArchive, pendingArchives } from './archive-registry';

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
  return { script: await scriptWithRestores(parser, database, migration.down.sql, archives), archives };
}

/** `script` (a down, or a migration applied again) with the restores of `archives` in it, in its transaction (see withRestores). */
export async function scriptWithRestores(
  parser: SqlParser,
  database: SqlRunner,
  script: string,
  archives: readonly KeptArchive[],
): Promise<string> {
  if (archives.length === 0) return script;
  const schema = await ventureArchiveSchema(database);
  const restores = archives.map((entry) => ({ entry, sql: restoreSql(schema, entry) }));
  return withRestores(script, readStatements(parser, script), restores);
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
    const what = describeArchives([archive]);
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
  await database.executeScript(archives.map((archive) => restoreSql(schema, archive)).join(';\n'));
  return (await checkRestores(database, archives)).map((table) => table.line);
}
