import type { TableRows } from '../core/row-integrity';
import { qualifiedName } from '../core/sql/quote';
import type { Database } from '../db/database';
import type { TableModel } from './table-catalog';

/** Every row of every user table, as to_jsonb renders it. */
export async function snapshotRows(database: Database, tables: Map<string, TableModel>): Promise<Map<string, TableRows>> {
  const snapshot = new Map<string, TableRows>();
  for (const table of tables.values()) {
    const rows = await database.query<{ row: string }>(
      `SELECT to_jsonb(t)::text AS row FROM ${qualifiedName(table.schema, table.name)} t`,
    );
    snapshot.set(table.key, {
      columns: table.columns.map((column) => column.name),
      primaryKey: table.primaryKey,
      rows: rows.map((row) => JSON.parse(row.row)),
    });
  }
  return snapshot;
}
