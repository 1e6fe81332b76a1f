import { PGlite } from '@electric-sql/pglite';
import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import v8 from 'node:v8';

/**
 * Makes the embedded database's base snapshot: PGlite's initdb, in WebAssembly, then its data
 * folder dumped as a tar. initdb is what costs memory (about 500 MiB at its peak, here), so
 * pglite-snapshot.ts runs this file as a short-lived process of its own,
 * `node --expose-gc pglite-snapshot-maker.js <snapshot file>`: that memory is given back to the
 * system when it exits, before the migrate-test process starts its own database. Imported, it is
 * the same steps in process, the fallback when that process cannot be started.
 *
 * As a process it writes the snapshot to <snapshot file> atomically and prints nothing; when the
 * file cannot be written (a read-only cache folder), it prints the tar on stdout instead. Exit
 * codes: 0 made, SNAPSHOT_FAILED_EXIT_CODE failed (the reason on stderr); any other code is Node's
 * own, the maker did not start (a refused option, a missing loader).
 */
export const SNAPSHOT_FAILED_EXIT_CODE = 70;

/**
 * initdb, then the data folder dumped. Only this PGlite's postgres runs with small shared buffers
 * (a hundred MiB less): they live in its memory, not in the data folder, so the snapshot holds the
 * same files as with the default (postgresql.conf is initdb's), but for the memory addresses in
 * the relcache's init files, which PostgreSQL resets when it reads them.
 */
export async function makeSnapshot(): Promise<Blob> {
  // create() waits for initdb; dumpDataDir() on a PGlite still starting never resolves.
  const fresh = await PGlite.create({ startParams: [...PGlite.defaultStartParams, '-c', 'shared_buffers=16MB'] });
  try {
    // initdb ran in a second PGlite, garbage once create() has returned (most of the memory): one
    // turn of the event loop and a collection (where exposed) release it before the dump's copies.
    await new Promise((resolve) => setImmediate(resolve));
    (globalThis as { gc?: () => void }).gc?.();
    // Uncompressed: a few MB more on disk, a sixth less start-up time.
    return await fresh.dumpDataDir('none');
  } finally {
    await fresh.close();
  }
}

/**
 * Write a snapshot so that no reader ever sees half a file: to a name of this process's own, then
 * renamed over the snapshot (parallel makers each rename a whole file; the last one stays).
 * False when it cannot be written.
 */
export async function writeSnapshotAtomically(file: string, snapshot: Blob): Promise<boolean> {
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(temporary, Buffer.from(await snapshot.arrayBuffer()));
    await rename(temporary, file);
    return true;
  } catch {
    await rm(temporary, { force: true }).catch(() => undefined);
    return false;
  }
}

async function main(file: string | undefined): Promise<number> {
  if (!file) {
    process.stderr.write('usage: node pglite-snapshot-maker.js <snapshot file>\n');
    return SNAPSHOT_FAILED_EXIT_CODE;
  }
  // Baseline code only: initdb runs once, and optimising it costs more memory and time than it saves.
  v8.setFlagsFromString('--liftoff-only');
  let snapshot: Blob;
  try {
    snapshot = await makeSnapshot();
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    return SNAPSHOT_FAILED_EXIT_CODE;
  }
  if (await writeSnapshotAtomically(file, snapshot)) return 0;
  // The cache folder cannot be written: the snapshot goes to the starting process instead.
  const content = Buffer.from(await snapshot.arrayBuffer());
  await new Promise<void>((resolve, reject) => process.stdout.write(content, (error) => (error ? reject(error) : resolve())));
  return 0;
}

if (require.main === module) {
  main(process.argv[2]).then(
    (code) => (process.exitCode = code),
    (error) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = SNAPSHOT_FAILED_EXIT_CODE;
    },
  );
}
