import { PGlite } from '@electric-sql/pglite';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { temporaryDir, type TemporaryProject } from '../../test-support/fixtures';
import { writeSnapshotAtomically } from './pglite-snapshot-maker';

type SnapshotModule = typeof import('./pglite-snapshot');

/** A module instance of its own, as a separate process has: its own in-memory snapshots. */
function freshModule(): SnapshotModule {
  let loaded: SnapshotModule | undefined;
  jest.isolateModules(() => {
    // A fresh copy of the module's state needs require inside isolateModules; import() would share it.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    loaded = require('./pglite-snapshot') as SnapshotModule;
  });
  return loaded!;
}

/** A snapshot is whole when a PGlite starts from it and answers. */
async function expectStartable(snapshot: Blob): Promise<void> {
  const pglite = await PGlite.create({ loadDataDir: snapshot });
  try {
    expect((await pglite.query<{ answer: number }>('SELECT 6 * 7 AS answer')).rows).toEqual([{ answer: 42 }]);
  } finally {
    await pglite.close();
  }
}

const bytes = async (blob: Blob) => Buffer.from(await blob.arrayBuffer());

describe('the embedded database snapshot', () => {
  let cache: TemporaryProject;
  beforeAll(() => (cache = temporaryDir('forge-snapshot-')));
  afterAll(() => cache.remove());

  it('is made safely by parallel makers: one whole file, never half of one, and no temporary file left', async () => {
    const makers = [freshModule(), freshModule(), freshModule()];
    const file = makers[0].snapshotFile(cache.dir);
    // What a reader would find meanwhile: the snapshot is either missing or whole.
    const seenSizes = new Set<number>();
    const watcher = setInterval(() => {
      try {
        seenSizes.add(statSync(file).size);
      } catch {
        // not there yet
      }
    }, 5);
    let snapshots: Blob[];
    try {
      snapshots = await Promise.all(makers.map((maker) => maker.baseSnapshot(cache.dir)));
    } finally {
      clearInterval(watcher);
    }
    const size = statSync(file).size;
    expect(size).toBeGreaterThan(1_000_000);
    expect([...seenSizes].every((seen) => seen === size)).toBe(true);
    expect(readdirSync(cache.dir)).toEqual([path.basename(file)]);
    for (const snapshot of snapshots) {
      expect(snapshot.size).toBe(size);
      await expectStartable(snapshot);
    }
  }, 180_000);

  it('is reused: by later calls of the process, and by a later process from the cache folder, without making a new one', async () => {
    const { baseSnapshot, snapshotFile } = freshModule();
    const file = snapshotFile(cache.dir);
    const before = statSync(file);
    const first = baseSnapshot(cache.dir);
    expect(baseSnapshot(cache.dir)).toBe(first);
    expect((await bytes(await first)).equals(readFileSync(file))).toBe(true);
    const after = statSync(file);
    expect([after.ino, after.mtimeMs]).toEqual([before.ino, before.mtimeMs]);
    expect(readdirSync(cache.dir)).toEqual([path.basename(file)]);
  });

  it('is made anyway when the cache folder cannot be written, and kept in memory', async () => {
    // A folder under a regular file: no one can create it, root included.
    const blocked = path.join(cache.dir, 'not-a-folder');
    writeFileSync(blocked, '');
    const { baseSnapshot, snapshotFile } = freshModule();
    const snapshot = await baseSnapshot(path.join(blocked, 'cache'));
    await expectStartable(snapshot);
    expect(readdirSync(cache.dir).sort()).toEqual([path.basename(snapshotFile(cache.dir)), 'not-a-folder'].sort());
  }, 120_000);

  it('is made in process when the maker process cannot be started', async () => {
    const folder = temporaryDir('forge-snapshot-in-process-');
    const nodeOptions = process.env['NODE_OPTIONS'];
    // Node refuses to start the maker (an option it does not know), as a foreign Node would.
    process.env['NODE_OPTIONS'] = '--no-such-option-forge-migrations';
    try {
      const { baseSnapshot, snapshotFile } = freshModule();
      const snapshot = await baseSnapshot(folder.dir);
      expect(readFileSync(snapshotFile(folder.dir)).equals(await bytes(snapshot))).toBe(true);
      expect(readdirSync(folder.dir)).toEqual([path.basename(snapshotFile(folder.dir))]);
      await expectStartable(snapshot);
      // In process too, an unwritable folder only means no file.
      expect(await writeSnapshotAtomically(path.join(snapshotFile(folder.dir), 'below-a-file.tar'), snapshot)).toBe(false);
    } finally {
      if (nodeOptions === undefined) delete process.env['NODE_OPTIONS'];
      else process.env['NODE_OPTIONS'] = nodeOptions;
      folder.remove();
    }
  }, 120_000);

  // The maker is found among this process's children in /proc (Linux, as everywhere this project runs).
  it('fails naming the cache folder and what to do when the maker dies', async () => {
    const folder = temporaryDir('forge-snapshot-killed-');
    const killer = setInterval(() => {
      for (const task of readdirSync(`/proc/${process.pid}/task`)) {
        let children: string[] = [];
        try {
          children = readFileSync(`/proc/${process.pid}/task/${task}/children`, 'utf8').split(' ').filter(Boolean);
        } catch {
          continue; // the thread ended
        }
        for (const pid of children) {
          try {
            if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('pglite-snapshot-maker')) process.kill(Number(pid), 'SIGKILL');
          } catch {
            // it ended meanwhile
          }
        }
      }
    }, 20);
    try {
      const failure = freshModule().baseSnapshot(folder.dir);
      await expect(failure).rejects.toThrow(
        `made once per version into ${folder.dir}): the process making it was ended by SIGKILL (out of memory?)`,
      );
      await expect(failure).rejects.toMatchObject({
        code: 'EMBEDDED_DATABASE_FAILED',
        hint: expect.stringMatching(/Run the command again; making it needs about 600 MiB of free memory\. .*FORGE_MIGRATIONS_CACHE_DIR/),
      });
      expect(readdirSync(folder.dir)).toEqual([]);
    } finally {
      clearInterval(killer);
      folder.remove();
    }
  });
});
