import { logger, type Tree } from '@nx/devkit';
import path from 'node:path';
import { applyChanges } from '../../../core/changes/apply-changes';
import { type ColumnSwap, splitUnsafeTypeChanges } from '../../../core/changes/expand-contract';
import { deriveMigrationName } from '../../../core/changes/migration-name';
import { type ChangePlan, emptyPlan } from '../../../core/changes/plan';
import { migrationDocs, type MigrationDocs } from '../../../core/docs/migration-docs';
import { ForgeError } from '../../../core/errors';
import { MAX_MIGRATION_NAME_LENGTH, migrationChecksum, nextMigrationFolderName } from '../../../core/migration-folders';
import { makeSchemaCompatible, type SchemaFile } from '../../../core/schema-compat';
import { blockingFindings, analyzeMigration } from '../../../core/safety/analyze';
import { type ApprovalRecord, approvalRecord } from '../../../core/safety/approval';
import { type AssessedFinding, describeImpact } from '../../../core/safety/impact';
import { columnName, type Datamodel, readDatamodel, tableName } from '../../../core/schema/datamodel';
import { sqlType } from '../../../core/sql/prisma-types';
import { assessFindings, type ImpactSource } from '../../../runner/assess-findings';
import { approver } from '../../shared/approver';
import { describeLock } from '../../../core/lock-modes';
import { withLockEvidence } from '../../../core/safety/lock-evidence';
import { measureLocks } from '../../../runner/measure-locks';
import { dropSyncTrigger, swapColumns, syncTrigger } from '../../../core/sql/expand-contract';
import { MIGRATION_GENERATOR_DEFAULTS } from '../../../defaults';
import { defaultSnapshotCacheDir } from '../../../db/pglite-snapshot';
import { knownPreviewFeatures } from '../../../engine/preview-features';
import { generateMigrationSql, type GeneratedSql } from '../../../runner/generate-migration';
import { type MigrationHistory, readMigrationHistory } from '../../../store/migration-store';
import { type PrismaLayout, resolvePrismaLayout } from '../../../store/project-layout';
import type { MigrationGeneratorSchema } from '../schema';
import { readChangeRequest } from './read-change-request';
import { projectRootOf, treeFiles } from '../../shared/tree-files';

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
  impactSource: ImpactSource;
  /** A PostgreSQL server to measure the new migration's locks on, or why they are not measured. */
  locks: { server: { url: string; source: string } } | { unmeasured: string };
  tree: Tree;
  project: string;
  layout: PrismaLayout;
  now: Date;
  descriptor?: unknown;
  compatible: (schema: SchemaFile[]) => SchemaFile[];
}

/**
 * The migrations a request makes: one, or for a type change that is not a safe cast, an expand
 * migration (new column, sync trigger, data step) and a contract migration (the swap).
 */
