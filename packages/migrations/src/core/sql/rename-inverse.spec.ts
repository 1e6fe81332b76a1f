import { loadSqlParser, type SqlParser } from './parser';
import { inverseRenames } from './rename-inverse';

let parser: SqlParser;
beforeAll(async () => {
  parser = await loadSqlParser();
});

describe('inverseRenames', () => {
  it('undoes every kind of rename, last first, under the names in force at that point', () => {
    const sql = [
      'ALTER TABLE "Invoice" RENAME COLUMN "amountCents" TO "totalCents";',
      'ALTER TABLE "Invoice" RENAME TO "Bill";',
      'ALTER TABLE "Bill" RENAME CONSTRAINT "Invoice_pkey" TO "Bill_pkey";',
      'ALTER INDEX "Invoice_status_idx" RENAME TO "Bill_status_idx";',
      'ALTER SEQUENCE billing."Invoice_id_seq" RENAME TO "Bill_id_seq";',
      'ALTER TYPE "Status" RENAME TO "BillStatus";',
      `ALTER TYPE "BillStatus" RENAME VALUE 'OPEN' TO 'DUE';`,
      'ALTER TABLE "Bill" ADD COLUMN "note" TEXT;',
    ].join('\n');
    expect(inverseRenames(parser, sql)).toEqual([
      `ALTER TYPE "BillStatus" RENAME VALUE 'DUE' TO 'OPEN';`,
      'ALTER TYPE "BillStatus" RENAME TO "Status";',
      'ALTER SEQUENCE "billing"."Bill_id_seq" RENAME TO "Invoice_id_seq";',
      'ALTER INDEX "Bill_status_idx" RENAME TO "Invoice_status_idx";',
      'ALTER TABLE "Bill" RENAME CONSTRAINT "Bill_pkey" TO "Invoice_pkey";',
      'ALTER TABLE "Bill" RENAME TO "Invoice";',
      'ALTER TABLE "Invoice" RENAME COLUMN "totalCents" TO "amountCents";',
    ]);
  });

  it('has nothing to undo in a migration without renames', () => {
    expect(inverseRenames(parser, 'CREATE TABLE "A" ("id" INTEGER); ALTER TABLE "A" ADD COLUMN "b" TEXT;')).toEqual([]);
  });

  it("leaves the renames of a replaced object to the schema diff: Prisma's recreated enum", () => {
    const sql = [
      'CREATE TYPE "Kind_new" AS ENUM (\'A\');',
      'ALTER TABLE "T" ALTER COLUMN "kind" TYPE "Kind_new" USING ("kind"::text::"Kind_new");',
      'ALTER TYPE "Kind" RENAME TO "Kind_old";',
      'ALTER TYPE "Kind_new" RENAME TO "Kind";',
      'DROP TYPE "Kind_old";',
      'ALTER TABLE "T" RENAME COLUMN "a" TO "b";',
    ].join('\n');
    expect(inverseRenames(parser, sql)).toEqual(['ALTER TABLE "T" RENAME COLUMN "b" TO "a";']);
  });
});
