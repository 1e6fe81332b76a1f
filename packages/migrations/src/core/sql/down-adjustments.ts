import type { InsertedRows } from '../safety/irreversibility';
import { readOperations } from '../safety/operations';
import type { SqlParser } from './parser';
import { qualifiedName, quoteIdentifier } from './quote';

/**
 * The DELETE that takes back the rows an `INSERT ... VALUES` added, by the table's primary key;
 * or why it cannot (no key, or a key value that is not a constant).
 */
export function deleteInsertedRows(inserted: InsertedRows, primaryKey: readonly string[]): { sql: string } | { reason: string } {
  const positions = primaryKey.map((column) => inserted.columns.indexOf(column));
  const keyText = primaryKey.join(', ');
  if (primaryKey.length === 0)
    return {
      reason: `${inserted.label} inserts rows into the existing table ${inserted.table}, which has no primary key to delete them by`,
    };
  const keys = inserted.rows.map((row) => positions.map((position) => (position < 0 ? undefined : row[position])));
  if (positions.some((position) => position < 0) || keys.some((key) => key.some((value) => value === undefined))) {
    return {
      reason: `${inserted.label} inserts rows into the existing table ${inserted.table} without constant values for its key (${keyText})`,
    };
  }
  const target = inserted.schema ? qualifiedName(inserted.schema, inserted.table) : quoteIdentifier(inserted.table);
  const columns = primaryKey.map(quoteIdentifier);
  const where =
    columns.length === 1
      ? `${columns[0]} IN (${keys.map(([value]) => value).join(', ')})`
      : `(${columns.join(', ')}) IN (${keys.map((key) => `(${key.join(', ')})`).join(', ')})`;
  return { sql: `-- The rows the migration inserted, by key\nDELETE FROM ${target} WHERE ${where};` };
}

/**
 * A down script's index statements made CONCURRENTLY where the migration's own were: an index the
 * up built or dropped without blocking writes is dropped or built back the same way (such a
 * statement runs outside a transaction, as the up's did).
 */
export function concurrentLikeTheUp(parser: SqlParser, upSql: string, downSql: string): string {
  const concurrent = new Set<string>();
  for (const { operation } of readOperations(parser, upSql)) {
    if ((operation.kind === 'create_index' || operation.kind === 'drop_index') && operation.concurrent && operation.name)
      concurrent.add(bare(operation.name));
  }
  if (concurrent.size === 0) return downSql;
  return downSql.replace(
    /^(CREATE (?:UNIQUE )?INDEX|DROP INDEX) ((?:"(?:[^"]|"")+"\.)?"((?:[^"]|"")+)")/gm,
    (statement, verb: string, name: string, index: string) =>
      concurrent.has(index.replace(/""/g, '"')) ? `${verb} CONCURRENTLY ${name}` : statement,
  );
}

function bare(name: string): string {
  return name.split('.').at(-1)!.replace(/^"|"$/g, '');
}
