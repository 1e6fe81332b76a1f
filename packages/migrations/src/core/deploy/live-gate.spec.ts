import { lintHistory } from '../lint/lint-report';
import { loadSqlParser, type SqlParser } from '../sql/parser';
import { describeVerdict, judgeFindings, type LiveTable, tablesToInspect } from './live-gate';

let parser: SqlParser;
beforeAll(async () => {
  parser = await loadSqlParser();
});

/** The pending migrations of a history with their blocking findings, as the deploy gate sees them. */
function pending(migrations: Array<[string, string]>, live: number) {
  const history = migrations.map(([name, sql]) => ({ name, sql }));
  const report = lintHistory({
    parser,
    project: 'p',
    migrations: history,
    include: (name) => history.findIndex((m) => m.name === name) >= live,
    fileOf: (name) => name,
    scope: 'pending',
  });
  return report.migrations.map((linted) => ({
    name: linted.name,
    sql: history.find((m) => m.name === linted.name)!.sql,
    blocking: linted.findings.filter((f) => f.blocking),
  }));
}

const LIVE: Record<string, LiveTable> = {
  Full: { exists: true, hasRows: true },
  Empty: { exists: true, hasRows: false },
};
const live = (table: string) => LIVE[table] ?? { exists: false, hasRows: false };

describe('the safety gate on the live database', () => {
  it('finds nothing to lose in tables the deploy creates, tables that do not exist, and empty tables', () => {
    const gate = pending(
      [
        ['1_live', 'CREATE TABLE "Full" ("id" INT, "a" INT); CREATE TABLE "Empty" ("id" INT, "b" INT);'],
        ['2_new', 'CREATE TABLE "New" ("id" INT, "c" INT);'],
        ['3_drops', 'ALTER TABLE "New" DROP COLUMN "c"; ALTER TABLE "Empty" DROP COLUMN "b"; DROP TABLE IF EXISTS "Never";'],
      ],
      1,
    );
    expect(tablesToInspect(parser, gate)).toEqual(['Empty', 'Never']);
    expect(judgeFindings(parser, gate, live).map((judged) => [judged.code, judged.verdict, describeVerdict(judged)])).toEqual([
      ['DS102', 'created-in-deploy', 'nothing to lose: New is created earlier in this deploy'],
      ['DS102', 'empty', 'nothing to lose: Empty is empty (checked again right before the migration)'],
      ['DS101', 'absent', 'nothing to lose: Never does not exist'],
    ]);
  });

  it('stops at a table that holds rows, also under the name a rename in the same deploy gave it', () => {
    const gate = pending(
      [
        ['1_live', 'CREATE TABLE "Full" ("id" INT, "a" INT);'],
        ['2_rename', 'ALTER TABLE "Full" RENAME TO "Renamed";'],
        ['3_drop', 'ALTER TABLE "Renamed" DROP COLUMN "a";'],
      ],
      1,
    );
    expect(judgeFindings(parser, gate, live)).toEqual([
      expect.objectContaining({
        migration: '3_drop',
        code: 'DS102',
        tables: ['Full'],
        verdict: 'holds-rows',
        reason: 'Renamed (Full now) holds rows',
      }),
    ]);
  });

  it('judges a dropped enum value on the tables whose columns are converted', () => {
    const gate = pending(
      [
        ['1_live', 'CREATE TYPE "S" AS ENUM (\'A\', \'B\'); CREATE TABLE "Full" ("s" "S"); CREATE TABLE "Empty" ("s" "S");'],
        [
          '2_drop_value',
          'CREATE TYPE "S_new" AS ENUM (\'A\'); ALTER TABLE "Empty" ALTER COLUMN "s" TYPE "S_new" USING ' +
            '("s"::text::"S_new"); ALTER TYPE "S" RENAME TO "S_old"; ALTER TYPE "S_new" RENAME TO "S"; DROP ' +
            'TYPE "S_old";',
        ],
      ],
      1,
    );
    expect(judgeFindings(parser, gate, live).filter((judged) => judged.code === 'DS103')).toEqual([
      expect.objectContaining({ tables: ['Empty'], verdict: 'empty' }),
    ]);
  });
});
