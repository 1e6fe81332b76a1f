import { makeSchemaCompatible, type SchemaFile } from '../../core/schema-compat';
import { createdExtensions } from '../../core/sql/extensions';
import type { SqlParser } from '../../core/sql/parser';
import { knownPreviewFeatures } from '../engine/preview-features';
import { type MigrationHistory, readMigrationHistory } from './migration-store';
import { diskFiles, type ProjectFiles } from './project-files';
import { type PrismaLayout, resolvePrismaLayout } from './project-layout';

/** A venture as its files describe it: what every command starts from. */
export interface Venture {
  /** Absolute. */
  root: string;
  layout: PrismaLayout;
  history: MigrationHistory;
  /** The schema files as the installed schema engine reads them. */
  schema: SchemaFile[];
  /** What making the schema readable by the engine changed, for the user. */
  warnings: string[];
  /** The preview features the installed schema engine knows. */
  previewFeatures: string[];
  /** Any other version of the schema files, made readable by the engine the same way. */
  compatible: (files: SchemaFile[]) => SchemaFile[];
}

/** Find a venture's schema and migrations (see resolvePrismaLayout) and read them. */
export async function loadVenture(root: string, files: ProjectFiles = diskFiles): Promise<Venture> {
  const layout = await resolvePrismaLayout(root, files);
  const history = readMigrationHistory(layout.migrationsDir, files);
  const previewFeatures = knownPreviewFeatures();
  const schema = makeSchemaCompatible(layout.schemaFiles, previewFeatures);
  return {
    root: layout.projectRoot,
    layout,
    history,
    schema: schema.files,
    warnings: schema.warnings,
    previewFeatures,
    compatible: (other) => makeSchemaCompatible(other, previewFeatures).files,
  };
}

/** The extensions a history's migrations create, which its database must offer. */
export function historyExtensions(parser: SqlParser, history: MigrationHistory): string[] {
  return history.migrations.flatMap((migration) => createdExtensions(parser, migration.sql));
}
