import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ForgeError } from '../../core/errors';
import { makeSnapshot, SNAPSHOT_FAILED_EXIT_CODE, writeSnapshotAtomically } from './pglite-snapshot-maker';

/**
 * A fresh PGlite runs initdb (seconds); starting from a dumped data folder takes a fraction of
 * that. The dump is made once per PGlite version, kept on disk for later processes (written
 * atomically, so parallel tasks never read half a file) and in memory for this one. It is made in
 * a short-lived process of its own (pglite-snapshot-maker.ts), whose memory, initdb's, is given
 * back before this process starts its database and loads the schema engine: made here, the
 * first run of a workspace peaked at about 1 GiB, 400 MiB above every later run.
 */
export const PGLITE_VERSION = pgliteVersion();

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

/** The snapshot's file in a cache folder. */
export function snapshotFile(cacheDir: string): string {
  return path.join(cacheDir, `pglite-${PGLITE_VERSION}.tar`);
}

export function baseSnapshot(cacheDir: string): Promise<Blob> {
  const file = snapshotFile(cacheDir);
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
    // Not made yet (or unreadable): make it.
  }
  try {
    return (await makeInChildProcess(file)) ?? (await makeInProcess(file));
  } catch (error) {
    throw snapshotFailure(file, error);
  }
}

/**
 * The maker's process: `node --expose-gc pglite-snapshot-maker.js <file>` (.js in the package;
 * from the TypeScript sources, as Nx runs the plugin in this repository and as the tests do,
 * compiled by @swc-node/register). Undefined when there is no file to run (a bundle).
 */
function makerArguments(): string[] | undefined {
  const extension = path.extname(__filename);
  const script = path.join(__dirname, `pglite-snapshot-maker${extension}`);
  if (!existsSync(script)) return undefined;
  if (extension !== '.ts') return ['--expose-gc', script];
  try {
    return ['--expose-gc', '--require', require.resolve('@swc-node/register'), script];
  } catch {
    return undefined;
  }
}

/**
 * Make the snapshot in the maker's process and read it: from the cache folder, or from its stdout
 * when the folder cannot be written. Undefined when that process cannot be started (no script, no
 * loader, Node refused it): the caller makes it in process.
 */
function makeInChildProcess(file: string): Promise<Blob | undefined> {
  const args = makerArguments();
  if (!args) return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...args, file], { stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
    const output: Buffer[] = [];
    let errors = '';
    child.stdout.on('data', (chunk: Buffer) => output.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => (errors = (errors + String(chunk)).slice(-4000)));
    child.on('error', () => resolve(undefined));
    child.on('close', (code, signal) => {
      if (code === 0) {
        if (output.length) resolve(new Blob([Buffer.concat(output)]));
        else readFile(file).then((content) => resolve(new Blob([content])), reject);
      } else if (code === SNAPSHOT_FAILED_EXIT_CODE) {
        reject(new Error(errors.trim() || 'initdb failed'));
      } else if (signal) {
        reject(new Error(`the process making it was ended by ${signal}${signal === 'SIGKILL' ? ' (out of memory?)' : ''}`));
      } else {
        resolve(undefined);
      }
    });
  });
}

async function makeInProcess(file: string): Promise<Blob> {
  const snapshot = await makeSnapshot();
  // A read-only cache folder only costs speed: the snapshot stays in memory.
  await writeSnapshotAtomically(file, snapshot);
  return snapshot;
}

function snapshotFailure(file: string, cause: unknown): ForgeError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new ForgeError(
    'EMBEDDED_DATABASE_FAILED',
    `Could not make the embedded database's snapshot (PGlite ${PGLITE_VERSION}'s initdb, made once per version into ${path.dirname(file)}): ${reason}`,
    'Run the command again; making it needs about 600 MiB of free memory. To make it elsewhere, set FORGE_MIGRATIONS_CACHE_DIR to another folder, ' +
      `or copy a ${path.basename(file)} made on another machine into that folder.`,
    { cause },
  );
}

/** Forget a snapshot that could not be loaded (e.g. a corrupted cache file). */
export async function discardSnapshot(cacheDir: string): Promise<void> {
  const file = snapshotFile(cacheDir);
  inMemory.delete(file);
  await rm(file, { force: true });
}
