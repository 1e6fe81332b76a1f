import path from 'node:path';
import { type HistoryHints, seedHintsDigest } from '../../core/seed-hints';
import { prefixKeys } from '../../core/test/prefix-keys';
import type { PgliteDatabase } from '../../adapters/db/pglite-database';
import { PGLITE_VERSION } from '../../adapters/db/pglite-snapshot';
import { PrefixStore } from '../../adapters/cache/prefix-store';
import type { MigrationFolder } from '../../adapters/store/migration-store';
import { pluginBuild } from '../../package-info';
import { decodeProofState, encodeProofState, type ProofState } from './proof-state';

/** The store's bound: the entries used longest ago go past it. */
const STORE_BYTES = 1024 * 1024 * 1024;
const DATA = 'data.tar.gz';
const STATE = 'state.bin';

/**
 * Proofs of the first migrations of a history on the embedded database, kept in the workspace's
 * cache folder (`prefixes/`): the data folder they left and where the proof stood. A run whose
 * history starts with a kept prefix starts from it and proves only what follows.
 */
export class ProvenPrefixes {
  private readonly store: PrefixStore;
  private readonly keys: string[];

  constructor(
    private readonly hints: HistoryHints,
    cacheDir: string,
    migrations: readonly MigrationFolder[],
    options: { strictData: boolean },
  ) {
    this.store = new PrefixStore(path.join(cacheDir, 'prefixes'), STORE_BYTES);
    // A data step may import any file of the workspace, which no key follows: its history is proven whole.
    this.keys = migrations.some((migration) => migration.dataStep)
      ? []
      : prefixKeys(
          { pluginVersion: pluginBuild(), engine: 'pglite', engineVersion: `${PGLITE_VERSION} v8 ${process.versions.v8}`, options },
          migrations,
        );
  }

  /**
   * The longest prefix kept whose rows this history would have seeded alike: the data folder to
   * start the database from, and where the proof stood.
   */
  async longest(): Promise<{ data: Blob; state: ProofState } | undefined> {
    let keys = this.keys;
    for (let found = await this.store.longest(keys); found; found = await this.store.longest(keys)) {
      const state = decodeProofState(found.files.get(STATE)!);
      if (state?.results.length === found.length && this.seededAlike(state)) {
        return { data: new Blob([new Uint8Array(found.files.get(DATA)!)]), state };
      }
      keys = keys.slice(0, found.length - 1);
    }
    return undefined;
  }

  private seededAlike(state: ProofState): boolean {
    return state.seedings.every((seeding, index) => seedHintsDigest(this.hints.before(index), seeding.tables) === seeding.hints);
  }

  /** Keep the proof of the first `state.results.length` migrations with the database they left. */
  async keep(database: PgliteDatabase, state: ProofState): Promise<void> {
    const key = this.keys[state.results.length - 1];
    if (key === undefined) return;
    const data = Buffer.from(await (await database.dumpDataDir()).arrayBuffer());
    await this.store.write(
      key,
      new Map([
        [DATA, data],
        [STATE, encodeProofState(state)],
      ]),
    );
  }
}
