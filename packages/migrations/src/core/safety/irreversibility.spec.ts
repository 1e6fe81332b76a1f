import { loadSqlParser } from '../sql/parser';
import { analyzeMigration } from './analyze';
import { irreversibleReasons } from './irreversibility';

beforeAll(loadSqlParser);

const reasons = (sql: string) => irreversibleReasons(sql, analyzeMigration({ migration: 'spec', sql }));

describe('irreversibleReasons', () => {
  it.each([
    'CREATE TABLE "A" ("id" INTEGER); INSERT INTO "A" VALUES (1); UPDATE "A" SET "id" = 2; DELETE FROM "A" WHERE "id" = 2; TRUNCATE "A";',
    'ALTER TABLE "B" ADD COLUMN "visit" UUID; UPDATE "B" b SET "visit" = gen_random_uuid() WHERE b."id" > 0;',
    'CREATE INDEX "B_x_idx" ON "B"("x"); SELECT 1;',
    `CREATE FUNCTION f() RETURNS integer LANGUAGE sql AS $$ DELETE FROM "B" RETURNING 1 $$;`,
  ])('reversible from the schema: %s', (sql) => {
    expect(reasons(sql)).toEqual([]);
  });

  it.each([
    ['INSERT INTO "B" ("id") VALUES (1);', /statement 1 inserts rows into the existing table B/],
    ['ALTER TABLE "B" ADD COLUMN "c" TEXT; UPDATE "B" SET "c" = "d", "d" = NULL;', /statement 2 updates rows of the existing table B/],
    ['DELETE FROM "B" WHERE "id" = 1;', /statement 1 deletes rows of the existing table B/],
    ['TRUNCATE "B";', /^DS105: truncates B/],
    ['DO $$ BEGIN PERFORM 1; END $$;', /statement 1 runs code whose effect cannot be read from the script \(a DO block\)/],
    ['CALL archive_rows();', /CALL/],
    [`SELECT setval('"B_id_seq"', 100);`, /statement 1 calls a function, which may change data: SELECT setval/],
    ['ALTER TABLE "B" DROP COLUMN "c";', /^DS102: drops column B.c/],
    ['DROP TABLE "B";', /^DS101: drops table B/],
  ])('irreversible: %s', (sql, reason) => {
    expect(reasons(sql)).toEqual([expect.stringMatching(reason)]);
  });
});
