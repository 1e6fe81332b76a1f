import { loadSqlParser, type SqlParser } from '../sql/parser';
import { readStatements } from '../sql/statements';
import { withCascades } from './archive-cascades';
import { archiveTargets, describeTarget, lostRowsCondition } from './archive-targets';
import type { ForeignKey } from './restore-order';

let parser: SqlParser;
beforeAll(async () => {
  parser = await loadSqlParser();
});

const targetsOf = (sql: string) => archiveTargets(readStatements(parser, sql));

describe('archiveTargets', () => {
  it('takes a dropped table, a dropped column and a retyped one, as Prisma writes them, under its warnings comment', () => {
    const sql = `/*
  Warnings:

  - You are about to drop the column \`preferences\` on the \`Customer\` table. All the data in the column will be lost.
  - You are about to drop the \`Note\` table. If the table is not empty, all the data it contains will be lost.

*/
-- DropForeignKey
ALTER TABLE "Note" DROP CONSTRAINT "Note_customerId_fkey";

-- AlterTable
ALTER TABLE "Customer" DROP COLUMN "preferences",
ALTER COLUMN "name" SET DATA TYPE VARCHAR(5);

-- DropTable
DROP TABLE "Note";`;
    expect(targetsOf(sql)).toEqual([
      { kind: 'column', table: { name: 'Customer' }, column: 'preferences' },
      { kind: 'column', table: { name: 'Customer' }, column: 'name', retypedTo: 'VARCHAR(5)' },
      { kind: 'table', table: { name: 'Note' } },
    ]);
  });

  it('takes the rows of a table a TRUNCATE or a DELETE without WHERE empties, not those of a DELETE with one', () => {
    expect(targetsOf('TRUNCATE "Note", "audit"."Log";\nDELETE FROM "Invoice";\nDELETE FROM "Customer" WHERE "id" > 10;')).toEqual([
      { kind: 'rows', table: { name: 'Note' } },
      { kind: 'rows', table: { schema: 'audit', name: 'Log' } },
      { kind: 'rows', table: { name: 'Invoice' }, cascade: 'delete' },
    ]);
    expect(targetsOf('TRUNCATE TABLE "Customer" RESTART IDENTITY CASCADE;')).toEqual([
      { kind: 'rows', table: { name: 'Customer' }, cascade: 'truncate' },
    ]);
    expect(targetsOf('DELETE FROM "Note" USING "Customer";')).toEqual([{ kind: 'rows', table: { name: 'Note' }, cascade: 'delete' }]);
    expect(describeTarget({ kind: 'rows', table: { schema: 'audit', name: 'Log' } })).toBe('rows of table audit.Log');
  });

  it('leaves out what the script created itself, and keeps each table once', () => {
    expect(
      targetsOf('CREATE TABLE "Tmp" ("id" INT);\nINSERT INTO "Tmp" VALUES (1);\nTRUNCATE "Tmp";\nDELETE FROM "Tmp";\nDROP TABLE "Tmp";'),
    ).toEqual([]);
    // Emptied first, then dropped: the rows archive holds what the drop would lose.
    expect(targetsOf('TRUNCATE "Note";\nDROP TABLE "Note";')).toEqual([{ kind: 'rows', table: { name: 'Note' } }]);
    // A column of a table emptied before is in the rows archive; emptied after, both are kept.
    expect(targetsOf('DELETE FROM "Note";\nALTER TABLE "Note" DROP COLUMN "body";')).toEqual([
      { kind: 'rows', table: { name: 'Note' }, cascade: 'delete' },
    ]);
    expect(targetsOf('ALTER TABLE "Note" DROP COLUMN "body";\nDELETE FROM "Note";')).toEqual([
      { kind: 'column', table: { name: 'Note' }, column: 'body' },
      { kind: 'rows', table: { name: 'Note' }, cascade: 'delete' },
    ]);
  });

  it("knows a conversion's USING clause, and the values of an enum the script creates for it", () => {
    const sql = `CREATE TYPE "Status_new" AS ENUM ('DRAFT', 'PAID');
ALTER TABLE "Invoice" ALTER COLUMN "status" TYPE "Status_new" USING ("status"::text::"Status_new");
ALTER TABLE "Refund" ALTER COLUMN "status" TYPE "Status_new" USING (CASE "status"::text WHEN 'SENT' THEN 'DRAFT' ELSE "status"::text END)::"Status_new";
ALTER TABLE "Customer" ALTER COLUMN "name" TYPE TEXT USING lower("name");`;
    const [prisma, byHand, lowered] = targetsOf(sql);
    expect(prisma).toMatchObject({ column: 'status', using: 'cast', labels: ['DRAFT', 'PAID'] });
    expect(byHand).toMatchObject({ column: 'status', using: 'expression', labels: ['DRAFT', 'PAID'] });
    expect(lowered).toEqual({ kind: 'column', table: { name: 'Customer' }, column: 'name', retypedTo: 'TEXT', using: 'expression' });
    // A cast to the new enum loses the rows whose value it does not have; another expression may change any row.
    expect(lostRowsCondition(prisma)).toBe(`"status"::text <> ALL (ARRAY['DRAFT', 'PAID']::text[])`);
    expect(lostRowsCondition(byHand)).toBeUndefined();
    expect(lostRowsCondition(lowered)).toBeUndefined();
  });
});

describe('withCascades', () => {
  const key = (from: string, to: string, onDelete: string, columns = [`${to.toLowerCase()}Id`]): ForeignKey => ({
    from: { schema: 'public', table: from },
    to: { schema: 'public', table: to },
    columns,
    onDelete,
  });
  const keys = [
    key('Invoice', 'Customer', 'c'),
    key('Payment', 'Invoice', 'c'),
    key('Note', 'Customer', 'n', ['authorId']),
    key('Audit', 'Customer', 'a'),
    key('Customer', 'Customer', 'c', ['referrerId']),
  ];
  const customer = { schema: 'public', name: 'Customer' };

  it('follows a DELETE through ON DELETE CASCADE and SET NULL keys, and on from there', () => {
    expect(withCascades([{ kind: 'rows', table: customer, cascade: 'delete' }], keys)).toEqual([
      { kind: 'rows', table: customer, cascade: 'delete' },
      { kind: 'rows', table: { schema: 'public', name: 'Invoice' }, cascade: 'delete' },
      { kind: 'rows', table: { schema: 'public', name: 'Payment' }, cascade: 'delete' },
      { kind: 'column', table: { schema: 'public', name: 'Note' }, column: 'authorId' },
    ]);
  });

  it('follows a TRUNCATE ... CASCADE through every key; a plain TRUNCATE and other targets reach nothing', () => {
    expect(withCascades([{ kind: 'rows', table: customer, cascade: 'truncate' }], keys).map((target) => target.table.name)).toEqual([
      'Customer',
      'Invoice',
      'Payment',
      'Note',
      'Audit',
    ]);
    expect(withCascades([{ kind: 'rows', table: customer }], keys)).toHaveLength(1);
    expect(withCascades([{ kind: 'table', table: customer }], keys)).toHaveLength(1);
  });

  it('adds no table the targets already name', () => {
    const invoice = { kind: 'rows' as const, table: { schema: 'public', name: 'Invoice' } };
    expect(withCascades([{ kind: 'rows', table: customer, cascade: 'delete' }, invoice], keys.slice(0, 1))).toEqual([
      { kind: 'rows', table: customer, cascade: 'delete' },
      invoice,
    ]);
  });
});
