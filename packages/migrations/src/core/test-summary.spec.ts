import { migrationResult, testReport } from '../test-support/reports';
import { migrationLine, summaryLines } from './test-summary';

describe('test summary', () => {
  it('prints one line per migration, with what went wrong under it', () => {
    expect(
      migrationLine(
        migrationResult({
          integrity: { tablesWithRows: ['public.A'], rowsChecked: 3, unfilledTables: [], violations: [], lostValues: [], notCompared: [] },
        }),
      ),
    ).toBe('  ✓ 20240101000000_init  (12 ms, down verified, 3 row(s) checked)');
    const failed = migrationLine(
      migrationResult({
        down: 'failed',
        downDetails: ['after down.sql: + index public.a_idx (not there before)'],
        integrity: {
          tablesWithRows: [],
          rowsChecked: 0,
          unfilledTables: [{ table: 'public.B', reason: 'check constraint' }],
          violations: ['a row of public.A is gone'],
          lostValues: [],
          notCompared: [],
        },
      }),
    );
    expect(failed.split('\n')).toEqual([
      '  ! 20240101000000_init  (12 ms, down failed)',
      '      down: after down.sql: + index public.a_idx (not there before)',
      '      data: a row of public.A is gone',
      '      not filled: public.B: check constraint',
    ]);
  });

  it('ends with the verdict, and shows the SQL that closes a drift', () => {
    expect(summaryLines(testReport())).toEqual([
      '1 migration(s), 1 applied on pglite; downs: 1 verified',
      'idempotent: a second apply applies nothing',
      'no drift: the migrated schema is what schema.prisma describes',
      'time: read history 0.1 s · prove migrations 1.4 s',
      'PASS billing (1500 ms)',
    ]);
    expect(summaryLines(testReport({ phases: [] }))).not.toContainEqual(expect.stringMatching(/^time:/));
    const drifted = summaryLines(
      testReport({ ok: false, drift: { clean: false, allowed: false, sql: 'CREATE INDEX "i" ON "t"("c");\n' } }),
    );
    expect(drifted).toContain('    CREATE INDEX "i" ON "t"("c");');
    expect(drifted).toContain('  hint: create a migration for the change (or run with --allowDrift to accept it)');
    expect(drifted[drifted.length - 1]).toBe('FAIL billing');
  });

  it('names the failing migration and statement first', () => {
    const lines = summaryLines(
      testReport({
        ok: false,
        migrations: [migrationResult({ applied: false })],
        errors: [{ migration: '20240101000000_init', message: 'ERROR: boom', statement: 'statement 2, line 3: SELECT x' }],
      }),
    );
    expect(lines.slice(0, 2)).toEqual(['✗ 20240101000000_init: ERROR: boom', '    failing statement 2, line 3: SELECT x']);
  });
});
