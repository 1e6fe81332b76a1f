import { describeRule } from '../../../test-support/rules';
import { renameColumn } from './bc102-rename-column';

describeRule(renameColumn, {
  ok: ['ALTER TABLE "users" RENAME TO "members";', 'CREATE TABLE "T" (a int); ALTER TABLE "T" RENAME COLUMN "a" TO "b";'],
  err: [['ALTER TABLE "User" RENAME COLUMN "mail" TO "email";', /renames column User\.mail to email/]],
});
