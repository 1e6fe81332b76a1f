import { generateFiles, type Tree } from '@nx/devkit';
import path from 'node:path';
import { migrationMetaLine } from '../../../core/docs/migrations-index';
import { LOCKFILE, lockfileContent } from '../../../core/migration-folders';
import { APPROVAL_FILE } from '../../../core/safety/approval';
import { clearBatch, copyBatch, rowsLeft } from '../../../core/sql/column-swap-sql';
import type { SqlParser } from '../../../core/sql/parser';
import { writeMigrationsIndex } from '../../shared/migrations-index-file';
import type { PreparedMigration } from '../../../use-cases/generate';

/** Write a prepared migration into the tree: the schema, the folder, the lockfile, and the index. */
export function writeMigration(parser: SqlParser, tree: Tree, migration: PreparedMigration): string {
  const relative = (file: string) => path.relative(tree.root, file).split(path.sep).join('/');
  for (const file of migration.schemaFiles ?? []) {
    const target = relative(path.join(migration.layout.projectRoot, file.path));
    if (tree.read(target, 'utf-8') !== file.content) tree.write(target, file.content);
  }
  const migrationsDir = relative(migration.layout.migrationsDir);
  const folder = `${migrationsDir}/${migration.folder}`;
  generateFiles(tree, path.join(__dirname, '..', 'files'), folder, {
    ...migration.docs,
    metaLine: migrationMetaLine(migration.docs.meta),
    tmpl: '',
  });
  if (migration.approval) tree.write(`${folder}/${APPROVAL_FILE}`, `${JSON.stringify(migration.approval, null, 2)}\n`);
  if (migration.swaps.length) {
    generateFiles(tree, path.join(__dirname, '..', 'files-data-step'), folder, {
      folder: migration.folder,
      swaps: migration.swaps.map((swap) => ({
        ...swap,
        copySql: JSON.stringify(`${copyBatch(swap)} RETURNING 1`),
        leftSql: JSON.stringify(rowsLeft(swap)),
        clearSql: JSON.stringify(`${clearBatch(swap)} RETURNING 1`),
      })),
      tmpl: '',
    });
  }
  if (!tree.exists(`${migrationsDir}/${LOCKFILE}`)) tree.write(`${migrationsDir}/${LOCKFILE}`, lockfileContent('postgresql'));
  writeMigrationsIndex(parser, tree, migration.project, migration.layout.migrationsDir);
  return folder;
}
