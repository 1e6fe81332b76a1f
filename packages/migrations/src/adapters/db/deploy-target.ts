import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import lockfile from 'proper-lockfile';
import { ForgeError } from '../../core/errors';
import { PRISMA_MIGRATIONS_LOCK_ID } from '../../core/sql/prisma-migrations-table';
import { quoteIdentifier, quoteLiteral } from '../../core/sql/quote';
import type { Database } from './database';
import { PgDatabase } from './pg-database';
import { PgliteDatabase } from './pglite-database';
import { type BackupRecord, dumpDatabase, type PgServer, restoreDump, sha256Of, verifyChecksum } from './backup';
import { warmPgTools } from './pg-tools';
import { sharingVentures } from '../../use-cases/deploy/event-store';

/**
 * The plugin's deploy lock (Prisma's own, 72707369, is taken per apply): one deploy or rollback at
 * a time per database, or per venture schema of a database that ventures share (their deploys
 * may run side by side; each migration still waits for Prisma's lock).
 */
export const DEPLOY_LOCK_ID = 72707370;

function deployLock(schema: string | undefined): { key: string; held: string } {
  if (!schema) return { key: String(DEPLOY_LOCK_ID), held: `classid = 0 AND objid = ${DEPLOY_LOCK_ID} AND objsubid = 1` };
  const second = `hashtext(${quoteLiteral(schema)})`;
  return { key: `${DEPLOY_LOCK_ID}, ${second}`, held: `classid = ${DEPLOY_LOCK_ID} AND objid = ${second}::oid AND objsubid = 2` };
}

export interface TargetOptions {
  /** A PostgreSQL URL; without one, the venture's embedded database in `dataDir`. */
  url?: string;
  urlEnv: string;
  dataDir: string;
  cacheDir: string;
  extensions: readonly string[];
  pgBinDir?: string;
  /** How long to wait for another deploy to finish. */
  lockTimeoutMs: number;
  /**
   * False to read a server without the deploy lock (status); the embedded database is always
   * locked: two processes must never open its data folder.
   */
  lock?: boolean;
}

/**
 * The database a deploy, rollback or status works on, held under the deploy lock from open to
 * close, with the backup and restore that suit it: pg_dump/pg_restore for a server, the data
 * folder for the embedded database.
 */
export interface DeployTarget {
  readonly database: Database;
  readonly label: string;
  /** `PostgreSQL 15.4`, or PGlite's. */
  serverVersion(): Promise<string>;
  /** Whether another session holds the deploy lock: a deploy or rollback is running. */
  deployRunning(): Promise<boolean>;
  backup(file: string): Promise<BackupRecord>;
  /** How this target is backed up (pg_dump for a server, a data-folder copy for the embedded database), and the files' extension. */
  readonly backupKind: BackupRecord['kind'];
  readonly backupExtension: string;
  restore(record: BackupRecord): Promise<void>;
  /** Before the backup that precedes any change: the venture's schema made when it is missing, as Prisma's deploy makes it (pg_dump needs it). */
  prepareForChanges(): Promise<void>;
  close(): Promise<void>;
}

export async function openDeployTarget(options: TargetOptions): Promise<DeployTarget> {
  return options.url ? PgTarget.open(options as TargetOptions & { url: string }) : PgliteTarget.open(options);
}

class PgTarget implements DeployTarget {
  readonly backupKind = 'pg_dump';
  readonly backupExtension = '.dump';

  private constructor(
    readonly database: PgDatabase,
    private readonly lockClient: pg.Client | undefined,
    private readonly server: PgServer,
  ) {}

  get label(): string {
    return this.database.label;
  }

  static async open(options: TargetOptions & { url: string }): Promise<PgTarget> {
    const database = await PgDatabase.connect({ url: options.url, source: options.urlEnv });
    const lockClient =
      options.lock === false ? undefined : new pg.Client({ connectionString: options.url, connectionTimeoutMillis: 10_000 });
    try {
      if (lockClient) {
        await lockClient.connect();
        const tryLock = async (key: string) =>
          (await lockClient.query<{ locked: boolean }>(`SELECT pg_try_advisory_lock(${key}) AS locked`)).rows[0].locked;
        await waitForLock(() => tryLock(deployLock(database.schema).key), options.lockTimeoutMs, database.label);
        // A deploy killed while PostgreSQL ran its migration leaves that backend running (and
        // committing) until the statement ends; it holds Prisma's migration lock till then, as
        // does a `prisma migrate deploy`. Read nothing before they are done.
        const prismaLockFree = async () => {
          if (!(await tryLock(String(PRISMA_MIGRATIONS_LOCK_ID)))) return false;
          await lockClient.query(`SELECT pg_advisory_unlock(${PRISMA_MIGRATIONS_LOCK_ID})`);
          return true;
        };
        await waitForLock(prismaLockFree, options.lockTimeoutMs, database.label);
      }
      const [{ version }] = await database.query<{ version: string }>("SELECT current_setting('server_version_num') AS version");
      const major = Math.floor(Number(version) / 10000);
      // Held under the lock, the target is about to change the database: its backup comes first.
      if (lockClient) warmPgTools(major, options.pgBinDir);
      return new PgTarget(database, lockClient, { url: options.url, source: options.urlEnv, major, pgBinDir: options.pgBinDir });
    } catch (error) {
      await lockClient?.end().catch(() => undefined);
      await database.close();
      throw error;
    }
  }

