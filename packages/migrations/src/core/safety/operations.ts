import { type SqlParser, SqlSyntaxError } from '../sql/parser';
import { readStatements, type Statement, type StatementOf } from '../sql/statements';
import type { ConstraintDefinition, TableChange } from '../sql/table-changes';

/**
 * What a migration's SQL does, one typed operation per effect, read from PostgreSQL's own syntax
 * tree. The safety rules read these, never SQL text.
 */
export type Operation =
  | { kind: 'create_table'; table: string; columns: Array<{ column: string; type: string }> }
  | { kind: 'drop_table'; table: string }
  | { kind: 'add_column'; table: string; column: string; type: string; notNull: boolean; hasDefault: boolean; volatileDefault: boolean }
  | { kind: 'drop_column'; table: string; column: string }
  | {
      kind: 'alter_column_type';
      table: string;
      column: string;
      type: string;
      /** A USING clause: casts of the column alone (`"c"::text::"E_new"`), or another expression. */
      using?: 'cast' | 'expression';
    }
  | { kind: 'set_not_null'; table: string; column: string }
  | {
      kind: 'add_constraint';
      table: string;
      constraint: 'foreign_key' | 'check' | 'unique' | 'primary_key' | 'exclusion';
      name?: string;
      notValid: boolean;
      usingIndex: boolean;
      /** The constrained columns (foreign key, unique, primary key), when named. */
      columns: string[];
      /** A foreign key's referenced table and columns. */
      references?: { table: string; columns: string[] };
    }
  | { kind: 'create_index'; table: string; name?: string; unique: boolean; concurrent: boolean; columns: string[] }
  | { kind: 'drop_index'; name: string; concurrent: boolean }
  | { kind: 'create_trigger'; table: string; name: string }
  | { kind: 'drop_trigger'; table: string; name: string }
  | { kind: 'rename_table'; table: string; to: string }
  | { kind: 'rename_column'; table: string; column: string; to: string }
  | { kind: 'create_enum'; type: string; values: string[] }
  | { kind: 'add_enum_value'; type: string; value: string }
  | { kind: 'drop_type'; type: string }
  | { kind: 'rename_type'; type: string; to: string }
  | { kind: 'truncate'; table: string }
  | { kind: 'delete'; table: string; hasWhere: boolean }
  | { kind: 'update'; table: string; hasWhere: boolean }
  | { kind: 'set_lock_timeout' };

export interface Located<T = Operation> {
  operation: T;
  /** 1-based statement number and line in migration.sql. */
  statement: number;
  line: number;
  /** The statement, first line, for messages. */
  excerpt: string;
}

export function readOperations(parser: SqlParser, sql: string): Array<Located> {
  const located: Located[] = [];
  readStatements(parser, sql).forEach((statement, index) => {
    const { start, text } = statement.source;
    for (const operation of operationsOf(statement)) {
      located.push({ operation, statement: index + 1, line: sql.slice(0, start).split('\n').length, excerpt: excerpt(text) });
    }
  });
  return located;
}

/** The operations of a script that parses; none of one that does not (applying it fails with PostgreSQL's own message). */
export function readOperationsIfValid(parser: SqlParser, sql: string): Located[] {
  try {
    return readOperations(parser, sql);
  } catch (error) {
    if (error instanceof SqlSyntaxError) return [];
    throw error;
  }
}

/** Operations name tables and types by their bare name. */
export function operationsOf(statement: Statement): Operation[] {
  switch (statement.kind) {
    case 'create_table':
      return [{ kind: 'create_table', table: statement.table.name, columns: statement.columns }];
    case 'drop':
      return dropOperations(statement);
    case 'drop_trigger':
      return statement.triggers.map(({ table, name }) => ({ kind: 'drop_trigger', table: table.name, name }));
    case 'alter_table':
      return statement.changes.flatMap((change) => changeOperations(statement.table.name, change));
    case 'create_index': {
      const { table, name, unique, concurrent, columns } = statement;
      return [{ kind: 'create_index', table: table.name, name, unique, concurrent, columns }];
    }
    case 'create_trigger':
      return [{ kind: 'create_trigger', table: statement.table.name, name: statement.name }];
    case 'rename_relation':
      return statement.relation === 'TABLE' ? [{ kind: 'rename_table', table: statement.name.name, to: statement.to }] : [];
    case 'rename_column':
      return [{ kind: 'rename_column', table: statement.table.name, column: statement.column, to: statement.to }];
    case 'rename_type':
      return [{ kind: 'rename_type', type: statement.type.name, to: statement.to }];
    case 'create_enum':
      return [{ kind: 'create_enum', type: statement.type.name, values: statement.values }];
    case 'add_enum_value':
      return statement.value ? [{ kind: 'add_enum_value', type: statement.type.name, value: statement.value }] : [];
    case 'truncate':
      return statement.tables.map((table) => ({ kind: 'truncate', table: table.name }));
    case 'delete':
    case 'update':
      return [{ kind: statement.kind, table: statement.table.name, hasWhere: statement.hasWhere }];
    case 'set':
      return statement.name === 'lock_timeout' ? [{ kind: 'set_lock_timeout' }] : [];
    default:
      return [];
  }
}

function dropOperations(statement: StatementOf<'drop'>): Operation[] {
  const names = statement.names.map((name) => name.name);
  if (statement.object === 'table') return names.map((table) => ({ kind: 'drop_table', table }));
  if (statement.object === 'type') return names.map((type) => ({ kind: 'drop_type', type }));
  if (statement.object === 'index') return names.map((name) => ({ kind: 'drop_index', name, concurrent: statement.concurrent }));
  return [];
}

function changeOperations(table: string, change: TableChange): Operation[] {
  switch (change.kind) {
    case 'add_column': {
      const { column, type, notNull, hasDefault, volatileDefault } = change;
      const constraints = change.constraints.filter((definition) => definition.constraint !== 'primary_key');
      return [
        { kind: 'add_column', table, column, type, notNull, hasDefault, volatileDefault },
        ...constraints.map((definition) => ({ ...constraintOperation(table, definition), columns: [column] })),
      ];
    }
    case 'drop_column':
    case 'set_not_null':
      return [{ kind: change.kind, table, column: change.column }];
    case 'alter_column_type':
      return [{ kind: 'alter_column_type', table, column: change.column, type: change.type, using: change.using }];
    case 'add_constraint':
      return [constraintOperation(table, change.definition)];
    default:
      return [];
  }
}

function constraintOperation(table: string, definition: ConstraintDefinition): Extract<Operation, { kind: 'add_constraint' }> {
  const { constraint, name, notValid, usingIndex, columns, references } = definition;
  return {
    kind: 'add_constraint',
    table,
    constraint,
    name,
    notValid,
    usingIndex,
    columns,
    references: references && { table: references.table.name, columns: references.columns },
  };
}

function excerpt(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 120 ? `${line.slice(0, 117)}...` : line;
}
