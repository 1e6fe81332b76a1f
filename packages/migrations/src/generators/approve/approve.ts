import { logger, type Tree } from '@nx/devkit';
import path from 'node:path';
import { ForgeError } from '../../core/errors';
import { lintHistory } from '../../core/lint/lint-report';
import { APPROVAL_FILE, approvalRecord } from '../../core/safety/approval';
import { loadSqlParser } from '../../core/sql/parser';
import { readMigrationHistory } from '../../adapters/store/migration-store';
import { resolvePrismaLayout } from '../../adapters/store/project-layout';
import { approver } from '../../adapters/store/approver';
import { withForgeErrors } from '../shared/forge-errors';
import { projectRootOf, treeFiles } from '../../adapters/store/tree-files';
import type { ApproveGeneratorSchema } from './schema';

/**
 * `nx g @forge/migrations:approve`: the explicit approval of existing migrations' data loss, for
 * migrations written by hand or by the Prisma CLI (the migration generator's --allowDataLoss
 * approves the ones it writes).
 */
export default async function approveGenerator(tree: Tree, options: ApproveGeneratorSchema, now = new Date()): Promise<void> {
  await withForgeErrors(async () => {
    const parser = await loadSqlParser();
    const files = treeFiles(tree);
    const layout = await resolvePrismaLayout(path.join(tree.root, projectRootOf(tree, options.project)), files);
    const history = readMigrationHistory(layout.migrationsDir, files);
    if (options.migration && !history.migrations.some((migration) => migration.name === options.migration)) {
      throw new ForgeError(
        'MIGRATION_NAME_INVALID',
        `${options.project} has no migration "${options.migration}".`,
        `Name one of the folders of ${path.relative(tree.root, layout.migrationsDir)}.`,
      );
    }
    const report = lintHistory({
      parser,
      project: options.project,
      migrations: history.migrations,
      include: (name) => !options.migration || name === options.migration,
      fileOf: (name) => name,
      scope: options.migration ?? 'all',
    });
    const unapproved = report.migrations.filter((migration) => migration.findings.some((finding) => finding.blocking));
    if (unapproved.length === 0) {
      throw new ForgeError(
        'NOTHING_TO_APPROVE',
        options.migration
          ? `${options.migration} has no destructive finding that is not approved or waived.`
          : `No migration of ${options.project} has unapproved data loss.`,
        'Nothing was written: `nx run <project>:migrate-lint` lists the findings.',
      );
    }
    const who = approver(tree.root);
    const migrationsDir = path.relative(tree.root, layout.migrationsDir).split(path.sep).join('/');
    for (const migration of unapproved) {
      const sql = history.migrations.find((candidate) => candidate.name === migration.name)!.sql;
      const record = approvalRecord(
        sql,
        migration.findings.filter((finding) => finding.blocking),
        who,
        now,
      );
      tree.write(`${migrationsDir}/${migration.name}/${APPROVAL_FILE}`, `${JSON.stringify(record, null, 2)}\n`);
      logger.info(`${migration.name}: data loss approved by ${who} (${record.codes.join(', ')})`);
    }
  });
}
