/**
 * The plugin's own bookkeeping lives in a schema of its own, which Prisma's engine does not look
 * at (no drift), backups leave out (a restore never rewinds the deploy history) and schema
 * fingerprints and data checks ignore.
 */
export const FORGE_SCHEMA = 'forge_migrations';

/** A namespace (by its name column) that holds user objects: not PostgreSQL's, not the plugin's. */
export function isUserSchema(nspname: string): string {
  return `${nspname} NOT IN ('pg_catalog', 'information_schema', '${FORGE_SCHEMA}') AND ${nspname} NOT LIKE 'pg\\_%'`;
}
