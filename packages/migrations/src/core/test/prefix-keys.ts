import { createHash } from 'node:crypto';
import type { DownScript } from '../migration-folders';

/**
 * What, besides its migrations, decides the database a proof of migrations 1..k leaves and the
 * results it reports: the plugin that proved them, the database (kind and version) it ran on, and
 * the options that change results.
 */
export interface PrefixBasis {
  pluginVersion: string;
  engine: 'pglite' | 'postgresql';
  engineVersion: string;
  options: Record<string, string | number | boolean | undefined>;
}

/** The parts of a migration folder that decide what its proof leaves (not where the folder is). */
export interface ProvenMigration {
  name: string;
  sql: string;
  down?: DownScript;
  seedSql?: string;
  dataStep?: { source: string };
  approval?: string;
}

/**
 * Per k from 1 to n, the key of migrations 1..k proven on `basis`. Each key chains the one before
 * it: a change to a migration changes its key and every later one, never an earlier one, so the
 * longest prefix a later history shares with an earlier one is found key by key.
 */
export function prefixKeys(basis: PrefixBasis, migrations: readonly ProvenMigration[]): string[] {
  let chain = digest(['forge-migrations prefix 1', basis.pluginVersion, basis.engine, basis.engineVersion, sortedEntries(basis.options)]);
  return migrations.map(
    (migration) =>
      (chain = digest([
        chain,
        migration.name,
        migration.sql,
        migration.down ?? null,
        migration.seedSql ?? null,
        migration.dataStep?.source ?? null,
        migration.approval ?? null,
      ])),
  );
}

const digest = (parts: unknown[]) => createHash('sha256').update(JSON.stringify(parts)).digest('hex');

const sortedEntries = (options: PrefixBasis['options']) =>
  Object.entries(options)
    .filter(([, value]) => value !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
