import { describeRule } from '../../../test-support/rules';
import { lossyTypeChange } from './ds104-lossy-type-change';

describeRule(lossyTypeChange, {
  known: { columnTypes: { 'User.bio': 'TEXT', 'User.age': 'INTEGER', 'User.code': 'VARCHAR(20)' } },
  ok: [
    'ALTER TABLE "User" ALTER COLUMN "age" SET DATA TYPE BIGINT;',
    'ALTER TABLE "User" ALTER COLUMN "code" TYPE VARCHAR(40);',
    'ALTER TABLE "User" ALTER COLUMN "unknown" TYPE INTEGER;',
  ],
  err: [
    ['ALTER TABLE "User" ALTER COLUMN "bio" SET DATA TYPE INTEGER USING "bio"::integer;', /converts User\.bio from TEXT to INTEGER/],
    ['ALTER TABLE "User" ALTER COLUMN "code" TYPE VARCHAR(5);', /from VARCHAR\(20\) to VARCHAR\(5\)/],
  ],
});
