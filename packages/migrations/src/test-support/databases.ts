import os from 'node:os';
import path from 'node:path';
import type { Database, DatabaseEngine } from '../db/database';
import { openThrowawayDatabase } from '../db/open-database';

/** Both databases every integration test runs on. */
export const DATABASE_ENGINES: DatabaseEngine[] = ['pglite', 'postgresql'];

export const SNAPSHOT_CACHE_DIR = path.join(os.tmpdir(), 'forge-migrations-test-cache');

/**
 * The PostgreSQL server the test command started (`node tools/postgres.mjs run -- ...`). Tests
 * on PostgreSQL fail, never skip, when it is missing.
 */
export function testServerUrl(): string {
  const url = process.env['TEST_DATABASE_URL'];
  if (!url) {
    throw new Error('TEST_DATABASE_URL is not set: run the tests with `npm test`, which starts a PostgreSQL server.');
  }
  return url;
}

export function openTestDatabase(
  engine: DatabaseEngine,
  options: { extensions?: string[]; label?: string } = {},
): Promise<Database> {
  return openThrowawayDatabase({
    url: engine === 'postgresql' ? testServerUrl() : undefined,
    urlSource: 'TEST_DATABASE_URL',
    label: options.label ?? 'spec',
    extensions: options.extensions ?? [],
    cacheDir: SNAPSHOT_CACHE_DIR,
  });
}
