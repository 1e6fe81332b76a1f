import type { Tree } from '@nx/devkit';
import path from 'node:path';
import { applyChanges } from '../core/changes/apply-changes';
import type { Change } from '../core/changes/change';
import { type ColumnSwap, splitUnsafeTypeChanges } from '../core/changes/column-swap';
import { deriveMigrationName } from '../core/changes/migration-name';
import { type ChangePlan, emptyPlan } from '../core/changes/change-plan';
import { migrationDocs, type MigrationDocs } from '../core/docs/migration-docs';
import { ForgeError } from '../core/errors';
import { MAX_MIGRATION_NAME_LENGTH, migrationChecksum, nextMigrationFolderName } from '../core/migration-folders';
import type { SchemaFile } from '../core/schema-compat';
import { analyzeMigration } from '../core/safety/analyze';
import type { ApprovalRecord } from '../core/safety/approval';
import type { AssessedFinding } from '../core/safety/impact';
import { type Datamodel, readDatamodel } from '../core/schema/datamodel';
import { dropSyncTrigger, swapColumns, syncTrigger } from '../core/sql/column-swap-sql';
import type { SqlParser } from '../core/sql/parser';
import { archiveTargets, describeTarget } from '../core/archive/archive-targets';
import { readStatements } from '../core/sql/statements';
import { resolveDatabaseUrl } from '../adapters/db/database-url';
import { defaultSnapshotCacheDir } from '../adapters/db/pglite-snapshot';
import { MIGRATION_GENERATOR_DEFAULTS } from '../defaults';
import { assessFindings, type ImpactSource } from './generate/assess-findings';
import { generateMigrationSql, type GeneratedSql } from './generate/generate-sql';
import { loadVenture, type Venture } from '../adapters/store/load-venture';
import type { MigrationHistory } from '../adapters/store/migration-store';
import type { PrismaLayout } from '../adapters/store/project-layout';
import { projectRootOf, treeFiles } from '../adapters/store/tree-files';
import type { MigrationGeneratorSchema } from '../generators/migration/schema';
import { approveDataLoss } from './generate/approve-data-loss';
import { columnTypeIn, enumValuesIn } from './generate/datamodel-lookups';
import { type LockServer, lockServerOf, withMeasuredLocks } from './generate/measure-locks';
import { readChangeRequest } from './generate/read-change-request';

/** A migration, generated and proven, not yet written. The safety analysis reads it here, before writing. */
export interface PreparedMigration {
  project: string;
  layout: PrismaLayout;
  /** Folder name: `<UTC timestamp>_<name>`. */
  folder: string;
  /** The schema files to write; none for the expand half of an expand/contract pair. */
  schemaFiles?: SchemaFile[];
  plan?: ChangePlan;
  sql: GeneratedSql;
  /** The safety analysis of migration.sql, with the live size of each table when a database is configured. */
  findings: AssessedFinding[];
  /** The approval of its data loss, when --allowDataLoss approved one. */
  approval?: ApprovalRecord;
  docs: MigrationDocs;
  /** Columns whose data the migration's data step copies (expand half of a type change). */
  swaps: ColumnSwap[];
}

interface Context {
  parser: SqlParser;
  tree: Tree;
  project: string;
  venture: Venture;
  now: Date;
  descriptor?: unknown;
  impactSource: ImpactSource;
  locks: LockServer;
}

/** One migration to prepare: its name, the schema before and after, and the plan that makes one from the other. */
interface Step {
  history: MigrationHistory;
  name: string;
  before: SchemaFile[];
  plan?: ChangePlan;
  after: SchemaFile[];
  swaps?: ColumnSwap[];
}

/**
 * The migrations a request makes: one, or for a type change that is not a safe cast, an expand
 * migration (new column, sync trigger, data step) and a contract migration (the swap).
 * `env` holds the variables the options name: the database to size tables in and the test server.
 */
export async function prepareMigrations(
  parser: SqlParser,
  tree: Tree,
  options: MigrationGeneratorSchema,
  env: NodeJS.ProcessEnv,
  now = new Date(),
): Promise<PreparedMigration[]> {
  const venture = await loadVenture(path.join(tree.root, projectRootOf(tree, options.project)), treeFiles(tree));
  const requested = readChangeRequest(tree, options);
  const impact = resolveDatabaseUrl(env, options.urlEnv ?? MIGRATION_GENERATOR_DEFAULTS.urlEnv);
  const test = resolveDatabaseUrl(env, options.testUrlEnv ?? MIGRATION_GENERATOR_DEFAULTS.testUrlEnv);
  const context: Context = {
    parser,
    tree,
    project: options.project,
    venture,
    now,
    descriptor: requested?.descriptor,
    impactSource: { url: impact.url, source: impact.urlEnv },
    locks: lockServerOf(test.url, test.urlEnv),
  };
  const current = venture.layout.schemaFiles;
  const request = requested?.request;
  const migrations = request
    ? await prepareChanges(context, request.changes, options.migrationName ?? request.migrationName ?? deriveMigrationName(request.changes))
    : [
        await prepareOne(context, {
          history: venture.history,
          name: options.migrationName ?? 'schema_changes',
          before: current,
          after: current,
        }),
      ];
  return approveDataLoss(tree, options.allowDataLoss, migrations);
}

