import { readDoBlock } from '../sql/do-block';
import type { SqlParser } from '../sql/parser';
import { readStatements, type Statement, type StatementOf } from '../sql/statements';
import type { Finding } from './analyze';
import { operationsOf, readOperationsIfValid } from './operations';
import { dropEnumValue } from './rules/ds103-drop-enum-value';
import { lossyTypeChange } from './rules/ds104-lossy-type-change';

const DATA_STATEMENTS: Partial<Record<Statement['kind'], string>> = {
  insert: 'inserts rows into',
  update: 'updates rows of',
  delete: 'deletes rows of',
  merge: 'merges rows into',
  copy: 'copies rows into',
};

/** Rows an `INSERT ... VALUES` puts into a table that existed before: a down deletes them by key. */
export interface InsertedRows {
  schema?: string;
  table: string;
  /** The statement, for a reason when the table's key is not among the columns given. */
  label: string;
  columns: string[];
  /** Each row's values as SQL literals; undefined where a value is not a constant. */
  rows: Array<Array<string | undefined>>;
}

export interface Reversibility {
  /** Why the schema cannot give back what was there; empty when it can. */
  reasons: string[];
  /** Rows to delete by key before the schema is taken back. */
  inserted: InsertedRows[];
}

interface Scope {
  created: Set<string>;
  addedColumns: Set<string>;
}

/** What reading a migration's statements in order carries along: the parser for its DO blocks, the scope so far, the rows inserted. */
interface Walk {
  parser: SqlParser;
  scope: Scope;
  inserted: InsertedRows[];
}

/**
 * Why a migration cannot be undone from the schema alone, or nothing when it can: what it does
 * to existing data (its destructive findings but those an archive keeps, data statements on tables it did not create) and
 * statements whose effect cannot be read from the script (procedure and function calls, DO blocks
 * running dynamic SQL). Rows of a table the migration creates go away with the table, values it
 * writes into columns it adds go away with the columns, and rows it inserts by value into an
 * existing table are deleted by key. A DO block is read statement by statement. Dropping an enum
 * value the way Prisma does (the columns cast to the new type) loses nothing: a row holding the
 * value makes the cast, and the migration, fail.
 */
export function readReversibility(
  parser: SqlParser,
  sql: string,
  findings: readonly Finding[],
  { exists = () => true, archived = () => false }: { exists?: ObjectExists; archived?: (finding: Finding) => boolean } = {},
): Reversibility {
  const loud = castsThatFailLoudly(parser, sql);
  const losesNothing = (finding: Finding) =>
    (loud.has(finding.statement) && (finding.code === dropEnumValue.code || finding.code === lossyTypeChange.code)) ||
    (finding.table !== undefined && !exists(finding.table, finding.column)) ||
    archived(finding);
  const destructive = findings.filter((finding) => finding.family === 'destructive');
  const reasons = destructive.filter((finding) => !losesNothing(finding)).map((finding) => `${finding.code}: ${finding.message}`);
  const walk: Walk = { parser, scope: { created: new Set(), addedColumns: new Set() }, inserted: [] };
  readStatements(parser, sql).forEach((statement, index) => {
    const handled = destructive.some((finding) => finding.statement === index + 1);
    reasons.push(...statementReasons(statement, `statement ${index + 1}`, walk, handled ? 'tracked' : 'top'));
  });
  return { reasons, inserted: walk.inserted };
}

/**
 * Whether a table (or a column of it) exists before the migration, by its bare name: a finding
 * about one that does not (`DROP TABLE IF EXISTS` of a table never made) loses nothing.
 */
export type ObjectExists = (table: string, column?: string) => boolean;

/** The reasons of a migration that cannot be undone from the schema (see readReversibility). */
export function irreversibleReasons(parser: SqlParser, sql: string, findings: readonly Finding[]): string[] {
  return readReversibility(parser, sql, findings).reasons;
}

/**
 * `top`: a statement of the script, whose destructive effects the findings report; `tracked`: one
 * a finding covers already; `nested`: one inside a DO block, which the analysis does not see.
 */
type Level = 'top' | 'tracked' | 'nested';

