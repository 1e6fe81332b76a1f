import { existsSync } from 'node:fs';
import { baseSnapshot, snapshotFile } from '../adapters/db/pglite-snapshot';
import { SNAPSHOT_CACHE_DIR } from './databases';

/** The embedded database's snapshot, made once for every test file (each links it: setup-env.ts). */
export default async function globalSetup(): Promise<void> {
  if (!existsSync(snapshotFile(SNAPSHOT_CACHE_DIR))) await baseSnapshot(SNAPSHOT_CACHE_DIR);
}
