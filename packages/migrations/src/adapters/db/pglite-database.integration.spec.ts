import path from 'node:path';
import { ForgeError } from '../../core/errors';
import { SNAPSHOT_CACHE_DIR } from '../../test-support/databases';
import { temporaryDir } from '../../test-support/fixtures';
import { pgliteExtensions } from './pglite-extensions';
import { PgliteDatabase } from './pglite-database';

describe('PgliteDatabase', () => {
  it('keeps a database in a data folder across restarts', async () => {
    const folder = temporaryDir('forge-pgdata-');
    const dataDir = path.join(folder.dir, 'db');
    try {
      const first = await PgliteDatabase.open({ cacheDir: SNAPSHOT_CACHE_DIR, dataDir });
      expect(first.label).toBe(`embedded PGlite (data folder ${dataDir})`);
      await first.executeScript('CREATE TABLE kept (id int); INSERT INTO kept VALUES (42);');
      await first.close();
      const second = await PgliteDatabase.open({ cacheDir: SNAPSHOT_CACHE_DIR, dataDir });
      expect(await second.query('SELECT id FROM kept')).toEqual([{ id: 42 }]);
      await second.close();
    } finally {
      folder.remove();
    }
  });

  it('dumps its data folder checkpointed, so that a database started from the dump has no WAL to replay', async () => {
    const database = await PgliteDatabase.open({ cacheDir: SNAPSHOT_CACHE_DIR });
    try {
      await database.executeScript('CREATE TABLE written (id int); INSERT INTO written SELECT generate_series(1, 1000);');
      const [{ written }] = await database.query<{ written: string }>('SELECT pg_current_wal_insert_lsn()::text AS written');
      const dump = await database.dumpDataDir();
      const [{ redo }] = await database.query<{ redo: string }>(
        `SELECT (redo_lsn - $1::pg_lsn)::text AS redo FROM pg_control_checkpoint()`,
        [written],
      );
      expect(Number(redo)).toBeGreaterThanOrEqual(0);
      const restarted = await PgliteDatabase.open({ cacheDir: SNAPSHOT_CACHE_DIR, snapshot: dump });
      expect(await restarted.query('SELECT count(*)::int AS n FROM written')).toEqual([{ n: 1000 }]);
      await restarted.close();
    } finally {
      await database.close();
    }
  });

  it('leaves out of a dump the WAL segments a checkpoint recycled, and a database started from it makes new ones', async () => {
    const database = await PgliteDatabase.open({ cacheDir: SNAPSHOT_CACHE_DIR });
    const fill = `INSERT INTO filler SELECT repeat('x', 200) FROM generate_series(1, 100000);`;
    const recycled = `SELECT count(*)::int AS n FROM pg_ls_waldir()
                       WHERE name ~ '^[0-9A-F]{24}$' AND name > pg_walfile_name(pg_current_wal_insert_lsn())`;
    try {
      await database.executeScript(`CREATE TABLE filler (pad text); ${fill} ${fill} CHECKPOINT;`);
      expect((await database.query<{ n: number }>(recycled))[0].n).toBeGreaterThan(0);
      const dump = await database.dumpDataDir('none');
      expect((await database.query<{ n: number }>(recycled))[0].n).toBe(0);
      const restarted = await PgliteDatabase.open({ cacheDir: SNAPSHOT_CACHE_DIR, snapshot: dump });
      try {
        await restarted.executeScript(`${fill} ${fill} ${fill}`);
        expect(await restarted.query('SELECT count(*)::int AS n FROM filler')).toEqual([{ n: 500000 }]);
      } finally {
        await restarted.close();
      }
    } finally {
      await database.close();
    }
  });

  it('loads the contrib extensions the migrations create', async () => {
    const database = await PgliteDatabase.open({ cacheDir: SNAPSHOT_CACHE_DIR, extensions: ['pgcrypto', 'uuid-ossp', 'plpgsql'] });
    try {
      await database.executeScript('CREATE EXTENSION pgcrypto; CREATE EXTENSION "uuid-ossp";');
      const [row] = await database.query<{ digest: string; uuid: string }>(
        `SELECT encode(digest('a', 'sha256'), 'hex') AS digest, uuid_generate_v4()::text AS uuid`,
      );
      expect(row.digest).toBe('ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb');
      expect(row.uuid).toMatch(/^[0-9a-f-]{36}$/);
    } finally {
      await database.close();
    }
  });

  it('refuses an extension the embedded database does not ship, naming it', () => {
    expect(() => pgliteExtensions(['postgis'])).toThrow(ForgeError);
    expect(() => pgliteExtensions(['postgis'])).toThrow(/"postgis", which the embedded database does not ship/);
  });

  it("starts the schema engine's shadow databases empty, though the database started from a dump", async () => {
    const source = await PgliteDatabase.open({ cacheDir: SNAPSHOT_CACHE_DIR });
    await source.executeScript('CREATE TABLE kept (id int);');
    const dump = await source.dumpDataDir('none');
    await source.close();
    const database = await PgliteDatabase.open({ cacheDir: SNAPSHOT_CACHE_DIR, snapshot: dump });
    try {
      expect(await database.query(`SELECT to_regclass('kept')::text AS t`)).toEqual([{ t: 'kept' }]);
      const shadow = await database.adapterFactory().connectToShadowDb();
      try {
        await shadow.executeScript('CREATE TABLE kept (id int);');
      } finally {
        await shadow.dispose();
      }
    } finally {
      await database.close();
    }
  });

  it('closes every shadow database the schema engine opens (upstream leaked one PGlite per call)', async () => {
    const database = await PgliteDatabase.open({ cacheDir: SNAPSHOT_CACHE_DIR });
    const closes = jest.spyOn(PgliteDatabase.prototype, 'close');
    const opens = jest.spyOn(PgliteDatabase, 'open');
    try {
      const factory = database.adapterFactory();
      for (let i = 0; i < 2; i++) {
        const shadow = await factory.connectToShadowDb();
        await shadow.executeScript('CREATE TABLE scratch (id int); DO $$ BEGIN PERFORM 1; END $$;');
        await shadow.dispose();
      }
      expect(opens).toHaveBeenCalledTimes(2);
      expect(closes).toHaveBeenCalledTimes(2);
      // The shadow databases were separate: the main one has no scratch table.
      expect(await database.query(`SELECT to_regclass('scratch') AS t`)).toEqual([{ t: null }]);
    } finally {
      jest.restoreAllMocks();
      await database.close();
    }
  });
});
