import { describeRule } from '../../../test-support/rules';
import { typeChangeRewrite } from './lk105-type-change-rewrite';

describeRule(typeChangeRewrite, {
  known: { columnTypes: { 'User.code': 'VARCHAR(20)' } },
  ok: ['ALTER TABLE "User" ALTER COLUMN "code" TYPE VARCHAR(40);', 'ALTER TABLE "User" ALTER COLUMN "code" TYPE TEXT;'],
  err: [['ALTER TABLE "User" ALTER COLUMN "age" SET DATA TYPE BIGINT;', /rewrites User to change age to BIGINT/]],
});
