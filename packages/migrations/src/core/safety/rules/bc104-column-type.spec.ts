import { describeRule } from '../../../test-support/rules';
import { columnType } from './bc104-column-type';

describeRule(columnType, {
  ok: ['ALTER TABLE "User" ALTER COLUMN "age" SET DEFAULT 0;'],
  err: [['ALTER TABLE "User" ALTER COLUMN "age" SET DATA TYPE BIGINT;', /changes the type of User\.age to BIGINT/]],
});
