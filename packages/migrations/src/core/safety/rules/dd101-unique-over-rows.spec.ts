import { describeRule } from '../../../test-support/rules';
import { uniqueOverRows } from './dd101-unique-over-rows';

describeRule(uniqueOverRows, {
  ok: ['CREATE INDEX "i" ON "User"("a");', 'ALTER TABLE "User" ADD CONSTRAINT "u" UNIQUE USING INDEX "i";'],
  err: [
    ['CREATE UNIQUE INDEX "User_email_key" ON "User"("email");', /requires the existing rows of User to be unique/],
    ['ALTER TABLE "User" ADD CONSTRAINT "u" UNIQUE ("email");', /requires the existing rows of User to be unique/],
  ],
});
