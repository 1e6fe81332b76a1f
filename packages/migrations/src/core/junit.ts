import type { TestReport } from './test-report';

/** The report as JUnit XML, one test case per migration plus idempotency and drift, for CI test views. */
export function toJUnitXml(report: TestReport): string {
  const cases: string[] = [];
  for (const migration of report.migrations) {
    const failures = [
      ...report.errors
        .filter((error) => error.migration === migration.name)
        .map((error) => [error.message, error.statement].filter(Boolean).join('\n')),
      ...(migration.down === 'failed' ? [`down.sql failed:\n${migration.downDetails.join('\n')}`] : []),
      ...migration.integrity.violations.map((violation) => `data integrity: ${violation}`),
    ];
    const skipped = !migration.applied && failures.length === 0;
    cases.push(testCase(migration.name, migration.ms, failures, skipped ? 'not applied: an earlier migration failed' : undefined));
  }
  cases.push(testCase('idempotency', 0, report.idempotent ? [] : ['a second apply applied migrations again, or the history is not clean']));
  cases.push(
    testCase(
      'drift',
      0,
      report.drift.clean || report.drift.allowed ? [] : [`the migrated schema differs from schema.prisma:\n${report.drift.sql}`],
    ),
  );
  const general = report.errors.filter((error) => !error.migration);
  if (general.length)
    cases.push(
      testCase(
        'setup',
        0,
        general.map((error) => error.message),
      ),
    );

  const failures = cases.filter((c) => c.includes('<failure')).length;
  const skipped = cases.filter((c) => c.includes('<skipped')).length;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="migrate-test" tests="${cases.length}" failures="${failures}" time="${seconds(report.durationMs)}">`,
    `  <testsuite name="${escape(`${report.project} (${report.engine})`)}" tests="${cases.length}" ` +
      `failures="${failures}" skipped="${skipped}" timestamp="${report.startedAt}" ` +
      `time="${seconds(report.durationMs)}">`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

function testCase(name: string, ms: number, failures: string[], skipped?: string): string {
  const open = `    <testcase classname="migrations" name="${escape(name)}" time="${seconds(ms)}"`;
  if (skipped) return `${open}>\n      <skipped message="${escape(skipped)}"/>\n    </testcase>`;
  if (failures.length === 0) return `${open}/>`;
  const body = failures.map((failure) => `      <failure message="${escape(failure.split('\n')[0])}">${escape(failure)}</failure>`);
  return [`${open}>`, ...body, '    </testcase>'].join('\n');
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

function escape(text: string): string {
  return (
    text
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '')
  );
}
