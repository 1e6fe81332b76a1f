import { loadSqlParser, type SqlParser, SqlSyntaxError, statementKind } from './parser';
import { planScriptBatches } from './transactions';

let parser: SqlParser;
beforeAll(async () => {
  parser = await loadSqlParser();
});

describe('parseScript', () => {
  it('returns each statement with character offsets, also after multi-byte text', () => {
    const sql = '-- héllo wörld\nCREATE TABLE "Ä" (id int);\nDO $$ BEGIN PERFORM 1; END $$;\nSELECT 1';
    const statements = parser.parseScript(sql);
    expect(statements.map(statementKind)).toEqual(['CreateStmt', 'DoStmt', 'SelectStmt']);
    expect(statements[0].text).toBe('CREATE TABLE "Ä" (id int)');
    expect(sql.slice(statements[1].start, statements[1].end).trim()).toBe('DO $$ BEGIN PERFORM 1; END $$');
    expect(parser.parseScript('SELECT 1;\n-- a comment\n/* and a block */\nSELECT 2')[1]).toMatchObject({ text: 'SELECT 2', start: 41 });
    expect(statements[2].text).toBe('SELECT 1');
  });

  it('parses a script once: the same text gives the same statements, which no caller can change', () => {
    const sql = 'CREATE TABLE t (id int);\nSELECT 1;';
    const first = parser.parseScript(sql);
    expect(parser.parseScript(sql)).toBe(first);
    expect(Object.isFrozen(first) && Object.isFrozen(first[0])).toBe(true);
    expect(parser.parseScript(`${sql} `)).not.toBe(first);
    expect(parser.parseScript(`${sql} `).map((statement) => statement.text)).toEqual(first.map((statement) => statement.text));
  });

  it('finds no statement in an empty script, or one of comments only', () => {
    expect(parser.parseScript('')).toEqual([]);
    expect(parser.parseScript(' \n\t')).toEqual([]);
    expect(parser.parseScript('-- nothing to undo\n/* at all */')).toEqual([]);
  });

  it('reports a syntax error with its offset', () => {
    expect(() => parser.parseScript('CREATE TABLE x (a int,')).toThrow(SqlSyntaxError);
    try {
      parser.parseScript('SELECT 1;\nCREATE TABLE x (a int,');
    } catch (error) {
      expect((error as SqlSyntaxError).offset).toBe(32);
    }
  });
});

describe('planScriptBatches', () => {
  it('keeps an ordinary script whole, exactly as written', () => {
    const sql = "CREATE TABLE a (id int);\nDO $$ BEGIN RAISE NOTICE 'a;b'; END $$;\n";
    expect(planScriptBatches(parser, sql)).toEqual([{ sql, offset: 0, transactional: true }]);
  });

  it('sends statements that refuse a transaction block on their own, as verbatim slices', () => {
    const sql =
      'CREATE TABLE a (id int);\nALTER TABLE a ADD COLUMN b int;\nCREATE INDEX CONCURRENTLY a_b ON a(b);\nDROP INDEX CONCURRENTLY a_b;\n-- last\nSELECT 1;';
    const batches = planScriptBatches(parser, sql);
    expect(batches.map(({ sql: text, transactional }) => ({ text, transactional }))).toEqual([
      { text: 'CREATE TABLE a (id int);\nALTER TABLE a ADD COLUMN b int', transactional: true },
      { text: 'CREATE INDEX CONCURRENTLY a_b ON a(b)', transactional: false },
      { text: 'DROP INDEX CONCURRENTLY a_b', transactional: false },
      { text: 'SELECT 1', transactional: true },
    ]);
    for (const batch of batches) expect(sql.slice(batch.offset, batch.offset + batch.sql.length)).toBe(batch.sql);
  });

  it('recognises REINDEX CONCURRENTLY and VACUUM', () => {
    expect(planScriptBatches(parser, 'REINDEX INDEX CONCURRENTLY i; VACUUM a').map((b) => b.transactional)).toEqual([false, false]);
  });

  it('blanks the transaction control a script writes, keeping every offset and line', () => {
    const sql = '-- AlterEnum\nBEGIN;\nCREATE TYPE "E_new" AS ENUM (\'A\');\nCOMMIT;\n\nALTER TABLE "T" ADD COLUMN "c" INT;\nEND;';
    const [batch, ...rest] = planScriptBatches(parser, sql);
    expect(rest).toEqual([]);
    expect(batch.sql).toHaveLength(sql.length);
    expect(batch.sql.split('\n').length).toBe(sql.split('\n').length);
    expect(batch.sql).not.toMatch(/BEGIN|COMMIT|END/);
    expect(batch.sql).toContain('CREATE TYPE "E_new" AS ENUM (\'A\');\n');
    // A function body's BEGIN ... END is not transaction control.
    const fn = 'CREATE FUNCTION f() RETURNS int AS $$ BEGIN RETURN 1; END $$ LANGUAGE plpgsql;';
    expect(planScriptBatches(parser, fn)).toEqual([{ sql: fn, offset: 0, transactional: true }]);
  });

  it('commits an added enum value before a later statement of the script uses it, and only then', () => {
    const sql = 'ALTER TYPE "S" ADD VALUE \'DONE\';\nALTER TYPE "S" ADD VALUE \'GONE\';\nUPDATE "T" SET "s" = \'DONE\';';
    expect(planScriptBatches(parser, sql).map((batch) => batch.sql)).toEqual([
      'ALTER TYPE "S" ADD VALUE \'DONE\';\nALTER TYPE "S" ADD VALUE \'GONE\'',
      'UPDATE "T" SET "s" = \'DONE\'',
    ]);
    const unused = 'ALTER TYPE "S" ADD VALUE \'DONE\';\nALTER TABLE "T" ADD COLUMN "c" INT;';
    expect(planScriptBatches(parser, unused)).toEqual([{ sql: unused, offset: 0, transactional: true }]);
  });

  it('leaves a script that does not parse whole, for PostgreSQL to report', () => {
    const sql = 'CREATE INDEX CONCURRENTLY i ON a(b); CREATE TABLE (';
    expect(planScriptBatches(parser, sql)).toEqual([{ sql, offset: 0, transactional: true }]);
  });
});
