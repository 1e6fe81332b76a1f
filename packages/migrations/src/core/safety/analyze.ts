import { type SqlParser, SqlSyntaxError } from '../sql/parser';
import { RULES } from './catalogue';
import { KnownSchema } from './known-schema';
import { readOperations, type Located } from './operations';
import type { Family, Rule, RuleContext, Severity } from './rule';

/** A rule that applies to a statement of a migration. Findings are data, never exceptions. */
export interface Finding {
  code: string;
  family: Family;
  severity: Severity;
  title: string;
  migration: string;
  /** The table the finding is about, when it is about one. */
  table?: string;
  /** The column the finding is about, when it is about one. */
  column?: string;
  statement: number;
  line: number;
  excerpt: string;
  message: string;
  /** The reason given in a `-- forge-ignore CODE: reason` comment before the statement. */
  waived?: string;
}

export interface AnalysisInput {
  parser: SqlParser;
  migration: string;
  sql: string;
  columnType?: (table: string, column: string) => string | undefined;
  enumValues?: (type: string) => string[] | undefined;
  rules?: readonly Rule[];
  /** The schema the history built so far: read for column types and enum values, then updated with this migration. */
  known?: KnownSchema;
}

export interface AnalyzedMigration {
  name: string;
  sql: string;
}

const WAIVER = /--\s*forge-ignore\s+([A-Z]{2}\d{3})\s*:?\s*(.*)$/gm;

/** Run every rule over a migration's SQL. A script that does not parse yields no findings (applying it fails). */
export function analyzeMigration(input: AnalysisInput): Finding[] {
  let operations: Located[];
  try {
    operations = readOperations(input.parser, input.sql);
  } catch (error) {
    if (error instanceof SqlSyntaxError) return [];
    throw error;
  }
  const waivers = readWaivers(input.parser, input.sql);
  const createdTables = new Set<string>();
  let lockTimeoutSet = false;
  const reported = new Set<string>();
  const findings: Finding[] = [];
  operations.forEach((located, index) => {
    const context: RuleContext = {
      operations,
      index,
      createdTables,
      lockTimeoutSet,
      columnType: input.columnType ?? input.known?.columnType ?? (() => undefined),
      enumValues: input.enumValues ?? input.known?.enumValues ?? (() => undefined),
    };
    for (const rule of input.rules ?? RULES) {
      if (rule.oncePerMigration && reported.has(rule.code)) continue;
      const message = rule.check(located.operation, context);
      if (!message) continue;
      reported.add(rule.code);
      findings.push({
        code: rule.code,
        family: rule.family,
        severity: rule.severity,
        title: rule.title,
        migration: input.migration,
        table: 'table' in located.operation ? located.operation.table : undefined,
        column: 'column' in located.operation ? located.operation.column : undefined,
        statement: located.statement,
        line: located.line,
        excerpt: located.excerpt,
        message,
        waived: waivers.get(`${located.statement}:${rule.code}`),
      });
    }
    if (located.operation.kind === 'create_table') createdTables.add(located.operation.table);
    if (located.operation.kind === 'set_lock_timeout') lockTimeoutSet = true;
  });
  input.known?.apply(operations);
  return findings;
}

/** Analyze a history in order, each migration knowing the column types and enums the ones before it made. */
export function analyzeHistory(parser: SqlParser, migrations: readonly AnalyzedMigration[], rules?: readonly Rule[]): Finding[][] {
  const known = new KnownSchema();
  return migrations.map((migration) => analyzeMigration({ parser, migration: migration.name, sql: migration.sql, rules, known }));
}

/** `-- forge-ignore CODE: reason` waives that code for the statement that follows the comment. */
function readWaivers(parser: SqlParser, sql: string): Map<string, string> {
  if (!/forge-ignore/.test(sql)) return new Map();
  const starts = parser.parseScript(sql).map((statement) => statement.start);
  const waivers = new Map<string, string>();
  for (const match of sql.matchAll(WAIVER)) {
    const next = starts.findIndex((start) => start > (match.index ?? 0));
    if (next >= 0) waivers.set(`${next + 1}:${match[1]}`, match[2].trim() || 'no reason given');
  }
  return waivers;
}

/** Findings that block generating or deploying until approved: destructive, not waived. */
export function blockingFindings(findings: readonly Finding[]): Finding[] {
  return findings.filter((finding) => finding.family === 'destructive' && finding.severity === 'error' && !finding.waived);
}
