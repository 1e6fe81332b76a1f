import { describeRule } from '../../../test-support/rules';
import { loadSqlParser } from '../../sql/parser';
import { noLockTimeout } from './lk106-no-lock-timeout';

beforeAll(loadSqlParser);

describeRule(noLockTimeout, {
  ok: ["SET lock_timeout = '5s'; ALTER TABLE \"User\" ADD COLUMN \"a\" INT;", 'CREATE TABLE "T" (a int); CREATE INDEX "i" ON "T"("a");', 'CREATE INDEX CONCURRENTLY "i" ON "User"("a");'],
  err: [['ALTER TABLE "User" ADD COLUMN "a" INT; ALTER TABLE "User" ADD COLUMN "b" INT;', /takes a lock on User with no lock_timeout set/]],
});
