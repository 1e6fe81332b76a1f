import { describeRule } from '../../../test-support/rules';
import { dropTable } from './ds101-drop-table';

describeRule(dropTable, {
  ok: ['CREATE TABLE "T" (id int); DROP TABLE "T";', 'DROP INDEX "T_idx";'],
  err: [
    ['DROP TABLE "Audit";', /drops table Audit/],
    ['DROP TABLE IF EXISTS "public"."Audit" CASCADE;', /drops table Audit/],
  ],
});
