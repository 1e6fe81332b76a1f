import type { ChangePlan } from '../../core/changes/change-plan';
import { ForgeError } from '../../core/errors';
import { compareFingerprints, describeDifference, isSameSchema } from '../../core/fingerprint';
import type { SchemaFile } from '../../core/schema-compat';
import { datasourceSchemas } from '../../core/schema/config-blocks';
import { indexInverse } from '../../core/sql/catalog-inverse';
import { irreversibleDown, makeIndexesConcurrent } from '../../core/sql/ddl';
import { archiveTargets } from '../../core/archive/archive-targets';
import { recreateNullable } from '../../core/archive/recreate-nullable';
import { readStatements } from '../../core/sql/statements';
import { createdExtensions } from '../../core/sql/extensions';
import type { SqlParser } from '../../core/sql/parser';
import { runsInOneTransaction } from '../../core/sql/transactions';
import { alterColumnType } from '../../core/sql/type-change';
import type { Database } from '../../adapters/db/database';
import { MigrationEngine, type SchemaSource } from '../../adapters/engine/migration-engine';
import { toEngineMigrationList } from '../../adapters/engine/migration-list';
import type { MigrationHistory } from '../../adapters/store/migration-store';
import { applyExistingHistory } from '../shared/apply-migrations';
import { AppliedPrefixes } from '../shared/embedded-prefixes';
import { fingerprintSchema } from '../shared/catalog-fingerprint';

export interface GenerationInput {
  parser: SqlParser;
  history: MigrationHistory;
  /** The schema before the change, as the engine reads it; absent in schema mode (the history is "before"). */
  schemaBefore?: SchemaFile[];
  /** The schema after the change, as the engine reads it. */
  schemaAfter: SchemaFile[];
  /** What the changes mean beyond the schema; absent in schema mode. */
  plan?: ChangePlan;
  configDir: string;
  cacheDir: string;
}

export interface GeneratedSql {
  up: string;
  down: string;
  /** Reasons the down script refuses to run, when it does. */
  irreversible: string[];
  /** Statements that must run outside a transaction block (the plan shows it). */
  nonTransactional: boolean;
  /** Schema mode: the schema the history makes, read back from the scratch database (for the docs); none for an empty history. */
  historySchema?: SchemaFile[];
}

/**
 * The SQL of a new migration, proven before anything is written: on a scratch embedded database
 * holding the existing history, the up script is built (Prisma's engine diff, with the intent
 * fix-ups around it) and applied; the down script is built the same way in reverse and applied,
 * and the schema fingerprint must then equal the one before; the up script, as it will be
 * written, is applied again and must give the same schema as the first time.
 */
