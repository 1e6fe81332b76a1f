import { loadSqlParser, type SqlParser } from '../sql/parser';
import { readStatements } from '../sql/statements';
import type { ArchiveEntry } from './archive-sql';
import { referencedFirst } from './restore-order';
import { withRestores } from './restore-point';

let parser: SqlParser;
beforeAll(async () => {
  parser = await loadSqlParser();
});

const entry = (table: string, column?: string): ArchiveEntry => ({
  archiveTable: `a_${table}${column ?? ''}`,
  runId: 'r',
  migration: 'm',
  direction: 'up',
  kind: column ? 'column' : 'table',
  source: { schema: 'public', table, ...(column && { column }) },
  keyColumns: ['id'],
  columns: column ? ['id', column] : ['id'],
  textTypes: column ? ['', ''] : [''],
  sequenceColumns: [],
});
const restored = (down: string, entries: ArchiveEntry[]) =>
  withRestores(
    down,
    readStatements(parser, down),
    entries.map((archived) => ({ entry: archived, sql: `-- restore ${archived.archiveTable}` })),
  );

describe('withRestores', () => {
  it("puts a table's rows back right after the statement that makes it again, before its foreign keys", () => {
    const down = `CREATE TABLE "Note" ("id" INT PRIMARY KEY);\nALTER TABLE "Note" ADD CONSTRAINT "fk" FOREIGN KEY ("id") REFERENCES "Customer"("id");`;
    expect(restored(down, [entry('Note')])).toBe(
      `CREATE TABLE "Note" ("id" INT PRIMARY KEY);\n-- restore a_Note;\n;\nALTER TABLE "Note" ADD CONSTRAINT "fk" FOREIGN KEY ("id") REFERENCES "Customer"("id");`,
    );
  });

  it('puts the rows of a table the down does not make again (a TRUNCATE or DELETE undone) at its end, in the order given', () => {
    const down = 'ALTER TABLE "Customer" ALTER COLUMN "name" SET DATA TYPE TEXT;';
    expect(restored(down, [entry('Customer'), entry('Invoice'), entry('Payment')])).toBe(
      `${down};\n-- restore a_Customer;\n;\n-- restore a_Invoice;\n;\n-- restore a_Payment;\n`,
    );
    expect(restored('SELECT 1;', [entry('Customer', 'name'), entry('Customer')])).toMatch(
      /restore a_Customername;[\s;]*-- restore a_Customer;\n$/,
    );
  });

  it('puts a column back right after the ADD COLUMN that makes it again, else at the end', () => {
    const down = 'ALTER TABLE "Customer" ADD COLUMN "preferences" JSONB;\nCREATE INDEX "i" ON "Customer"("preferences");';
    expect(restored(down, [entry('Customer', 'preferences'), entry('Customer', 'name')])).toBe(
      'ALTER TABLE "Customer" ADD COLUMN "preferences" JSONB;\n-- restore a_Customerpreferences;\n;\n' +
        'CREATE INDEX "i" ON "Customer"("preferences");;\n-- restore a_Customername;\n',
    );
  });
});

describe('referencedFirst', () => {
  const reference = (from: string, to: string) => ({ from: { schema: 'public', table: from }, to: { schema: 'public', table: to } });

  it('orders the archives so that a table comes back before the tables whose foreign keys refer to it', () => {
    const archives = [entry('Payment'), entry('Invoice'), entry('Note', 'body'), entry('Customer')];
    const references = [reference('Payment', 'Invoice'), reference('Invoice', 'Customer'), reference('Note', 'Customer')];
    expect(referencedFirst(archives, references).map((archive) => archive.archiveTable)).toEqual([
      'a_Customer',
      'a_Invoice',
      'a_Payment',
      'a_Notebody',
    ]);
  });

  it('keeps the order given where no key decides, and breaks a cycle (after what is in none) at its first archive', () => {
    const archives = [entry('B'), entry('A'), entry('C')];
    expect(referencedFirst(archives, [reference('B', 'B')]).map((archive) => archive.archiveTable)).toEqual(['a_B', 'a_A', 'a_C']);
    expect(referencedFirst(archives, [reference('B', 'A'), reference('A', 'B')]).map((archive) => archive.archiveTable)).toEqual([
      'a_C',
      'a_B',
      'a_A',
    ]);
  });
});
