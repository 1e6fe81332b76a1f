import { loadSqlParser, type SqlParser } from './parser';
import { concurrentLikeTheUp, deleteInsertedRows } from './down-adjustments';

let parser: SqlParser;
beforeAll(async () => {
  parser = await loadSqlParser();
});

describe('deleteInsertedRows', () => {
  const inserted = {
    table: 'Plan',
    label: 'statement 2',
    columns: ['tenant', 'code', 'name'],
    rows: [
      ["'1'", "'free'", "'Free'"],
      ["'1'", "'pro'", undefined],
    ],
  };

  it('deletes by the primary key, one column or several', () => {
    expect(deleteInsertedRows(inserted, ['tenant', 'code'])).toEqual({
      sql: `-- The rows the migration inserted, by key\nDELETE FROM "Plan" WHERE ("tenant", "code") IN (('1', 'free'), ('1', 'pro'));`,
    });
    expect(
      deleteInsertedRows({ ...inserted, schema: 'billing', columns: ['code', 'name'], rows: [["'free'", "'Free'"]] }, ['code']),
    ).toEqual({
      sql: `-- The rows the migration inserted, by key\nDELETE FROM "billing"."Plan" WHERE "code" IN ('free');`,
    });
  });

  it('says why when the key is missing, not given or not a constant', () => {
    expect(deleteInsertedRows(inserted, [])).toEqual({
      reason: 'statement 2 inserts rows into the existing table Plan, which has no primary key to delete them by',
    });
    expect(deleteInsertedRows(inserted, ['id'])).toEqual({
      reason: 'statement 2 inserts rows into the existing table Plan without constant values for its key (id)',
    });
    expect(deleteInsertedRows(inserted, ['code', 'name'])).toEqual({
      reason: 'statement 2 inserts rows into the existing table Plan without constant values for its key (code, name)',
    });
  });
});

describe('concurrentLikeTheUp', () => {
  it('drops or builds back CONCURRENTLY the indexes the up built or dropped CONCURRENTLY', () => {
    const up = 'CREATE INDEX CONCURRENTLY "A_x_idx" ON "A"("x");\nDROP INDEX CONCURRENTLY "B_y_idx";\nCREATE INDEX "C_z_idx" ON "C"("z");';
    const down =
      '-- DropIndex\nDROP INDEX "A_x_idx";\n\n-- CreateIndex\nCREATE UNIQUE INDEX "B_y_idx" ON "B"("y");\n\n-- DropIndex\nDROP INDEX "C_z_idx";';
    expect(concurrentLikeTheUp(parser, up, down)).toBe(
      '-- DropIndex\nDROP INDEX CONCURRENTLY "A_x_idx";\n\n-- CreateIndex\nCREATE UNIQUE INDEX ' +
        'CONCURRENTLY "B_y_idx" ON "B"("y");\n\n-- DropIndex\nDROP INDEX "C_z_idx";',
    );
  });
});
