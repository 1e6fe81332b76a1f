import { describeRule } from '../../../test-support/rules';
import { checkValidated } from './lk104-check-validated';

describeRule(checkValidated, {
  ok: ['ALTER TABLE "User" ADD CONSTRAINT "c" CHECK ("age" > 0) NOT VALID;'],
  err: [['ALTER TABLE "User" ADD CONSTRAINT "age_positive" CHECK ("age" > 0);', /adds check constraint age_positive on User/]],
});
