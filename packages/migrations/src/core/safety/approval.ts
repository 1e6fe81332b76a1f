import { migrationChecksum } from '../migration-folders';
import type { Finding } from './analyze';

/**
 * An explicit approval of a migration's data loss (`--allowDataLoss`): who, when, which codes,
 * tied to the SHA-256 of migration.sql, so that editing the SQL afterwards voids it.
 */
export interface ApprovalRecord {
  migrationSha256: string;
  approvedBy: string;
  approvedAt: string;
  codes: string[];
  findings: string[];
}

export const APPROVAL_FILE = 'approval.json';

export function approvalRecord(sql: string, findings: readonly Finding[], approvedBy: string, at: Date): ApprovalRecord {
  return {
    migrationSha256: migrationChecksum(sql),
    approvedBy,
    approvedAt: at.toISOString(),
    codes: [...new Set(findings.map((finding) => finding.code))].sort(),
    findings: findings.map((finding) => `${finding.code} line ${finding.line}: ${finding.message}`),
  };
}

export type ApprovalStatus = { approved: true; record: ApprovalRecord } | { approved: false; reason: string };

/** Whether an approval record covers these blocking findings of this SQL. */
export function checkApproval(sql: string, blocking: readonly Finding[], record: ApprovalRecord | undefined): ApprovalStatus {
  if (blocking.length === 0 && !record) return { approved: false, reason: 'nothing to approve' };
  if (!record) return { approved: false, reason: `no ${APPROVAL_FILE}` };
  if (record.migrationSha256 !== migrationChecksum(sql)) {
    return {
      approved: false,
      reason: `${APPROVAL_FILE} approved another version of migration.sql (edited since ${record.approvedAt}): approve it again`,
    };
  }
  const missing = [...new Set(blocking.map((finding) => finding.code))].filter((code) => !record.codes.includes(code));
  if (missing.length) return { approved: false, reason: `${APPROVAL_FILE} does not approve ${missing.join(', ')}` };
  return { approved: true, record };
}

export function parseApproval(text: string | undefined): ApprovalRecord | undefined {
  if (!text) return undefined;
  try {
    const record = JSON.parse(text);
    return typeof record?.migrationSha256 === 'string' && Array.isArray(record.codes) ? record : undefined;
  } catch {
    return undefined;
  }
}
