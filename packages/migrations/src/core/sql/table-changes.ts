import type { AlterTableCmdNode, ColumnDefNode, ConstraintNode, NameList, TypeNameNode } from './ast';
import { canonicalSqlType } from './prisma-types';
import { names, type QualifiedName, relationName } from './qualified-name';

export interface ColumnType {
  column: string;
  /** Canonical, e.g. `VARCHAR(20)`, `INTEGER[]`. */
  type: string;
}

export type ConstraintKind = 'foreign_key' | 'check' | 'unique' | 'primary_key' | 'exclusion';

export interface ConstraintDefinition {
  constraint: ConstraintKind;
  name?: string;
  notValid: boolean;
  usingIndex: boolean;
  /** The constrained columns (foreign key, unique, primary key), when named. */
  columns: string[];
  /** A foreign key's referenced table and columns. */
  references?: { table: QualifiedName; columns: string[] };
}

/** One command of an ALTER TABLE. */
export type TableChange =
  | {
      kind: 'add_column';
      column: string;
      type: string;
      notNull: boolean;
      hasDefault: boolean;
      volatileDefault: boolean;
      /** Its constraints but NOT NULL and DEFAULT. */
      constraints: ConstraintDefinition[];
    }
  | { kind: 'drop_column'; column: string }
  | {
      kind: 'alter_column_type';
      column: string;
      type: string;
      /** The type's last name as written (e.g. `int4`, `jsonb`). */
      typeName?: string;
      /** A USING clause: casts of the column alone (`"c"::text::"E_new"`), or another expression. */
      using?: 'cast' | 'expression';
    }
  | { kind: 'set_not_null'; column: string }
  | { kind: 'add_constraint'; definition: ConstraintDefinition }
  | { kind: 'other'; subtype: string };

/** Functions whose value differs row to row: as a column default they rewrite the whole table. */
const VOLATILE_DEFAULTS = new Set([
  'random',
  'gen_random_uuid',
  'uuid_generate_v1',
  'uuid_generate_v1mc',
  'uuid_generate_v4',
  'clock_timestamp',
  'timeofday',
  'nextval',
  'txid_current',
]);
const SERIAL_TYPES = new Set(['serial', 'serial4', 'bigserial', 'serial8', 'smallserial', 'serial2']);

export function readTableChanges(cmds: Array<{ AlterTableCmd?: AlterTableCmdNode }>): TableChange[] {
  return cmds.flatMap(({ AlterTableCmd: cmd }) => (cmd ? [tableChange(cmd)] : []));
}

function tableChange(cmd: AlterTableCmdNode): TableChange {
  switch (cmd.subtype) {
    case 'AT_AddColumn':
      return cmd.def?.ColumnDef ? addedColumn(cmd.def.ColumnDef) : { kind: 'other', subtype: cmd.subtype };
    case 'AT_DropColumn':
      return { kind: 'drop_column', column: cmd.name ?? '' };
    case 'AT_AlterColumnType': {
      const definition = cmd.def?.ColumnDef;
      const column = cmd.name ?? '';
      const using = definition?.raw_default ? (isCastOfColumn(definition.raw_default, column) ? 'cast' : 'expression') : undefined;
      return {
        kind: 'alter_column_type',
        column,
        type: typeText(definition?.typeName),
        typeName: definition?.typeName?.names?.at(-1)?.String?.sval,
        using,
      };
    }
    case 'AT_SetNotNull':
      return { kind: 'set_not_null', column: cmd.name ?? '' };
    case 'AT_AddConstraint': {
      const constraint = cmd.def?.Constraint;
      const kind = constraint && constraintKind(constraint.contype);
      return kind
        ? { kind: 'add_constraint', definition: constraintDefinition(kind, constraint) }
        : { kind: 'other', subtype: cmd.subtype };
    }
    default:
      return { kind: 'other', subtype: cmd.subtype };
  }
}

function addedColumn(column: ColumnDefNode): TableChange {
  const constraints = (column.constraints ?? []).map(({ Constraint }) => Constraint);
  const defaultExpr = constraints.find((constraint) => constraint.contype === 'CONSTR_DEFAULT')?.raw_expr;
  const serial = SERIAL_TYPES.has(lastName(column.typeName?.names));
  return {
    kind: 'add_column',
    column: column.colname,
    type: typeText(column.typeName),
    notNull: constraints.some((constraint) => constraint.contype === 'CONSTR_NOTNULL' || constraint.contype === 'CONSTR_PRIMARY'),
    hasDefault: defaultExpr !== undefined || serial,
    volatileDefault: serial || callsVolatile(defaultExpr),
    constraints: constraints.flatMap((constraint) => {
      const kind = constraintKind(constraint.contype);
      return kind ? [constraintDefinition(kind, constraint)] : [];
    }),
  };
}

/** `"c"::text::"E"`: nothing but casts of the column itself. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function isCastOfColumn(expression: any, column: string): boolean {
  if (expression?.TypeCast) return isCastOfColumn(expression.TypeCast.arg, column);
  const fields: unknown[] = expression?.ColumnRef?.fields ?? [];
  return fields.length > 0 && (fields.at(-1) as { String?: { sval?: string } }).String?.sval === column;
}

function constraintDefinition(kind: ConstraintKind, constraint: ConstraintNode): ConstraintDefinition {
  return {
    constraint: kind,
    name: constraint.conname,
    notValid: constraint.skip_validation === true,
    usingIndex: constraint.indexname !== undefined,
    columns: names(kind === 'foreign_key' ? constraint.fk_attrs : constraint.keys),
    references:
      kind === 'foreign_key' && constraint.pktable
        ? { table: relationName(constraint.pktable), columns: names(constraint.pk_attrs) }
        : undefined,
  };
}

const CONSTRAINT_KINDS: Record<string, ConstraintKind | undefined> = {
  CONSTR_FOREIGN: 'foreign_key',
  CONSTR_CHECK: 'check',
  CONSTR_UNIQUE: 'unique',
  CONSTR_PRIMARY: 'primary_key',
  CONSTR_EXCLUSION: 'exclusion',
};

function constraintKind(contype: string): ConstraintKind | undefined {
  return CONSTRAINT_KINDS[contype];
}

export function columnsOf(elements: Array<{ ColumnDef?: ColumnDefNode }>): ColumnType[] {
  return elements.flatMap(({ ColumnDef: column }) => (column ? [{ column: column.colname, type: typeText(column.typeName) }] : []));
}

function callsVolatile(expression: unknown): boolean {
  const text = JSON.stringify(expression ?? null);
  const calls = text.matchAll(/"FuncCall":\{"funcname":\[(?:\{"String":\{"sval":"[^"]*"\}\},)*\{"String":\{"sval":"([^"]+)"\}\}\]/g);
  return [...calls].some((match) => VOLATILE_DEFAULTS.has(match[1]));
}

function typeText(typeName: TypeNameNode | undefined): string {
  const name = lastName(typeName?.names);
  const mods = (typeName?.typmods ?? []).map((mod) => mod.A_Const?.ival?.ival ?? '').filter((mod) => mod !== '');
  return canonicalSqlType(`${name}${mods.length ? `(${mods.join(',')})` : ''}${typeName?.arrayBounds ? '[]' : ''}`);
}

function lastName(items: NameList | undefined): string {
  return names(items).at(-1) ?? '?';
}