function statementReasons(statement: Statement, label: string, walk: Walk, level: Level): string[] {
  const { scope } = walk;
  const table = 'table' in statement ? statement.table?.name : undefined;
  if (statement.kind === 'create_table' || statement.kind === 'create_table_as') {
    if (statement.table?.name) scope.created.add(statement.table.name);
    return [];
  }
  if (statement.kind === 'alter_table') {
    for (const change of statement.changes) if (change.kind === 'add_column') scope.addedColumns.add(`${table}.${change.column}`);
  }
  if (level === 'tracked') return [];
  if (level === 'nested') {
    const loss = nestedLoss(statement, scope);
    if (loss) return [`${label} ${loss}`];
  }
  if (statement.kind === 'insert' && table && !scope.created.has(table)) {
    const rows = insertedRows(statement, label);
    if (typeof rows === 'string') return [`${label} inserts rows into the existing table ${table}${rows}`];
    walk.inserted.push(rows);
    return [];
  }
  const onlyAddedColumns = statement.kind === 'update' && statement.columns.every((column) => scope.addedColumns.has(`${table}.${column}`));
  const verb = DATA_STATEMENTS[statement.kind];
  if (verb && table && !scope.created.has(table) && !onlyAddedColumns) return [`${label} ${verb} the existing table ${table}`];
  if (statement.kind === 'truncate') {
    const tables = statement.tables.map(({ name }) => name).filter((name) => name && !scope.created.has(name));
    return tables.length ? [`${label} empties the existing table${tables.length > 1 ? 's' : ''} ${tables.join(', ')}`] : [];
  }
  if (statement.kind === 'do_block') {
    const block = readDoBlock(walk.parser, statement);
    if ('opaque' in block) return [`${label} runs a DO block whose effect cannot be read from the script: it ${block.opaque}`];
    return block.statements.flatMap((nested, index) =>
      statementReasons(nested, `${label} (DO block, statement ${index + 1})`, walk, 'nested'),
    );
  }
  if (statement.kind === 'call') return [`${label} runs code whose effect cannot be read from the script (CALL)`];
  if (statement.kind === 'select' && level === 'top' && statement.callsFunction) {
    return [`${label} calls a function, which may change data: ${statement.source.text.split('\n')[0].slice(0, 80)}`];
  }
  return [];
}

/** What a statement inside a DO block destroys, which no finding reports there. */
function nestedLoss(statement: Statement, scope: Scope): string | undefined {
  for (const operation of operationsOf(statement)) {
    const onExisting = 'table' in operation && !scope.created.has(bareName(operation.table));
    if (operation.kind === 'drop_table' && onExisting) return `drops table ${operation.table} and its rows`;
    if (operation.kind === 'drop_column' && onExisting) return `drops column ${operation.table}.${operation.column} and its values`;
    if (operation.kind === 'alter_column_type' && onExisting) return `converts ${operation.table}.${operation.column} to ${operation.type}`;
    if (operation.kind === 'drop_type') return `drops type ${operation.type}`;
  }
  return undefined;
}

function bareName(table: string): string {
  return table.split('.').at(-1)!;
}

/** A column type as the name of the enum it is (or is an array of), lower case. */
export function enumName(type: string): string {
  return bareName(type).replace(/\[\]$/, '').toLowerCase();
}

/**
 * Statements of Prisma's way of dropping an enum value (a new type, every column cast to it
 * with nothing but casts, the old type dropped): a row holding a dropped value fails the cast,
 * so once the migration applied, no value was lost and the old type takes every value back.
 */
function castsThatFailLoudly(parser: SqlParser, sql: string): Set<number> {
  const located = readOperationsIfValid(parser, sql);
  // Column types come back canonical (upper case): enum names are compared without case.
  const created = new Set(located.flatMap(({ operation }) => (operation.kind === 'create_enum' ? [operation.type.toLowerCase()] : [])));
  const renamed = new Map(
    located.flatMap(({ operation }) => (operation.kind === 'rename_type' ? [[operation.to, operation.type] as const] : [])),
  );
  const casts = located.filter(({ operation }) => operation.kind === 'alter_column_type' && created.has(enumName(operation.type)));
  if (casts.some(({ operation }) => operation.kind === 'alter_column_type' && operation.using === 'expression')) return new Set();
  const statements = new Set(casts.map(({ statement }) => statement));
  for (const { operation, statement } of located) {
    if (operation.kind !== 'drop_type') continue;
    // The old type is dropped under its own name or the name it was renamed to.
    const original = renamed.get(operation.type) ?? operation.type;
    if (created.has(original.toLowerCase()) || [...renamed.values()].includes(original)) statements.add(statement);
  }
  return casts.length ? statements : new Set();
}

/** The rows of `INSERT ... VALUES`, or why they cannot be deleted by key (appended to the reason). */
function insertedRows(insert: StatementOf<'insert'>, label: string): InsertedRows | string {
  if (insert.onConflict) return ' (ON CONFLICT: rows that were there before cannot be told from new ones)';
  if (!insert.rows) return ' (from a query: the rows cannot be known from the script)';
  if (!insert.columns.length || insert.columns.some((column) => !column)) return ' (without a column list)';
  return { schema: insert.table.schema, table: insert.table.name, label, columns: insert.columns, rows: insert.rows };
}
