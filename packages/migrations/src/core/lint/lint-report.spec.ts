import { approvalRecord } from '../safety/approval';
import { analyzeMigration } from '../safety/analyze';
import { RULES } from '../safety/catalogue';
import { loadSqlParser, type SqlParser } from '../sql/parser';
import { lintHistory, type LintInput } from './lint-report';
import { lintSarif } from './lint-sarif';
import { lintText } from './lint-text';

let parser: SqlParser;
beforeAll(async () => {
  parser = await loadSqlParser();
});

const INIT = 'CREATE TABLE "User" ("id" INTEGER PRIMARY KEY, "name" TEXT, "bio" TEXT);';
const DROP_BIO = 'ALTER TABLE "User" DROP COLUMN "bio";';
const approved = (sql: string) =>
  JSON.stringify(
    approvalRecord(sql, analyzeMigration({ parser, migration: 'm', sql }), 'Ada <ada@example.com>', new Date('2026-11-01T00:00:00Z')),
  );

function lint(migrations: LintInput['migrations'], include: (name: string) => boolean = () => true) {
  return lintHistory({
    parser,
    project: 'shop',
    migrations,
    include,
    fileOf: (name) => `apps/shop/prisma/migrations/${name}/migration.sql`,
    scope: 'all',
  });
}

describe('lintHistory', () => {
  it('blocks unapproved data loss, and says how to approve it', () => {
    const report = lint([
      { name: '1_init', sql: INIT },
      { name: '2_drop', sql: DROP_BIO },
    ]);
    expect(report.ok).toBe(false);
    expect(report.counts).toEqual({ findings: 2, blocking: 1, waived: 0, approved: 0 });
    expect(report.migrations[1].findings.map((f) => [f.code, f.blocking, f.line, f.doc])).toEqual([
      ['DS102', true, 1, 'docs/rules/DS102.md'],
      ['LK106', false, 1, 'docs/rules/LK106.md'],
    ]);
    const text = lintText(report);
    expect(text[0]).toBe('migrate-lint shop: 2 migrations analysed (all), 2 findings: 1 blocking, 0 waived, 0 approved');
    expect(text).toContain('apps/shop/prisma/migrations/2_drop/migration.sql:1 DS102 [BLOCKING] drops column User.bio and its values');
    expect(text[text.length - 1]).toMatch(/nx g @forge\/migrations:approve --project=shop --migration=<name>/);
  });

  it('passes approved and waived data loss, and reports both', () => {
    const waived = `-- forge-ignore DS102: the column was never read\n${DROP_BIO}`;
    const dropName = 'ALTER TABLE "User" DROP COLUMN "name";';
    const report = lint([
      { name: '1_init', sql: INIT },
      { name: '2_drop', sql: waived },
      { name: '3_drop', sql: dropName, approval: approved(dropName) },
    ]);
    expect(report.ok).toBe(true);
    expect(report.counts).toMatchObject({ blocking: 0, waived: 1, approved: 1 });
    expect(lintText(report).filter((line) => /DS102 \[/.test(line))).toEqual([
      'apps/shop/prisma/migrations/2_drop/migration.sql:2 DS102 [waived: the column was never read] drops column User.bio and its values',
      'apps/shop/prisma/migrations/3_drop/migration.sql:1 DS102 [approved by Ada <ada@example.com> ' +
        'on 2026-11-01T00:00:00.000Z] drops column User.name and its values',
    ]);
  });

  it('voids an approval of another version of the SQL, and a malformed one', () => {
    const report = lint([
      { name: '1_init', sql: INIT },
      { name: '2_drop', sql: DROP_BIO, approval: approved('ALTER TABLE "User" DROP COLUMN "name";') },
      { name: '3_drop', sql: 'ALTER TABLE "User" DROP COLUMN "name";', approval: '{"approvedBy":' },
    ]);
    expect(report.ok).toBe(false);
    expect(report.counts.blocking).toBe(2);
    expect(report.migrations[1].approvalProblem).toMatch(/approved another version of migration.sql/);
    expect(report.migrations[2].approvalProblem).toBe('approval.json is not an approval record: generate it again');
  });

  it('knows column types from migrations it does not report, and fails on SQL that does not parse', () => {
    const report = lint(
      [
        { name: '1_init', sql: INIT },
        { name: '2_narrow', sql: 'ALTER TABLE "User" ALTER COLUMN "name" TYPE VARCHAR(10);' },
        { name: '3_broken', sql: 'ALTER TABLE "User"\nADD COLUMN;' },
      ],
      (name) => name !== '1_init',
    );
    expect(report.migrations.map((m) => m.name)).toEqual(['2_narrow', '3_broken']);
    expect(report.migrations[0].findings.map((f) => f.code)).toContain('DS104');
    expect(report.migrations[1].syntaxError).toEqual({ message: expect.stringMatching(/syntax error/), line: 2 });
    expect(report.ok).toBe(false);
  });
});

describe('lintSarif', () => {
  it('is SARIF 2.1.0 with every rule, a located result per finding, and suppressions for waived ones', () => {
    const report = lint([
      { name: '1_init', sql: INIT },
      { name: '2_drop', sql: `${DROP_BIO}\n-- forge-ignore LK101: small table\nCREATE INDEX "User_name_idx" ON "User"("name");` },
    ]);
    const sarif = lintSarif(report, RULES, '1.2.3');
    expect(sarif.version).toBe('2.1.0');
    const [run] = sarif.runs;
    expect(run.tool.driver).toMatchObject({ name: '@forge/migrations', version: '1.2.3' });
    expect(run.tool.driver.rules!.map((rule) => rule.id)).toEqual([...RULES.map((rule) => rule.code), 'FM001']);
    const byRule = Object.fromEntries(run.results!.map((result) => [result.ruleId, result]));
    expect(byRule['DS102']).toMatchObject({
      level: 'error',
      ruleIndex: RULES.findIndex((rule) => rule.code === 'DS102'),
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: 'apps/shop/prisma/migrations/2_drop/migration.sql', uriBaseId: '%SRCROOT%' },
            region: { startLine: 1 },
          },
        },
      ],
    });
    expect(byRule['DS102'].suppressions).toBeUndefined();
    expect(byRule['LK101']).toMatchObject({
      level: 'warning',
      suppressions: [{ kind: 'inSource', justification: 'small table' }],
      locations: [{ physicalLocation: { region: { startLine: 3 } } }],
    });
    expect(byRule['DS102'].partialFingerprints!['forgeFinding/v1']).toMatch(/^[0-9a-f]{32}$/);
    expect(run.tool.driver.rules![RULES.findIndex((rule) => rule.code === 'DS102')].help!.markdown).toMatch(/^# DS102: /);
  });
});
