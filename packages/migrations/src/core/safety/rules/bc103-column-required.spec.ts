import { describeRule } from '../../../test-support/rules';
import { loadSqlParser } from '../../sql/parser';
import { columnRequired } from './bc103-column-required';

beforeAll(loadSqlParser);

describeRule(columnRequired, {
  ok: ['ALTER TABLE "User" ALTER COLUMN "name" DROP NOT NULL;'],
  err: [['ALTER TABLE "User" ALTER COLUMN "name" SET NOT NULL;', /makes User\.name NOT NULL/]],
});
