import { describeRule } from '../../../test-support/rules';
import { loadSqlParser } from '../../sql/parser';
import { typeChangeRewrite } from './lk105-type-change-rewrite';

beforeAll(loadSqlParser);

describeRule(typeChangeRewrite, {
  known: { columnTypes: { 'User.code': 'VARCHAR(20)' } },
  ok: ['ALTER TABLE "User" ALTER COLUMN "code" TYPE VARCHAR(40);', 'ALTER TABLE "User" ALTER COLUMN "code" TYPE TEXT;'],
  err: [['ALTER TABLE "User" ALTER COLUMN "age" SET DATA TYPE BIGINT;', /rewrites User to change age to BIGINT/]],
});
