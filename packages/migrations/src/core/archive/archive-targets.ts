import type { QualifiedName } from '../sql/qualified-name';
import { quoteIdentifier, quoteLiteral } from '../sql/quote';
import { type SqlParser, SqlSyntaxError } from '../sql/parser';
import { readStatements, type Statement } from '../sql/statements';

/**
 * What a script would destroy that an archive can keep: a table it drops (its rows), a table it
 * empties by TRUNCATE or a DELETE without WHERE (its rows; the table stays), or a column it drops
 * or retypes (its values, by the table's key). Names as written in the script.
 */
export type ArchiveTarget =
  | { kind: 'table'; table: QualifiedName }
  /**
   * `cascade`: what the emptying does to the tables whose foreign keys refer to this one: a
   * TRUNCATE ... CASCADE empties them all; a DELETE does what each key's ON DELETE says.
   */
  | { kind: 'rows'; table: QualifiedName; cascade?: 'truncate' | 'delete' }
  | {
      kind: 'column';
      table: QualifiedName;
      column: string;
      /** The column is converted to that type, not dropped (kept only when not every value survives). */
      retypedTo?: string;
      /** The conversion's USING clause: a cast of the column alone, or another expression (which may change any value). */
      using?: 'cast' | 'expression';
      /** When `retypedTo` is an enum the script creates: its values, the only ones a cast keeps. */
      labels?: string[];
    };

/**
 * The archive targets of a script, in order, each once. What the script itself created first
 * holds nothing from before it, and is left out.
 */
export function archiveTargets(statements: readonly Statement[]): ArchiveTarget[] {
  const targets: ArchiveTarget[] = [];
  const created = new Set<string>();
  const enums = new Map<string, string[]>();
  const add = (target: ArchiveTarget) => {
    const id = targetId(target);
    const table = targetId({ kind: 'table', table: target.table });
    if (created.has(id) || created.has(table) || targets.some((known) => [id, table].includes(targetId(known)))) return;
    targets.push(target);
  };
  for (const statement of statements) {
    if (statement.kind === 'create_table') created.add(targetId({ kind: 'table', table: statement.table }));
    if (statement.kind === 'create_enum') enums.set(statement.type.name, statement.values);
    if (statement.kind === 'drop' && statement.object === 'table') for (const table of statement.names) add({ kind: 'table', table });
    if (statement.kind === 'truncate')
      for (const table of statement.tables) add({ kind: 'rows', table, ...(statement.cascade && { cascade: 'truncate' as const }) });
    if (statement.kind === 'delete' && !statement.hasWhere) add({ kind: 'rows', table: statement.table, cascade: 'delete' });
    if (statement.kind !== 'alter_table') continue;
    for (const change of statement.changes) {
      if (change.kind === 'add_column') created.add(targetId({ kind: 'column', table: statement.table, column: change.column }));
      if (change.kind === 'drop_column') add({ kind: 'column', table: statement.table, column: change.column });
      if (change.kind === 'alter_column_type') {
        const labels = change.typeName === undefined ? undefined : enums.get(change.typeName);
        add({
          kind: 'column',
          table: statement.table,
          column: change.column,
          retypedTo: change.type,
          ...(change.using && { using: change.using }),
          ...(labels && { labels }),
        });
      }
    }
  }
  return targets;
}

/**
 * The rows of a target's table that hold what it would lose, as a WHERE condition; undefined for
 * every row. A column cast to an enum the script creates keeps each value that is one of its labels.
 */
export function lostRowsCondition(target: ArchiveTarget): string | undefined {
  if (target.kind !== 'column' || !target.labels || target.using === 'expression') return undefined;
  return `${quoteIdentifier(target.column)}::text <> ALL (ARRAY[${target.labels.map(quoteLiteral).join(', ')}]::text[])`;
}

/** `schema.table` or `schema.table.column`, an unqualified table taken as written (resolved later by the database). */
export function targetId(target: ArchiveTarget): string {
  const table = [target.table.schema, target.table.name].filter(Boolean).join('.');
  return target.kind === 'column' ? `${table}.${target.column}` : table;
}

/** How a target is named to a user. */
export function describeTarget(target: ArchiveTarget): string {
  if (target.kind === 'rows') return `rows of table ${targetId(target)}`;
  return target.kind === 'table' ? `table ${targetId(target)}` : `column ${targetId(target)}`;
}

/** The archive targets of a script as written; none when it does not parse (its run reports that, with PostgreSQL's message). */
export function readArchiveTargets(parser: SqlParser, sql: string): ArchiveTarget[] {
  try {
    return archiveTargets(readStatements(parser, sql));
  } catch (error) {
    if (error instanceof SqlSyntaxError) return [];
    throw error;
  }
}
