import type { QualifiedName } from '../sql/qualified-name';
import type { Statement } from '../sql/statements';

/**
 * What a script would destroy that an archive can keep: a table it drops (its rows), or a column
 * it drops or retypes (its values, by the table's key). Names as written in the script.
 */
export type ArchiveTarget =
  | { kind: 'table'; table: QualifiedName }
  /** `retypedTo`: the column is converted to that type, not dropped (kept only when not every value survives). */
  | { kind: 'column'; table: QualifiedName; column: string; retypedTo?: string };

/**
 * The archive targets of a script, in order, each once. What the script itself created first
 * holds nothing from before it, and is left out.
 */
export function archiveTargets(statements: readonly Statement[]): ArchiveTarget[] {
  const targets: ArchiveTarget[] = [];
  const created = new Set<string>();
  const add = (target: ArchiveTarget) => {
    const id = targetId(target);
    const table = targetId({ kind: 'table', table: target.table });
    if (created.has(id) || created.has(table) || targets.some((known) => [id, table].includes(targetId(known)))) return;
    targets.push(target);
  };
  for (const statement of statements) {
    if (statement.kind === 'create_table') created.add(targetId({ kind: 'table', table: statement.table }));
    if (statement.kind === 'drop' && statement.object === 'table') for (const table of statement.names) add({ kind: 'table', table });
    if (statement.kind !== 'alter_table') continue;
    for (const change of statement.changes) {
      if (change.kind === 'add_column') created.add(targetId({ kind: 'column', table: statement.table, column: change.column }));
      if (change.kind === 'drop_column') add({ kind: 'column', table: statement.table, column: change.column });
      if (change.kind === 'alter_column_type')
        add({ kind: 'column', table: statement.table, column: change.column, retypedTo: change.type });
    }
  }
  return targets;
}

/** `schema.table` or `schema.table.column`, an unqualified table taken as written (resolved later by the database). */
export function targetId(target: ArchiveTarget): string {
  const table = [target.table.schema, target.table.name].filter(Boolean).join('.');
  return target.kind === 'table' ? table : `${table}.${target.column}`;
}

/** How a target is named to a user. */
export function describeTarget(target: ArchiveTarget): string {
  return target.kind === 'table' ? `table ${targetId(target)}` : `column ${targetId(target)}`;
}
