import { NO_SEED_HINTS, type LaterReference, type SeedHints } from '../../core/seed-hints';
import { seedValue, type SeedColumn } from '../../core/seed-values';
import { qualifiedName, quoteIdentifier, quoteLiteral } from '../../core/sql/quote';
import type { Database } from '../../adapters/db/database';
import { inReferenceOrder, type TableModel } from '../shared/table-catalog';

export interface UnfilledTable {
  table: string;
  reason: string;
}

export interface SeedOutcome {
  filled: string[];
  unfilled: UnfilledTable[];
  /** The row inserted into each filled table, as to_jsonb renders it. */
  rows: Map<string, Record<string, unknown>>;
}

/** Hands out the number each representative value is made from, unique over a whole run. */
export class SeedCounter {
  constructor(private value = 0) {}
  next(): number {
    return ++this.value;
  }
  get current(): number {
    return this.value;
  }
}

/**
 * Insert one representative row into every table: values valid for each column's type, enum,
 * length and NOT NULL, unique over the run, and foreign keys pointing at a row of the referenced
 * table (the one inserted just before, in reference order). A table that cannot be filled is
 * reported with the reason, never skipped silently.
 *
 * `hints` tell what later migrations need of these rows: a column converted to another type gets
 * a value that conversion accepts; a column given a foreign key later gets a value the
 * referenced table holds; a low-cardinality column (enum, boolean) made unique later gets a
 * value no row holds yet, where one is left. Only the tables `needsRow` names get one.
 */
export async function seedRepresentativeRows(
  database: Database,
  tables: Map<string, TableModel>,
  counter: SeedCounter,
  hints: SeedHints = NO_SEED_HINTS,
  needsRow: (table: TableModel) => boolean = () => true,
): Promise<SeedOutcome> {
  const outcome: SeedOutcome = { filled: [], unfilled: [], rows: new Map() };
  const inserted = outcome.rows;
  const existing = new Map<string, Record<string, unknown> | undefined>();
  const parentRow = async (refTable: string) => {
    if (inserted.has(refTable)) return inserted.get(refTable);
    if (!existing.has(refTable)) existing.set(refTable, await anyRow(database, tables.get(refTable)));
    return existing.get(refTable);
  };

  for (const table of inReferenceOrder(tables)) {
    if (!needsRow(table)) continue;
    const values = new Map<string, string>();
    let unfillable: string | undefined;

    for (const foreignKey of table.foreignKeys) {
      const parent = foreignKey.refTable === table.key ? undefined : await parentRow(foreignKey.refTable);
      const columns = foreignKey.columns.map((name) => table.columns.find((column) => column.name === name)!);
      if (parent) {
        foreignKey.columns.forEach((name, i) => values.set(name, referenceValue(parent[foreignKey.refColumns[i]], columns[i])));
      } else if (columns.every((column) => !column.notNull)) {
        foreignKey.columns.forEach((name) => values.set(name, 'NULL'));
      } else {
        unfillable = `it references ${foreignKey.refTable}, which has no row to point at`;
      }
    }
    for (const reference of hints.references.get(table.key) ?? []) {
      const pairs = laterReferencePairs(reference, table, tables);
      if (!pairs || pairs.some(([column]) => values.has(column.name))) continue;
      const parent = await parentRow(reference.refTable);
      if (parent) pairs.forEach(([column, refColumn]) => values.set(column.name, referenceValue(parent[refColumn], column)));
    }

    const n = counter.next();
    for (const column of table.columns) {
      if (values.has(column.name)) continue;
      const value = seedValue(column, n, hints.castTargets.get(table.key)?.get(column.name));
      if (value.kind === 'literal') values.set(column.name, value.sql);
      else if (value.kind === 'null') values.set(column.name, 'NULL');
      else if (value.kind === 'none') unfillable ??= `no representative value for column ${column.name} (${column.typeSql}) is known`;
    }
    for (const column of lowCardinalityUniques(table, hints)) {
      const free = await unusedValue(database, table, column);
      if (free !== undefined) values.set(column.name, free);
      else if (!column.notNull) values.set(column.name, 'NULL');
    }

    if (unfillable) {
      outcome.unfilled.push({ table: table.key, reason: unfillable });
      continue;
    }
    try {
      const row = await insertRow(database, table, values);
      inserted.set(table.key, row);
      outcome.filled.push(table.key);
    } catch (error) {
      outcome.unfilled.push({ table: table.key, reason: (error as Error).message });
    }
  }
  return outcome;
}

