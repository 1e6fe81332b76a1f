import { parseScript, type ParsedStatement, SqlSyntaxError, statementBody, statementKind } from '../sql/parser';
import { canonicalSqlType } from '../sql/prisma-types';

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

interface RangeVar {
  schemaname?: string;
  relname: string;
}

/** Functions whose value differs row to row: as a column default they rewrite the whole table. */
const VOLATILE_DEFAULTS = new Set(['random', 'gen_random_uuid', 'uuid_generate_v1', 'uuid_generate_v1mc', 'uuid_generate_v4', 'clock_timestamp', 'timeofday', 'nextval', 'txid_current']);
const SERIAL_TYPES = new Set(['serial', 'serial4', 'bigserial', 'serial8', 'smallserial', 'serial2']);

export function readOperations(sql: string): Array<Located> {
  const located: Located[] = [];
  parseScript(sql).forEach((statement, index) => {
    for (const operation of operationsOf(statement)) {
      located.push({ operation, statement: index + 1, line: sql.slice(0, statement.start).split('\n').length, excerpt: excerpt(statement.text) });
    }
  });
  return located;
}

/** The operations of a script that parses; none of one that does not (applying it fails with PostgreSQL's own message). */
export function readOperationsIfValid(sql: string): Located[] {
  try {
    return readOperations(sql);
  } catch (error) {
    if (error instanceof SqlSyntaxError) return [];
    throw error;
  }
}

