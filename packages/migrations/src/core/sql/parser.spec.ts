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
    expect(parseScript('SELECT 1;\n-- a comment\n/* and a block */\nSELECT 2')[1]).toMatchObject({ text: 'SELECT 2', start: 41 });
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
    expect(planScriptBatches(sql)).toEqual([{ sql, offset: 0, transactional: true }]);
  });

  it('sends statements that refuse a transaction block on their own, as verbatim slices', () => {
    const sql =
      'CREATE TABLE a (id int);\nALTER TABLE a ADD COLUMN b int;\nCREATE INDEX CONCURRENTLY a_b ON a(b);\nDROP INDEX CONCURRENTLY a_b;\n-- last\nSELECT 1;';
    const batches = planScriptBatches(sql);
    expect(batches.map(({ sql: text, transactional }) => ({ text, transactional }))).toEqual([
      { text: 'CREATE TABLE a (id int);\nALTER TABLE a ADD COLUMN b int', transactional: true },
      { text: 'CREATE INDEX CONCURRENTLY a_b ON a(b)', transactional: false },
      { text: 'DROP INDEX CONCURRENTLY a_b', transactional: false },
      { text: 'SELECT 1', transactional: true },
    ]);
    for (const batch of batches) expect(sql.slice(batch.offset, batch.offset + batch.sql.length)).toBe(batch.sql);
  });

  it('recognises REINDEX CONCURRENTLY and VACUUM', () => {
    expect(planScriptBatches('REINDEX INDEX CONCURRENTLY i; VACUUM a').map((b) => b.transactional)).toEqual([false, false]);
  });

  it('leaves a script that does not parse whole, for PostgreSQL to report', () => {
    const sql = 'CREATE INDEX CONCURRENTLY i ON a(b); CREATE TABLE (';
    expect(planScriptBatches(sql)).toEqual([{ sql, offset: 0, transactional: true }]);
  });
});
