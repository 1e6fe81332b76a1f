import { describeRule } from '../../../test-support/rules';
import { dropColumn } from './ds102-drop-column';

describeRule(dropColumn, {
  ok: ['ALTER TABLE "T" ADD COLUMN "a" INT;', 'CREATE TABLE "T" (a int); ALTER TABLE "T" DROP COLUMN "a";'],
  err: [['ALTER TABLE "User" DROP COLUMN "age";', /drops column User\.age/]],
});
