import type { NameList, StatementBody } from './ast';
import { type ParsedStatement, type SqlParser, statementBody, statementKind } from './parser';
import { nameFromParts, names, type QualifiedName, relationName } from './qualified-name';
import { columnsOf, type ColumnType, readTableChanges, type TableChange } from './table-changes';
import { insertedValues, type InsertedValues } from './inserted-values';

/** Relations `ALTER ... RENAME TO` renames, by the keyword that names them. */
export type RenamedRelation = 'TABLE' | 'INDEX' | 'SEQUENCE' | 'VIEW' | 'MATERIALIZED VIEW';

/**
 * What one statement of a migration does, read from PostgreSQL's syntax tree: every analysis of a
 * migration's SQL reads these, never the tree. Names are as written (see QualifiedName).
 */
export type StatementAction =
  | { kind: 'create_table'; table: QualifiedName; columns: ColumnType[] }
  | { kind: 'create_table_as'; table?: QualifiedName }
  | { kind: 'create_composite_type'; type?: QualifiedName }
  | { kind: 'alter_table'; table: QualifiedName; changes: TableChange[]; concurrent: boolean }
  /** DROP of anything but a trigger: `object` is the keyword, lower case (`table`, `type`, `index`, `schema`, ...). */
  | { kind: 'drop'; object: string; names: QualifiedName[]; concurrent: boolean; cascade: boolean }
  | { kind: 'drop_trigger'; triggers: Array<{ table: QualifiedName; name: string }> }
  | { kind: 'rename_relation'; relation: RenamedRelation; name: QualifiedName; to: string }
  | { kind: 'rename_column'; table: QualifiedName; column: string; to: string }
  | { kind: 'rename_constraint'; table: QualifiedName; constraint: string; to: string }
  | { kind: 'rename_type'; type: QualifiedName; to: string }
  | { kind: 'move_table'; table: QualifiedName; toSchema: string }
  | { kind: 'create_index'; table: QualifiedName; name?: string; unique: boolean; concurrent: boolean; columns: string[] }
  | { kind: 'create_trigger'; table: QualifiedName; name: string }
  | { kind: 'create_enum'; type: QualifiedName; values: string[] }
  | { kind: 'add_enum_value'; type: QualifiedName; value: string }
  | { kind: 'rename_enum_value'; type: QualifiedName; from: string; to: string }
  | { kind: 'create_extension'; name: string }
  /** `cascade`: TRUNCATE ... CASCADE, which empties the tables that refer to these too. */
  | { kind: 'truncate'; tables: QualifiedName[]; cascade: boolean }
  | { kind: 'delete'; table: QualifiedName; hasWhere: boolean }
  /** `columns`: the columns SET, one entry per target. */
  | { kind: 'update'; table: QualifiedName; hasWhere: boolean; columns: Array<string | undefined> }
  | ({ kind: 'insert'; table: QualifiedName } & InsertedValues)
  | { kind: 'merge'; table?: QualifiedName }
  | { kind: 'copy'; table?: QualifiedName }
  | { kind: 'do_block'; language: string; code: string }
  | { kind: 'call' }
  | { kind: 'select'; callsFunction: boolean }
  | { kind: 'set'; name?: string }
  /** BEGIN, START, COMMIT, ROLLBACK, ...: the TransactionStmt kind without its prefix. */
  | { kind: 'transaction'; action: string }
  | { kind: 'reindex'; concurrent: boolean }
  /** Anything else, by its node type (e.g. `VacuumStmt`). */
  | { kind: 'other'; node: string };

export type Statement = StatementAction & {
  /** The statement as parsed: its text and where it is in the script. */
  source: ParsedStatement;
};

export type StatementOf<K extends Statement['kind']> = Extract<Statement, { kind: K }>;

/** The statements of a script; throws SqlSyntaxError when it does not parse. */
export function readStatements(parser: SqlParser, sql: string): Statement[] {
  return parser.parseScript(sql).map(readStatement);
}

export function readStatement(source: ParsedStatement): Statement {
  return { ...actionOf(statementKind(source), statementBody<StatementBody>(source)), source };
}

