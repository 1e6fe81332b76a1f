import { makeSchemaCompatible, type SchemaFile } from '../core/schema-compat';
import { configBlocks } from '../core/schema/config-blocks';
import { type Datamodel, readDatamodel } from '../core/schema/datamodel';
import { createdExtensions } from '../core/sql/extensions';
import type { SqlParser } from '../core/sql/parser';
import { PgliteDatabase } from '../adapters/db/pglite-database';
import { MigrationEngine } from '../adapters/engine/migration-engine';
import { knownPreviewFeatures } from '../adapters/engine/preview-features';
import { applyExistingHistory } from './shared/apply-migrations';
import type { MigrationHistory } from '../adapters/store/migration-store';
import { AppliedPrefixes, keptSchemaPrefix } from './shared/embedded-prefixes';

/** The schema after migration i of a history (i: its index), or why it could not be read. */
export type SchemaStates = ReadonlyMap<number, Datamodel | Error>;

/**
 * The schema after the migrations `wanted` names (indexes into the history), read back by
 * Prisma's introspection from a scratch embedded database the history is applied to, one
 * migration at a time and no further than the last one wanted. The scratch database starts from
 * the longest prefix kept (by migrate-test, or applied by the generator) that ends at or before
 * the first state wanted (after a migrate-test run, the newest migration's diagrams apply one
 * migration, not the history); what it applied is kept in turn when that took long.
 */
export async function schemaStates(
  parser: SqlParser,
  history: MigrationHistory,
  schema: SchemaFile[],
  configDir: string,
  cacheDir: string,
  wanted?: ReadonlySet<number>,
): Promise<SchemaStates> {
  const started = performance.now();
  const last = wanted ? Math.max(-1, ...wanted) : history.migrations.length - 1;
  const first = wanted ? Math.min(last, ...wanted) : 0;
  // A store that cannot be read is no prefix: the history is applied from the start.
  const prefix = await keptSchemaPrefix(cacheDir, history.migrations, first + 1).catch(() => undefined);
  const extensions = history.migrations.flatMap((migration) => createdExtensions(parser, migration.sql));
  const open = (snapshot?: Blob) => PgliteDatabase.open({ extensions, cacheDir, snapshot });
  let withRows = prefix?.applied === false;
  const scratch = await open(prefix?.snapshot).catch((error: unknown) => {
    if (!prefix) throw error;
    withRows = false;
    return open();
  });
  const config = configBlocks(schema);
  let engine: MigrationEngine | undefined;
  const states = new Map<number, Datamodel | Error>();
  try {
    engine = await MigrationEngine.start(scratch);
    for (const [index, migration] of history.migrations.slice(0, last + 1).entries()) {
      if (wanted && !wanted.has(index)) continue;
      try {
        await applyExistingHistory(parser, scratch, history.migrations.slice(0, index + 1));
        states.set(index, readDatamodel(makeSchemaCompatible(await engine.introspect(config, configDir), knownPreviewFeatures()).files));
      } catch (error) {
        states.set(index, new Error(`the schema after ${migration.name} could not be read: ${(error as Error).message}`));
      }
    }
    // The history applied up to the last state, with no rows of migrate-test's: kept for the next reader.
    const whole = [...states.values()].every((state) => !(state instanceof Error));
    if (whole && !withRows) await AppliedPrefixes.of(cacheDir, history.migrations).keepIfSlow(scratch, last + 1, started);
    return states;
  } finally {
    engine?.dispose();
    await scratch.close();
  }
}
