import { describeRule } from '../../../test-support/rules';
import { dropIndexNotConcurrent } from './lk107-drop-index-not-concurrent';

describeRule(dropIndexNotConcurrent, {
  ok: ['DROP INDEX CONCURRENTLY "User_email_idx";', 'CREATE INDEX "T_a" ON "T"("a"); DROP INDEX "T_a";'],
  err: [['DROP INDEX "User_email_idx";', /drops index User_email_idx while blocking reads and writes on its table/]],
});
