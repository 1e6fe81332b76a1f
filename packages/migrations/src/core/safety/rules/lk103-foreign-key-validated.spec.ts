import { describeRule } from '../../../test-support/rules';
import { foreignKeyValidated } from './lk103-foreign-key-validated';

describeRule(foreignKeyValidated, {
  ok: [
    'ALTER TABLE "Post" ADD CONSTRAINT "fk" FOREIGN KEY ("a") REFERENCES "User"("id") NOT VALID;',
    'CREATE TABLE "Post" (a int); ALTER TABLE "Post" ADD CONSTRAINT "fk" FOREIGN KEY ("a") REFERENCES "User"("id");',
  ],
  err: [
    [
      'ALTER TABLE "Post" ADD CONSTRAINT "Post_a_fkey" FOREIGN KEY ("a") REFERENCES "User"("id") ON DELETE CASCADE;',
      /adds foreign key Post_a_fkey on Post/,
    ],
  ],
});