function actionOf(node: string, body: StatementBody): StatementAction {
  switch (node) {
    case 'CreateStmt':
      return { kind: 'create_table', table: relationName(body.relation), columns: columnsOf(body.tableElts ?? []) };
    case 'CreateTableAsStmt':
      return { kind: 'create_table_as', table: body.into?.rel && relationName(body.into.rel) };
    case 'CompositeTypeStmt':
      return { kind: 'create_composite_type', type: body.typevar && relationName(body.typevar) };
    case 'AlterTableStmt':
      return {
        kind: 'alter_table',
        table: relationName(body.relation),
        changes: readTableChanges(body.cmds ?? []),
        concurrent: JSON.stringify(body).includes('"concurrent":true'),
      };
    case 'DropStmt':
      return dropAction(body);
    case 'RenameStmt':
      return renameAction(body);
    case 'AlterObjectSchemaStmt':
      if (body.objectType === 'OBJECT_TABLE' && body.relation && body.newschema) {
        return { kind: 'move_table', table: relationName(body.relation), toSchema: body.newschema };
      }
      return { kind: 'other', node };
    case 'IndexStmt':
      return {
        kind: 'create_index',
        table: relationName(body.relation),
        name: body.idxname,
        unique: body.unique === true,
        concurrent: body.concurrent === true,
        columns: (body.indexParams ?? []).flatMap((param) => (param.IndexElem?.name ? [param.IndexElem.name] : [])),
      };
    case 'CreateTrigStmt':
      return { kind: 'create_trigger', table: relationName(body.relation), name: body.trigname ?? '' };
    case 'CreateEnumStmt':
      return { kind: 'create_enum', type: typeName(body.typeName), values: (body.vals ?? []).map((value) => value.String?.sval ?? '') };
    case 'AlterEnumStmt':
      if (body.oldVal) return { kind: 'rename_enum_value', type: typeName(body.typeName), from: body.oldVal, to: body.newVal ?? '' };
      return { kind: 'add_enum_value', type: typeName(body.typeName), value: body.newVal ?? '' };
    case 'CreateExtensionStmt':
      return { kind: 'create_extension', name: String(body.extname) };
    case 'TruncateStmt':
      return {
        kind: 'truncate',
        tables: (body.relations ?? []).map((relation) => relationName(relation.RangeVar)),
        cascade: body.behavior === 'DROP_CASCADE',
      };
    case 'DeleteStmt':
      return { kind: 'delete', table: relationName(body.relation), hasWhere: body.whereClause !== undefined };
    case 'UpdateStmt':
      return {
        kind: 'update',
        table: relationName(body.relation),
        hasWhere: body.whereClause !== undefined,
        columns: (body.targetList ?? []).map((target) => target.ResTarget?.name),
      };
    case 'InsertStmt':
      return { kind: 'insert', table: relationName(body.relation), ...insertedValues(body) };
    case 'MergeStmt':
      return { kind: 'merge', table: body.relation && relationName(body.relation) };
    case 'CopyStmt':
      return { kind: 'copy', table: body.relation && relationName(body.relation) };
    case 'DoStmt':
      return doBlock(body);
    case 'CallStmt':
      return { kind: 'call' };
    case 'SelectStmt':
      return { kind: 'select', callsFunction: JSON.stringify(body).includes('"FuncCall"') };
    case 'VariableSetStmt':
      return { kind: 'set', name: body.name };
    case 'TransactionStmt':
      return { kind: 'transaction', action: (body.kind ?? '').replace(/^TRANS_STMT_/, '') };
    case 'ReindexStmt':
      return { kind: 'reindex', concurrent: (body.params ?? []).some((param) => param.DefElem?.defname === 'concurrently') };
    default:
      return { kind: 'other', node };
  }
}

const RENAMED_RELATIONS: Record<string, RenamedRelation> = {
  OBJECT_TABLE: 'TABLE',
  OBJECT_INDEX: 'INDEX',
  OBJECT_SEQUENCE: 'SEQUENCE',
  OBJECT_VIEW: 'VIEW',
  OBJECT_MATVIEW: 'MATERIALIZED VIEW',
};

function renameAction(body: StatementBody): StatementAction {
  const relation = body.relation;
  const to = body.newname ?? '';
  const renamedRelation = RENAMED_RELATIONS[body.renameType ?? ''];
  if (renamedRelation && relation) return { kind: 'rename_relation', relation: renamedRelation, name: relationName(relation), to };
  if (body.renameType === 'OBJECT_COLUMN' && relation && body.subname) {
    return { kind: 'rename_column', table: relationName(relation), column: body.subname, to };
  }
  if (body.renameType === 'OBJECT_TABCONSTRAINT' && relation && body.subname) {
    return { kind: 'rename_constraint', table: relationName(relation), constraint: body.subname, to };
  }
  if (body.renameType === 'OBJECT_TYPE' && body.object?.List) return { kind: 'rename_type', type: typeName(body.object.List.items), to };
  return { kind: 'other', node: 'RenameStmt' };
}

function dropAction(body: StatementBody): StatementAction {
  // Objects are lists of names (a type's, under TypeName); a DROP SCHEMA or EXTENSION names none here.
  const objects = (body.objects ?? []).flatMap((object) => {
    const parts = names(object.List?.items ?? object.TypeName?.names);
    return parts.length ? [parts] : [];
  });
  if (body.removeType === 'OBJECT_TRIGGER') {
    // DROP TRIGGER t ON [schema.]table: the object is [schema,] table, trigger.
    return {
      kind: 'drop_trigger',
      triggers: objects.map((parts) => ({ table: nameFromParts(parts.slice(0, -1)), name: parts[parts.length - 1] })),
    };
  }
  return {
    kind: 'drop',
    object: (body.removeType ?? '').replace(/^OBJECT_/, '').toLowerCase(),
    names: objects.map(nameFromParts),
    concurrent: body.concurrent === true,
    cascade: body.behavior === 'DROP_CASCADE',
  };
}

function doBlock(body: StatementBody): StatementAction {
  const option = (name: string) => body.args?.find((arg) => arg.DefElem?.defname === name)?.DefElem?.arg?.String?.sval;
  return { kind: 'do_block', language: option('language') ?? 'plpgsql', code: option('as') ?? '' };
}

function typeName(items: NameList | undefined): QualifiedName {
  const parts = names(items);
  return parts.length ? nameFromParts(parts) : { name: '?' };
}
