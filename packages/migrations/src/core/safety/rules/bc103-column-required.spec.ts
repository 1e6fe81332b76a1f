import { describeRule } from '../../../test-support/rules';
import { columnRequired } from './bc103-column-required';

describeRule(columnRequired, {
  ok: ['ALTER TABLE "User" ALTER COLUMN "name" DROP NOT NULL;'],
  err: [['ALTER TABLE "User" ALTER COLUMN "name" SET NOT NULL;', /makes User\.name NOT NULL/]],
});
