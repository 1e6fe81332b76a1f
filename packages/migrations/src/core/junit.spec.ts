import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { migrationResult, testReport } from '../test-support/reports';
import { toJUnitXml } from './junit';

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' });

describe('toJUnitXml', () => {
  it('writes one test case per migration, plus idempotency and drift', () => {
    const xml = toJUnitXml(testReport({ migrations: [migrationResult(), migrationResult({ name: '20240102000000_two', ms: 250 })] }));
    expect(XMLValidator.validate(xml)).toBe(true);
    const suite = parser.parse(xml).testsuites.testsuite;
    expect(suite.name).toBe('billing (pglite)');
    expect(suite.tests).toBe('4');
    expect(suite.failures).toBe('0');
    expect(suite.testcase.map((c: { name: string }) => c.name)).toEqual([
      '20240101000000_init',
      '20240102000000_two',
      'idempotency',
      'drift',
    ]);
    expect(suite.testcase[1].time).toBe('0.250');
  });

  it('reports failures with their messages, escaped, and skips what never ran', () => {
    const report = testReport({
      ok: false,
      migrations: [migrationResult({ applied: false }), migrationResult({ name: '20240102000000_later', applied: false, down: 'not-run' })],
      errors: [
        {
          migration: '20240101000000_init',
          message: 'ERROR: syntax error at or near "<" & more',
          statement: 'statement 1, line 2: SELECT <',
        },
      ],
      drift: { clean: false, allowed: false, sql: '' },
    });
    const xml = toJUnitXml(report);
    expect(XMLValidator.validate(xml)).toBe(true);
    const cases = parser.parse(xml).testsuites.testsuite.testcase;
    expect(cases[0].failure.message).toBe('ERROR: syntax error at or near "<" & more');
    expect(cases[0].failure['#text']).toContain('statement 1, line 2: SELECT <');
    expect(cases[1].skipped.message).toBe('not applied: an earlier migration failed');
  });

  it('reports a failed down script and broken rows', () => {
    const xml = toJUnitXml(
      testReport({
        migrations: [
          migrationResult({
            down: 'failed',
            downDetails: ['after down.sql: + enum public."Status" (not there before)'],
            integrity: {
              tablesWithRows: ['public.A'],
              rowsChecked: 1,
              unfilledTables: [],
              violations: ['a row of public.A is gone'],
              lostValues: [],
              notCompared: [],
            },
          }),
        ],
      }),
    );
    const testCase = parser.parse(xml).testsuites.testsuite.testcase[0];
    expect(testCase.failure).toHaveLength(2);
  });
});