/** The migration of a change request: one, or an expand/contract pair when a column's type cannot be cast in place. */
async function prepareChanges(context: Context, changes: Change[], name: string): Promise<PreparedMigration[]> {
  const { history, layout, previewFeatures, compatible } = context.venture;
  const current = layout.schemaFiles;
  const final = applyChanges(current, changes, previewFeatures);
  const { expand, swaps } = splitUnsafeTypeChanges(readDatamodel(compatible(current)), changes);
  if (swaps.length === 0) {
    return [await prepareOne(context, { history, name, before: current, plan: final.plan, after: final.files })];
  }

  // The data step runs between the two halves: migrate-test on PostgreSQL measures their locks.
  context.locks = {
    unmeasured:
      'Locks were not measured for this expand/contract pair: `migrate-test` on PostgreSQL measures them, with the data step run between.',
  };
  const expanded = applyChanges(current, expand, previewFeatures);
  expanded.plan.upAppendix.push(...swaps.flatMap(syncTrigger));
  expanded.plan.downAppendix.unshift(...swaps.flatMap(dropSyncTrigger));
  const expandStep = { history, name: `${name}_expand`, before: current, plan: expanded.plan, after: expanded.files, swaps };
  const first = await prepareOne(context, expandStep);
  const second = await prepareOne(context, {
    history: withMigration(history, first, layout.migrationsDir),
    name: `${name}_contract`,
    before: expanded.files,
    plan: contractPlan(final.plan, swaps, first.folder),
    after: final.files,
  });
  return [{ ...first, schemaFiles: undefined }, second];
}

/** Generate a migration's SQL, analyse it, measure its locks and write its docs. */
async function prepareOne(context: Context, step: Step): Promise<PreparedMigration> {
  const { parser, tree, venture } = context;
  const { history, name, before, plan, after, swaps = [] } = step;
  const sql = await generateMigrationSql({
    parser,
    history,
    schemaBefore: plan ? venture.compatible(before) : undefined,
    schemaAfter: venture.compatible(after),
    plan,
    configDir: venture.layout.projectRoot,
    cacheDir: defaultSnapshotCacheDir(tree.root),
  });
  const folder = folderName(context.now, name, history);
  const beforeModel = modelBefore(venture, step, sql);
  const assessed = await assessFindings(
    analyzeMigration({
      parser,
      migration: folder,
      sql: sql.up,
      columnType: columnTypeIn(beforeModel),
      enumValues: enumValuesIn(beforeModel),
    }),
    context.impactSource,
  );
  const { findings, lockEvidence } = await withMeasuredLocks(parser, context.locks, history, { name: folder, sql: sql.up }, assessed);
  const docs = migrationDocs({
    findings,
    lockEvidence,
    folder,
    project: context.project,
    migrationsPath: path.relative(tree.root, venture.layout.migrationsDir).split(path.sep).join('/'),
    createdAt: context.now,
    descriptor: context.descriptor,
    plan,
    before: beforeModel,
    after: readDatamodel(venture.compatible(after)),
    up: sql.up,
    down: sql.down,
    irreversible: sql.irreversible,
    archived: sql.irreversible.length ? [] : archiveTargets(readStatements(parser, sql.up)).map(describeTarget),
    nonTransactional: sql.nonTransactional,
    dataStep: swaps.length > 0,
  });
  return { project: context.project, layout: venture.layout, folder, schemaFiles: after, plan, sql, findings, docs, swaps };
}

function folderName(now: Date, name: string, history: MigrationHistory): string {
  const folder = nextMigrationFolderName(
    now,
    name,
    history.migrations.map((migration) => migration.name),
  );
  if (folder.length >= MAX_MIGRATION_NAME_LENGTH) {
    throw new ForgeError(
      'MIGRATION_NAME_INVALID',
      `The migration name "${name}" is too long for a folder name.`,
      `Give a --migrationName of at most ${MAX_MIGRATION_NAME_LENGTH - 30} characters.`,
    );
  }
  return folder;
}

/** The datamodel the migration starts from: the planned schema, else the one the history makes, else none. */
function modelBefore(venture: Venture, step: Step, sql: GeneratedSql): Datamodel {
  if (step.plan) return readDatamodel(venture.compatible(step.before));
  return sql.historySchema ? readDatamodel(venture.compatible(sql.historySchema)) : { models: [], enums: [], indexes: [] };
}

/** The history with a prepared (not yet written) migration after it. */
function withMigration(history: MigrationHistory, migration: PreparedMigration, migrationsDir: string): MigrationHistory {
  const { folder, sql } = migration;
  const written = { name: folder, dir: path.join(migrationsDir, folder), sql: sql.up, checksum: migrationChecksum(sql.up) };
  return { ...history, migrations: [...history.migrations, written] };
}

/** The contract half: swap the columns, then whatever else the final schema wants of them. */
function contractPlan(finalPlan: ChangePlan, swaps: ColumnSwap[], expandFolder: string): ChangePlan {
  const plan = emptyPlan();
  plan.upPrelude.push(...swaps.flatMap(swapColumns));
  plan.summary.push(
    ...swaps.map((swap) => `Swap ${swap.table}.${swap.column} (${swap.fromSql}) for its ${swap.toSql} copy made by ${expandFolder}`),
  );
  plan.irreversible.push(
    ...swaps.map((swap) => `the ${swap.fromSql} values of ${swap.table}.${swap.column} are dropped for their ${swap.toSql} copies`),
  );
  plan.breaking.push(...finalPlan.breaking);
  plan.affectedModels.push(...swaps.map((swap) => swap.model));
  return plan;
}
