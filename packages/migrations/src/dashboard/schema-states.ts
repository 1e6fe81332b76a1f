import { attributeChanges, erDiagram } from '../core/docs/er-diagram';
import { makeSchemaCompatible, type SchemaFile } from '../core/schema-compat';
import { configBlocks } from '../core/schema/config-blocks';
import { type Datamodel, readDatamodel } from '../core/schema/datamodel';
import { createdExtensions } from '../core/sql/extensions';
import { PgliteDatabase } from '../db/pglite-database';
import { MigrationEngine } from '../engine/migration-engine';
import { knownPreviewFeatures } from '../engine/preview-features';
import { applyExistingHistory } from '../runner/apply-migrations';
import type { MigrationHistory } from '../store/migration-store';
import type { MigrationDiagrams } from './venture-view';

const EMPTY: Datamodel = { models: [], enums: [], indexes: [] };

/**
 * The schema after each migration of a history, read back by Prisma's introspection from a
 * scratch embedded database the history is applied to one migration at a time. Index i is the
 * state after migration i; a state that cannot be read holds the reason.
 */
export async function schemaStates(history: MigrationHistory, schema: SchemaFile[], configDir: string, cacheDir: string): Promise<Array<Datamodel | Error>> {
  const scratch = await PgliteDatabase.open({ extensions: history.migrations.flatMap((migration) => createdExtensions(migration.sql)), cacheDir });
  const config = configBlocks(schema);
  let engine: MigrationEngine | undefined;
  const states: Array<Datamodel | Error> = [];
  try {
    engine = await MigrationEngine.start(scratch);
    for (const [index, migration] of history.migrations.entries()) {
      try {
        await applyExistingHistory(scratch, history.migrations.slice(0, index + 1));
        states.push(readDatamodel(makeSchemaCompatible(await engine.introspect(config, configDir), knownPreviewFeatures()).files));
      } catch (error) {
        states.push(new Error(`the schema after ${migration.name} could not be read: ${(error as Error).message}`));
      }
    }
    return states;
  } finally {
    engine?.dispose();
    await scratch.close();
  }
}

/** The before/after diagrams of migration `index`, focused on the models it touched. */
export function migrationDiagrams(states: ReadonlyArray<Datamodel | Error>, index: number): MigrationDiagrams {
  const before = index === 0 ? EMPTY : states[index - 1];
  const after = states[index];
  const failed = [before, after].find((state): state is Error => state instanceof Error);
  if (failed || !after) return { before: '', after: '', changes: [], error: failed?.message ?? 'no such migration' };
  const marks = attributeChanges(before as Datamodel, after as Datamodel);
  const changes = [...marks.after, ...[...marks.before].filter(([, mark]) => mark === 'removed')].map(([key, change]) => {
    const [model, field] = key.split('.');
    return { model, field, change };
  });
  const models = (state: Datamodel) => new Set(state.models.map((model) => model.name));
  const [namesBefore, namesAfter] = [models(before as Datamodel), models(after as Datamodel)];
  const focus = [...new Set([...changes.map((change) => change.model), ...[...namesAfter].filter((name) => !namesBefore.has(name)), ...[...namesBefore].filter((name) => !namesAfter.has(name))])];
  return {
    before: erDiagram(before as Datamodel, focus.filter((name) => namesBefore.has(name)), marks.before),
    after: erDiagram(after as Datamodel, focus.filter((name) => namesAfter.has(name)), marks.after),
    changes,
  };
}
