import { PrismaPg } from '@prisma/adapter-pg';
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { ForgeError } from '../../core/errors';
import { describeDatabaseUrl, redact } from '../../core/redact';
import { quoteIdentifier } from '../../core/sql/quote';
import { engineAdapterFactory, readCharColumns } from './adapter-fixes';
import type { Database, SqlRunner } from './database';
import { runScript, type ScriptFailure } from './script-runner';
import { schemaSessionOptions, ventureSchema } from './venture-schema';

export interface PgConnectOptions {
  url: string;
  /** The environment variable the URL came from: named in errors instead of the URL. */
  source: string;
}

const CONNECT_TIMEOUT_MS = 10_000;

/**
 * A PostgreSQL server database, reached through `pg`: the whole database, or the one schema a
 * venture owns in a database it shares (`?schema=` in the URL, see venture-schema.ts).
 */
export class PgDatabase implements Database {
  readonly engine = 'postgresql' as const;
  readonly label: string;
  /** The venture's schema, when it shares the database. */
  readonly schema: string | undefined;
  private failure: ScriptFailure | undefined;

  private constructor(
    private pool: pg.Pool,
    private readonly url: string,
    private readonly onClose: () => Promise<void>,
    private readonly onAbandon: () => Promise<void> = onClose,
    /** A throwaway database's name, its URL's source, and the server connection that made it (and drops it). */
    private readonly throwaway?: { name: string; source: string; admin: pg.Pool },
  ) {
    this.schema = ventureSchema(url, 'the database URL');
    this.label = `PostgreSQL ${describeDatabaseUrl(url)}${this.schema ? ` (schema ${this.schema})` : ''}`;
  }

  /** Connect to the database the URL names. */
  static async connect({ url, source }: PgConnectOptions): Promise<PgDatabase> {
    const pool = await openPool(url, source);
    return new PgDatabase(pool, url, () => pool.end());
  }

