import type { SeedColumn } from '../../core/seed-values';
import { tableKey } from '../../core/migration-intent';
import { FOREIGN_KEYS_QUERY, PRIMARY_KEYS_QUERY, TABLE_COLUMNS_QUERY } from '../../core/sql/table-queries';
import type { Database } from '../../adapters/db/database';

export interface ForeignKey {
  columns: string[];
  /** `schema.table` */
  refTable: string;
  refColumns: string[];
  /** pg_constraint.confdeltype: a no action, r restrict, c cascade, n set null, d set default. */
  onDelete: string;
}

export interface TableModel {
  /** `schema.table` */
  key: string;
  schema: string;
  name: string;
  columns: SeedColumn[];
  primaryKey: string[];
  foreignKeys: ForeignKey[];
}

/** The user tables of the database, with columns, primary keys and foreign keys. */
export async function readTables(database: Database): Promise<Map<string, TableModel>> {
  const tables = new Map<string, TableModel>();
  const table = (schema: string, name: string) => {
    const key = tableKey(schema, name);
    let model = tables.get(key);
    if (!model) {
      model = { key, schema, name, columns: [], primaryKey: [], foreignKeys: [] };
      tables.set(key, model);
    }
    return model;
  };
  type Located = { schema: string; table: string };
  for (const row of await database.query<SeedColumn & Located>(TABLE_COLUMNS_QUERY)) {
    const { schema, table: name, ...column } = row;
    table(schema, name).columns.push(column);
  }
  for (const row of await database.query<Located & { columns: string[] }>(PRIMARY_KEYS_QUERY)) {
    table(row.schema, row.table).primaryKey = row.columns;
  }
  for (const row of await database.query<Located & Omit<ForeignKey, 'refTable'> & { refSchema: string; refTable: string }>(
    FOREIGN_KEYS_QUERY,
  )) {
    table(row.schema, row.table).foreignKeys.push({
      columns: row.columns,
      refTable: tableKey(row.refSchema, row.refTable),
      refColumns: row.refColumns,
      onDelete: row.onDelete,
    });
  }
  return tables;
}

/** Tables ordered so that every table comes after the tables it references (cycles broken). */
export function inReferenceOrder(tables: Map<string, TableModel>): TableModel[] {
  const ordered: TableModel[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (table: TableModel) => {
    if (state.get(table.key)) return;
    state.set(table.key, 'visiting');
    for (const foreignKey of table.foreignKeys) {
      const referenced = tables.get(foreignKey.refTable);
      if (referenced && referenced.key !== table.key) visit(referenced);
    }
    state.set(table.key, 'done');
    ordered.push(table);
  };
  [...tables.values()].sort((a, b) => a.key.localeCompare(b.key)).forEach(visit);
  return ordered;
}