  async serverVersion(): Promise<string> {
    const [{ version }] = await this.database.query<{ version: string }>("SELECT current_setting('server_version') AS version");
    return `PostgreSQL ${version}`;
  }

  async deployRunning(): Promise<boolean> {
    const [{ held }] = await this.database.query<{ held: boolean }>(
      `SELECT count(*) > 0 AS held FROM pg_locks WHERE locktype = 'advisory' ` +
        `AND ${deployLock(this.database.schema).held} AND granted AND pid <> pg_backend_pid()`,
    );
    return held && !this.lockClient;
  }

  async backup(file: string): Promise<BackupRecord> {
    const { schema } = this.database;
    const extensions = schema
      ? await this.database.query<{ name: string }>(
          'SELECT e.extname AS name FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE n.nspname = $1',
          [schema],
        )
      : [];
    return dumpDatabase(
      this.server,
      file,
      extensions.map((extension) => extension.name),
    );
  }

  restore(record: BackupRecord): Promise<void> {
    return restoreDump(this.server, record);
  }

  async prepareForChanges(): Promise<void> {
    const { schema } = this.database;
    if (schema) {
      await this.database.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(schema)}`);
      return;
    }
    // A backup and restore of the whole database would take other ventures' schemas with it.
    const sharing = await sharingVentures(this.database);
    if (sharing.length) {
      throw new ForgeError(
        'DATABASE_SHARED',
        `${this.label} is shared with the ventures in the schemas ${sharing.join(', ')}: a backup and ` +
          `restore of the whole database would take their schemas too, so nothing was done.`,
        `Give this venture a schema of its own: ?schema=<name> in ${this.server.source} (public, if ` +
          `its tables are there), or the schema option (the plugin option ventureSchema).`,
      );
    }
  }

  async close(): Promise<void> {
    // Ending the session releases the advisory lock, as a crash would.
    await this.lockClient?.end().catch(() => undefined);
    await this.database.close();
  }
}

class PgliteTarget implements DeployTarget {
  readonly backupKind = 'pglite';
  readonly backupExtension = '.tar.gz';

  private constructor(
    private current: PgliteDatabase,
    private readonly options: TargetOptions,
    private readonly release: () => Promise<void>,
  ) {}

  get database(): Database {
    return this.current;
  }

  get label(): string {
    return this.current.label;
  }

  static async open(options: TargetOptions): Promise<PgliteTarget> {
    await mkdir(path.dirname(options.dataDir), { recursive: true });
    const lockFile = `${options.dataDir}.lock`;
    let release: (() => Promise<void>) | undefined;
    // A lock file, not an advisory lock: two processes must never open the same data folder.
    await waitForLock(
      async () => {
        try {
          release = await lockfile.lock(options.dataDir, { realpath: false, lockfilePath: lockFile, stale: 10_000, update: 2_000 });
          return true;
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'ELOCKED') return false;
          throw error;
        }
      },
      options.lockTimeoutMs,
      `the embedded database in ${options.dataDir}`,
    );
    try {
      await PgliteDatabase.recoverDataDir(options.dataDir);
      const database = await PgliteDatabase.open({ dataDir: options.dataDir, cacheDir: options.cacheDir, extensions: options.extensions });
      return new PgliteTarget(database, options, release!);
    } catch (error) {
      await release!();
      throw error;
    }
  }

  async serverVersion(): Promise<string> {
    const [{ version }] = await this.current.query<{ version: string }>("SELECT current_setting('server_version') AS version");
    return `PGlite (PostgreSQL ${version})`;
  }

  /** This process holds the data folder's lock: nothing else can be running on it. */
  async deployRunning(): Promise<boolean> {
    return false;
  }

  async backup(file: string): Promise<BackupRecord> {
    await mkdir(path.dirname(file), { recursive: true });
    const dump = Buffer.from(await (await this.current.dumpDataDir()).arrayBuffer());
    const partial = `${file}.partial`;
    await writeFile(partial, dump);
    // Verified by reading it back whole and opening it as a database.
    const check = await PgliteDatabase.open({
      cacheDir: this.options.cacheDir,
      extensions: this.options.extensions,
      snapshot: new Blob([await readFile(partial)]),
    });
    await check.query('SELECT count(*) FROM pg_class');
    await check.close();
    await rename(partial, file);
    return { file, kind: 'pglite', sha256: await sha256Of(file), bytes: (await stat(file)).size, createdAt: new Date().toISOString() };
  }

  async restore(record: BackupRecord): Promise<void> {
    await verifyChecksum(record);
    await this.current.close();
    await PgliteDatabase.replaceDataDir(this.options.dataDir, new Blob([await readFile(record.file)]));
    this.current = await PgliteDatabase.open({
      dataDir: this.options.dataDir,
      cacheDir: this.options.cacheDir,
      extensions: this.options.extensions,
    });
  }

  async prepareForChanges(): Promise<void> {}

  async close(): Promise<void> {
    await this.current.close();
    await this.release();
  }
}

async function waitForLock(tryLock: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await tryLock()) return;
    if (Date.now() >= deadline) {
      throw new ForgeError(
        'DEPLOY_LOCKED',
        `Another deploy or rollback (or prisma migrate deploy) is running on ${what}: waited ${Math.round(timeoutMs / 1000)} s for it, and nothing was done.`,
        'Let it finish (the deploy history shows it), or give a longer lockTimeout.',
      );
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(250, Math.max(10, deadline - Date.now()))));
  }
}
