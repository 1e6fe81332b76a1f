import { readProjectConfiguration, type Tree } from '@nx/devkit';
import path from 'node:path';
import { applyChanges } from '../../../core/changes/apply-changes';
import type { ChangePlan } from '../../../core/changes/plan';
import { deriveMigrationName } from '../../../core/changes/migration-name';
import { migrationDocs, type MigrationDocs } from '../../../core/docs/migration-docs';
import { ForgeError } from '../../../core/errors';
import { MAX_MIGRATION_NAME_LENGTH, nextMigrationFolderName } from '../../../core/migration-folders';
import { makeSchemaCompatible, type SchemaFile } from '../../../core/schema-compat';
import { readDatamodel } from '../../../core/schema/datamodel';
import { defaultSnapshotCacheDir } from '../../../db/pglite-snapshot';
import { knownPreviewFeatures } from '../../../engine/preview-features';
import { generateMigrationSql, type GeneratedSql } from '../../../runner/generate-migration';
import { type MigrationHistory, readMigrationHistory } from '../../../store/migration-store';
import { type PrismaLayout, resolvePrismaLayout } from '../../../store/project-layout';
import type { MigrationGeneratorSchema } from '../schema';
import { readChangeRequest } from './read-change-request';
import { treeFiles } from './tree-files';

/** A migration, generated and proven, not yet written. The safety analysis reads it here, before writing. */
export interface PreparedMigration {
  project: string;
  layout: PrismaLayout;
  history: MigrationHistory;
  /** Folder name: `<UTC timestamp>_<name>`. */
  folder: string;
  /** The schema files as they are to be written (unchanged in schema mode). */
  schemaFiles: SchemaFile[];
  plan?: ChangePlan;
  sql: GeneratedSql;
  docs: MigrationDocs;
}

export async function prepareMigration(tree: Tree, options: MigrationGeneratorSchema, now = new Date()): Promise<PreparedMigration> {
  const projectRoot = projectRootOf(tree, options.project);
  const files = treeFiles(tree);
  const layout = await resolvePrismaLayout(path.join(tree.root, projectRoot), files);
  const history = readMigrationHistory(layout.migrationsDir, files);
  const requested = readChangeRequest(tree, options);
  const previewFeatures = knownPreviewFeatures();
  const compatible = (schema: SchemaFile[]) => makeSchemaCompatible(schema, previewFeatures).files;

  const applied = requested ? applyChanges(layout.schemaFiles, requested.request.changes, previewFeatures) : undefined;
  const schemaFiles = applied?.files ?? layout.schemaFiles;
  const sql = await generateMigrationSql({
    history,
    schemaBefore: applied ? compatible(layout.schemaFiles) : undefined,
    schemaAfter: compatible(schemaFiles),
    plan: applied?.plan,
    configDir: layout.projectRoot,
    cacheDir: defaultSnapshotCacheDir(tree.root),
  });

  const name = options.migrationName ?? requested?.request.migrationName ?? (requested ? deriveMigrationName(requested.request.changes) : 'schema_changes');
  const folder = nextMigrationFolderName(now, name, history.migrations.map((migration) => migration.name));
  if (files.exists(path.join(layout.migrationsDir, folder))) {
    throw new ForgeError('MIGRATION_EXISTS', `The migration folder ${folder} already exists.`, 'Choose another --migrationName, or wait a second.');
  }
  if (folder.length >= MAX_MIGRATION_NAME_LENGTH) {
    throw new ForgeError('MIGRATION_NAME_INVALID', `The migration name "${name}" is too long for a folder name.`, `Give a --migrationName of at most ${MAX_MIGRATION_NAME_LENGTH - 15} characters.`);
  }
  const after = applied?.datamodel ?? readDatamodel(compatible(schemaFiles));
  const before = applied
    ? readDatamodel(compatible(layout.schemaFiles))
    : sql.historySchema
      ? readDatamodel(compatible(sql.historySchema))
      : { models: [], enums: [], indexes: [] };
  const docs = migrationDocs({
    folder,
    project: options.project,
    migrationsPath: path.relative(tree.root, layout.migrationsDir).split(path.sep).join('/'),
    createdAt: now,
    descriptor: requested?.descriptor,
    plan: applied?.plan,
    before,
    after,
    up: sql.up,
    down: sql.down,
    irreversible: sql.irreversible,
    nonTransactional: sql.nonTransactional,
  });
  return { project: options.project, layout, history, folder, schemaFiles, plan: applied?.plan, sql, docs };
}

function projectRootOf(tree: Tree, project: string): string {
  try {
    return readProjectConfiguration(tree, project).root;
  } catch {
    throw new ForgeError('PROJECT_NOT_FOUND', `There is no project "${project}" in this workspace.`, 'Run `nx show projects` to list them.');
  }
}
