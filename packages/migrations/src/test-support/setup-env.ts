import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { snapshotFile } from '../adapters/db/pglite-snapshot';
import { SNAPSHOT_CACHE_DIR } from './databases';

// Each test file has a cache folder of its own, under no workspace root (generator specs run on a
// virtual one): the proven prefixes one file's runs keep are not found by another's, whatever
// order the files run in. The embedded database's snapshot, made once (global-setup.ts), is linked.
const cacheDir = mkdtempSync(path.join(os.tmpdir(), 'forge-migrations-test-file-'));
symlinkSync(snapshotFile(SNAPSHOT_CACHE_DIR), snapshotFile(cacheDir));
process.env['FORGE_MIGRATIONS_CACHE_DIR'] = cacheDir;
afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));
