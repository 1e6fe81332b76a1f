import { PGlite } from '@electric-sql/pglite';
import { existsSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { isForgeError } from '../../core/errors';
import { engineAdapterFactory } from './adapter-fixes';
import type { Database, SqlRunner } from './database';
import { pgliteExtensions } from './pglite-extensions';
import { baseSnapshot, discardSnapshot } from './pglite-snapshot';
import { runScript, type ScriptFailure } from './script-runner';

export interface PgliteOptions {
  /** Extensions the migrations create (`CREATE EXTENSION`), loaded at start-up. */
  extensions?: readonly string[];
  /** Where the initdb snapshot is cached. */
  cacheDir: string;
  /** A folder to keep the database in (created from the snapshot when empty); in memory without one. */
  dataDir?: string;
  /** A dumped data folder to start from instead of an empty database (to check a backup). */
  snapshot?: Blob;
}

/** The embedded database: PGlite in memory, started from a cached initdb snapshot. */
export class PgliteDatabase implements Database {
  readonly engine = 'pglite' as const;
  readonly label: string;
  private failure: ScriptFailure | undefined;

  private constructor(
    private readonly pglite: PGlite,
    private readonly options: PgliteOptions,
  ) {
    this.label = options.dataDir ? `embedded PGlite (data folder ${options.dataDir})` : 'embedded PGlite (in memory)';
  }

  static async open(options: PgliteOptions): Promise<PgliteDatabase> {
    const extensions = pgliteExtensions(options.extensions ?? []);
    const { dataDir } = options;
    const start = async () =>
      dataDir && existsSync(path.join(dataDir, 'PG_VERSION'))
        ? PGlite.create({ dataDir, extensions })
        : PGlite.create({
            dataDir,
            loadDataDir: options.snapshot ?? (await baseSnapshot(options.cacheDir)),
            extensions,
            // In memory and thrown away, no query needs to wait for the file system.
            relaxedDurability: !dataDir,
          });
    let pglite: PGlite;
    try {
      pglite = await start();
    } catch (error) {
      // A snapshot that could not be made is not made again; a corrupted cache file is, once.
      if (isForgeError(error)) throw error;
      await discardSnapshot(options.cacheDir);
      pglite = await start();
    }
    return new PgliteDatabase(pglite, options);
  }

  async query<T = Record<string, unknown>>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    return (await this.pglite.query<T>(sql, [...params])).rows;
  }

  executeScript(sql: string): Promise<void> {
    return runScript(sql, (batch) => this.pglite.exec(batch));
  }

  /** PGlite has one connection: the database is its own session. */
  withSession<T>(work: (session: SqlRunner) => Promise<T>): Promise<T> {
    return work(this);
  }

  takeScriptFailure(): ScriptFailure | undefined {
    const failure = this.failure;
    this.failure = undefined;
    return failure;
  }

  adapterFactory(): SqlMigrationAwareDriverAdapterFactory {
    const connect = async (database: PgliteDatabase) => ({
      adapter: await new PrismaPGlite(database.pglite).connect(),
      send: (batch: string) => database.pglite.exec(batch),
    });
    return engineAdapterFactory(
      '@forge/migrations:pglite',
      () => connect(this),
      (failure) => (this.failure = failure),
      // Upstream boots a new PGlite per shadow database and never closes it. A shadow database
      // starts empty, whatever this one started from.
      async () => {
        const shadow = await PgliteDatabase.open({ ...this.options, dataDir: undefined, snapshot: undefined });
        return { ...(await connect(shadow)), close: () => shadow.close() };
      },
    );
  }

  /**
   * The whole data folder as a tarball, gzipped unless asked otherwise: the embedded database's
   * backup, and a kept prefix's start. Checkpointed first: a folder dumped with its WAL not yet
   * checkpointed starts by replaying it (after a long history, seconds of start-up on every later
   * open).
   */
  async dumpDataDir(compression: 'gzip' | 'none' = 'gzip'): Promise<Blob> {
    await this.pglite.exec('CHECKPOINT');
    await this.dropRecycledWal();
    return this.pglite.dumpDataDir(compression);
  }

  /**
   * A checkpoint keeps the WAL segments it no longer needs under later names, to write into next
   * (after a long history, most of the data folder). Nothing reads them at start-up: a database
   * started without them makes new segments when it needs them.
   */
  private async dropRecycledWal(): Promise<void> {
    const [{ directory, current }] = await this.query<{ directory: string; current: string }>(
      `SELECT current_setting('data_directory') AS directory, pg_walfile_name(pg_current_wal_insert_lsn()) AS current`,
    );
    const { FS } = this.pglite.Module;
    const wal = `${directory}/pg_wal`;
    for (const name of FS.readdir(wal)) if (/^[0-9A-F]{24}$/.test(name) && name > current) FS.unlink(`${wal}/${name}`);
  }

  /**
   * Replace a data folder with a dumped one (the database must be closed): the dump is unpacked
   * beside it, then swapped in by renames, so an interruption leaves one whole folder or the other.
   */
  static async replaceDataDir(dataDir: string, dump: Blob): Promise<void> {
    const incoming = `${dataDir}.incoming`;
    const outgoing = `${dataDir}.outgoing`;
    await rm(incoming, { recursive: true, force: true });
    const unpacked = await PGlite.create({ dataDir: incoming, loadDataDir: dump });
    await unpacked.close();
    await rm(outgoing, { recursive: true, force: true });
    if (existsSync(dataDir)) await rename(dataDir, outgoing);
    await rename(incoming, dataDir);
    await rm(outgoing, { recursive: true, force: true });
  }

  /** Finish or undo a replaceDataDir that was interrupted between its two renames. */
  static async recoverDataDir(dataDir: string): Promise<void> {
    if (existsSync(dataDir)) return;
    if (existsSync(path.join(`${dataDir}.incoming`, 'PG_VERSION')) && existsSync(`${dataDir}.outgoing`))
      await rename(`${dataDir}.incoming`, dataDir);
    else if (existsSync(`${dataDir}.outgoing`)) await rename(`${dataDir}.outgoing`, dataDir);
  }

  async close(): Promise<void> {
    if (!this.pglite.closed) await this.pglite.close();
  }
}
