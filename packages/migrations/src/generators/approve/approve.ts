import { logger, type Tree } from '@nx/devkit';
import path from 'node:path';
import { approver } from '../../adapters/store/approver';
import { projectRootOf, treeFiles } from '../../adapters/store/tree-files';
import { approveMigrations } from '../../use-cases/approve';
import { withForgeErrors } from '../shared/forge-errors';
import type { ApproveGeneratorSchema } from './schema';

/**
 * `nx g @forge/migrations:approve`: the explicit approval of existing migrations' data loss, for
 * migrations written by hand or by the Prisma CLI (the migration generator's --allowDataLoss
 * approves the ones it writes).
 */
export default async function approveGenerator(tree: Tree, options: ApproveGeneratorSchema, now = new Date()): Promise<void> {
  await withForgeErrors(async () => {
    const who = approver(tree.root);
    const approvals = await approveMigrations({
      project: options.project,
      workspaceRoot: tree.root,
      projectRoot: projectRootOf(tree, options.project),
      files: treeFiles(tree),
      migration: options.migration,
      who,
      now,
    });
    for (const { migration, file, record } of approvals) {
      tree.write(path.relative(tree.root, file), `${JSON.stringify(record, null, 2)}\n`);
      logger.info(`${migration}: data loss approved by ${who} (${record.codes.join(', ')})`);
    }
  });
}