/** A value read from the referenced row, as a literal of the referencing column's type. */
function referenceValue(value: unknown, column: SeedColumn): string {
  return value === null || value === undefined ? 'NULL' : `${quoteLiteral(jsonToText(value))}::${column.typeSql}`;
}

/**
 * The columns of a foreign key a later migration adds, each with its referenced column, when
 * both tables and all columns exist now with the same base types (a value of another type could
 * not be copied over); undefined otherwise.
 */
function laterReferencePairs(
  reference: LaterReference,
  table: TableModel,
  tables: Map<string, TableModel>,
): Array<[SeedColumn, string]> | undefined {
  const referenced = tables.get(reference.refTable);
  if (!referenced || reference.columns.length !== reference.refColumns.length) return undefined;
  const pairs: Array<[SeedColumn, string]> = [];
  for (const [i, name] of reference.columns.entries()) {
    const column = table.columns.find((candidate) => candidate.name === name);
    const refColumn = referenced.columns.find((candidate) => candidate.name === reference.refColumns[i]);
    if (!column || !refColumn || column.baseType !== refColumn.baseType || column.databaseFilled) return undefined;
    pairs.push([column, refColumn.name]);
  }
  return pairs;
}

/** Columns of the few-valued kinds (enum, boolean) that a later migration makes unique on their own. */
function lowCardinalityUniques(table: TableModel, hints: SeedHints): SeedColumn[] {
  const columns = (hints.uniques.get(table.key) ?? [])
    .filter((set) => set.length === 1)
    .map(([name]) => table.columns.find((column) => column.name === name));
  return columns.filter((column): column is SeedColumn => column !== undefined && (column.category === 'E' || column.baseType === 'bool'));
}

/** A value of an enum or boolean column that no row of the table holds yet, as a literal. */
async function unusedValue(database: Database, table: TableModel, column: SeedColumn): Promise<string | undefined> {
  const candidates = column.category === 'E' ? (column.enumLabels ?? []) : ['false', 'true'];
  const used = new Set(
    (
      await database.query<{ value: string }>(
        `SELECT DISTINCT ${quoteIdentifier(column.name)}::text AS value ` +
          `FROM ${qualifiedName(table.schema, table.name)} WHERE ${quoteIdentifier(column.name)} IS NOT NULL`,
      )
    ).map((row) => row.value),
  );
  const free = candidates.find((candidate) => !used.has(candidate));
  return free === undefined ? undefined : `${quoteLiteral(free)}::${column.typeSql}`;
}

async function insertRow(database: Database, table: TableModel, values: Map<string, string>): Promise<Record<string, unknown>> {
  const target = `${qualifiedName(table.schema, table.name)} AS seeded`;
  const columns = [...values.keys()];
  const sql = columns.length
    ? `INSERT INTO ${target} (${columns.map(quoteIdentifier).join(', ')}) VALUES (${columns.map((c) => values.get(c)).join(', ')})`
    : `INSERT INTO ${target} DEFAULT VALUES`;
  const [row] = await database.query<{ row: string }>(`${sql} RETURNING to_jsonb(seeded)::text AS row`);
  return JSON.parse(row.row);
}

async function anyRow(database: Database, table: TableModel | undefined): Promise<Record<string, unknown> | undefined> {
  if (!table) return undefined;
  const [row] = await database.query<{ row: string }>(
    `SELECT to_jsonb(t)::text AS row FROM ${qualifiedName(table.schema, table.name)} t LIMIT 1`,
  );
  return row ? JSON.parse(row.row) : undefined;
}

/** A value read back with to_jsonb, as the text PostgreSQL accepts for the same value. */
function jsonToText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}
