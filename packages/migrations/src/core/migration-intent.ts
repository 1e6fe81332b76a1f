import { schemaTable } from './sql/qualified-name';
import type { SqlParser } from './sql/parser';
import { readStatements, type Statement } from './sql/statements';
import type { TableChange } from './sql/table-changes';

/**
 * What a migration means to do to existing data, read from its syntax tree. The integrity check
 * uses it to tell an intended change (a dropped column, an UPDATE, a type change) from damage.
 * Table names are `schema.table`; an unqualified name is taken to be in `public`.
 */
export interface MigrationIntent {
  droppedTables: Set<string>;
  /** Old name -> new name. */
  renamedTables: Map<string, string>;
  /** Table (under its name before the migration) -> columns. */
  droppedColumns: Map<string, Set<string>>;
  /** Table -> old column name -> new column name. */
  renamedColumns: Map<string, Map<string, string>>;
  /** Table -> columns whose values the migration sets (UPDATE ... SET, a type change). */
  changedColumns: Map<string, Set<string>>;
  /** Table -> column -> the type it is changed to (last name, e.g. `jsonb`, `int4`). */
  retypedColumns: Map<string, Map<string, string>>;
  /** Tables whose rows the migration deletes (DELETE, TRUNCATE) or rewrites wholesale. */
  rowsMayVanish: Set<string>;
  /** Statements whose effect on data cannot be read from the script (DO blocks, function calls). */
  opaque: string[];
}

export function emptyIntent(): MigrationIntent {
  return {
    droppedTables: new Set(),
    renamedTables: new Map(),
    droppedColumns: new Map(),
    renamedColumns: new Map(),
    changedColumns: new Map(),
    retypedColumns: new Map(),
    rowsMayVanish: new Set(),
    opaque: [],
  };
}

export function tableKey(schema: string | undefined, table: string): string {
  return schemaTable({ schema, name: table });
}

function addTo<V>(map: Map<string, Set<V>>, key: string, value: V): void {
  const set = map.get(key) ?? new Set<V>();
  set.add(value);
  map.set(key, set);
}

function setIn(map: Map<string, Map<string, string>>, key: string, from: string, to: string): void {
  const entries = map.get(key) ?? new Map<string, string>();
  entries.set(from, to);
  map.set(key, entries);
}

export function readMigrationIntent(parser: SqlParser, sql: string): MigrationIntent {
  const intent = emptyIntent();
  for (const statement of readStatements(parser, sql)) readStatement(statement, intent);
  return intent;
}

/** Dropping one of these with CASCADE drops the columns that use it. */
const CASCADING_DROPS = new Set(['type', 'domain', 'schema', 'extension']);

function readStatement(statement: Statement, intent: MigrationIntent): void {
  const opaque = () => intent.opaque.push(firstLine(statement.source.text));
  switch (statement.kind) {
    case 'alter_table':
      return readAlterTable(schemaTable(statement.table), statement.changes, intent);
    case 'rename_relation':
      if (statement.relation === 'TABLE')
        intent.renamedTables.set(schemaTable(statement.name), schemaTable({ ...statement.name, name: statement.to }));
      return;
    case 'rename_column':
      return setIn(intent.renamedColumns, schemaTable(statement.table), statement.column, statement.to);
    case 'drop':
      if (statement.object === 'table') for (const table of statement.names) intent.droppedTables.add(schemaTable(table));
      else if (statement.cascade && CASCADING_DROPS.has(statement.object)) opaque();
      return;
    case 'move_table':
      intent.renamedTables.set(schemaTable(statement.table), schemaTable({ schema: statement.toSchema, name: statement.table.name }));
      return;
    case 'update':
      for (const column of statement.columns) if (column) addTo(intent.changedColumns, schemaTable(statement.table), column);
      return;
    case 'delete':
      intent.rowsMayVanish.add(schemaTable(statement.table));
      return;
    case 'truncate':
      for (const table of statement.tables) intent.rowsMayVanish.add(schemaTable(table));
      return;
    case 'do_block':
    case 'call':
    case 'rename_enum_value':
      return void opaque();
    case 'select':
      // A bare SELECT changes nothing unless it calls a function, which may.
      if (statement.callsFunction) opaque();
      return;
    default:
      return;
  }
}

function readAlterTable(table: string, changes: TableChange[], intent: MigrationIntent) {
  for (const change of changes) {
    if (change.kind === 'drop_column' && change.column) addTo(intent.droppedColumns, table, change.column);
    if (change.kind === 'alter_column_type' && change.column) {
      addTo(intent.changedColumns, table, change.column);
      if (change.typeName) setIn(intent.retypedColumns, table, change.column, change.typeName);
    }
  }
}

function firstLine(text: string): string {
  const line = text.split('\n')[0];
  return line.length > 80 ? `${line.slice(0, 77)}...` : line;
}
