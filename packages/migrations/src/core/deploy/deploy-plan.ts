import type { LintedMigration } from '../lint/lint-report';
import { describeVerdict, type JudgedFinding } from './live-gate';
import type { SqlParser } from '../sql/parser';
import { runsInOneTransaction } from '../sql/transactions';

export interface PlannedMigration {
  name: string;
  /** Applied in one transaction with its `_prisma_migrations` row, or statement by statement. */
  transactional: boolean;
  dataStep: boolean;
  down: 'script' | 'irreversible' | 'missing';
  findings: string[];
  sql: string;
}

export interface DeployPlan {
  database: string;
  environment: string;
  recover: string[];
  pending: PlannedMigration[];
  backup: string;
  healthCheck?: string;
}

export function plannedMigration(
  parser: SqlParser,
  migration: { name: string; sql: string; dataStep?: unknown; down?: { kind: 'script' | 'irreversible' } },
  lint: LintedMigration | undefined,
  judged: readonly JudgedFinding[] = [],
): PlannedMigration {
  const verdict = (finding: { code: string; line: number }) =>
    judged.find(
      (candidate) => candidate.migration === migration.name && candidate.code === finding.code && candidate.line === finding.line,
    );
  return {
    name: migration.name,
    transactional: runsInOneTransaction(parser, migration.sql),
    dataStep: migration.dataStep !== undefined,
    down: migration.down?.kind ?? 'missing',
    findings: (lint?.findings ?? []).map((finding) => {
      const judgement = verdict(finding);
      const note = finding.waived
        ? ` (waived: ${finding.waived})`
        : finding.approved
          ? ` (approved by ${finding.approved})`
          : judgement
            ? ` (${describeVerdict(judgement)})`
            : '';
      return `${finding.code} line ${finding.line}: ${finding.message}${note}`;
    }),
    sql: migration.sql,
  };
}

/** The plan as `--dryRun` prints it: what would be locked, backed up, applied and checked. */
export function renderPlan(plan: DeployPlan, withSql: boolean): string[] {
  const lines = [
    `Deploy plan for ${plan.database} (${plan.environment}):`,
    '  1. take the deploy lock (another deploy waits, then gives up)',
  ];
  for (const recovery of plan.recover) lines.push(`     recover: ${recovery}`);
  if (plan.pending.length === 0) return [...lines, '  nothing to apply: every migration is applied'];
  lines.push(`  2. back up: ${plan.backup}`);
  lines.push(`  3. apply ${plan.pending.length} migration${plan.pending.length > 1 ? 's' : ''}, one at a time:`);
  for (const migration of plan.pending) {
    const how = [
      migration.transactional ? 'in one transaction' : 'outside a transaction (statement by statement)',
      migration.dataStep ? 'then its data step' : '',
      `down: ${migration.down}`,
    ]
      .filter(Boolean)
      .join('; ');
    lines.push(`     - ${migration.name} (${how})`);
    for (const finding of migration.findings) lines.push(`         ${finding}`);
    if (withSql)
      lines.push(
        ...migration.sql
          .trim()
          .split('\n')
          .map((line) => `         | ${line}`),
      );
  }
  lines.push(
    '  4. verify: nothing pending or failed (a live schema that differs from schema.prisma is reported)' +
      (plan.healthCheck ? `, then ${plan.healthCheck}` : ''),
  );
  lines.push(
    '  on failure: the downs of what this deploy applied, newest first; the backup if a down is ' +
      "missing or fails; then the schema and every table's rows are compared with before",
  );
  return lines;
}
