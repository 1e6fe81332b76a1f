import { formatFiles, logger, type Tree } from '@nx/devkit';
import { loadSqlParser } from '../../core/sql/parser';
import { withForgeErrors } from '../shared/forge-errors';
import { prepareMigrations } from '../../use-cases/generate';
import { writeMigration } from './lib/write-migration';
import type { MigrationGeneratorSchema } from './schema';

/**
 * `nx g @forge/migrations:migration`: a migration from a change descriptor, or from the changes
 * made to schema.prisma by hand. Everything is generated and proven on a scratch database first;
 * on any error nothing is written.
 */
export default async function migrationGenerator(tree: Tree, options: MigrationGeneratorSchema): Promise<void> {
  await withForgeErrors(async () => {
    const parser = await loadSqlParser();
    const migrations = await prepareMigrations(parser, tree, options, process.env);
    for (const migration of migrations) {
      const folder = writeMigration(parser, tree, migration);
      logger.info(`${folder}: ${migration.docs.summary.join('; ')}`);
      const downSql = migration.sql.irreversible.length
        ? `irreversible (${migration.sql.irreversible.join('; ')})`
        : 'proven (down restores the schema, up again re-creates it)';
      logger.info(`  down.sql: ${downSql}`);
      if (migration.swaps.length)
        logger.info('  data-migration.ts: copies the data in batches after migration.sql; the next migration swaps the columns');
    }
    if (!options.skipFormat) await formatFiles(tree);
    for (const line of migrations[migrations.length - 1].docs.breaking) logger.warn(`breaking: ${line}`);
  });
}
