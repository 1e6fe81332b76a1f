import { CATALOG_QUERIES } from '../core/sql/catalog-queries';
import { makeFingerprint, type SchemaFingerprint } from '../core/fingerprint';
import type { Database } from '../db/database';

/** Fingerprint the whole catalog of the database's user schemas. */
export async function fingerprintSchema(database: Database): Promise<SchemaFingerprint> {
  const rows: Array<{ key: string; definition: string | null }> = [];
  for (const sql of Object.values(CATALOG_QUERIES)) {
    rows.push(...(await database.query<{ key: string; definition: string | null }>(sql)));
  }
  return makeFingerprint(rows);
}
