import type { Statement } from '../sql/statements';
import type { ArchiveEntry } from './archive-sql';

/**
 * A down (or a re-applied migration) with the archives' restores in it: each right after the
 * statement that makes its table or column again (before constraints and NOT NULLs that need
 * the values), else at the end. One script, so rows come back in the same transaction.
 */
export function withRestores(
  script: string,
  statements: readonly Statement[],
  restores: ReadonlyArray<{ entry: ArchiveEntry; sql: string }>,
): string {
  const inserts = restores.map(({ entry, sql }, order) => ({ at: restorePoint(script, statements, entry), order, sql }));
  let out = script;
  // From the end backwards, and at one point the last first: the restores keep their order (a
  // table's rows before those of the tables whose keys refer to them).
  for (const { at, sql } of [...inserts].sort((a, b) => b.at - a.at || b.order - a.order))
    out = `${out.slice(0, at)};\n${sql};\n${out.slice(at)}`;
  return out;
}

function restorePoint(script: string, statements: readonly Statement[], entry: ArchiveEntry): number {
  const makes = statements.filter((statement) => makesAgain(statement, entry.source));
  return makes.length ? makes[makes.length - 1].source.end : script.length;
}

/** Whether a statement makes the table (or the column, when named) again; an unqualified name matches any schema. */
export function makesAgain(statement: Statement, source: { schema?: string; table: string; column?: string }): boolean {
  const sameTable = (table: { schema?: string; name: string }) =>
    table.name === source.table && (table.schema === undefined || source.schema === undefined || table.schema === source.schema);
  return source.column === undefined
    ? statement.kind === 'create_table' && sameTable(statement.table)
    : statement.kind === 'alter_table' &&
        sameTable(statement.table) &&
        statement.changes.some((change) => change.kind === 'add_column' && change.column === source.column);
}
