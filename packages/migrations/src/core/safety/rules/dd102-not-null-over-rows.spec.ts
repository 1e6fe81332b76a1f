import { describeRule } from '../../../test-support/rules';
import { notNullOverRows } from './dd102-not-null-over-rows';

describeRule(notNullOverRows, {
  ok: ['ALTER TABLE "User" ADD COLUMN "n" INT NOT NULL DEFAULT 0;', 'ALTER TABLE "User" ADD COLUMN "n" INT;'],
  err: [
    ['ALTER TABLE "User" ALTER COLUMN "name" SET NOT NULL;', /fails if any row of User has name NULL/],
    ['ALTER TABLE "User" ADD COLUMN "n" INT NOT NULL;', /fails unless User is empty/],
  ],
});
