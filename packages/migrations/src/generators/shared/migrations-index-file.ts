import type { Tree } from '@nx/devkit';
import path from 'node:path';
import { migrationsIndex } from '../../core/docs/migrations-index';
import { readMigrationHistory } from '../../store/migration-store';
import { treeFiles } from './tree-files';

/** Regenerate a project's MIGRATIONS.md from every migration folder, as the tree holds them now. */
export function writeMigrationsIndex(tree: Tree, project: string, migrationsDir: string): void {
  const relative = path.relative(tree.root, migrationsDir).split(path.sep).join('/');
  const history = readMigrationHistory(migrationsDir, treeFiles(tree));
  const migrations = history.migrations.map((migration) => ({
    ...migration,
    readme: tree.read(`${relative}/${migration.name}/README.md`, 'utf-8') ?? undefined,
  }));
  tree.write(`${relative}/MIGRATIONS.md`, migrationsIndex(project, migrations));
}
