import { parseScript, type ParsedStatement, statementBody, statementKind } from './sql/parser';

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

interface RangeVar {
  schemaname?: string;
  relname: string;
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
  return `${schema ?? 'public'}.${table}`;
}

function rangeVarKey(relation: RangeVar): string {
  return tableKey(relation.schemaname, relation.relname);
}

function addTo<V>(map: Map<string, Set<V>>, key: string, value: V): void {
  const set = map.get(key) ?? new Set<V>();
  set.add(value);
  map.set(key, set);
}

export function readMigrationIntent(sql: string): MigrationIntent {
  const intent = emptyIntent();
  for (const statement of parseScript(sql)) readStatement(statement, intent);
  return intent;
}

function readStatement(statement: ParsedStatement, intent: MigrationIntent): void {
  const body = statementBody<unknown>(statement);
  switch (statementKind(statement)) {
    case 'AlterTableStmt':
      return readAlterTable(body as { relation: RangeVar; cmds?: Array<{ AlterTableCmd?: AlterTableCmd }> }, intent);
    case 'RenameStmt':
      return readRename(body as RenameStmt, intent);
    case 'DropStmt':
      return readDrop(body as DropStmt, statement.text, intent);
    case 'AlterObjectSchemaStmt': {
      const move = body as { objectType?: string; relation?: RangeVar; newschema?: string };
      if (move.objectType === 'OBJECT_TABLE' && move.relation && move.newschema) {
        intent.renamedTables.set(rangeVarKey(move.relation), tableKey(move.newschema, move.relation.relname));
      }
      return;
    }
    case 'UpdateStmt': {
      const update = body as { relation: RangeVar; targetList?: Array<{ ResTarget?: { name?: string } }> };
      for (const target of update.targetList ?? []) {
        if (target.ResTarget?.name) addTo(intent.changedColumns, rangeVarKey(update.relation), target.ResTarget.name);
      }
      return;
    }
    case 'DeleteStmt':
      intent.rowsMayVanish.add(rangeVarKey((body as { relation: RangeVar }).relation));
      return;
    case 'TruncateStmt':
      for (const relation of (body as { relations?: Array<{ RangeVar: RangeVar }> }).relations ?? []) {
        intent.rowsMayVanish.add(rangeVarKey(relation.RangeVar));
      }
      return;
    case 'DoStmt':
    case 'CallStmt':
      intent.opaque.push(firstLine(statement.text));
      return;
    case 'SelectStmt':
      // A bare SELECT changes nothing unless it calls a function, which may.
      if (JSON.stringify(body).includes('"FuncCall"')) intent.opaque.push(firstLine(statement.text));
      return;
    case 'AlterEnumStmt':
      if ((body as { oldVal?: string }).oldVal) intent.opaque.push(firstLine(statement.text));
      return;
    default:
      return;
  }
}

interface AlterTableCmd {
  subtype: string;
  name?: string;
  def?: { ColumnDef?: { typeName?: { names?: Array<{ String?: { sval: string } }> } } };
}

function readAlterTable(body: { relation: RangeVar; cmds?: Array<{ AlterTableCmd?: AlterTableCmd }> }, intent: MigrationIntent) {
  const table = rangeVarKey(body.relation);
  for (const { AlterTableCmd: cmd } of body.cmds ?? []) {
    if (!cmd?.name) continue;
    if (cmd.subtype === 'AT_DropColumn') addTo(intent.droppedColumns, table, cmd.name);
    if (cmd.subtype === 'AT_AlterColumnType') {
      addTo(intent.changedColumns, table, cmd.name);
      const names = cmd.def?.ColumnDef?.typeName?.names ?? [];
      const typeName = names[names.length - 1]?.String?.sval;
      if (typeName) {
        const retyped = intent.retypedColumns.get(table) ?? new Map<string, string>();
        retyped.set(cmd.name, typeName);
        intent.retypedColumns.set(table, retyped);
      }
    }
  }
}

interface RenameStmt {
  renameType: string;
  relation?: RangeVar;
  subname?: string;
  newname: string;
}

function readRename(body: RenameStmt, intent: MigrationIntent) {
  if (!body.relation) return;
  const table = rangeVarKey(body.relation);
  if (body.renameType === 'OBJECT_TABLE') {
    intent.renamedTables.set(table, tableKey(body.relation.schemaname, body.newname));
  } else if (body.renameType === 'OBJECT_COLUMN' && body.subname) {
    const columns = intent.renamedColumns.get(table) ?? new Map<string, string>();
    columns.set(body.subname, body.newname);
    intent.renamedColumns.set(table, columns);
  }
}

interface DropStmt {
  removeType: string;
  behavior?: string;
  objects?: Array<{ List?: { items: Array<{ String?: { sval: string } }> } }>;
}

function readDrop(body: DropStmt, text: string, intent: MigrationIntent) {
  if (body.removeType === 'OBJECT_TABLE') {
    for (const object of body.objects ?? []) {
      const parts = (object.List?.items ?? []).map((item) => item.String?.sval ?? '');
      const name = parts[parts.length - 1];
      if (name) intent.droppedTables.add(tableKey(parts.length > 1 ? parts[parts.length - 2] : undefined, name));
    }
  } else if (body.behavior === 'DROP_CASCADE' && ['OBJECT_TYPE', 'OBJECT_DOMAIN', 'OBJECT_SCHEMA', 'OBJECT_EXTENSION'].includes(body.removeType)) {
    // Dropping a type, schema or extension with CASCADE drops the columns that use it.
    intent.opaque.push(firstLine(text));
  }
}

function firstLine(text: string): string {
  const line = text.split('\n')[0];
  return line.length > 80 ? `${line.slice(0, 77)}...` : line;
}
