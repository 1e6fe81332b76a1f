import { logger, type Tree } from '@nx/devkit';
import path from 'node:path';
import { DOWN_SCRIPT } from '../../core/migration-folders';
import { irreversibleDown } from '../../core/sql/ddl';
import { loadSqlParser } from '../../core/sql/parser';
import { defaultSnapshotCacheDir } from '../../adapters/db/pglite-snapshot';
import { deriveDownScripts } from '../../use-cases/derive-downs';
import { loadVenture } from '../../adapters/store/load-venture';
import { withForgeErrors } from '../shared/forge-errors';
import { writeMigrationsIndex } from '../shared/migrations-index-file';
import { projectRootOf, treeFiles } from '../../adapters/store/tree-files';
import type { DownScriptsGeneratorSchema } from './schema';

/**
 * `nx g @forge/migrations:down-scripts`: a down.sql for every migration of a history that has
 * none, derived from Prisma's schema diff and verified on a scratch database, or marked
 * irreversible with the reason. Existing down scripts are never touched.
 */
export default async function downScriptsGenerator(tree: Tree, options: DownScriptsGeneratorSchema): Promise<void> {
  await withForgeErrors(async () => {
    const { layout, history, schema } = await loadVenture(path.join(tree.root, projectRootOf(tree, options.project)), treeFiles(tree));
    const missing = history.migrations.filter((migration) => !migration.down).length;
    if (missing === 0) {
      logger.info(`${options.project}: every one of its ${history.migrations.length} migrations has a down.sql already.`);
      return;
    }
    const parser = await loadSqlParser();
    const derived = await deriveDownScripts({
      parser,
      history,
      schema,
      configDir: layout.projectRoot,
      cacheDir: defaultSnapshotCacheDir(tree.root),
    });
    const migrationsDir = path.relative(tree.root, layout.migrationsDir).split(path.sep).join('/');
    for (const down of derived) {
      const content =
        down.kind === 'script' ? down.sql : irreversibleDown(down.reasons, 'Restore the backup taken before the deploy instead.');
      tree.write(`${migrationsDir}/${down.migration}/${DOWN_SCRIPT}`, content);
      logger.info(`${down.migration}: ${down.kind === 'script' ? 'down.sql verified' : `irreversible (${down.reasons.join('; ')})`}`);
    }
    if (tree.exists(`${migrationsDir}/MIGRATIONS.md`)) writeMigrationsIndex(parser, tree, options.project, layout.migrationsDir);
    const scripts = derived.filter((down) => down.kind === 'script').length;
    logger.info(
      `${options.project}: ${scripts} down scripts written, ${derived.length - scripts} marked ` +
        `irreversible. Prove them with: nx run ${options.project}:migrate-test`,
    );
  });
}
