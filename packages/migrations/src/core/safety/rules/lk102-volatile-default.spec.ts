import { describeRule } from '../../../test-support/rules';
import { volatileDefault } from './lk102-volatile-default';

describeRule(volatileDefault, {
  ok: [
    'ALTER TABLE "User" ADD COLUMN "at" TIMESTAMP(3) DEFAULT CURRENT_TIMESTAMP;',
    'ALTER TABLE "User" ADD COLUMN "n" INT NOT NULL DEFAULT 0;',
  ],
  err: [
    ['ALTER TABLE "User" ADD COLUMN "uid" UUID DEFAULT gen_random_uuid();', /adds User\.uid with a volatile default/],
    ['ALTER TABLE "User" ADD COLUMN "seq" SERIAL;', /adds User\.seq with a volatile default/],
  ],
});
