import { analyzeHistory, blockingFindings, type Finding } from '../safety/analyze';
import { checkApproval, parseApproval } from '../safety/approval';
import { ruleDocPath } from '../safety/rule-docs';
import { type SqlParser, SqlSyntaxError } from '../sql/parser';

export interface LintedFinding extends Finding {
  /** The rule's doc page. */
  doc: string;
  /** Destructive, not waived, not approved: fails the lint (and the deploy). */
  blocking: boolean;
  /** Who approved the data loss and when, when approval.json covers it. */
  approved?: string;
}

export interface LintedMigration {
  name: string;
  /** migration.sql, relative to the workspace root, with `/` separators. */
  file: string;
  findings: LintedFinding[];
  /** Why the approval.json beside it does not approve its data loss, when it has one that does not. */
  approvalProblem?: string;
  /** The parser's error, when migration.sql is not valid SQL. */
  syntaxError?: { message: string; line?: number };
}

export interface LintReport {
  project: string;
  /** `all`, or the ref whose migrations were left out. */
  scope: string;
  ok: boolean;
  migrations: LintedMigration[];
  counts: { findings: number; blocking: number; waived: number; approved: number };
}

export interface LintInput {
  parser: SqlParser;
  project: string;
  /** The whole history, in order: earlier migrations tell the later ones' column types and enums. */
  migrations: ReadonlyArray<{ name: string; sql: string; approval?: string }>;
  /** Which migrations to report. */
  include(name: string): boolean;
  fileOf(name: string): string;
  /** Where a rule's doc page is, for the reader; its path in the repository by default. */
  docOf?(code: string): string;
  scope: string;
}

/** The findings of a history's migrations, with approvals applied: the data of every lint output. */
export function lintHistory(input: LintInput): LintReport {
  const analysed = analyzeHistory(input.parser, input.migrations);
  const migrations = input.migrations.flatMap((migration, index): LintedMigration[] => {
    if (!input.include(migration.name)) return [];
    const linted: LintedMigration = { name: migration.name, file: input.fileOf(migration.name), findings: [] };
    const syntaxError = syntaxErrorOf(input.parser, migration.sql);
    if (syntaxError) return [{ ...linted, syntaxError }];
    const findings = analysed[index];
    const blocking = blockingFindings(findings);
    const record = parseApproval(migration.approval);
    const status = checkApproval(migration.sql, blocking, record);
    if (migration.approval !== undefined && !record) linted.approvalProblem = 'approval.json is not an approval record: generate it again';
    else if (record && !status.approved) linted.approvalProblem = status.reason;
    linted.findings = findings.map((finding) => {
      const isBlocking = blocking.includes(finding);
      return {
        ...finding,
        doc: input.docOf?.(finding.code) ?? ruleDocPath(finding),
        blocking: isBlocking && !status.approved,
        approved: isBlocking && status.approved ? `${status.record.approvedBy} on ${status.record.approvedAt}` : undefined,
      };
    });
    return [linted];
  });
  const all = migrations.flatMap((migration) => migration.findings);
  const counts = {
    findings: all.length,
    blocking: all.filter((finding) => finding.blocking).length,
    waived: all.filter((finding) => finding.waived).length,
    approved: all.filter((finding) => finding.approved).length,
  };
  const ok = counts.blocking === 0 && migrations.every((migration) => !migration.syntaxError);
  return { project: input.project, scope: input.scope, ok, migrations, counts };
}

function syntaxErrorOf(parser: SqlParser, sql: string): LintedMigration['syntaxError'] {
  try {
    parser.parseScript(sql);
    return undefined;
  } catch (error) {
    if (!(error instanceof SqlSyntaxError)) throw error;
    return { message: error.message, line: error.offset === undefined ? undefined : sql.slice(0, error.offset).split('\n').length };
  }
}
