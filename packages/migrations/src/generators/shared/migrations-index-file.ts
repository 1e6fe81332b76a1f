import { readProjectConfiguration, type Tree } from '@nx/devkit';
import path from 'node:path';
import { migrationsIndex } from '../../core/docs/migrations-index';
import { databaseVersionMarkdown, schemaVersions } from '../../core/schema-version';
import type { SqlParser } from '../../core/sql/parser';
import { type MigrationHistory, readMigrationHistory } from '../../adapters/store/migration-store';
import { treeFiles } from '../../adapters/store/tree-files';

/** Regenerate a project's MIGRATIONS.md from every migration folder, as the tree holds them now. */
export function writeMigrationsIndex(parser: SqlParser, tree: Tree, project: string, migrationsDir: string): void {
  const relative = path.relative(tree.root, migrationsDir).split(path.sep).join('/');
  const history = readMigrationHistory(migrationsDir, treeFiles(tree));
  writeDatabaseVersion(parser, tree, project, history);
  const migrations = history.migrations.map((migration) => ({
    ...migration,
    readme: tree.read(`${relative}/${migration.name}/README.md`, 'utf-8') ?? undefined,
  }));
  tree.write(`${relative}/MIGRATIONS.md`, migrationsIndex(project, migrations));
}

/** DATABASE_VERSION.md beside the project's root, as migrate-status writes it: it travels with the migration that moves it. */
function writeDatabaseVersion(parser: SqlParser, tree: Tree, project: string, history: MigrationHistory): void {
  const projectDir = readProjectConfiguration(tree, project).root;
  tree.write(`${projectDir}/DATABASE_VERSION.md`, databaseVersionMarkdown(project, schemaVersions(parser, history.migrations)));
}
