import { type HistoryHints, seedHintsDigest } from '../../core/seed-hints';
import { type PrefixBasis, prefixKeys } from '../../core/test/prefix-keys';
import type { Database } from '../../adapters/db/database';
import { PgDatabase } from '../../adapters/db/pg-database';
import { PgliteDatabase } from '../../adapters/db/pglite-database';
import type { PrefixStore } from '../../adapters/cache/prefix-store';
import { quoteIdentifier, quoteLiteral } from '../../core/sql/quote';
import type { MigrationFolder } from '../../adapters/store/migration-store';
import { pluginBuild } from '../../package-info';
import { EMBEDDED_ENGINE, keptFiles, keptSnapshot, prefixStore } from '../shared/embedded-prefixes';
import { decodeProofState, encodeProofState, type ProofState } from './proof-state';

/** The kept databases a PostgreSQL server holds at most: those used longest ago go past it. */
const SERVER_DATABASES = 10;
const STATE = 'state.bin';
const SERVER_PREFIX = 'forge_proven_';
const USED = 'forge-migrations: proven prefix, used';

/** What a run's database starts from: an embedded data folder, or a copy of a server's database. */
export type PrefixStart = { snapshot: Blob } | { template: string };

/** Where the databases of kept prefixes are: in the store (embedded), or on the test server. */
interface KeptDatabases {
  engine: PrefixBasis['engine'];
  engineVersion: string;
  /** What to start from for an entry, undefined when its database is gone. */
  start(key: string, files: ReadonlyMap<string, Buffer>): Promise<PrefixStart | undefined>;
  /** Keep the database as it is now for `key`: the entry's files that hold it. */
  keep(key: string, database: Database): Promise<Map<string, Buffer>>;
}

/**
 * Proofs of the first migrations of a history, kept in the workspace's cache folder (`prefixes/`):
 * where the proof stood and the database it left (the embedded database's data folder beside it,
 * a server's database copied on that server). A run whose history starts with a kept prefix starts
 * from it and proves only what follows.
 */
export class ProvenPrefixes {
  private readonly store: PrefixStore;
  private readonly keys: string[];

  private constructor(
    private readonly hints: HistoryHints,
    private readonly databases: KeptDatabases,
    cacheDir: string,
    migrations: readonly MigrationFolder[],
    options: { strictData: boolean },
  ) {
    this.store = prefixStore(cacheDir);
    // A data step may import any file of the workspace, which no key follows: its history is proven whole.
    this.keys = migrations.some((migration) => migration.dataStep)
      ? []
      : prefixKeys({ pluginVersion: pluginBuild(), engine: databases.engine, engineVersion: databases.engineVersion, options }, migrations);
  }

  /** The prefixes of a history on the embedded database, or on the PostgreSQL server of `server`. */
  static async open(
    hints: HistoryHints,
    cacheDir: string,
    migrations: readonly MigrationFolder[],
    options: { strictData: boolean },
    server?: { url: string; source: string },
  ): Promise<ProvenPrefixes> {
    const databases = server ? await serverDatabases(server) : embeddedDatabases();
    return new ProvenPrefixes(hints, databases, cacheDir, migrations, options);
  }

  /**
   * The longest prefix kept whose rows this history would have seeded alike, and whose database is
   * there: what to start the database from, and where the proof stood.
   */
  async longest(): Promise<{ start: PrefixStart; state: ProofState } | undefined> {
    let keys = this.keys;
    for (let found = await this.store.longest(keys); found; found = await this.store.longest(keys)) {
      const key = keys[found.length - 1];
      const state = decodeProofState(found.files.get(STATE)!);
      if (state?.results.length === found.length && this.seededAlike(state)) {
        const start = await this.databases.start(key, found.files);
        if (start) return { start, state };
        // Its database is gone (dropped from the server): kept again by the next proof.
        await this.store.remove(key);
      }
      keys = keys.slice(0, found.length - 1);
    }
    return undefined;
  }

  private seededAlike(state: ProofState): boolean {
    return state.seedings.every((seeding, index) => seedHintsDigest(this.hints.before(index), seeding.tables) === seeding.hints);
  }

  /** Keep the proof of the first `state.results.length` migrations with the database they left. */
  async keep(database: Database, state: ProofState): Promise<void> {
    const key = this.keys[state.results.length - 1];
    // Kept already (by a run at the same time, or before this one's prefix was found shorter).
    if (key === undefined || this.store.has(key)) return;
    const files = await this.databases.keep(key, database);
    await this.store.write(key, new Map([...files, [STATE, encodeProofState(state)]]));
  }
}

function embeddedDatabases(): KeptDatabases {
  return {
    ...EMBEDDED_ENGINE,
    start: async (_key, files) => {
      const snapshot = keptSnapshot(files);
      return snapshot && { snapshot };
    },
    keep: async (_key, database) => {
      if (!(database instanceof PgliteDatabase)) throw new Error('an embedded prefix keeps an embedded database');
      return keptFiles(database);
    },
  };
}

/**
 * A server's kept databases: `forge_proven_<key>`, made by copying the run's database, started
 * from by copying them in turn (no session ever uses one). Each use is noted in the database's
 * comment; the server holds SERVER_DATABASES of them at most, those used longest ago dropped
 * first (an entry whose database is gone is a miss).
 */
async function serverDatabases(server: { url: string; source: string }): Promise<KeptDatabases> {
  const withServer = async <T>(work: (admin: PgDatabase) => Promise<T>): Promise<T> => {
    const admin = await PgDatabase.connect(server);
    try {
      return await work(admin);
    } finally {
      await admin.close();
    }
  };
  const [{ version }] = await withServer((admin) =>
    admin.query<{ version: string }>(`SELECT current_setting('server_version_num') AS version`),
  );
  const nameOf = (key: string) => `${SERVER_PREFIX}${key.slice(0, 40)}`;
  const noteUse = (admin: PgDatabase, name: string) =>
    admin.query(`COMMENT ON DATABASE ${quoteIdentifier(name)} IS ${quoteLiteral(`${USED} ${Date.now()}`)}`);
  return {
    engine: 'postgresql',
    engineVersion: `server ${version}`,
    start: (key) =>
      withServer(async (admin) => {
        const name = nameOf(key);
        if (!(await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).length) return undefined;
        await noteUse(admin, name);
        return { template: name };
      }),
    keep: async (key, database) => {
      if (!(database instanceof PgDatabase)) throw new Error('a server prefix keeps a server database');
      await database.copyAs(nameOf(key));
      await withServer(async (admin) => {
        await noteUse(admin, nameOf(key));
        const unused = await admin.query<{ datname: string }>(
          `SELECT datname FROM pg_database
            WHERE starts_with(datname, $1)
            ORDER BY coalesce(substring(shobj_description(oid, 'pg_database') FROM $2)::bigint, 0) DESC, oid DESC
           OFFSET ${SERVER_DATABASES}`,
          [SERVER_PREFIX, `^${USED} (\\d+)$`],
        );
        // One that another run is copying at this moment is left to a later run.
        for (const { datname } of unused) await admin.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(datname)}`).catch(() => undefined);
      });
      return new Map();
    },
  };
}