export async function generateMigrationSql(input: GenerationInput): Promise<GeneratedSql> {
  const { parser, plan } = input;
  const scratch = await scratchWithHistory(parser, input.history, plan?.upAppendix ?? [], input.cacheDir);
  let engine: MigrationEngine | undefined;
  try {
    engine = await MigrationEngine.start(scratch);
    const database: SchemaSource = { kind: 'database', files: input.schemaAfter, configDir: input.configDir };
    const before: SchemaSource = input.schemaBefore
      ? { kind: 'schema', files: input.schemaBefore }
      : input.history.migrations.length
        ? { kind: 'migrations', list: toEngineMigrationList(input.history, input.history.migrations) }
        : { kind: 'empty' };

    if (input.schemaBefore) {
      const pending = await engine.diff(database, before);
      if (pending) {
        throw new ForgeError(
          'SCHEMA_AHEAD_OF_MIGRATIONS',
          `schema.prisma and the migration history differ: the history would need this SQL to match schema.prisma:\n${indent(pending)}`,
          'Generate a migration for the edits made by hand first (the generator without a change), or bring schema.prisma in line with the migrations.',
        );
      }
    }
    const schemaBefore = await fingerprintSchema(scratch);
    const historySchema =
      input.schemaBefore || input.history.migrations.length === 0 ? undefined : await engine.introspect(input.schemaAfter, input.configDir);

    // Up: the fix-ups before the engine's diff, the diff, what the schema cannot express. Without
    // fix-ups the database is exactly the old schema, so the diff can be taken between the two
    // schema files (no introspection).
    const upPrelude = [...(plan?.upPrelude ?? []), ...(plan?.typeChanges ?? []).map((change) => alterColumnType(change, 'up'))];
    const after: SchemaSource = { kind: 'schema', files: input.schemaAfter };
    const fixedUp = upPrelude.length > 0;
    await run(scratch, upPrelude.join('\n'), 'the up fix-ups');
    const upFrom = fixedUp || !input.schemaBefore ? database : before;
    const upBody = makeIndexesConcurrent(await engine.diff(upFrom, after), plan?.concurrentIndexes ?? []);
    await run(scratch, upBody, "the engine's up script");
    await run(scratch, (plan?.upAppendix ?? []).join('\n'), 'the raw SQL');
    const up = composeScript([
      ['Intent fix-ups: renames and type changes Prisma would write as drop + add', upPrelude],
      ['', [upBody.trim()]],
      ['What the Prisma schema cannot express', plan?.upAppendix ?? []],
    ]);
    if (!up.trim()) {
      throw new ForgeError(
        'NO_CHANGES',
        'There is nothing to migrate: the schema already matches the migration history.',
        'Edit schema.prisma, or pass a change (--changeType, --descriptor).',
      );
    }
    const schemaAfter = await fingerprintSchema(scratch);
    if (fixedUp) {
      const leftOver = await engine.diff(database, after);
      if (leftOver) throw proofFailed(`after the up script, the database still differs from the new schema:\n${indent(leftOver)}`);
    }

    const nonTransactional = !runsInOneTransaction(parser, up);
    const irreversible = plan?.irreversible ?? [];
    if (irreversible.length > 0) return { up, down: irreversibleDown(irreversible), irreversible, nonTransactional, historySchema };

    // Down: undo the raw SQL, reverse the fix-ups, build back the indexes the engine may not
    // express, then the engine's diff back to the old schema.
    const indexes = indexInverse(schemaBefore, schemaAfter, datasourceSchemas(input.schemaAfter));
    const downPrelude = [...(plan?.typeChanges ?? []).map((change) => alterColumnType(change, 'down')), ...(plan?.downPrelude ?? [])];
    await run(scratch, (plan?.downAppendix ?? []).join('\n'), 'the raw down SQL');
    await run(scratch, downPrelude.join('\n'), 'the down fix-ups');
    const indexesBack = [...indexes.beforeDiff, ...indexes.afterRenames];
    await run(scratch, indexesBack.join('\n'), 'the index re-creations');
    const fixedDown = downPrelude.length > 0 || indexesBack.length > 0 || (plan?.downAppendix.length ?? 0) > 0;
    const downFrom = fixedDown || !input.schemaBefore ? database : after;
    const engineDown = makeIndexesConcurrent(await engine.diff(downFrom, before), plan?.concurrentIndexes ?? []);
    // What the up drops comes back from its archive: the columns it re-adds take their values first.
    const downBody = engineDown.trim()
      ? recreateNullable(engineDown, readStatements(parser, engineDown), archiveTargets(readStatements(parser, up)))
      : engineDown;
    await run(scratch, downBody, "the engine's down script");
    await run(scratch, indexes.afterDiff.join('\n'), 'the index re-creations');
    const down = composeScript([
      ['Undo what the Prisma schema cannot express', plan?.downAppendix ?? []],
      ['Reverse the intent fix-ups', downPrelude],
      ['Indexes as they were, which the engine may not build back exactly', indexesBack],
      ['', [downBody.trim()]],
      ['Indexes as they were, once their tables are back', indexes.afterDiff],
    ]);
    const restored = compareFingerprints(schemaBefore, await fingerprintSchema(scratch));
    if (!isSameSchema(restored))
      throw proofFailed(`the down script does not restore the schema:\n${indent(describeDifference(restored).join('\n'))}`);

    await run(scratch, up, 'the up script, again');
    const again = compareFingerprints(schemaAfter, await fingerprintSchema(scratch));
    if (!isSameSchema(again))
      throw proofFailed(`the up script gives another schema the second time:\n${indent(describeDifference(again).join('\n'))}`);
    return { up, down, irreversible: [], nonTransactional, historySchema };
  } finally {
    engine?.dispose();
    await scratch.close();
  }
}

/**
 * An embedded database with the existing history applied, and the extensions it and the new SQL
 * create: started from the longest prefix of the history kept applied (see AppliedPrefixes), the
 * rest applied, and kept in turn when that took long.
 */
async function scratchWithHistory(parser: SqlParser, history: MigrationHistory, extraSql: string[], cacheDir: string): Promise<Database> {
  const extensions = [...history.migrations.map((m) => m.sql), ...extraSql].flatMap((sql) => createdExtensions(parser, sql));
  const prefixes = AppliedPrefixes.of(cacheDir, history.migrations);
  const { database: scratch } = await prefixes.openScratch({ extensions, cacheDir });
  try {
    const started = performance.now();
    await applyExistingHistory(parser, scratch, history.migrations);
    await prefixes.keepIfSlow(scratch, history.migrations.length, started);
    return scratch;
  } catch (error) {
    await scratch.close();
    throw error;
  }
}

async function run(database: Database, sql: string, what: string): Promise<void> {
  if (!sql.trim()) return;
  try {
    await database.executeScript(sql);
  } catch (error) {
    throw proofFailed(`${what} fails on a database holding the migration history: ${(error as Error).message}`);
  }
}

function proofFailed(message: string): ForgeError {
  return new ForgeError(
    'PROOF_FAILED',
    `The generated migration was not proven, so nothing was written: ${message}`,
    'Adjust the change (see the SQL above); nothing was written.',
  );
}

/** Sections of SQL, each under a comment, empty ones left out. */
function composeScript(sections: Array<[string, string[]]>): string {
  return sections
    .map(([title, statements]) => {
      const body = statements
        .map((statement) => statement.trim())
        .filter(Boolean)
        .join('\n');
      if (!body) return '';
      return title ? `-- ${title}\n${body}\n` : `${body}\n`;
    })
    .filter(Boolean)
    .join('\n');
}

function indent(text: string): string {
  return text
    .trim()
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
}
