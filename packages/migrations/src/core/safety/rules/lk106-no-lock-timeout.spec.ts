import { describeRule } from '../../../test-support/rules';
import { noLockTimeout } from './lk106-no-lock-timeout';

describeRule(noLockTimeout, {
  ok: [
    'SET lock_timeout = \'5s\'; ALTER TABLE "User" ADD COLUMN "a" INT;',
    'CREATE TABLE "T" (a int); CREATE INDEX "i" ON "T"("a");',
    'CREATE INDEX CONCURRENTLY "i" ON "User"("a");',
    'CREATE TABLE "T" (a int); CREATE TRIGGER "t" BEFORE UPDATE ON "T" FOR EACH ROW EXECUTE FUNCTION f();',
    'DROP INDEX CONCURRENTLY "User_a_idx";',
  ],
  err: [
    ['ALTER TABLE "User" ADD COLUMN "a" INT; ALTER TABLE "User" ADD COLUMN "b" INT;', /takes a lock on User with no lock_timeout set/],
    ['CREATE TRIGGER "audit" AFTER UPDATE ON "Invoice" FOR EACH ROW EXECUTE FUNCTION f();', /takes a lock on Invoice/],
    ['DROP TRIGGER "audit" ON public."Invoice";', /takes a lock on Invoice/],
    ['DROP INDEX "User_a_idx";', /takes a lock on the table of index User_a_idx/],
  ],
});
