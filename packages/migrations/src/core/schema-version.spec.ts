import { databaseVersionMarkdown, schemaVersions, versionOf } from './schema-version';
import { loadSqlParser, type SqlParser } from './sql/parser';

let parser: SqlParser;
beforeAll(async () => {
  parser = await loadSqlParser();
});

const HISTORY = [
  { name: '1_init', sql: 'CREATE TABLE "User" ("id" SERIAL PRIMARY KEY, "email" TEXT NOT NULL);' },
  { name: '2_comment', sql: `COMMENT ON TABLE "User" IS 'people';` },
  { name: '3_index', sql: 'CREATE INDEX "User_email_idx" ON "User" ("email");' },
  { name: '4_drop_email', sql: 'ALTER TABLE "User" DROP COLUMN "email";' },
  { name: '5_rename', sql: 'ALTER TABLE "User" RENAME TO "Person";' },
  { name: '6_note', sql: 'ALTER TABLE "Person" ADD COLUMN "note" TEXT;' },
];

describe('schemaVersions', () => {
  it('bumps major for destructive or breaking changes, minor for additions, patch otherwise', () => {
    expect(schemaVersions(parser, HISTORY).map(({ version, bump }) => `${version} ${bump}`)).toEqual([
      '0.1.0 minor',
      '0.1.1 patch',
      '0.2.0 minor',
      '1.0.0 major',
      '2.0.0 major',
      '2.1.0 minor',
    ]);
    expect(schemaVersions(parser, HISTORY)[3].reason).toMatch(/^DS102/);
    expect(schemaVersions(parser, HISTORY)[4].reason).toMatch(/^BC101/);
  });

  it('counts an approved or waived data loss as major: the approval does not make it compatible', () => {
    const waived = [HISTORY[0], { name: '2_drop', sql: '-- forge-ignore DS101: nobody reads it\nDROP TABLE "User";' }];
    expect(schemaVersions(parser, waived)[1].version).toBe('1.0.0');
  });

  it('a database version is the version of its last applied migration in history order', () => {
    const versions = schemaVersions(parser, HISTORY);
    expect(versionOf(versions, new Set())).toBe('0.0.0');
    expect(versionOf(versions, new Set(['1_init', '2_comment', '3_index']))).toBe('0.2.0');
  });

  it('DATABASE_VERSION.md: the current version, then every migration newest first', () => {
    const markdown = databaseVersionMarkdown('billing', schemaVersions(parser, HISTORY));
    expect(markdown.split('\n')[0]).toBe('# billing: database schema version 2.1.0');
    expect(markdown).toMatch(/\| 2\.1\.0 \| 6_note \| minor \| adds columns \|\n\| 2\.0\.0 \| 5_rename \| major \|/);
  });
});
