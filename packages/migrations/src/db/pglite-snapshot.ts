import { PGlite } from '@electric-sql/pglite';
import { readFileSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/**
 * A fresh PGlite runs initdb (seconds); starting from a dumped data folder takes a fraction of
 * that. The dump is made once per PGlite version, kept on disk for later processes (written
 * atomically, so parallel tasks never read half a file) and in memory for this one.
 */
const PGLITE_VERSION = pgliteVersion();

function pgliteVersion(): string {
  // The package does not export its package.json: find it from the entry point (dist/index.cjs).
  const entry = require.resolve('@electric-sql/pglite');
  const manifest = path.join(path.dirname(entry), '..', 'package.json');
  return JSON.parse(readFileSync(manifest, 'utf8')).version;
}

const inMemory = new Map<string, Promise<Blob>>();

/** `FORGE_MIGRATIONS_CACHE_DIR`, else the workspace's node_modules/.cache, else the system's temporary folder. */
export function defaultSnapshotCacheDir(workspaceRoot?: string): string {
  const configured = process.env['FORGE_MIGRATIONS_CACHE_DIR'];
  if (configured) return configured;
  return workspaceRoot
    ? path.join(workspaceRoot, 'node_modules', '.cache', 'forge-migrations')
    : path.join(os.tmpdir(), 'forge-migrations-cache');
}

export function baseSnapshot(cacheDir: string): Promise<Blob> {
  const file = path.join(cacheDir, `pglite-${PGLITE_VERSION}.tar`);
  let snapshot = inMemory.get(file);
  if (!snapshot) {
    snapshot = readOrCreate(file).catch((error) => {
      inMemory.delete(file);
      throw error;
    });
    inMemory.set(file, snapshot);
  }
  return snapshot;
}

async function readOrCreate(file: string): Promise<Blob> {
  try {
    return new Blob([await readFile(file)]);
  } catch {
    // create() waits for initdb; dumpDataDir() on a PGlite still starting never resolves.
    const fresh = await PGlite.create();
    try {
      // Uncompressed: a few MB more on disk, a sixth less start-up time.
      const dump = await fresh.dumpDataDir('none');
      await writeAtomically(file, Buffer.from(await dump.arrayBuffer()));
      return dump;
    } finally {
      await fresh.close();
    }
  }
}

async function writeAtomically(file: string, content: Buffer): Promise<void> {
  const temporary = `${file}.${process.pid}.${Date.now()}.tmp`;
  try {
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(temporary, content);
    await rename(temporary, file);
  } catch {
    // A read-only cache folder only costs speed: the snapshot stays in memory.
    await rm(temporary, { force: true });
  }
}

/** Forget a snapshot that could not be loaded (e.g. a corrupted cache file). */
export async function discardSnapshot(cacheDir: string): Promise<void> {
  const file = path.join(cacheDir, `pglite-${PGLITE_VERSION}.tar`);
  inMemory.delete(file);
  await rm(file, { force: true });
}
