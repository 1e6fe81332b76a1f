import type { Database } from './database';
import { PgDatabase } from './pg-database';
import { PgliteDatabase } from './pglite-database';
import { withoutSchema } from './venture-schema';

export interface TestDatabaseOptions {
  /** A server URL: a database is created on it for this run. Without one, PGlite in memory. */
  url?: string;
  /** The environment variable the URL came from, named in messages instead of the URL. */
  urlSource: string;
  /** Part of the throwaway database's name, to tell runs apart on a shared server. */
  label: string;
  extensions: readonly string[];
  cacheDir: string;
  /** The embedded database's data folder to start from (a proven prefix's), instead of an empty one. */
  snapshot?: Blob;
  /** The server's database to copy (a proven prefix's), instead of starting empty. */
  template?: string;
}

export function openThrowawayDatabase(options: TestDatabaseOptions): Promise<Database> {
  if (options.url) {
    // The test database is the run's own: a venture's `?schema=` (its share of a common database) does not apply to it.
    return PgDatabase.createThrowaway({ url: withoutSchema(options.url), source: options.urlSource }, options.label, options.template);
  }
  return PgliteDatabase.open({ extensions: options.extensions, cacheDir: options.cacheDir, snapshot: options.snapshot });
}
