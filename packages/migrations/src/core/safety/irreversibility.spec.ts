import { loadSqlParser, type SqlParser } from '../sql/parser';
import { analyzeMigration } from './analyze';
import { irreversibleReasons, readReversibility } from './irreversibility';

let parser: SqlParser;
beforeAll(async () => {
  parser = await loadSqlParser();
});

const reasons = (sql: string) => irreversibleReasons(parser, sql, analyzeMigration({ parser, migration: 'spec', sql }));

describe('irreversibleReasons', () => {
  it.each([
    'CREATE TABLE "A" ("id" INTEGER); INSERT INTO "A" VALUES (1); UPDATE "A" SET "id" = 2; DELETE FROM "A" WHERE "id" = 2; TRUNCATE "A";',
    'ALTER TABLE "B" ADD COLUMN "visit" UUID; UPDATE "B" b SET "visit" = gen_random_uuid() WHERE b."id" > 0;',
    'CREATE INDEX "B_x_idx" ON "B"("x"); SELECT 1;',
    `CREATE FUNCTION f() RETURNS integer LANGUAGE sql AS $$ DELETE FROM "B" RETURNING 1 $$;`,
    `DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'B_c_fkey') THEN ALTER ` +
      `TABLE "B" ADD CONSTRAINT "B_c_fkey" FOREIGN KEY ("c") REFERENCES "C"("id"); END IF; END $$;`,
    `DO $$ DECLARE parts text[] := ARRAY['a']; BEGIN ALTER TABLE "B" ADD COLUMN "code" text; UPDATE "B" SET "code" = parts[1]; END $$;`,
    'INSERT INTO "B" ("id", "name") VALUES (1, \'one\'), (2, \'two\');',
    // Prisma's way of dropping an enum value: a row holding it fails the cast.
    'CREATE TYPE "S_new" AS ENUM (\'A\'); ALTER TABLE "B" ALTER COLUMN "s" TYPE "S_new" USING ' +
      '("s"::text::"S_new"); ALTER TYPE "S" RENAME TO "S_old"; ALTER TYPE "S_new" RENAME TO "S"; DROP ' +
      'TYPE "S_old";',
  ])('reversible from the schema: %s', (sql) => {
    expect(reasons(sql)).toEqual([]);
  });

  it.each([
    ['INSERT INTO "B" ("id") VALUES (1) ON CONFLICT DO NOTHING;', /statement 1 inserts rows into the existing table B \(ON CONFLICT/],
    ['INSERT INTO "B" ("id") SELECT "id" FROM "C";', /statement 1 inserts rows into the existing table B \(from a query/],
    ['ALTER TABLE "B" ADD COLUMN "c" TEXT; UPDATE "B" SET "c" = "d", "d" = NULL;', /statement 2 updates rows of the existing table B/],
    ['DELETE FROM "B" WHERE "id" = 1;', /statement 1 deletes rows of the existing table B/],
    ['TRUNCATE "B";', /^DS105: truncates B/],
    [
      'DO $$ BEGIN PERFORM 1; END $$;',
      /statement 1 runs a DO block whose effect cannot be read from the script: it calls a function \(PERFORM\)/,
    ],
    [`DO $$ BEGIN EXECUTE 'DROP TABLE "B"'; END $$;`, /it runs dynamic SQL \(EXECUTE\)/],
    ['DO $$ BEGIN UPDATE "B" SET "x" = 1; END $$;', /statement 1 \(DO block, statement 1\) updates rows of the existing table B/],
    ['DO $$ BEGIN ALTER TABLE "B" DROP COLUMN "x"; END $$;', /statement 1 \(DO block, statement 1\) drops column B.x and its values/],
    [
      'CREATE TYPE "S_new" AS ENUM (\'A\'); ALTER TABLE "B" ALTER COLUMN "s" TYPE "S_new" USING ' +
        '(CASE WHEN "s" = \'B\' THEN \'A\' ELSE "s"::text END::"S_new"); ALTER TYPE "S" RENAME TO ' +
        '"S_old"; ALTER TYPE "S_new" RENAME TO "S"; DROP TYPE "S_old";',
      /^DS103: /,
    ],
    ['CALL archive_rows();', /CALL/],
    [`SELECT setval('"B_id_seq"', 100);`, /statement 1 calls a function, which may change data: SELECT setval/],
    ['ALTER TABLE "B" DROP COLUMN "c";', /^DS102: drops column B.c/],
    ['DROP TABLE "B";', /^DS101: drops table B/],
  ])('irreversible: %s', (sql, reason) => {
    expect(reasons(sql)).toEqual([expect.stringMatching(reason)]);
  });

  it('takes back rows inserted by value into an existing table by their constant values', () => {
    const sql = 'INSERT INTO "B" ("id", "name") VALUES (1, \'o\'\'ne\'), (2, now()::text);';
    expect(readReversibility(parser, sql, analyzeMigration({ parser, migration: 'spec', sql })).inserted).toEqual([
      {
        table: 'B',
        schema: undefined,
        label: 'statement 1',
        columns: ['id', 'name'],
        rows: [
          ["'1'", "'o''ne'"],
          ["'2'", undefined],
        ],
      },
    ]);
  });

  it('finds no loss in dropping what does not exist before the migration', () => {
    const sql = 'DROP TABLE IF EXISTS "Gone"; ALTER TABLE "B" DROP COLUMN IF EXISTS "ghost"; ALTER TABLE "B" DROP COLUMN "real";';
    const exists = (table: string, column?: string) => table === 'B' && column !== 'ghost';
    expect(readReversibility(parser, sql, analyzeMigration({ parser, migration: 'spec', sql }), { exists }).reasons).toEqual([
      expect.stringMatching(/^DS102: drops column B.real/),
    ]);
  });
});