  /**
   * Create a uniquely named database on the server the URL points at, for one run: empty, or a
   * copy of `template` (a database of that server no session uses). `close()` drops it (with
   * FORCE, so leftover sessions cannot keep it alive).
   */
  static async createThrowaway({ url, source }: PgConnectOptions, label: string, template?: string): Promise<PgDatabase> {
    const admin = await openPool(url, source);
    const name = throwawayDatabaseName(label);
    try {
      await admin.query(`CREATE DATABASE ${quoteIdentifier(name)}${template ? ` TEMPLATE ${quoteIdentifier(template)}` : ''}`);
    } catch (error) {
      if (template) {
        // A copy refused (the template gone, or in use) is not a server refusing databases.
        await admin.end();
        throw error;
      }
      await admin.end();
      throw new ForgeError(
        'DATABASE_UNREACHABLE',
        `Cannot create a test database on ${describeDatabaseUrl(url)} (${source}): ${redact((error as Error).message, [url])}`,
        'The user in the URL needs the CREATEDB privilege.',
        { cause: error },
      );
    }
    const databaseUrl = withDatabase(url, name);
    const drop = async () => {
      await admin.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(name)} WITH (FORCE)`).finally(() => admin.end());
    };
    let pool: pg.Pool | undefined;
    try {
      pool = await openPool(databaseUrl, source);
      const schema = ventureSchema(databaseUrl, source);
      if (schema) await pool.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(schema)}`);
    } catch (error) {
      await pool?.end().catch(() => undefined);
      await drop();
      throw error;
    }
    const database: PgDatabase = new PgDatabase(
      pool,
      databaseUrl,
      async () => {
        await database.pool.end().catch(() => undefined);
        await drop();
      },
      // Dropped first: WITH (FORCE) ends the session still running a statement, which pool.end() would wait for.
      async () => {
        await drop();
        await database.pool.end().catch(() => undefined);
      },
      { name, source, admin },
    );
    return database;
  }

  /**
   * Copy this throwaway database on its server as `name` (CREATE DATABASE … TEMPLATE), for later
   * runs to start from. A database is copied without sessions: the pool's are ended first, and a
   * new pool connects once it is copied. A database of that name there already is left as it is.
   */
  async copyAs(name: string): Promise<void> {
    if (!this.throwaway) throw new Error('Only a throwaway database is copied.');
    const { admin, source } = this.throwaway;
    await this.pool.end();
    try {
      await admin.query(`CREATE DATABASE ${quoteIdentifier(name)} TEMPLATE ${quoteIdentifier(this.throwaway.name)}`);
    } catch (error) {
      // duplicate_database, or unique_violation when another session created it at the same time.
      const code = (error as { code?: string }).code;
      if (code !== '42P04' && code !== '23505') throw error;
    } finally {
      this.pool = await openPool(this.url, source);
    }
  }

  async query<T = Record<string, unknown>>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    return (await this.pool.query(sql, [...params])).rows as T[];
  }

  executeScript(sql: string): Promise<void> {
    return runScript(sql, (batch) => this.pool.query(batch));
  }

  async withSession<T>(work: (session: SqlRunner) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      return await work({
        query: async <R>(sql: string, params: readonly unknown[] = []) => (await client.query(sql, [...params])).rows as R[],
        executeScript: (sql: string) => runScript(sql, (batch) => client.query(batch)),
      });
    } finally {
      client.release();
    }
  }

  takeScriptFailure(): ScriptFailure | undefined {
    const failure = this.failure;
    this.failure = undefined;
    return failure;
  }

  adapterFactory(): SqlMigrationAwareDriverAdapterFactory {
    const connect = async (database: PgDatabase) => ({
      adapter: readCharColumns(await new PrismaPg(database.pool, { schema: database.schema }).connect()),
      send: (batch: string) => database.pool.query(batch),
    });
    return engineAdapterFactory(
      '@forge/migrations:pg',
      () => connect(this),
      (failure) => (this.failure = failure),
      async () => {
        const shadow = await PgDatabase.createThrowaway({ url: this.url, source: 'shadow database' }, 'shadow');
        return { ...(await connect(shadow)), close: () => shadow.close() };
      },
    );
  }

  /** The closing under way, once begun: a later close() waits for it (an abandon's drop included). */
  private ending: Promise<void> | undefined;

  close(): Promise<void> {
    this.ending ??= this.onClose();
    return this.ending;
  }

  /** Close at once, the process being interrupted: a throwaway database is dropped while its statements still run. */
  abandon(): Promise<void> {
    this.ending ??= this.onAbandon();
    return this.ending;
  }
}

async function openPool(url: string, source: string): Promise<pg.Pool> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    parsed = new URL('invalid://');
  }
  if (!/^postgres(ql)?:$/.test(parsed.protocol)) {
    throw new ForgeError(
      'DATABASE_URL_INVALID',
      `${source} is not a PostgreSQL URL.`,
      `Set ${source} to a PostgreSQL connection URL (scheme postgresql:// or postgres://).`,
    );
  }
  const schema = ventureSchema(url, source);
  const pool = new pg.Pool({
    connectionString: url,
    max: 4,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    ...(schema && { options: schemaSessionOptions(schema) }),
  });
  // A client losing its connection must not crash the process: idle, the next query reports it;
  // busy (its database dropped under it), the query it runs rejects.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  try {
    await pool.query('SELECT 1');
    return pool;
  } catch (error) {
    await pool.end().catch(() => undefined);
    const reason = (error as NodeJS.ErrnoException).code ?? '';
    throw new ForgeError(
      'DATABASE_UNREACHABLE',
      `Cannot reach the PostgreSQL server at ${describeDatabaseUrl(url)} (${source}): ${redact((error as Error).message || reason, [url])}.`,
      `Start the server or correct ${source}; unset it to use the embedded database.`,
      { cause: error },
    );
  }
}

function throwawayDatabaseName(label: string): string {
  const slug = label
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 36);
  return `forge_${slug}_${randomBytes(6).toString('hex')}`;
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}
