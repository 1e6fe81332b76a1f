import { describeRule } from '../../../test-support/rules';
import { unconditionalDelete } from './ds105-unconditional-delete';

describeRule(unconditionalDelete, {
  ok: ['DELETE FROM "Session" WHERE "expiresAt" < now();', 'CREATE TABLE "T" (a int); TRUNCATE "T";'],
  err: [
    ['DELETE FROM "Session";', /deletes every row of Session/],
    ['TRUNCATE "Cache";', /truncates Cache/],
  ],
});
