import { describeRule } from '../../../test-support/rules';
import { castCanFail } from './dd103-cast-can-fail';

describeRule(castCanFail, {
  known: { columnTypes: { 'User.age': 'INTEGER' } },
  ok: ['ALTER TABLE "User" ALTER COLUMN "age" TYPE BIGINT;'],
  err: [['ALTER TABLE "User" ALTER COLUMN "code" TYPE INTEGER USING "code"::integer;', /casts every value of User\.code to INTEGER/]],
});
