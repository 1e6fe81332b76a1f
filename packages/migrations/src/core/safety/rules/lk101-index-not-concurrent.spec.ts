import { describeRule } from '../../../test-support/rules';
import { indexNotConcurrent } from './lk101-index-not-concurrent';

describeRule(indexNotConcurrent, {
  ok: ['CREATE INDEX CONCURRENTLY "i" ON "User"("a");', 'CREATE TABLE "T" (a int); CREATE INDEX "T_a" ON "T"("a");'],
  err: [['CREATE INDEX "User_email_idx" ON "User"("email");', /builds index User_email_idx on User while blocking writes/]],
});
