import { CATALOG_QUERIES } from '../../core/sql/catalog-queries';
import { makeFingerprint, type SchemaFingerprint } from '../../core/fingerprint';
import type { SqlRunner } from '../../adapters/db/database';

/** All catalog queries as one, to read the catalog in a single round trip. */
const FINGERPRINT_QUERY = Object.values(CATALOG_QUERIES)
  .map((sql) => `SELECT key, definition FROM (${sql}) AS part`)
  .join('\nUNION ALL\n');

/** Fingerprint the whole catalog of the database's user schemas. */
export async function fingerprintSchema(database: SqlRunner): Promise<SchemaFingerprint> {
  return makeFingerprint(await database.query<{ key: string; definition: string | null }>(FINGERPRINT_QUERY));
}
