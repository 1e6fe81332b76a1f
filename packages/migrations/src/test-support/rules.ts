import { analyzeMigration, type Finding } from '../core/safety/analyze';
import type { Rule } from '../core/safety/rule';
import { loadSqlParser, type SqlParser } from '../core/sql/parser';

/** One rule's findings for a migration's SQL, with optional knowledge of the schema before it. */
export function findingsOf(
  parser: SqlParser,
  rule: Rule,
  sql: string,
  known: { columnTypes?: Record<string, string>; enums?: Record<string, string[]> } = {},
): Finding[] {
  return analyzeMigration({
    parser,
    migration: 'spec',
    sql,
    rules: [rule],
    columnType: (table, column) => known.columnTypes?.[`${table}.${column}`],
    enumValues: (type) => known.enums?.[type],
  });
}

/** The ok/err table of a rule: no finding for each `ok`, exactly one for each `err`. */
export function describeRule(
  rule: Rule,
  cases: { ok: string[]; err: Array<[string, RegExp]>; known?: Parameters<typeof findingsOf>[3] },
): void {
  describe(`${rule.code} ${rule.title}`, () => {
    let parser: SqlParser;
    beforeAll(async () => {
      parser = await loadSqlParser();
    });
    it.each(cases.ok)('passes: %s', (sql) => {
      expect(findingsOf(parser, rule, sql, cases.known)).toEqual([]);
    });
    it.each(cases.err)('flags: %s', (sql, message) => {
      const findings = findingsOf(parser, rule, sql, cases.known);
      expect(findings).toHaveLength(1);
      expect(findings[0]).toMatchObject({ code: rule.code, family: rule.family, severity: rule.severity });
      expect(findings[0].message).toMatch(message);
    });
  });
}
