import { loadSqlParser, parseScript, SqlSyntaxError, statementKind } from './parser';
import { planScriptBatches } from './transactions';

beforeAll(loadSqlParser);

describe('parseScript', () => {
  it('returns each statement with character offsets, also after multi-byte text', () => {
    const sql = '-- héllo wörld\nCREATE TABLE "Ä" (id int);\nDO $$ BEGIN PERFORM 1; END $$;\nSELECT 1';
    const statements = parseScript(sql);
    expect(statements.map(statementKind)).toEqual(['CreateStmt', 'DoStmt', 'SelectStmt']);
    expect(statements[0].text).toBe('CREATE TABLE "Ä" (id int)');
    expect(sql.slice(statements[1].start, statements[1].end).trim()).toBe('DO $$ BEGIN PERFORM 1; END $$');
    expect(statements[2].text).toBe('SELECT 1');
  });

  it('reports a syntax error with its offset', () => {
    expect(() => parseScript('CREATE TABLE x (a int,')).toThrow(SqlSyntaxError);
    try {
      parseScript('SELECT 1;\nCREATE TABLE x (a int,');
    } catch (error) {
      expect((error as SqlSyntaxError).offset).toBe(32);
    }
  });
});

describe('planScriptBatches', () => {
  it('keeps an ordinary script whole, exactly as written', () => {
    const sql = 'CREATE TABLE a (id int);\nDO $$ BEGIN RAISE NOTICE \'a;b\'; END $$;\n';
    expect(planScriptBatches(sql)).toEqual([{ sql, transactional: true }]);
  });

  it('sends statements that refuse a transaction block on their own', () => {
    const sql =
      'CREATE TABLE a (id int);\nALTER TABLE a ADD COLUMN b int;\nCREATE INDEX CONCURRENTLY a_b ON a(b);\nDROP INDEX CONCURRENTLY a_b;\nSELECT 1;';
    expect(planScriptBatches(sql)).toEqual([
      { sql: 'CREATE TABLE a (id int);\nALTER TABLE a ADD COLUMN b int;', transactional: true },
      { sql: 'CREATE INDEX CONCURRENTLY a_b ON a(b)', transactional: false },
      { sql: 'DROP INDEX CONCURRENTLY a_b', transactional: false },
      { sql: 'SELECT 1;', transactional: true },
    ]);
  });

  it('recognises REINDEX CONCURRENTLY and VACUUM', () => {
    expect(planScriptBatches('REINDEX INDEX CONCURRENTLY i; VACUUM a').map((b) => b.transactional)).toEqual([false, false]);
  });

  it('leaves a script that does not parse whole, for PostgreSQL to report', () => {
    const sql = 'CREATE INDEX CONCURRENTLY i ON a(b); CREATE TABLE (';
    expect(planScriptBatches(sql)).toEqual([{ sql, transactional: true }]);
  });
});