function operationsOf(statement: ParsedStatement): Operation[] {
  const body = statementBody<any>(statement); // eslint-disable-line @typescript-eslint/no-explicit-any
  switch (statementKind(statement)) {
    case 'CreateStmt':
      return [{ kind: 'create_table', table: tableOf(body.relation), columns: columnsOf(body.tableElts ?? []) }];
    case 'DropStmt':
      return dropOperations(body);
    case 'AlterTableStmt':
      return alterTableOperations(tableOf(body.relation), body.cmds ?? []);
    case 'IndexStmt':
      return [
        {
          kind: 'create_index',
          table: tableOf(body.relation),
          name: body.idxname,
          unique: body.unique === true,
          concurrent: body.concurrent === true,
          columns: (body.indexParams ?? []).flatMap((param: { IndexElem?: { name?: string } }) => (param.IndexElem?.name ? [param.IndexElem.name] : [])),
        },
      ];
    case 'CreateTrigStmt':
      return [{ kind: 'create_trigger', table: tableOf(body.relation), name: body.trigname }];
    case 'RenameStmt':
      if (body.renameType === 'OBJECT_TABLE') return [{ kind: 'rename_table', table: tableOf(body.relation), to: body.newname }];
      if (body.renameType === 'OBJECT_COLUMN') return [{ kind: 'rename_column', table: tableOf(body.relation), column: body.subname, to: body.newname }];
      if (body.renameType === 'OBJECT_TYPE') return [{ kind: 'rename_type', type: lastName(body.object?.List?.items), to: body.newname }];
      return [];
    case 'CreateEnumStmt':
      return [{ kind: 'create_enum', type: lastName(body.typeName), values: (body.vals ?? []).map((v: { String: { sval: string } }) => v.String.sval) }];
    case 'AlterEnumStmt':
      return body.newVal && !body.oldVal ? [{ kind: 'add_enum_value', type: lastName(body.typeName), value: body.newVal }] : [];
    case 'TruncateStmt':
      return (body.relations ?? []).map((r: { RangeVar: RangeVar }) => ({ kind: 'truncate', table: tableOf(r.RangeVar) }));
    case 'DeleteStmt':
      return [{ kind: 'delete', table: tableOf(body.relation), hasWhere: body.whereClause !== undefined }];
    case 'UpdateStmt':
      return [{ kind: 'update', table: tableOf(body.relation), hasWhere: body.whereClause !== undefined }];
    case 'VariableSetStmt':
      return body.name === 'lock_timeout' ? [{ kind: 'set_lock_timeout' }] : [];
    default:
      return [];
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function dropOperations(body: any): Operation[] {
  const names = (body.objects ?? []).map((object: { List?: { items: unknown[] }; TypeName?: { names: unknown[] } }) => lastName(object.List?.items ?? object.TypeName?.names));
  if (body.removeType === 'OBJECT_TABLE') return names.map((table: string) => ({ kind: 'drop_table', table }));
  if (body.removeType === 'OBJECT_TYPE') return names.map((type: string) => ({ kind: 'drop_type', type }));
  if (body.removeType === 'OBJECT_INDEX') return names.map((name: string) => ({ kind: 'drop_index', name, concurrent: body.concurrent === true }));
  if (body.removeType === 'OBJECT_TRIGGER') {
    // DROP TRIGGER t ON [schema.]table: the object is [schema,] table, trigger.
    return (body.objects ?? []).map((object: { List?: { items: unknown[] } }) => {
      const items = object.List?.items ?? [];
      return { kind: 'drop_trigger', table: lastName(items.slice(0, -1)), name: lastName(items) };
    });
  }
  return [];
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function alterTableOperations(table: string, cmds: Array<{ AlterTableCmd?: any }>): Operation[] {
  const operations: Operation[] = [];
  for (const { AlterTableCmd: cmd } of cmds) {
    if (!cmd) continue;
    switch (cmd.subtype) {
      case 'AT_AddColumn': {
        const column = cmd.def?.ColumnDef;
        const constraints: Array<{ Constraint: ConstraintNode & { contype: string; raw_expr?: unknown } }> = column?.constraints ?? [];
        const defaultExpr = constraints.find((c) => c.Constraint.contype === 'CONSTR_DEFAULT')?.Constraint.raw_expr;
        const typeName = lastName(column?.typeName?.names);
        operations.push({
          kind: 'add_column',
          table,
          column: column?.colname,
          type: typeText(column?.typeName),
          notNull: constraints.some((c) => c.Constraint.contype === 'CONSTR_NOTNULL' || c.Constraint.contype === 'CONSTR_PRIMARY'),
          hasDefault: defaultExpr !== undefined || SERIAL_TYPES.has(typeName),
          volatileDefault: SERIAL_TYPES.has(typeName) || callsVolatile(defaultExpr),
        });
        for (const { Constraint: constraint } of constraints) {
          const kind = constraintKind(constraint.contype);
          if (kind && kind !== 'primary_key') operations.push({ ...constraintOperation(table, kind, constraint), columns: [column?.colname] });
        }
        break;
      }
      case 'AT_DropColumn':
        operations.push({ kind: 'drop_column', table, column: cmd.name });
        break;
      case 'AT_AlterColumnType': {
        const definition = cmd.def?.ColumnDef;
        const using = definition?.raw_default && (isCastOfColumn(definition.raw_default, cmd.name) ? 'cast' : 'expression');
        operations.push({ kind: 'alter_column_type', table, column: cmd.name, type: typeText(definition?.typeName), using: using || undefined });
        break;
      }
      case 'AT_SetNotNull':
        operations.push({ kind: 'set_not_null', table, column: cmd.name });
        break;
      case 'AT_AddConstraint': {
        const constraint = cmd.def?.Constraint;
        const kind = constraint && constraintKind(constraint.contype);
        if (kind) operations.push(constraintOperation(table, kind, constraint));
        break;
      }
      default:
        break;
    }
  }
  return operations;
}

/** `"c"::text::"E"`: nothing but casts of the column itself. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function isCastOfColumn(expression: any, column: string): boolean {
  if (expression?.TypeCast) return isCastOfColumn(expression.TypeCast.arg, column);
  const fields: unknown[] = expression?.ColumnRef?.fields ?? [];
  return fields.length > 0 && (fields.at(-1) as { String?: { sval?: string } }).String?.sval === column;
}

interface ConstraintNode {
  conname?: string;
  skip_validation?: boolean;
  indexname?: string;
  keys?: unknown[];
  fk_attrs?: unknown[];
  pktable?: RangeVar;
  pk_attrs?: unknown[];
}

function constraintOperation(table: string, kind: Extract<Operation, { kind: 'add_constraint' }>['constraint'], constraint: ConstraintNode): Extract<Operation, { kind: 'add_constraint' }> {
  return {
    kind: 'add_constraint',
    table,
    constraint: kind,
    name: constraint.conname,
    notValid: constraint.skip_validation === true,
    usingIndex: constraint.indexname !== undefined,
    columns: names(kind === 'foreign_key' ? constraint.fk_attrs : constraint.keys),
    references: kind === 'foreign_key' && constraint.pktable ? { table: tableOf(constraint.pktable), columns: names(constraint.pk_attrs) } : undefined,
  };
}

function names(items: unknown[] | undefined): string[] {
  return (items ?? []).map((item) => (item as { String?: { sval: string } }).String?.sval).filter(Boolean) as string[];
}

function columnsOf(elements: Array<{ ColumnDef?: { colname: string; typeName?: Parameters<typeof typeText>[0] } }>): Array<{ column: string; type: string }> {
  return elements.flatMap(({ ColumnDef: column }) => (column ? [{ column: column.colname, type: typeText(column.typeName) }] : []));
}

function constraintKind(contype: string): Extract<Operation, { kind: 'add_constraint' }>['constraint'] | undefined {
  return ({ CONSTR_FOREIGN: 'foreign_key', CONSTR_CHECK: 'check', CONSTR_UNIQUE: 'unique', CONSTR_PRIMARY: 'primary_key', CONSTR_EXCLUSION: 'exclusion' } as const)[
    contype as 'CONSTR_FOREIGN'
  ];
}

function callsVolatile(expression: unknown): boolean {
  const text = JSON.stringify(expression ?? null);
  return [...text.matchAll(/"FuncCall":\{"funcname":\[(?:\{"String":\{"sval":"[^"]*"\}\},)*\{"String":\{"sval":"([^"]+)"\}\}\]/g)].some((match) => VOLATILE_DEFAULTS.has(match[1]));
}

function typeText(typeName: { names?: unknown[]; typmods?: Array<{ A_Const?: { ival?: { ival?: number } } }>; arrayBounds?: unknown[] } | undefined): string {
  const name = lastName(typeName?.names);
  const mods = (typeName?.typmods ?? []).map((mod) => mod.A_Const?.ival?.ival ?? '').filter((mod) => mod !== '');
  return canonicalSqlType(`${name}${mods.length ? `(${mods.join(',')})` : ''}${typeName?.arrayBounds ? '[]' : ''}`);
}

function tableOf(relation: RangeVar | undefined): string {
  return relation?.relname ?? '?';
}

function lastName(items: unknown[] | undefined): string {
  return names(items).at(-1) ?? '?';
}

function excerpt(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 120 ? `${line.slice(0, 117)}...` : line;
}
