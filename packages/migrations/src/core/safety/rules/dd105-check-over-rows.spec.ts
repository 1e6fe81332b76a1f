import { describeRule } from '../../../test-support/rules';
import { checkOverRows } from './dd105-check-over-rows';

describeRule(checkOverRows, {
  ok: [
    'CREATE TABLE "Item" ("qty" INT);\nALTER TABLE "Item" ADD CONSTRAINT "qty_positive" CHECK ("qty" > 0);',
    'ALTER TABLE "Item" ADD CONSTRAINT "qty_positive" CHECK ("qty" > 0) NOT VALID;',
  ],
  err: [
    ['ALTER TABLE "Item" ADD CONSTRAINT "qty_positive" CHECK ("qty" > 0);', /every existing row of Item to satisfy the check qty_positive/],
  ],
});
