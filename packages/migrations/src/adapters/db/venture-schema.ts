import { ForgeError } from '../../core/errors';
import { SCOPE_SETTING } from '../../core/sql/bookkeeping';

/**
 * Ventures that share one database each own a schema of it, named as Prisma names it: the URL's
 * `?schema=` parameter. Such a venture's connections carry the schema twice: as `search_path`,
 * so that unqualified SQL (every Prisma migration) and `_prisma_migrations` land there, and as
 * `forge.schema`, which narrows every catalog query, backup, restore and history read to it.
 * Without the parameter the venture owns the whole database.
 */
export function ventureSchema(url: string, source: string): string | undefined {
  let schema: string | null;
  try {
    schema = new URL(url).searchParams.get('schema');
  } catch {
    return undefined;
  }
  if (schema === null) return undefined;
  if (
    !/^[A-Za-z_][A-Za-z0-9_-]*$/.test(schema) ||
    Buffer.byteLength(schema) > 63 ||
    /^(pg_|information_schema$|forge_migrations$)/i.test(schema)
  ) {
    throw new ForgeError(
      'DATABASE_URL_INVALID',
      `The schema "${schema}" in ${source} cannot be a venture's schema.`,
      'Name a schema of letters, digits, underscores and hyphens (at most 63 bytes, not pg_*, ' +
        'information_schema or forge_migrations), or leave out ?schema= to use the whole database.',
    );
  }
  return schema;
}

/** The connection's startup options (libpq's `options`, PGOPTIONS) that put a session in the venture's schema. */
export function schemaSessionOptions(schema: string): string {
  return `-c search_path="${schema}" -c ${SCOPE_SETTING}=${schema}`;
}

/**
 * The URL of a venture's variable, in the schema its options name (`schema`, with `{projectName}`
 * for the project's name) when they name one: one database URL can serve many ventures.
 */
export function inVentureSchema(url: string | undefined, schema: string | undefined, project: string): string | undefined {
  if (!url || !schema) return url;
  const parsed = new URL(url);
  parsed.searchParams.set('schema', schema.replaceAll('{projectName}', project));
  return parsed.toString();
}

/** The URL without `?schema=`: for a database of the run's own (a throwaway test database owns everything). */
export function withoutSchema(url: string): string {
  const parsed = new URL(url);
  parsed.searchParams.delete('schema');
  return parsed.toString();
}