export async function prepareMigrations(tree: Tree, options: MigrationGeneratorSchema, now = new Date()): Promise<PreparedMigration[]> {
  const projectRoot = projectRootOf(tree, options.project);
  const files = treeFiles(tree);
  const layout = await resolvePrismaLayout(path.join(tree.root, projectRoot), files);
  const history = readMigrationHistory(layout.migrationsDir, files);
  const requested = readChangeRequest(tree, options);
  const previewFeatures = knownPreviewFeatures();
  const urlEnv = options.urlEnv ?? MIGRATION_GENERATOR_DEFAULTS.urlEnv;
  const context: Context = {
    impactSource: { url: process.env[urlEnv] || undefined, source: urlEnv },
    locks: lockServerOf(options.testUrlEnv ?? MIGRATION_GENERATOR_DEFAULTS.testUrlEnv),
    tree,
    project: options.project,
    layout,
    now,
    descriptor: requested?.descriptor,
    compatible: (schema) => makeSchemaCompatible(schema, previewFeatures).files,
  };
  if (!requested) return approve(tree, options, [await prepareOne(context, history, options.migrationName ?? 'schema_changes', layout.schemaFiles, undefined, layout.schemaFiles)]);

  const changes = requested.request.changes;
  const name = options.migrationName ?? requested.request.migrationName ?? deriveMigrationName(changes);
  const final = applyChanges(layout.schemaFiles, changes, previewFeatures);
  const { expand, swaps } = splitUnsafeTypeChanges(readDatamodel(context.compatible(layout.schemaFiles)), changes);
  if (swaps.length === 0) return approve(tree, options, [await prepareOne(context, history, name, layout.schemaFiles, final.plan, final.files)]);

  // The data step runs between the two halves: migrate-test on PostgreSQL measures their locks.
  context.locks = { unmeasured: 'Locks were not measured for this expand/contract pair: `migrate-test` on PostgreSQL measures them, with the data step run between.' };
  const expanded = applyChanges(layout.schemaFiles, expand, previewFeatures);
  expanded.plan.upAppendix.push(...swaps.flatMap(syncTrigger));
  expanded.plan.downAppendix.unshift(...swaps.flatMap(dropSyncTrigger));
  const first = await prepareOne(context, history, `${name}_expand`, layout.schemaFiles, expanded.plan, expanded.files, swaps);
  const withFirst: MigrationHistory = {
    ...history,
    migrations: [...history.migrations, { name: first.folder, dir: path.join(layout.migrationsDir, first.folder), sql: first.sql.up, checksum: migrationChecksum(first.sql.up) }],
  };
  const second = await prepareOne(context, withFirst, `${name}_contract`, expanded.files, contractPlan(final.plan, swaps, first.folder), final.files);
  return approve(tree, options, [{ ...first, schemaFiles: undefined }, second]);
}

/**
 * The safety gate: a destructive finding (not waived in the SQL) stops the generator unless
 * --allowDataLoss approves it, which records the approval beside the migration.
 */
function approve(tree: Tree, options: MigrationGeneratorSchema, migrations: PreparedMigration[]): PreparedMigration[] {
  const blocking = migrations.flatMap((migration) => blockingFindings(migration.findings).map((finding) => ({ migration, finding: finding as AssessedFinding })));
  if (blocking.length === 0) return migrations;
  if (!options.allowDataLoss) {
    throw new ForgeError(
      'DATA_LOSS_NOT_APPROVED',
      `The migration would lose data, so nothing was written:\n${blocking
        .map(({ finding }) => `  ${finding.code} ${finding.migration} line ${finding.line}: ${finding.message} (${describeImpact(finding.impact)})`)
        .join('\n')}`,
      'If the loss is intended, run again with --allowDataLoss: the approval (who, when, which codes) is recorded with the migration.',
    );
  }
  const who = approver(tree.root);
  const now = new Date();
  return migrations.map((migration) => {
    const findings = blockingFindings(migration.findings);
    if (findings.length === 0) return migration;
    const approval = approvalRecord(migration.sql.up, findings, who, now);
    return { ...migration, approval, docs: { ...migration.docs, approval: `Data loss approved by ${who} on ${approval.approvedAt} (${approval.codes.join(', ')}), recorded in approval.json for this exact migration.sql.` } };
  });
}

