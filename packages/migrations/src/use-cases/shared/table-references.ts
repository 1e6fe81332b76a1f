import type { ForeignKey } from '../../core/archive/restore-order';
import { FOREIGN_KEYS_QUERY } from '../../core/sql/table-queries';
import type { SqlRunner } from '../../adapters/db/database';

/** The foreign keys between the venture's tables. */
export async function tableForeignKeys(database: SqlRunner): Promise<ForeignKey[]> {
  const rows = await database.query<{
    schema: string;
    table: string;
    refSchema: string;
    refTable: string;
    columns: string[];
    onDelete: string;
  }>(FOREIGN_KEYS_QUERY);
  return rows.map((row) => ({
    from: { schema: row.schema, table: row.table },
    to: { schema: row.refSchema, table: row.refTable },
    columns: row.columns,
    onDelete: row.onDelete,
  }));
}
