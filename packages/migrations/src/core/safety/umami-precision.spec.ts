import { readMigrationHistory } from '../../adapters/store/migration-store';
import { FIXTURES_DIR } from '../../test-support/fixtures';
import { loadSqlParser, type SqlParser } from '../sql/parser';
import { analyzeHistory } from './analyze';
import path from 'node:path';

let parser: SqlParser;
beforeAll(async () => {
  parser = await loadSqlParser();
});

/**
 * Precision and recall on a real history: every DROP TABLE, DROP COLUMN and column type change is
 * found (counted here with plain text searches, independent of the parser), and nothing is flagged
 * on a table the same migration created.
 */
describe('analysis of the umami history', () => {
  const history = readMigrationHistory(path.join(FIXTURES_DIR, 'umami/prisma/migrations'));
  const analyzed = () => analyzeHistory(parser, history.migrations);

  it.each(history.migrations.map((m, index) => [m.name, m, index] as const))('%s', (_name, migration, index) => {
    const findings = analyzed()[index];
    const withoutComments = migration.sql.replace(/--.*$/gm, '');
    const count = (pattern: RegExp) => (withoutComments.match(pattern) ?? []).length;
    const created = new Set([...withoutComments.matchAll(/CREATE TABLE (?:IF NOT EXISTS )?"?([\w]+)"?/gi)].map((m) => m[1]));

    expect(findings.filter((f) => f.code === 'DS101')).toHaveLength(count(/\bDROP TABLE\b/gi));
    expect(findings.filter((f) => f.code === 'DS102')).toHaveLength(count(/\bDROP COLUMN\b/gi));
    expect(findings.filter((f) => f.code === 'BC104')).toHaveLength(count(/\bALTER COLUMN\s+"?\w+"?\s+(?:SET DATA )?TYPE\b/gi));
    for (const finding of findings) {
      // A table created in this migration is flagged only if it existed before too (never, here).
      if (finding.table && created.has(finding.table)) {
        const createdAt = withoutComments.search(new RegExp(`CREATE TABLE (?:IF NOT EXISTS )?"?${finding.table}"?`, 'i'));
        const lines = withoutComments.slice(0, createdAt).split('\n').length;
        expect({ finding: `${finding.code} ${finding.message}`, beforeCreate: finding.line < lines }).toEqual({
          finding: `${finding.code} ${finding.message}`,
          beforeCreate: true,
        });
      }
    }
  });

  it('finds the destructive changes of the history', () => {
    const destructive = analyzed()
      .flat()
      .filter((f) => f.family === 'destructive');
    expect(destructive.map((f) => `${f.migration} ${f.code} ${f.message}`)).toMatchSnapshot();
  });
});
