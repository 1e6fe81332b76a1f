import type { Extension } from '@electric-sql/pglite';
import { ForgeError } from '../../core/errors';

/** The contrib extensions PGlite ships, by the name `CREATE EXTENSION` uses. */
const CONTRIB = [
  'amcheck',
  'auto_explain',
  'bloom',
  'btree_gin',
  'btree_gist',
  'citext',
  'cube',
  'dict_int',
  'dict_xsyn',
  'earthdistance',
  'file_fdw',
  'fuzzystrmatch',
  'hstore',
  'intarray',
  'isn',
  'lo',
  'ltree',
  'moddatetime',
  'pageinspect',
  'pg_buffercache',
  'pg_stat_statements',
  'pg_surgery',
  'pg_trgm',
  'pg_visibility',
  'pg_walinspect',
  'pgcrypto',
  'seg',
  'tablefunc',
  'tcn',
  'tsm_system_rows',
  'tsm_system_time',
  'unaccent',
  'uuid-ossp',
];
/** Built into every PostgreSQL: nothing to load. */
const BUILT_IN = new Set(['plpgsql']);

/**
 * PGlite only has the contrib extensions it is given at start-up: load those the migrations
 * create. An extension PGlite does not ship is refused up front, naming it.
 */
export function pgliteExtensions(names: readonly string[]): Record<string, Extension> {
  const extensions: Record<string, Extension> = {};
  for (const name of new Set(names.map((n) => n.toLowerCase()))) {
    if (BUILT_IN.has(name)) continue;
    if (!CONTRIB.includes(name)) {
      throw new ForgeError(
        'EXTENSION_UNAVAILABLE',
        `The migrations create the extension "${name}", which the embedded database does not ship.`,
        'Test on PostgreSQL instead: set TEST_DATABASE_URL to a server that has the extension installed.',
      );
    }
    const moduleName = name.replace(/-/g, '_');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const contrib = require(`@electric-sql/pglite/contrib/${moduleName}`) as Record<string, Extension>;
    extensions[moduleName] = contrib[moduleName];
  }
  return extensions;
}
