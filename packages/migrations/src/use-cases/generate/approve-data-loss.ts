import type { Tree } from '@nx/devkit';
import { ForgeError } from '../../core/errors';
import { blockingFindings } from '../../core/safety/analyze';
import { approvalRecord } from '../../core/safety/approval';
import { type AssessedFinding, describeImpact } from '../../core/safety/impact';
import { approver } from '../../adapters/store/approver';
import type { PreparedMigration } from '../generate';

/**
 * The safety gate: a destructive finding (not waived in the SQL) stops the generator unless
 * --allowDataLoss approves it, which records the approval beside the migration.
 */
export function approveDataLoss(tree: Tree, allowDataLoss: boolean | undefined, migrations: PreparedMigration[]): PreparedMigration[] {
  const blocking = migrations.flatMap((migration) => blockingFindings(migration.findings).map((finding) => finding as AssessedFinding));
  if (blocking.length === 0) return migrations;
  if (!allowDataLoss) {
    throw new ForgeError(
      'DATA_LOSS_NOT_APPROVED',
      `The migration would lose data, so nothing was written:\n${blocking
        .map(
          (finding) =>
            `  ${finding.code} ${finding.migration} line ${finding.line}: ${finding.message} (${describeImpact(finding.impact)})`,
        )
        .join('\n')}`,
      'If the loss is intended, run again with --allowDataLoss: the approval (who, when, which codes) is recorded with the migration.',
    );
  }
  const who = approver(tree.root);
  const now = new Date();
  return migrations.map((migration) => {
    const findings = blockingFindings(migration.findings);
    if (findings.length === 0) return migration;
    const approval = approvalRecord(migration.sql.up, findings, who, now);
    const codes = approval.codes.join(', ');
    const approved = `Data loss approved by ${who} on ${approval.approvedAt} (${codes}), recorded in approval.json for this exact migration.sql.`;
    return { ...migration, approval, docs: { ...migration.docs, approval: approved } };
  });
}
