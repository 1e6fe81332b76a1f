import os from 'node:os';
import path from 'node:path';
import type { Database, DatabaseEngine } from '../adapters/db/database';
import { openThrowawayDatabase } from '../adapters/db/open-database';

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

export function openTestDatabase(engine: DatabaseEngine, options: { extensions?: string[]; label?: string } = {}): Promise<Database> {
  return openThrowawayDatabase({
    url: engine === 'postgresql' ? testServerUrl() : undefined,
    urlSource: 'TEST_DATABASE_URL',
    label: options.label ?? 'spec',
    extensions: options.extensions ?? [],
    cacheDir: SNAPSHOT_CACHE_DIR,
  });
}

/** A new empty database on the test server, by URL (for code that connects by itself), and how to drop it. */
export async function createServerDatabase(label: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const { default: pg } = await import('pg');
  const admin = new pg.Client(testServerUrl());
  await admin.connect();
  const name = `forge_${label}_${Math.random().toString(36).slice(2, 10)}`;
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = new URL(testServerUrl());
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client(testServerUrl());
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await client.end();
    },
  };
}
