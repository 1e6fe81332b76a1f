import { readMigrationIntent } from './migration-intent';
import { loadSqlParser, type SqlParser } from './sql/parser';

let parser: SqlParser;
beforeAll(async () => {
  parser = await loadSqlParser();
});
const intentOf = (sql: string) => readMigrationIntent(parser, sql);

describe('readMigrationIntent', () => {
  it('reads drops, renames, type changes and data statements', () => {
    const intent = intentOf(`
      ALTER TABLE "User" DROP COLUMN "legacy", ALTER COLUMN "age" SET DATA TYPE BIGINT, ADD COLUMN "x" INT;
      ALTER TABLE "report" ALTER COLUMN "parameters" TYPE JSONB USING parameters::JSONB;
      ALTER TABLE "Post" RENAME COLUMN "body" TO "content";
      ALTER TABLE "Post" RENAME TO "Article";
      ALTER TABLE "Audit" SET SCHEMA "archive";
      DROP TABLE "Old", "billing"."Ledger";
      UPDATE "User" SET "email" = lower("email"), "name" = trim("name");
      DELETE FROM "Session" WHERE "expired";
      TRUNCATE "Cache";
    `);
    expect([...intent.droppedColumns.get('public.User')!]).toEqual(['legacy']);
    expect([...intent.changedColumns.get('public.User')!].sort()).toEqual(['age', 'email', 'name']);
    expect(intent.retypedColumns.get('public.User')!.get('age')).toBe('int8');
    expect(intent.retypedColumns.get('public.report')!.get('parameters')).toBe('jsonb');
    expect(intent.renamedColumns.get('public.Post')!.get('body')).toBe('content');
    expect(intent.renamedTables.get('public.Post')).toBe('public.Article');
    expect(intent.renamedTables.get('public.Audit')).toBe('archive.Audit');
    expect([...intent.droppedTables].sort()).toEqual(['billing.Ledger', 'public.Old']);
    expect([...intent.rowsMayVanish].sort()).toEqual(['public.Cache', 'public.Session']);
    expect(intent.opaque).toEqual([]);
  });

  it('marks statements whose effect on data cannot be read', () => {
    const intent = intentOf(`
      DO $$ BEGIN UPDATE "User" SET "name" = 'x'; END $$;
      SELECT backfill_users();
      SELECT 1;
      ALTER TYPE "Role" RENAME VALUE 'USER' TO 'MEMBER';
      DROP TYPE "Mood" CASCADE;
      CALL archive();
    `);
    expect(intent.opaque).toEqual([
      `DO $$ BEGIN UPDATE "User" SET "name" = 'x'; END $$`,
      'SELECT backfill_users()',
      `ALTER TYPE "Role" RENAME VALUE 'USER' TO 'MEMBER'`,
      'DROP TYPE "Mood" CASCADE',
      'CALL archive()',
    ]);
  });

  it('finds nothing to exempt in additive migrations', () => {
    const intent = intentOf('CREATE TABLE "A" (id int); CREATE INDEX a_id ON "A"(id); ALTER TABLE "B" ADD COLUMN c int;');
    expect(intent.droppedColumns.size + intent.changedColumns.size + intent.droppedTables.size + intent.rowsMayVanish.size).toBe(0);
  });
});
