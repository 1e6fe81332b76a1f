import type { LintReport } from './lint-report';

/** The lint report for a terminal: one block per migration with findings, then what to do. */
export function lintText(report: LintReport): string[] {
  const { counts } = report;
  const lines = [
    `migrate-lint ${report.project}: ${report.migrations.length} migration${report.migrations.length === 1 ? '' : 's'} analysed (${report.scope}), ` +
      `${counts.findings} finding${counts.findings === 1 ? '' : 's'}: ${counts.blocking} blocking, ${counts.waived} waived, ${counts.approved} approved`,
  ];
  for (const migration of report.migrations) {
    if (migration.syntaxError) {
      lines.push(
        `${migration.file}${migration.syntaxError.line ? `:${migration.syntaxError.line}` : ''}: does not parse: ${migration.syntaxError.message}`,
      );
      continue;
    }
    for (const finding of migration.findings) {
      const status = finding.blocking
        ? 'BLOCKING'
        : finding.waived
          ? `waived: ${finding.waived}`
          : finding.approved
            ? `approved by ${finding.approved}`
            : finding.severity;
      lines.push(`${migration.file}:${finding.line} ${finding.code} [${status}] ${finding.message}`);
      lines.push(`    ${finding.excerpt}`);
      lines.push(`    see ${finding.doc}`);
    }
    if (migration.approvalProblem) lines.push(`${migration.file}: approval.json does not count: ${migration.approvalProblem}`);
  }
  if (counts.blocking > 0) {
    lines.push(
      `${counts.blocking} destructive finding${counts.blocking === 1 ? '' : 's'} not approved. If the data loss is intended: ` +
        `nx g @forge/migrations:approve --project=${report.project} --migration=<name>; otherwise change the migration.`,
    );
  }
  return lines;
}
