import { describeRule } from '../../../test-support/rules';
import { renameTable } from './bc101-rename-table';

describeRule(renameTable, {
  ok: ['ALTER TABLE "T" RENAME COLUMN "a" TO "b";'],
  err: [['ALTER TABLE "users" RENAME TO "members";', /renames table users to members/]],
});
