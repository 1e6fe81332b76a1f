import path from 'node:path';
import { ForgeError } from '../core/errors';
import { lintHistory } from '../core/lint/lint-report';
import { APPROVAL_FILE, type ApprovalRecord, approvalRecord } from '../core/safety/approval';
import { loadSqlParser } from '../core/sql/parser';
import { loadVenture } from '../adapters/store/load-venture';
import type { ProjectFiles } from '../adapters/store/project-files';

export interface ApproveInput {
  project: string;
  workspaceRoot: string;
  /** The venture's folder, relative to the workspace. */
  projectRoot: string;
  files: ProjectFiles;
  /** One migration, or every migration with unapproved data loss. */
  migration?: string;
  who: string;
  now: Date;
}

export interface Approval {
  migration: string;
  /** Where the record goes, absolute. */
  file: string;
  record: ApprovalRecord;
}

/**
 * `nx g @forge/migrations:approve`: the approvals of existing migrations' destructive findings,
 * each bound to its migration.sql. Refuses a migration the history does not have, and a request
 * that finds nothing to approve.
 */
export async function approveMigrations(input: ApproveInput): Promise<Approval[]> {
  const parser = await loadSqlParser();
  const { layout, history } = await loadVenture(path.join(input.workspaceRoot, input.projectRoot), input.files);
  const { migration: only, project } = input;
  if (only && !history.migrations.some((migration) => migration.name === only)) {
    throw new ForgeError(
      'MIGRATION_NAME_INVALID',
      `${project} has no migration "${only}".`,
      `Name one of the folders of ${path.relative(input.workspaceRoot, layout.migrationsDir)}.`,
    );
  }
  const report = lintHistory({
    parser,
    project,
    migrations: history.migrations,
    include: (name) => !only || name === only,
    fileOf: (name) => name,
    scope: only ?? 'all',
  });
  const unapproved = report.migrations.filter((migration) => migration.findings.some((finding) => finding.blocking));
  if (unapproved.length === 0) {
    throw new ForgeError(
      'NOTHING_TO_APPROVE',
      only ? `${only} has no destructive finding that is not approved or waived.` : `No migration of ${project} has unapproved data loss.`,
      'Nothing was written: `nx run <project>:migrate-lint` lists the findings.',
    );
  }
  return unapproved.map((migration) => {
    const sql = history.migrations.find((candidate) => candidate.name === migration.name)!.sql;
    const blocking = migration.findings.filter((finding) => finding.blocking);
    return {
      migration: migration.name,
      file: path.join(layout.migrationsDir, migration.name, APPROVAL_FILE),
      record: approvalRecord(sql, blocking, input.who, input.now),
    };
  });
}
