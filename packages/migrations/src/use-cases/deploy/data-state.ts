import { compareFingerprints, describeDifference, type SchemaFingerprint } from '../../core/fingerprint';
import { isUserSchema } from '../../core/sql/bookkeeping';
import { quoteIdentifier } from '../../core/sql/quote';
import { rowsChecksum } from '../../core/sql/row-checksum';
import type { SqlRunner } from '../../adapters/db/database';
import { fingerprintSchema } from '../shared/catalog-fingerprint';

export interface TableChecksum {
  table: string;
  rows: number;
  /** Independent of the order of rows and of columns (see rowsChecksum). */
  checksum: string;
}

/** What a deploy must give back when it rolls back: the whole catalog and every table's rows. */
export interface DatabaseState {
  schema: SchemaFingerprint;
  tables: TableChecksum[];
}

const TABLES = `
  SELECT n.nspname AS schema, c.relname AS name
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND ${isUserSchema('n.nspname')} AND c.relname <> '_prisma_migrations'
  ORDER BY 1, 2`;

export async function readDatabaseState(database: SqlRunner): Promise<DatabaseState> {
  const tables: TableChecksum[] = [];
  for (const { schema, name } of await database.query<{ schema: string; name: string }>(TABLES)) {
    const table = `${quoteIdentifier(schema)}.${quoteIdentifier(name)}`;
    const [row] = await database.query<{ rows: string; checksum: string }>(
      `SELECT count(*)::text AS rows, ${rowsChecksum('t')} AS checksum FROM ${table} t`,
    );
    tables.push({ table, rows: Number(row.rows), checksum: row.checksum });
  }
  return { schema: await fingerprintSchema(database), tables };
}

/** What differs between two states, one line each; empty when they are the same. */
export function stateDifferences(expected: DatabaseState, actual: DatabaseState): string[] {
  const lines = describeDifference(compareFingerprints(expected.schema, actual.schema)).map((line) => `schema ${line}`);
  const actualTables = new Map(actual.tables.map((table) => [table.table, table]));
  for (const table of expected.tables) {
    const now = actualTables.get(table.table);
    if (!now) continue; // already reported as a schema difference
    if (now.rows !== table.rows) lines.push(`rows of ${table.table}: ${table.rows} before, ${now.rows} now`);
    else if (now.checksum !== table.checksum) lines.push(`rows of ${table.table}: same count (${table.rows}), different content`);
  }
  return lines;
}
