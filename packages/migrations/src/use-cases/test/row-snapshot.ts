import type { TableRows } from '../../core/row-integrity';
import { qualifiedName, quoteLiteral } from '../../core/sql/quote';
import type { Database } from '../../adapters/db/database';
import type { TableModel } from '../shared/table-catalog';

/** Every row of every user table, as to_jsonb renders it, read in one round trip. */
export async function snapshotRows(database: Database, tables: Map<string, TableModel>): Promise<Map<string, TableRows>> {
  const snapshot = new Map<string, TableRows>();
  const models = [...tables.values()];
  if (models.length === 0) return snapshot;
  const selects = models.map(
    (table) =>
      `SELECT ${quoteLiteral(table.key)} AS key, coalesce(jsonb_agg(to_jsonb(t)), '[]'::jsonb)::text AS rows FROM ${qualifiedName(table.schema, table.name)} t`,
  );
  const rows = new Map(
    (await database.query<{ key: string; rows: string }>(selects.join('\nUNION ALL\n'))).map((row) => [row.key, row.rows]),
  );
  for (const table of models) {
    snapshot.set(table.key, {
      columns: table.columns.map((column) => column.name),
      primaryKey: table.primaryKey,
      rows: JSON.parse(rows.get(table.key) ?? '[]'),
    });
  }
  return snapshot;
}
