import { describeRule } from '../../../test-support/rules';
import { foreignKeyOverRows } from './dd104-foreign-key-over-rows';

describeRule(foreignKeyOverRows, {
  ok: [
    'CREATE TABLE "Post" ("id" TEXT, "authorId" TEXT);\nALTER TABLE "Post" ADD CONSTRAINT ' +
      '"Post_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id");',
    'ALTER TABLE "Post" ADD CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id") NOT VALID;',
    'ALTER TABLE "Post" ADD CONSTRAINT "Post_title_key" UNIQUE ("title");',
  ],
  err: [
    [
      'ALTER TABLE "Post" ADD CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id") ON DELETE SET NULL;',
      /every authorId value of Post to exist in User/,
    ],
    ['ALTER TABLE "Post" ADD COLUMN "editorId" TEXT REFERENCES "User"("id");', /every editorId value of Post to exist in User/],
  ],
});