async function prepareOne(
  context: Context,
  history: MigrationHistory,
  name: string,
  before: SchemaFile[],
  plan: ChangePlan | undefined,
  after: SchemaFile[],
  swaps: ColumnSwap[] = [],
): Promise<PreparedMigration> {
  const { tree, layout, compatible } = context;
  const sql = await generateMigrationSql({
    history,
    schemaBefore: plan ? compatible(before) : undefined,
    schemaAfter: compatible(after),
    plan,
    configDir: layout.projectRoot,
    cacheDir: defaultSnapshotCacheDir(tree.root),
  });
  const folder = nextMigrationFolderName(context.now, name, history.migrations.map((migration) => migration.name));
  if (folder.length >= MAX_MIGRATION_NAME_LENGTH) {
    throw new ForgeError('MIGRATION_NAME_INVALID', `The migration name "${name}" is too long for a folder name.`, `Give a --migrationName of at most ${MAX_MIGRATION_NAME_LENGTH - 30} characters.`);
  }
  const beforeModel: Datamodel = plan
    ? readDatamodel(compatible(before))
    : sql.historySchema
      ? readDatamodel(compatible(sql.historySchema))
      : { models: [], enums: [], indexes: [] };
  const assessed = await assessFindings(
    analyzeMigration({ migration: folder, sql: sql.up, columnType: columnTypeIn(beforeModel), enumValues: enumValuesIn(beforeModel) }),
    context.impactSource,
  );
  const { findings, lockEvidence } = await withMeasuredLocks(context, history, { name: folder, sql: sql.up }, assessed);
  const docs = migrationDocs({
    findings,
    lockEvidence,
    folder,
    project: context.project,
    migrationsPath: path.relative(tree.root, layout.migrationsDir).split(path.sep).join('/'),
    createdAt: context.now,
    descriptor: context.descriptor,
    plan,
    before: beforeModel,
    after: readDatamodel(compatible(after)),
    up: sql.up,
    down: sql.down,
    irreversible: sql.irreversible,
    nonTransactional: sql.nonTransactional,
    dataStep: swaps.length > 0,
  });
  return { project: context.project, layout, folder, schemaFiles: after, plan, sql, findings, docs, swaps };
}

/** The contract half: swap the columns, then whatever else the final schema wants of them. */
function contractPlan(finalPlan: ChangePlan, swaps: ColumnSwap[], expandFolder: string): ChangePlan {
  const plan = emptyPlan();
  plan.upPrelude.push(...swaps.flatMap(swapColumns));
  plan.summary.push(...swaps.map((swap) => `Swap ${swap.table}.${swap.column} (${swap.fromSql}) for its ${swap.toSql} copy made by ${expandFolder}`));
  plan.irreversible.push(...swaps.map((swap) => `the ${swap.fromSql} values of ${swap.table}.${swap.column} are dropped for their ${swap.toSql} copies`));
  plan.breaking.push(...finalPlan.breaking);
  plan.affectedModels.push(...swaps.map((swap) => swap.model));
  return plan;
}

/** The SQL type of a column (by table and column name) in a datamodel. */
function columnTypeIn(datamodel: Datamodel): (table: string, column: string) => string | undefined {
  const enums = datamodel.enums.map((e) => e.name);
  return (table, column) => {
    const model = datamodel.models.find((m) => tableName(m) === table);
    const field = model?.fields.find((f) => columnName(f) === column && f.kind !== 'object');
    return field ? sqlType(`${field.type}${field.isList ? '[]' : ''}`, field.nativeType, enums) : undefined;
  };
}

function enumValuesIn(datamodel: Datamodel): (type: string) => string[] | undefined {
  return (type) => datamodel.enums.find((e) => e.name === type)?.values.map((v) => v.dbName ?? v.name);
}


function lockServerOf(variable: string): Context['locks'] {
  const url = process.env[variable];
  return url ? { server: { url, source: variable } } : { unmeasured: `Locks were not measured: set ${variable} to a PostgreSQL server to see the locks this migration takes.` };
}

/** The locks the new migration takes, next to its findings: measured on a throwaway database of the test server when there is one. */
async function withMeasuredLocks(
  context: Context,
  history: MigrationHistory,
  migration: { name: string; sql: string },
  findings: AssessedFinding[],
): Promise<{ findings: Array<AssessedFinding & { evidence?: string }>; lockEvidence: string }> {
  if ('unmeasured' in context.locks) return { findings, lockEvidence: context.locks.unmeasured };
  const measured = await measureLocks(context.locks.server, history, migration);
  if ('failure' in measured) {
    logger.warn(`${migration.name}: on PostgreSQL, over a representative row in every table, the migration fails: ${measured.failure}`);
    return { findings, lockEvidence: `On PostgreSQL, over a representative row in every table, this migration fails: ${measured.failure}` };
  }
  const strongest = measured.locks.map(describeLock);
  return {
    findings: withLockEvidence(findings, measured),
    lockEvidence: `Locks observed on PostgreSQL (a throwaway database holding the history and a representative row in every table): ${strongest.length ? strongest.join('; ') : 'none on existing tables'}.`,
  };
}
