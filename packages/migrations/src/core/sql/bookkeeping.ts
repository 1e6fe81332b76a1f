/**
 * The plugin's own bookkeeping lives in a schema of its own, which Prisma's engine does not look
 * at (no drift), backups leave out (a restore never rewinds the deploy history) and schema
 * fingerprints and data checks ignore.
 */
export const FORGE_SCHEMA = 'forge_migrations';

/**
 * The archives of what deploys and rollbacks dropped (see core/archive/archive-sql.ts): schemas
 * of the plugin's own too, but inside the venture's backups.
 */
export const ARCHIVE_SCHEMA = 'forge_archive';

/** A namespace (by its name column) that holds archives. */
export function isArchiveSchema(nspname: string): string {
  return `(${nspname} = '${ARCHIVE_SCHEMA}' OR ${nspname} LIKE '${ARCHIVE_SCHEMA}\\_%')`;
}

/**
 * The session setting that names the schema a venture owns when it shares its database (set at
 * connection start from the URL's `?schema=`, see db/venture-schema.ts); unset: the whole database.
 */
export const SCOPE_SETTING = 'forge.schema';

/** The venture's schema in SQL, '' when it owns the whole database. */
export const CURRENT_SCOPE = `coalesce(current_setting('${SCOPE_SETTING}', true), '')`;

/** A namespace (by its name column) that holds the venture's objects: not PostgreSQL's, not the plugin's, and its own schema when it shares the database. */
export function isUserSchema(nspname: string): string {
  return (
    `${nspname} NOT IN ('pg_catalog', 'information_schema', '${FORGE_SCHEMA}') AND ${nspname} NOT ` +
    `LIKE 'pg\\_%' AND NOT ${isArchiveSchema(nspname)} AND (${CURRENT_SCOPE} = '' OR ${nspname} = ${CURRENT_SCOPE})`
  );
}
