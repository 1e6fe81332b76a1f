import { seedValue } from '../core/seed-values';
import { qualifiedName, quoteIdentifier, quoteLiteral } from '../core/sql/quote';
import type { Database } from '../db/database';
import { inReferenceOrder, type TableModel } from './table-catalog';

export interface UnfilledTable {
  table: string;
  reason: string;
}

export interface SeedOutcome {
  filled: string[];
  unfilled: UnfilledTable[];
}

/** Hands out the number each representative value is made from, unique over a whole run. */
export class SeedCounter {
  private value = 0;
  next(): number {
    return ++this.value;
  }
}

/**
 * Insert one representative row into every table: values valid for each column's type, enum,
 * length and NOT NULL, unique over the run, and foreign keys pointing at a row of the referenced
 * table (the one inserted just before, in reference order). A table that cannot be filled is
 * reported with the reason, never skipped silently.
 *
 * `castTargets` names columns a coming migration converts (table -> column -> type): they get
 * values that conversion accepts.
 */
export async function seedRepresentativeRows(
  database: Database,
  tables: Map<string, TableModel>,
  counter: SeedCounter,
  castTargets: Map<string, Map<string, string>> = new Map(),
): Promise<SeedOutcome> {
  const outcome: SeedOutcome = { filled: [], unfilled: [] };
  const inserted = new Map<string, Record<string, unknown>>();

  for (const table of inReferenceOrder(tables)) {
    const values = new Map<string, string>();
    let unfillable: string | undefined;

    for (const foreignKey of table.foreignKeys) {
      const parent =
        foreignKey.refTable === table.key ? undefined : (inserted.get(foreignKey.refTable) ?? (await anyRow(database, tables.get(foreignKey.refTable))));
      const columns = foreignKey.columns.map((name) => table.columns.find((column) => column.name === name)!);
      if (parent) {
        foreignKey.columns.forEach((name, i) => {
          const value = parent[foreignKey.refColumns[i]];
          values.set(name, value === null || value === undefined ? 'NULL' : `${quoteLiteral(jsonToText(value))}::${columns[i].typeSql}`);
        });
      } else if (columns.every((column) => !column.notNull)) {
        foreignKey.columns.forEach((name) => values.set(name, 'NULL'));
      } else {
        unfillable = `it references ${foreignKey.refTable}, which has no row to point at`;
      }
    }

    const n = counter.next();
    for (const column of table.columns) {
      if (values.has(column.name)) continue;
      const value = seedValue(column, n, castTargets.get(table.key)?.get(column.name));
      if (value.kind === 'literal') values.set(column.name, value.sql);
      else if (value.kind === 'null') values.set(column.name, 'NULL');
      else if (value.kind === 'none') unfillable ??= `no representative value for column ${column.name} (${column.typeSql}) is known`;
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
