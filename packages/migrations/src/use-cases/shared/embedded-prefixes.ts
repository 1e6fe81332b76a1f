import path from 'node:path';
import { type PrefixBasis, prefixKeys, type ProvenMigration } from '../../core/test/prefix-keys';
import { PrefixStore } from '../../adapters/cache/prefix-store';
import { PgliteDatabase } from '../../adapters/db/pglite-database';
import { PGLITE_VERSION } from '../../adapters/db/pglite-snapshot';
import type { MigrationFolder } from '../../adapters/store/migration-store';
import { pluginBuild } from '../../package-info';

/** The store's bound: the entries used longest ago go past it. */
const STORE_BYTES = 1024 * 1024 * 1024;
/** Uncompressed: unpacking is most of a kept prefix's start (a second of trigger.dev's, gzipped). */
const DATA = 'data.tar';

/**
 * What the store of a workspace keeps of histories' first migrations on the embedded database:
 * migrate-test's proofs (the database with its representative rows, keyed by the options that
 * change results) and the databases scratch work applied them to (`{ applied: true }`: no rows
 * but those the migrations insert). Each kind is keyed apart; all share `prefixes/` and its bound.
 */
export const prefixStore = (cacheDir: string) => new PrefixStore(path.join(cacheDir, 'prefixes'), STORE_BYTES);

export const EMBEDDED_ENGINE = { engine: 'pglite', engineVersion: `${PGLITE_VERSION} v8 ${process.versions.v8}` } as const;

/** The keys of a history's prefixes on the embedded database with `options`. */
export function embeddedKeys(options: PrefixBasis['options'], migrations: readonly ProvenMigration[]): string[] {
  return prefixKeys({ pluginVersion: pluginBuild(), ...EMBEDDED_ENGINE, options }, migrations);
}

/** An entry's data folder, to start a database from. */
export function keptSnapshot(files: ReadonlyMap<string, Buffer>): Blob | undefined {
  const data = files.get(DATA);
  // A file's bytes, never a shared buffer; copied once, into the Blob (a copy more is a tenth of a second).
  return data && new Blob([data as Uint8Array<ArrayBuffer>]);
}

/** The files of an entry that keep the embedded database as it is now. */
export async function keptFiles(database: PgliteDatabase): Promise<Map<string, Buffer>> {
  return new Map([[DATA, Buffer.from(await (await database.dumpDataDir('none')).arrayBuffer())]]);
}

/** The keys of a history's prefixes applied to an empty embedded database: only their SQL decides what that leaves. */
function appliedKeys(migrations: readonly MigrationFolder[]): string[] {
  return embeddedKeys(
    { applied: true },
    migrations.map(({ name, sql }) => ({ name, sql })),
  );
}

/**
 * The longest prefix of `migrations`, `upTo` of them at most, kept on the embedded database of
 * either kind: its data folder holds the schema after them (migrate-test's also representative
 * rows, which no reader of the schema sees: `applied` says it has none), for a scratch database
 * to go on from, as the dashboard's diagrams do.
 */
export async function keptSchemaPrefix(
  cacheDir: string,
  migrations: readonly MigrationFolder[],
  upTo: number,
): Promise<{ snapshot: Blob; length: number; applied: boolean } | undefined> {
  if (migrations.some((migration) => migration.dataStep)) return undefined;
  const store = prefixStore(cacheDir);
  let longest: { length: number; files: ReadonlyMap<string, Buffer>; applied: boolean } | undefined;
  const wanted = migrations.slice(0, upTo);
  // migrate-test's proofs, with either strictData, and histories applied.
  const kinds = [
    { keys: embeddedKeys({ strictData: false }, wanted), applied: false },
    { keys: embeddedKeys({ strictData: true }, wanted), applied: false },
    { keys: appliedKeys(wanted), applied: true },
  ];
  for (const { keys, applied } of kinds) {
    // Only an entry longer than the one found already is read (each is tens of MB, checksummed).
    const found = await store.longest(keys, longest?.length);
    if (found) longest = { ...found, applied };
  }
  const snapshot = longest && keptSnapshot(longest.files);
  return snapshot && { snapshot, length: longest!.length, applied: longest!.applied };
}

/**
 * A history applied to an empty embedded database, kept: work on a scratch database that needs
 * the whole history applied first (the generator's proof) starts from the longest prefix kept,
 * and keeps its own when applying the rest took long enough to be worth a data folder on disk.
 */
export class AppliedPrefixes {
  /** Below this, applying is about as fast as writing the data folder and reading it back (specs set it to 0). */
  static worthKeepingMs = 2000;

  private constructor(
    private readonly store: PrefixStore,
    private readonly keys: readonly string[],
  ) {}

  /** None for a history with a data step, which may import any file of the workspace (no key follows it). */
  static of(cacheDir: string, migrations: readonly MigrationFolder[]): AppliedPrefixes {
    const keys = migrations.some((migration) => migration.dataStep) ? [] : appliedKeys(migrations);
    return new AppliedPrefixes(prefixStore(cacheDir), keys);
  }

  /**
   * A scratch database started from the longest prefix kept, of `upTo` migrations at most, and how
   * many migrations it holds applied; an empty one when none is kept, or the one kept cannot be
   * read or started (the caller applies them all).
   */
  async openScratch(
    options: { extensions: readonly string[]; cacheDir: string },
    upTo = this.keys.length,
  ): Promise<{ database: PgliteDatabase; applied: number }> {
    const found = await this.store.longest(this.keys.slice(0, upTo)).catch(() => undefined);
    const snapshot = found && keptSnapshot(found.files);
    if (snapshot) {
      const database = await PgliteDatabase.open({ ...options, snapshot }).catch(() => undefined);
      if (database) return { database, applied: found!.length };
    }
    return { database: await PgliteDatabase.open(options), applied: 0 };
  }

  /**
   * Keep the database as it is now, the first `length` migrations applied, when applying them
   * took long since `startedAt` (performance.now()). A store that cannot be written costs the next
   * run its speed, never this one its result.
   */
  async keepIfSlow(database: PgliteDatabase, length: number, startedAt: number): Promise<void> {
    const key = this.keys[length - 1];
    if (key === undefined || performance.now() - startedAt < AppliedPrefixes.worthKeepingMs || this.store.has(key)) return;
    await keptFiles(database)
      .then((files) => this.store.write(key, files))
      .catch(() => undefined);
  }
}
