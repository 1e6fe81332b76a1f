import { describeLock } from './lock-modes';
import { describePhases } from './phase-clock';
import type { MigrationTestResult, TestReport } from './test-report';

/** The progress line printed as each migration finishes. */
export function migrationLine(result: MigrationTestResult): string {
  const mark = !result.applied ? '✗' : result.down === 'failed' || result.integrity.violations.length ? '!' : '✓';
  const details = [
    `${result.ms} ms`,
    `down ${result.down}`,
    result.integrity.rowsChecked ? `${result.integrity.rowsChecked} row(s) checked` : undefined,
  ].filter(Boolean);
  const lines = [`  ${mark} ${result.name}  (${details.join(', ')})`];
  for (const detail of result.down === 'failed' ? result.downDetails : []) lines.push(`      down: ${detail}`);
  for (const line of result.restored ?? []) lines.push(`      down: ${line}`);
  for (const violation of result.integrity.violations) lines.push(`      data: ${violation}`);
  for (const lost of result.integrity.lostValues) lines.push(`      lost: ${lost}`);
  for (const dependence of result.dataDependent) {
    lines.push(`      data-dependent${dependence.code ? ` ${dependence.code}` : ''}: ${dependence.need}`);
    lines.push(
      `        ${[dependence.statement, `${describeRemoved(dependence.rowsRemoved)} taken out and the migration applied again`].filter(Boolean).join('; ')}`,
    );
  }
  for (const unfilled of result.integrity.unfilledTables) lines.push(`      not filled: ${unfilled.table}: ${unfilled.reason}`);
  for (const note of result.integrity.notCompared) lines.push(`      not compared: ${note}`);
  for (const finding of result.findings.filter((f) => f.severity !== 'info' || f.evidence)) {
    lines.push(`      ${finding.code} line ${finding.line}: ${finding.message}${finding.waived ? ` (waived: ${finding.waived})` : ''}`);
    if (finding.evidence) lines.push(`        ${finding.evidence}`);
  }
  for (const lock of result.locks ?? []) lines.push(`      lock: ${describeLock(lock)}`);
  return lines.join('\n');
}

/** The closing summary: what passed, what failed and what to do about it. */
export function summaryLines(report: TestReport): string[] {
  const lines: string[] = [];
  for (const error of report.errors) {
    lines.push(`✗ ${error.migration ? `${error.migration}: ` : ''}${error.message}`);
    if (error.statement) lines.push(`    failing ${error.statement}`);
  }
  const applied = report.migrations.filter((m) => m.applied).length;
  const dataDependent = report.migrations.filter((m) => m.dataDependent.length > 0);
  if (dataDependent.length) {
    lines.push(
      `! ${dataDependent.length} data-dependent migration(s): they failed on representative rows ` +
        `only, and apply in production only if its rows allow (see each "data-dependent" line; ` +
        `--strictData to fail on them)`,
    );
  }
  const downs = countBy(report.migrations.map((m) => m.down));
  lines.push(
    `${report.migrations.length} migration(s), ${applied} applied on ${report.engine}; downs: ${
      Object.entries(downs)
        .map(([status, count]) => `${count} ${status}`)
        .join(', ') || 'none'
    }`,
  );
  if (report.reusedPrefix) {
    lines.push(
      `the first ${report.reusedPrefix} proven by an earlier run with the same migrations (started from the database it left; --noPrefixCache to prove them again)`,
    );
  }
  if (applied === report.migrations.length) {
    lines.push(report.idempotent ? 'idempotent: a second apply applies nothing' : '✗ not idempotent: a second apply changed the history');
    if (report.drift.clean) lines.push('no drift: the migrated schema is what schema.prisma describes');
    else {
      lines.push(
        `${report.drift.allowed ? '! drift (allowed)' : '✗ drift'}: the migrated schema differs from schema.prisma; this SQL would close the gap:`,
      );
      lines.push(
        ...report.drift.sql
          .trim()
          .split('\n')
          .map((line) => `    ${line}`),
      );
      if (!report.drift.allowed) lines.push('  hint: create a migration for the change (or run with --allowDrift to accept it)');
    }
  }
  if (report.phases.length) lines.push(`time: ${describePhases(report.phases)}`);
  lines.push(report.ok ? `PASS ${report.project} (${report.durationMs} ms)` : `FAIL ${report.project}`);
  return lines;
}

function describeRemoved(removed: Array<{ table: string; rows: number }>): string {
  return removed.map((entry) => `${entry.rows} representative row(s) of ${entry.table}`).join(', ');
}

function countBy(values: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}
